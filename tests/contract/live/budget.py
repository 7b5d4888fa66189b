"""The paid-run budget of a live session, and the cheapest input of every klein model.

Dispatching a klein run costs money. Every request that can create a run first reserves one unit of
the budget and gives it back when the API answered anything but 2xx (nothing was created), so at
most ``limit`` runs are ever paid for in one session, whatever the tests or schemathesis send.
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass, field
from typing import Any

# A 2x2 PNG (red) for the edit models' source image: an inline data URI costs no upload.
_TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="
)
SOURCE_IMAGE = "data:image/png;base64," + base64.b64encode(_TINY_PNG).decode()
SQUARE_MEGAPIXELS = 512 * 512 / 1_000_000  # the `square` preset (fal's table), the smallest one
SOURCE_MEGAPIXELS = 2 * 2 / 1_000_000


@dataclass(frozen=True)
class PlannedRun:
    """The cheapest run of one model: smallest preset, one image, fewest steps."""

    model: str
    operation_id: str
    path: str
    input: dict[str, Any]
    usd: float


def planned_runs(spec: dict[str, Any]) -> list[PlannedRun]:
    """One cheapest run per klein model, cheapest first, priced from the operations' x-pricing."""
    plans = []
    for path, item in spec["paths"].items():
        operation = item.get("post", {})
        model = operation.get("x-klein-model")
        if not model or not path.startswith("/v1/models/"):
            continue
        edit = model.endswith("/edit")
        run_input: dict[str, Any] = {"prompt": "a small red square on a white background"}
        if model == "black-forest-labs/flux-2-klein-4b/edit":
            run_input |= {"steps": 1, "image_urls": [SOURCE_IMAGE]}
        else:
            # 4B documents 1-50 steps; the 9B variants document none, and fal's 9B accepts 4-8.
            steps = 1 if model == "black-forest-labs/flux-2-klein-4b" else 4
            run_input |= {"image_size": "square", "num_images": 1, "num_inference_steps": steps}
            if edit:
                run_input["image_urls"] = [SOURCE_IMAGE]
        plans.append(
            PlannedRun(model, operation["operationId"], path, run_input, _price(operation, edit=edit))
        )
    return sorted(plans, key=lambda plan: (plan.usd, plan.operation_id))


def _price(operation: dict[str, Any], *, edit: bool) -> float:
    pricing = operation.get("x-pricing", {})
    usd = float(pricing.get("usd", 0.0))
    if pricing.get("unit") == "megapixel":
        # Edit pricing counts input + output megapixels; the source image is tiny.
        return usd * (SQUARE_MEGAPIXELS + (SOURCE_MEGAPIXELS if edit else 0.0))
    return usd


@dataclass
class Budget:
    """At most ``limit`` paid runs per session (thread-safe: schemathesis may call concurrently).

    With a limit of 2 or more, planned (paid) runs leave one unit unused: it covers probes, the
    requests that are expected to be rejected (invalid dispatches) but would be paid for if the
    API wrongly accepted one. Without it the negative tests could never run.
    """

    limit: int
    spent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def kept_for_probes(self) -> int:
        return 1 if self.limit >= 2 else 0

    def reserve(self, *, probe: bool = False) -> bool:
        with self._lock:
            available = self.limit - (0 if probe else self.kept_for_probes)
            if self.spent >= available:
                return False
            self.spent += 1
            return True

    def settle(self, *, created: bool) -> None:
        """Give the reserved unit back unless a run was actually created."""
        if not created:
            with self._lock:
                self.spent -= 1


def describe(budget: Budget, plans: list[PlannedRun]) -> str:
    """The line printed before anything is spent."""
    runs = budget.limit - budget.kept_for_probes
    worst = max((plan.usd for plan in plans), default=0.0)
    planned = ", ".join(f"{plan.operation_id} ≈ ${plan.usd:.4f}" for plan in plans[:runs])
    kept = " + 1 kept to cover a wrongly accepted invalid request" if budget.kept_for_probes else ""
    return (
        f"live budget: at most {budget.limit} paid run(s): {runs} planned (image_size square, num_images 1, "
        f"fewest steps: {planned or 'none'}){kept}; worst case ≈ ${budget.limit * worst:.4f}"
    )


def is_image(data: bytes) -> bool:
    """True for bytes that open as an image (outputs are checked to be real images)."""
    from PIL import Image  # noqa: PLC0415 (only the live runs test downloads images)

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        return False
    return True
