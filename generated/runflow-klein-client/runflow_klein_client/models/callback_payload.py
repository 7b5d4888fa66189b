from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.callback_event import CallbackEvent
from ..models.callback_payload_status import CallbackPayloadStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.callback_payload_metadata_type_0 import CallbackPayloadMetadataType0
    from ..models.normalized_output import NormalizedOutput


T = TypeVar("T", bound="CallbackPayload")


@_attrs_define
class CallbackPayload:
    """JSON payload delivered to a customer's callback_url when a run reaches a terminal state. Frozen at delivery time;
    datetimes use .isoformat() (+00:00 for UTC). Verify `Runflow-Signature` against the raw bytes, never re-serialized
    JSON.

        Attributes:
            run_id (str): UUIDv7 of the run.
            event (CallbackEvent | str | Unset):
            status (CallbackPayloadStatus | str | Unset): Terminal status. Both cancel spellings appear in the docs (see the
                contradiction ledger).
            output (None | NormalizedOutput | Unset): Normalized output on success; error envelope or null otherwise
                (sources disagree).
            duration_ms (float | None | Unset):
            created_at (datetime.datetime | None | Unset):
            completed_at (datetime.datetime | None | Unset):
            metadata (CallbackPayloadMetadataType0 | None | Unset):
    """

    run_id: str
    event: CallbackEvent | str | Unset = UNSET
    status: CallbackPayloadStatus | str | Unset = UNSET
    output: None | NormalizedOutput | Unset = UNSET
    duration_ms: float | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    metadata: CallbackPayloadMetadataType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.callback_payload_metadata_type_0 import CallbackPayloadMetadataType0  # noqa: PLC0415
        from ..models.normalized_output import NormalizedOutput  # noqa: PLC0415

        run_id = self.run_id

        event: str | Unset
        if isinstance(self.event, Unset):
            event = UNSET
        elif isinstance(self.event, CallbackEvent):
            event = self.event.value
        else:
            event = self.event

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, CallbackPayloadStatus):
            status = self.status.value
        else:
            status = self.status

        output: dict[str, Any] | None | Unset
        if isinstance(self.output, Unset):
            output = UNSET
        elif isinstance(self.output, NormalizedOutput):
            output = self.output.to_dict()
        else:
            output = self.output

        duration_ms: float | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, CallbackPayloadMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
            }
        )
        if event is not UNSET:
            field_dict["event"] = event
        if status is not UNSET:
            field_dict["status"] = status
        if output is not UNSET:
            field_dict["output"] = output
        if duration_ms is not UNSET:
            field_dict["duration_ms"] = duration_ms
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.callback_payload_metadata_type_0 import CallbackPayloadMetadataType0  # noqa: PLC0415
        from ..models.normalized_output import NormalizedOutput  # noqa: PLC0415

        d = dict(src_dict)
        run_id = d.pop("run_id")

        def _parse_event(data: object) -> CallbackEvent | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                event_type_0 = CallbackEvent(data)

                return event_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallbackEvent | str | Unset, data)

        event = _parse_event(d.pop("event", UNSET))

        def _parse_status(data: object) -> CallbackPayloadStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = CallbackPayloadStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallbackPayloadStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_output(data: object) -> None | NormalizedOutput | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = NormalizedOutput.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NormalizedOutput | Unset, data)

        output = _parse_output(d.pop("output", UNSET))

        def _parse_duration_ms(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms", UNSET))

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_metadata(data: object) -> CallbackPayloadMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = CallbackPayloadMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallbackPayloadMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        callback_payload = cls(
            run_id=run_id,
            event=event,
            status=status,
            output=output,
            duration_ms=duration_ms,
            created_at=created_at,
            completed_at=completed_at,
            metadata=metadata,
        )

        callback_payload.additional_properties = d
        return callback_payload

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
