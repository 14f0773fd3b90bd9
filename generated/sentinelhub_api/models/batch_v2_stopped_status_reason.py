from enum import StrEnum


class BatchV2StoppedStatusReason(StrEnum):
    OUT_OF_PU = "OUT_OF_PU"
    UNHEALTHY = "UNHEALTHY"
    USER_ACTION = "USER_ACTION"

    def __str__(self) -> str:
        return str(self.value)
