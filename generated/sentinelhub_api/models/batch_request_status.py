from enum import StrEnum


class BatchRequestStatus(StrEnum):
    ANALYSING = "ANALYSING"
    ANALYSIS_DONE = "ANALYSIS_DONE"
    CANCELED = "CANCELED"
    CREATED = "CREATED"
    DONE = "DONE"
    FAILED = "FAILED"
    PARTIAL = "PARTIAL"
    PROCESSING = "PROCESSING"

    def __str__(self) -> str:
        return str(self.value)
