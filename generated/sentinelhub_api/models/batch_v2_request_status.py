from enum import StrEnum


class BatchV2RequestStatus(StrEnum):
    ANALYSING = "ANALYSING"
    ANALYSIS_DONE = "ANALYSIS_DONE"
    CREATED = "CREATED"
    DONE = "DONE"
    FAILED = "FAILED"
    PROCESSING = "PROCESSING"
    STOPPED = "STOPPED"

    def __str__(self) -> str:
        return str(self.value)
