from enum import StrEnum


class GetByocCollectionTilesSort(StrEnum):
    CREATEDASC = "created:asc"
    CREATEDDESC = "created:desc"

    def __str__(self) -> str:
        return str(self.value)
