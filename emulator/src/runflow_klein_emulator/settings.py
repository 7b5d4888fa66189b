"""The emulator's knobs: one frozen config for the server and one record per injected fault.

Both are plain frozen dataclasses so the CLI can build them from flags and tests can build them
inline; they validate themselves on construction so a bad flag fails before a server starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args

FaultKind = Literal["status", "rate_limit", "html", "truncated_json", "hang", "drop"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(frozen=True, kw_only=True)
class Fault:
    """Make the next ``count`` requests to ``operation`` misbehave (see the package docstring).

    ``operation`` is an operationId from the composed spec (``get_run``,
    ``create_flux_2_klein_4b_run``…), an emulator route name (``download_output``,
    ``upload_asset_bytes``, ``download_asset``) or ``"*"`` for any documented operation.
    ``process=True`` lets the request take effect first (the run is created) and only then
    misbehaves, which is how a client meets an ambiguous dispatch.
    """

    kind: FaultKind
    operation: str = "*"
    count: int = 1
    status: int | None = None
    retry_after: int = 1
    process: bool = False
    hang_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}, got {self.kind!r}")
        if not isinstance(self.operation, str) or not self.operation:
            raise ValueError("operation must be a non-empty string")
        _require_int(self.count, "count", minimum=1)
        if self.status is not None:
            _require_int(self.status, "status", minimum=100)
            if self.status > 599:
                raise ValueError(f"status must be at most 599, got {self.status}")
        _require_int(self.retry_after, "retry_after", minimum=0)
        if not isinstance(self.process, bool):
            raise ValueError("process must be a boolean")
        if isinstance(self.hang_seconds, bool) or not isinstance(self.hang_seconds, int | float):
            raise ValueError("hang_seconds must be a number")
        if not 0 < self.hang_seconds < math.inf:
            raise ValueError(f"hang_seconds must be positive and finite, got {self.hang_seconds}")

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """Build a fault from the admin endpoint's JSON body, rejecting unknown keys."""
        if not isinstance(data, dict):
            raise ValueError("a fault must be a JSON object")
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        if "kind" not in data:
            raise ValueError("kind is required")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, kw_only=True)
class EmulatorConfig:
    """How the emulated API behaves.

    ``api_key=None`` accepts any non-empty bearer token. ``seed`` makes the ``fail_rate`` draws
    and the seeds of runs that did not ask for one reproducible (in dispatch order).
    ``callback_retry_delays`` are the pauses between delivery attempts, so a callback is tried
    ``len(callback_retry_delays) + 1`` times. ``faults`` are queued when the app is created, in
    addition to those posted to ``/__emulator/faults`` later. ``spec_path`` serves another composed
    spec than the packaged one (the operationIds must be the project's: compose gives them).
    """

    run_seconds: float = 2.0
    fail_rate: float = 0.0
    callback_secret: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    seed: int | None = None
    callback_retry_delays: tuple[float, ...] = (1.0, 2.0)
    callback_timeout: float = 5.0
    faults: tuple[Fault, ...] = ()
    spec_path: Path | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.run_seconds < math.inf:
            raise ValueError(f"run_seconds must be >= 0 and finite, got {self.run_seconds}")
        if not 0 <= self.fail_rate <= 1:
            raise ValueError(f"fail_rate must be between 0 and 1, got {self.fail_rate}")
        if self.api_key is not None and not self.api_key:
            raise ValueError("api_key must be non-empty (use None to accept any token)")
        if self.callback_secret is not None and not self.callback_secret:
            raise ValueError("callback_secret must be non-empty (use None to send unsigned callbacks)")
        if any(not 0 <= delay < math.inf for delay in self.callback_retry_delays):
            raise ValueError("callback_retry_delays must be >= 0 and finite")
        if not 0 < self.callback_timeout < math.inf:
            raise ValueError(f"callback_timeout must be positive, got {self.callback_timeout}")


def _require_int(value: Any, name: str, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
