from enum import StrEnum


class BatchV2GeopackageInputType(StrEnum):
    GEOPACKAGE = "geopackage"

    def __str__(self) -> str:
        return str(self.value)
