from enum import StrEnum


class BatchV2TilingGridInputType(StrEnum):
    TILING_GRID = "tiling-grid"

    def __str__(self) -> str:
        return str(self.value)
