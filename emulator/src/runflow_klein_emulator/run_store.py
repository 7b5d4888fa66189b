"""Runs: creation, the clock-driven lifecycle, JSON rendering and search.

A run's status is computed from the monotonic clock on every read (queued for the first fifth
of ``run_seconds``, then running, then terminal), so nothing has to wake up to advance it and a
read can never observe an impossible transition.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from runflow_klein_emulator.callback_delivery import Delivery
from runflow_klein_emulator.contract import InvalidRequest
from runflow_klein_emulator.image_files import CONTENT_TYPES, PRESET_SIZES, emulated_size, render
from runflow_klein_emulator.settings import EmulatorConfig
from runflow_klein_emulator.url_signing import UrlSigner

QUEUED_FRACTION = 0.2
DEFAULT_PAGE_SIZE = 50
FAILURE_CODE = "MODEL_UNAVAILABLE"
FAILURE_MESSAGE = "The model provider did not return an output (emulated failure)."
FILTERABLE = ("id", "client_ref", "status_code", "request_id", "source_code", "target_type")
SORTABLE = ("created_at", "completed_at", *FILTERABLE)
ORG_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "runflow-klein-emulator:org"))
USER_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "runflow-klein-emulator:user"))

_CLAUSE = re.compile(
    r"\s*(?P<field>[A-Za-z_]\w*)(?:\.(?P<op>[A-Za-z]+))?:(?P<value>'[^']*'|\"[^\"]*\"|[^\s'\"]+)\s*"
)
_AND = re.compile(r"AND\b")


@dataclass(frozen=True)
class ModelProfile:
    """What the spec says about one klein model that shapes its emulated output and price."""

    model: str
    input_properties: Mapping[str, Any]
    pricing: Mapping[str, Any] | None

    @property
    def model_id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"runflow-klein-emulator:model:{self.model}"))

    def plan(self, model_input: Mapping[str, Any]) -> OutputPlan:
        """Decide format, count and size from the input, falling back to the spec's defaults.

        The 4B edit input has no ``output_format``; its page says it returns JPEG. Models whose
        ``image_size`` is free text fall back to the documented ``landscape_4_3`` default (edit
        models to ``square_hd``, the 1024x1024 of the 4B edit price note).
        """
        props = self.input_properties
        fmt = model_input.get("output_format", props.get("output_format", {}).get("default"))
        if fmt not in CONTENT_TYPES:
            fmt = "png" if "output_format" in props else "jpeg"
        count = model_input.get("num_images", props.get("num_images", {}).get("default", 1))
        preset = model_input.get("image_size", props.get("image_size", {}).get("default"))
        if preset not in PRESET_SIZES:
            preset = "square_hd" if self.model.endswith("/edit") else "landscape_4_3"
        return OutputPlan(output_format=fmt, count=count if isinstance(count, int) else 1, preset=preset)

    def cost(self, plan: OutputPlan) -> str | None:
        """Price from the operation's ``x-pricing`` at the preset's nominal (not emulated) size."""
        if not self.pricing:
            return None
        usd = Decimal(str(self.pricing["usd"]))
        if self.pricing.get("unit") == "megapixel":
            width, height = PRESET_SIZES[plan.preset]
            amount = usd * Decimal(width * height) / Decimal(1_000_000) * plan.count
        elif self.pricing.get("unit") == "image":
            amount = usd * plan.count
        else:
            return None
        return format(amount.quantize(Decimal("0.000001")), "f")


@dataclass(frozen=True)
class OutputPlan:
    output_format: str
    count: int
    preset: str


@dataclass
class Run:
    id: str
    profile: ModelProfile
    input: dict[str, Any]
    plan: OutputPlan
    seed: int
    fails: bool
    source: str
    request_id: str
    base_url: str
    run_seconds: float
    created_at: datetime
    created_mono: float
    metadata: dict[str, Any] | None = None
    callback_url: str | None = None
    client_ref: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    _files: dict[int, bytes] = field(default_factory=dict, repr=False)

    @property
    def started_mono(self) -> float:
        return self.created_mono + self.run_seconds * QUEUED_FRACTION

    @property
    def completes_mono(self) -> float:
        return self.created_mono + self.run_seconds

    def status(self, now: float) -> str:
        if now >= self.completes_mono:
            return "failed" if self.fails else "succeeded"
        return "running" if now >= self.started_mono else "queued"

    def is_terminal(self, now: float) -> bool:
        return now >= self.completes_mono

    @property
    def timing(self) -> dict[str, float]:
        return {"inference": round(self.run_seconds * (1 - QUEUED_FRACTION), 3)}

    def wall(self, offset: float) -> str:
        return (self.created_at + timedelta(seconds=offset)).isoformat()

    def file(self, index: int) -> bytes:
        """The encoded bytes of output ``index`` (rendered once, on first download)."""
        if index not in self._files:
            width, height = emulated_size(self.plan.preset)
            self._files[index] = render(
                width=width, height=height, seed=self.seed, index=index, output_format=self.plan.output_format
            )
        return self._files[index]


class RunStore:
    """All runs of one emulator, plus the seeded draws that decide their fate."""

    def __init__(self, config: EmulatorConfig, signer: UrlSigner) -> None:
        self._config = config
        self._signer = signer
        self._rng = random.Random(config.seed)  # noqa: S311 - reproducible draws, not secrets
        self._runs: dict[str, Run] = {}

    def create(
        self,
        *,
        profile: ModelProfile,
        model_input: dict[str, Any],
        source: str,
        request_id: str,
        base_url: str,
        metadata: dict[str, Any] | None = None,
        callback_url: str | None = None,
        client_ref: str | None = None,
    ) -> Run:
        # Always draw both numbers, in this order, so a seed fixes the failure sequence whether
        # or not inputs carry their own seed.
        fails = self._rng.random() < self._config.fail_rate
        drawn_seed = self._rng.randrange(2**31)
        seed = model_input.get("seed")
        run = Run(
            id=str(uuid7()),
            profile=profile,
            input=model_input,
            plan=profile.plan(model_input),
            seed=seed if isinstance(seed, int) else drawn_seed,
            fails=fails,
            source=source,
            request_id=request_id,
            base_url=base_url,
            run_seconds=self._config.run_seconds,
            created_at=datetime.now(UTC),
            created_mono=time.monotonic(),
            metadata=metadata,
            callback_url=callback_url,
            client_ref=client_ref,
        )
        self._runs[run.id] = run
        return run

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id.lower())

    def to_json(self, run: Run, *, as_dispatched: bool = False) -> dict[str, Any]:
        """The documented Run object; ``as_dispatched`` renders the queued snapshot of dispatch."""
        now = run.created_mono if as_dispatched else time.monotonic()
        status = "queued" if as_dispatched else run.status(now)
        terminal = status in ("succeeded", "failed")
        return {
            "id": run.id,
            "model_id": run.profile.model_id,
            "target_type": "model",
            "org_id": ORG_ID,
            "status_code": status,
            "source_code": run.source,
            "input": run.input,
            "output": self.output_json(run) if status == "succeeded" else None,
            "duration_ms": round(run.run_seconds * 1000) if terminal else None,
            "cost": run.profile.cost(run.plan) if status == "succeeded" else None,
            "client_ref": run.client_ref,
            "request_id": run.request_id,
            "created_by": USER_ID,
            "created_at": run.wall(0),
            "started_at": run.wall(run.started_mono - run.created_mono) if status != "queued" else None,
            "completed_at": run.wall(run.run_seconds) if terminal else None,
            "callback_url": run.callback_url,
            "metadata": run.metadata,
            "has_logs": False,
            "has_node_runs": False,
            "failure_code": FAILURE_CODE if status == "failed" else None,
            "failure_message": FAILURE_MESSAGE if status == "failed" else None,
            "failure_stage_code": "execution" if status == "failed" else None,
        }

    def output_json(self, run: Run) -> dict[str, Any]:
        return {
            "outputs": [{**image, "type": "image"} for image in self.images_json(run)],
            "seed": run.seed,
            "timing": run.timing,
            "nsfw_detected": False,
            "model_data": None,
        }

    def images_json(self, run: Run) -> list[dict[str, Any]]:
        """One ``{url, width, height, content_type}`` per output, with freshly signed URLs."""
        width, height = emulated_size(run.plan.preset)
        ext = run.plan.output_format
        images = []
        for index in range(run.plan.count):
            path = f"/__emulator/files/{run.id}/{index}.{ext}"
            images.append(
                {
                    "url": f"{run.base_url}{path}?{self._signer.sign(path)}",
                    "width": width,
                    "height": height,
                    "content_type": CONTENT_TYPES[ext],
                }
            )
        return images

    def callback_payload(self, run: Run) -> dict[str, Any]:
        """The CallbackPayload of a terminal run (datetimes as ``isoformat()``, ``+00:00``)."""
        failed = run.fails
        return {
            "event": "run.failed" if failed else "run.completed",
            "run_id": run.id,
            "status": "failed" if failed else "succeeded",
            "output": {"code": FAILURE_CODE, "message": FAILURE_MESSAGE} if failed else self.output_json(run),
            "duration_ms": round(run.run_seconds * 1000),
            "created_at": run.wall(0),
            "completed_at": run.wall(run.run_seconds),
            "metadata": run.metadata,
        }

    def search(
        self, *, q: str | None, sort_by: str | None, limit: int | None, pq: str | None, fields: str | None
    ) -> dict[str, Any]:
        """The RunPage for ``GET /v1/runs``: equality filters joined by AND, sort, offset cursors."""
        clauses = _parse_filter(q) if q else []
        items = [self.to_json(run) for run in self._runs.values()]
        items = [item for item in items if all(item.get(name) == value for name, value in clauses)]
        for name, descending in reversed(_parse_sort(sort_by or "created_at:desc")):
            present = [item for item in items if item.get(name) is not None]
            missing = [item for item in items if item.get(name) is None]
            items = sorted(present, key=lambda item: str(item[name]), reverse=descending) + missing
        size = limit or DEFAULT_PAGE_SIZE
        offset = _decode_cursor(pq) if pq else 0
        page = items[offset : offset + size]
        if fields:
            wanted = {"id", *(name.strip() for name in fields.split(","))}
            page = [{key: value for key, value in item.items() if key in wanted} for item in page]
        return {
            "items": page,
            "first": _encode_cursor(0),
            "next": _encode_cursor(offset + size) if offset + size < len(items) else None,
            "previous": _encode_cursor(max(offset - size, 0)) if offset > 0 else None,
        }


def uuid7() -> uuid.UUID:
    """A time-ordered UUIDv7 (RFC 9562), the documented run id kind; stdlib has it from 3.14."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62
    return uuid.UUID(int=value | rand & (2**62 - 1))


def _parse_filter(q: str) -> list[tuple[str, str]]:
    """Parse ``field.EQ:'value' AND field:value``, the subset of the filter grammar emulated."""
    clauses = []
    pos = 0
    while True:
        match = _CLAUSE.match(q, pos)
        if match is None:
            raise _query_error("q", f"cannot parse the filter at offset {pos}")
        name, op, value = match["field"], match["op"], match["value"]
        if op is not None and op.upper() != "EQ":
            raise _query_error("q", f"operator {op!r} is not supported by the emulator (only EQ)")
        if name not in FILTERABLE:
            raise _query_error("q", f"cannot filter on {name!r} (one of {', '.join(FILTERABLE)})")
        clauses.append((name, value[1:-1] if value[0] in "'\"" else value))
        pos = match.end()
        if pos == len(q):
            return clauses
        joiner = _AND.match(q, pos)
        if joiner is None:
            raise _query_error("q", f"expected AND at offset {pos}")
        pos = joiner.end()


def _parse_sort(sort_by: str) -> list[tuple[str, bool]]:
    keys = []
    for part in sort_by.split(","):
        name, _, direction = part.strip().partition(":")
        if name not in SORTABLE or direction not in ("", "asc", "desc"):
            raise _query_error("sort_by", f"cannot sort by {part.strip()!r}")
        keys.append((name, direction == "desc"))
    return keys


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        prefix, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == "offset" and offset.isdigit():
            return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise _query_error("pq", "not a cursor returned by this emulator")


def _query_error(name: str, message: str) -> InvalidRequest:
    return InvalidRequest([{"loc": ["query", name], "msg": message, "type": "value_error"}])
