from enum import StrEnum


class RunStatus(StrEnum):
    CANCELED = "canceled"
    DISPATCHING = "dispatching"
    FAILED = "failed"
    PARTIAL_SUCCEEDED = "partial_succeeded"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"

    def __str__(self) -> str:
        return str(self.value)
