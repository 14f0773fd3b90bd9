from enum import StrEnum


class ByocTileStatus(StrEnum):
    FAILED = "FAILED"
    INGESTED = "INGESTED"
    INGESTING = "INGESTING"
    QUEUED = "QUEUED"
    WAITING = "WAITING"

    def __str__(self) -> str:
        return str(self.value)
