from enum import StrEnum


class CallbackEvent(StrEnum):
    RUN_CANCELLED = "run.cancelled"
    RUN_COMPLETED = "run.completed"
    RUN_FAILED = "run.failed"
    RUN_PARTIAL_SUCCEEDED = "run.partial_succeeded"

    def __str__(self) -> str:
        return str(self.value)
