"""A lenient view of a run, built from the raw JSON so that new values never break a caller.

Runflow adds values over time. The generated models keep a status they do not know (``"paused"``) or an
output ``type`` outside the enum (``"mask"``) as a plain string, but a body of the wrong shape (an output
whose ``outputs`` is not a list, an id that is not a UUID) leaves them holding raw data or failing. So the
view keeps every field as plain data and offers the generated model only as ``typed``, when it parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FAILURE_STATUSES", "SUCCESS_STATUSES", "RunOutput", "RunView"]

# Everything else (queued, dispatching, running, and any status we have never seen) counts as pending.
SUCCESS_STATUSES = frozenset({"succeeded", "partial_succeeded"})
# The run record says ``canceled``; older docs and callbacks say ``cancelled``. Both end a run.
FAILURE_STATUSES = frozenset({"failed", "canceled", "cancelled"})


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


@dataclass(frozen=True, kw_only=True)
class RunOutput:
    """One generated artifact. ``url`` is presigned and short-lived: download it soon."""

    url: str
    type: str | None = None
    content_type: str | None = None
    width: int | None = None
    height: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        # Presigned URLs carry their signature in the query string; keep it out of logs.
        shown = self.url.split("?", 1)[0] + ("?…" if "?" in self.url else "")
        return (
            f"RunOutput(url={shown!r}, type={self.type!r}, content_type={self.content_type!r}, "
            f"width={self.width!r}, height={self.height!r})"
        )

    @classmethod
    def parse_all(cls, output: object) -> tuple[RunOutput, ...]:
        """Items of the normalized ``output.outputs[]``; the older callback example's ``image_urls[]`` is
        accepted when ``outputs`` is absent. Items without a usable ``url`` are skipped."""
        if not isinstance(output, Mapping):
            return ()
        items = output.get("outputs")
        if items is None:
            items = output.get("image_urls")
        if not isinstance(items, Sequence) or isinstance(items, str):
            return ()
        parsed: list[RunOutput] = []
        for item in items:
            if isinstance(item, str):
                parsed.append(cls(url=item))
            elif isinstance(item, Mapping) and isinstance(item.get("url"), str):
                parsed.append(
                    cls(
                        url=item["url"],
                        type=_str(item.get("type")),
                        content_type=_str(item.get("content_type")),
                        width=_int(item.get("width")),
                        height=_int(item.get("height")),
                        raw=dict(item),
                    )
                )
        return tuple(parsed)


@dataclass(frozen=True, kw_only=True)
class RunView:
    """What the runtime knows about a run. ``status`` is whatever the API said (``None`` if it said
    nothing); ``raw`` is the full JSON object; ``typed`` is the generated model when it parsed, else None.

    ``dispatched_at`` is set on the view ``submit()``/``run()`` return: the submitting client's ``clock``
    reading just before the request that created the run was sent (a lower bound of its creation). It lets
    a later ``wait(view)`` place the model's learned durations, which count from the run's creation, on
    its own clock; the server's ``created_at`` cannot, as the two clocks are not comparable.
    """

    id: str
    status: str | None
    outputs: tuple[RunOutput, ...] = ()
    failure_code: str | None = None
    failure_message: str | None = None
    failure_stage: str | None = None
    client_ref: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    duration_ms: int | None = None
    request_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    typed: object | None = field(default=None, repr=False, compare=False)
    dispatched_at: float | None = field(default=None, compare=False)

    @classmethod
    def from_json(
        cls, raw: Mapping[str, Any], *, typed: object | None = None, request_id: str | None = None
    ) -> RunView:
        """Build the view from a run object; the caller has checked that ``raw['id']`` is a string."""
        return cls(
            id=str(raw["id"]),
            status=_str(raw.get("status_code")) or _str(raw.get("status")),
            outputs=RunOutput.parse_all(raw.get("output")),
            failure_code=_str(raw.get("failure_code")),
            failure_message=_str(raw.get("failure_message")),
            failure_stage=_str(raw.get("failure_stage_code")) or _str(raw.get("failure_stage")),
            client_ref=_str(raw.get("client_ref")),
            created_at=_str(raw.get("created_at")),
            started_at=_str(raw.get("started_at")),
            completed_at=_str(raw.get("completed_at")),
            duration_ms=_int(raw.get("duration_ms")),
            request_id=request_id or _str(raw.get("request_id")),
            raw=dict(raw),
            typed=typed,
        )

    @property
    def succeeded(self) -> bool:
        """``succeeded`` or ``partial_succeeded`` (inspect ``outputs`` for which entries landed)."""
        return self.status in SUCCESS_STATUSES

    @property
    def failed(self) -> bool:
        """``failed``, ``canceled`` or ``cancelled``."""
        return self.status in FAILURE_STATUSES

    @property
    def has_started(self) -> bool:
        """Whether the run left the queue: ``running``, or a ``started_at`` set (whatever the status)."""
        return self.status == "running" or self.started_at is not None

    @property
    def is_terminal(self) -> bool:
        """Whether the run will not change any more."""
        return self.succeeded or self.failed
