"""The generated client and unlisted enum values: one behaviour, whether the enum is nullable or not.

In what the API sends, a value an enum lists parses to the enum member and any other string is kept as a
plain ``str`` (the field's type says ``TheEnum | str``), so a status Runflow adds tomorrow parses today and
nobody calls ``.value`` on a string. What we send is checked: a request model refuses an unlisted value.
The recordings checker still reports an unlisted value (tests/unit/.../test_check_recordings.py, bad-enum).
"""

from __future__ import annotations

from typing import Any

import pytest
from runflow_klein_client.models import (
    CallbackEvent,
    CallbackPayload,
    CallbackPayloadStatus,
    Flux2Klein4BInput,
    Flux2Klein4BRun,
    KleinImageSize,
    KleinOutputItem,
    KleinOutputItemType,
    Run,
    RunStatus,
)

RUN = "0196a4f2-8c1e-7b3a-9d2e-5f6a7b8c9d01"
URL = "https://assets.example.com/0.png"


def _sent(status: str, event: str, output_type: str) -> list[tuple[Any, str, Any]]:
    """``(parsed model, field, value)`` for a nullable enum (``status_code``) and non-nullable ones."""
    run = Run.from_dict({"id": RUN, "status_code": status, "output": {"outputs": [{"url": URL}]}})
    typed_run = Flux2Klein4BRun.from_dict({"id": RUN, "status_code": status})
    payload = CallbackPayload.from_dict({"run_id": RUN, "status": status, "event": event})
    item = KleinOutputItem.from_dict({"url": URL, "type": output_type})
    return [
        (run, "status_code", run.status_code),
        (typed_run, "status_code", typed_run.status_code),
        (payload, "status", payload.status),
        (payload, "event", payload.event),
        (item, "type", item.type_),
    ]


def test_an_unlisted_value_is_a_plain_string_in_nullable_and_non_nullable_enums() -> None:
    for model, field, value in _sent("paused", "run.paused", "mask"):
        assert type(value) is str, f"{type(model).__name__}.{field}"
        assert model.to_dict()[field] == value, "and it is sent back unchanged"
    assert {value for _, _, value in _sent("paused", "run.paused", "mask")} == {
        "paused",
        "run.paused",
        "mask",
    }


def test_a_listed_value_is_the_enum_member() -> None:
    values = [value for _, _, value in _sent("succeeded", "run.completed", "image")]
    assert values == [
        RunStatus.SUCCEEDED,
        RunStatus.SUCCEEDED,
        CallbackPayloadStatus.SUCCEEDED,
        CallbackEvent.RUN_COMPLETED,
        KleinOutputItemType.IMAGE,
    ]


def test_a_null_status_is_still_none() -> None:
    assert Run.from_dict({"id": RUN, "status_code": None}).status_code is None


@pytest.mark.parametrize("field", ["image_size", "output_format"])
def test_request_models_refuse_an_unlisted_value(field: str) -> None:
    with pytest.raises(ValueError, match="huge"):
        Flux2Klein4BInput.from_dict({"prompt": "p", field: "huge"})
    assert (
        Flux2Klein4BInput.from_dict({"prompt": "p", "image_size": "square"}).image_size
        is KleinImageSize.SQUARE
    )
