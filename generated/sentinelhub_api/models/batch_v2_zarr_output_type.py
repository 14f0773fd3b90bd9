from enum import StrEnum


class BatchV2ZarrOutputType(StrEnum):
    ZARR = "zarr"

    def __str__(self) -> str:
        return str(self.value)
