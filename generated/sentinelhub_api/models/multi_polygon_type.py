from enum import StrEnum


class MultiPolygonType(StrEnum):
    MULTIPOLYGON = "MultiPolygon"

    def __str__(self) -> str:
        return str(self.value)
