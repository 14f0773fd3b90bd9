from enum import StrEnum


class BatchV2InstanceType(StrEnum):
    LARGE = "large"
    NORMAL = "normal"

    def __str__(self) -> str:
        return str(self.value)
