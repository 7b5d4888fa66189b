from enum import StrEnum


class KleinImageSize(StrEnum):
    LANDSCAPE_16_9 = "landscape_16_9"
    LANDSCAPE_4_3 = "landscape_4_3"
    PORTRAIT_16_9 = "portrait_16_9"
    PORTRAIT_4_3 = "portrait_4_3"
    SQUARE = "square"
    SQUARE_HD = "square_hd"

    def __str__(self) -> str:
        return str(self.value)
