from enum import StrEnum


class ByocSensingTimes(StrEnum):
    NO = "NO"
    PARTIALLY = "PARTIALLY"
    YES = "YES"

    def __str__(self) -> str:
        return str(self.value)
