from enum import StrEnum


class BatchUserAction(StrEnum):
    ANALYSE = "ANALYSE"
    CANCEL = "CANCEL"
    NONE = "NONE"
    START = "START"

    def __str__(self) -> str:
        return str(self.value)
