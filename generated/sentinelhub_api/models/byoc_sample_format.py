from enum import StrEnum


class ByocSampleFormat(StrEnum):
    FLOAT = "FLOAT"
    INT = "INT"
    UINT = "UINT"

    def __str__(self) -> str:
        return str(self.value)
