from enum import StrEnum


class BatchTileStatus(StrEnum):
    FAILED = "FAILED"
    PENDING = "PENDING"
    PROCESSED = "PROCESSED"
    PROCESSING = "PROCESSING"
    QUEUED = "QUEUED"
    SCHEDULED = "SCHEDULED"

    def __str__(self) -> str:
        return str(self.value)
