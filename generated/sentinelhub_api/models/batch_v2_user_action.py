from enum import StrEnum


class BatchV2UserAction(StrEnum):
    ANALYSE = "ANALYSE"
    NONE = "NONE"
    START = "START"
    STOP = "STOP"

    def __str__(self) -> str:
        return str(self.value)
