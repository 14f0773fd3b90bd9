from enum import StrEnum


class BatchV2RasterOutputType(StrEnum):
    RASTER = "raster"

    def __str__(self) -> str:
        return str(self.value)
