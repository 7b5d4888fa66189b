from enum import StrEnum


class CallbackPayloadStatus(StrEnum):
    CANCELED = "canceled"
    CANCELLED = "cancelled"
    FAILED = "failed"
    PARTIAL_SUCCEEDED = "partial_succeeded"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
