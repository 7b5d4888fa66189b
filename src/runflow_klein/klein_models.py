"""The four klein models: their ids, their generated dispatch operation and their input quirks.

Why a table: the models differ in ways a caller should not have to remember (4B edit calls its step
count ``steps`` and has no ``output_format``; the edit models take ``image_urls``). Every dispatch goes
through the model's own generated typed operation, so the request body is checked by the generated model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from runflow_klein_client.api.models import (
    create_flux_2_klein_4b_edit_run,
    create_flux_2_klein_4b_run,
    create_flux_2_klein_9b_edit_run,
    create_flux_2_klein_9b_run,
)
from runflow_klein_client.models import (
    Flux2Klein4BEditRun,
    Flux2Klein4BEditRunRequest,
    Flux2Klein4BRun,
    Flux2Klein4BRunRequest,
    Flux2Klein9BEditRun,
    Flux2Klein9BEditRunRequest,
    Flux2Klein9BRun,
    Flux2Klein9BRunRequest,
)
from runflow_klein_client.types import Response

__all__ = ["MODELS", "KleinModel", "Operation", "model_named_by", "resolve_model"]

OWNER = "black-forest-labs"


class _RequestBody(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Operation:
    """A generated operation: its name plus its ``sync_detailed`` / ``asyncio_detailed`` functions."""

    name: str
    sync: Callable[..., Response[Any]]
    asyncio: Callable[..., Awaitable[Response[Any]]]


@dataclass(frozen=True, kw_only=True)
class KleinModel:
    """One klein model. ``short_id`` is the id without the ``black-forest-labs/`` owner."""

    short_id: str
    operation: Operation
    request_type: Callable[[Mapping[str, Any]], _RequestBody]
    run_type: type
    steps_field: str
    has_output_format: bool
    has_num_images: bool
    is_edit: bool

    @property
    def id(self) -> str:
        """The full model id, e.g. ``black-forest-labs/flux-2-klein-4b/edit``."""
        return f"{OWNER}/{self.short_id}"


MODELS: Mapping[str, KleinModel] = {
    model.short_id: model
    for model in (
        KleinModel(
            short_id="flux-2-klein-4b",
            operation=Operation(
                "create_flux_2_klein_4b_run",
                create_flux_2_klein_4b_run.sync_detailed,
                create_flux_2_klein_4b_run.asyncio_detailed,
            ),
            request_type=Flux2Klein4BRunRequest.from_dict,
            run_type=Flux2Klein4BRun,
            steps_field="num_inference_steps",
            has_output_format=True,
            has_num_images=True,
            is_edit=False,
        ),
        KleinModel(
            short_id="flux-2-klein-4b/edit",
            operation=Operation(
                "create_flux_2_klein_4b_edit_run",
                create_flux_2_klein_4b_edit_run.sync_detailed,
                create_flux_2_klein_4b_edit_run.asyncio_detailed,
            ),
            request_type=Flux2Klein4BEditRunRequest.from_dict,
            run_type=Flux2Klein4BEditRun,
            steps_field="steps",
            has_output_format=False,
            has_num_images=False,
            is_edit=True,
        ),
        KleinModel(
            short_id="flux-2-klein-9b",
            operation=Operation(
                "create_flux_2_klein_9b_run",
                create_flux_2_klein_9b_run.sync_detailed,
                create_flux_2_klein_9b_run.asyncio_detailed,
            ),
            request_type=Flux2Klein9BRunRequest.from_dict,
            run_type=Flux2Klein9BRun,
            steps_field="num_inference_steps",
            has_output_format=True,
            has_num_images=True,
            is_edit=False,
        ),
        KleinModel(
            short_id="flux-2-klein-9b/edit",
            operation=Operation(
                "create_flux_2_klein_9b_edit_run",
                create_flux_2_klein_9b_edit_run.sync_detailed,
                create_flux_2_klein_9b_edit_run.asyncio_detailed,
            ),
            request_type=Flux2Klein9BEditRunRequest.from_dict,
            run_type=Flux2Klein9BEditRun,
            steps_field="num_inference_steps",
            has_output_format=True,
            has_num_images=True,
            is_edit=True,
        ),
    )
}


def resolve_model(name: str | KleinModel) -> KleinModel:
    """Accept ``flux-2-klein-4b/edit`` or ``black-forest-labs/flux-2-klein-4b/edit`` (case-insensitive)."""
    if isinstance(name, KleinModel):
        return name
    key = name.strip().strip("/").lower()
    key = key.removeprefix(f"{OWNER}/")
    try:
        return MODELS[key]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise ValueError(f"unknown klein model {name!r}; expected one of: {known}") from None


# Where a run object may name its model by slug. The spec's ``model_id`` is the model's UUID, which
# says nothing about which klein model it is; but other docs show ``model_id`` holding the owner/slug
# id, and the official SDK's view calls it ``model``.
_RUN_MODEL_FIELDS = ("model_id", "model")


def model_named_by(run: Mapping[str, Any]) -> KleinModel | None:
    """The klein model a run object names by its (owner/)slug id, or None when no field does (a UUID)."""
    for name in _RUN_MODEL_FIELDS:
        value = run.get(name)
        if isinstance(value, str):
            try:
                return resolve_model(value)
            except ValueError:
                continue
    return None


def build_request_body(
    model: KleinModel,
    model_input: Mapping[str, Any],
    *,
    client_ref: str,
    callback_url: str | None,
    metadata: Mapping[str, Any] | None,
) -> _RequestBody:
    """The generated request model for ``model``; a ``ValueError`` names what the generated model rejected
    (a missing ``prompt``, an ``image_size`` outside the enum...)."""
    document: dict[str, Any] = {"input": dict(model_input), "client_ref": client_ref}
    if callback_url is not None:
        document["callback_url"] = callback_url
    if metadata is not None:
        document["metadata"] = dict(metadata)
    try:
        return model.request_type(document)
    except KeyError as exc:
        raise ValueError(f"{model.id}: missing required input field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{model.id}: invalid input: {exc}") from None
