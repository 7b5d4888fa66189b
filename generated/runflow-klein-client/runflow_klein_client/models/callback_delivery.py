from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.callback_delivery_attempt import CallbackDeliveryAttempt
    from ..models.callback_payload import CallbackPayload


T = TypeVar("T", bound="CallbackDelivery")


@_attrs_define
class CallbackDelivery:
    """
    Attributes:
        id (None | Unset | UUID):
        run_id (None | Unset | UUID):
        callback_url (None | str | Unset):
        payload_bytes (None | str | Unset):
        payload (CallbackPayload | None | Unset):
        signing_secret_id (None | Unset | UUID):
        is_automatic (bool | None | Unset):
        status_code (None | str | Unset): Delivery state (a string, unlike an attempt's HTTP status).
        failure_reason_code (None | str | Unset):
        failure_detail (None | str | Unset):
        attempt_count (int | None | Unset):
        max_attempts (int | None | Unset):
        next_attempt_at (datetime.datetime | None | Unset):
        created_at (datetime.datetime | None | Unset):
        updated_at (datetime.datetime | None | Unset):
        completed_at (datetime.datetime | None | Unset):
        attempts (list[CallbackDeliveryAttempt] | None | Unset):
    """

    id: None | Unset | UUID = UNSET
    run_id: None | Unset | UUID = UNSET
    callback_url: None | str | Unset = UNSET
    payload_bytes: None | str | Unset = UNSET
    payload: CallbackPayload | None | Unset = UNSET
    signing_secret_id: None | Unset | UUID = UNSET
    is_automatic: bool | None | Unset = UNSET
    status_code: None | str | Unset = UNSET
    failure_reason_code: None | str | Unset = UNSET
    failure_detail: None | str | Unset = UNSET
    attempt_count: int | None | Unset = UNSET
    max_attempts: int | None | Unset = UNSET
    next_attempt_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    attempts: list[CallbackDeliveryAttempt] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.callback_payload import CallbackPayload  # noqa: PLC0415

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        run_id: None | str | Unset
        if isinstance(self.run_id, Unset):
            run_id = UNSET
        elif isinstance(self.run_id, UUID):
            run_id = str(self.run_id)
        else:
            run_id = self.run_id

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        payload_bytes: None | str | Unset
        if isinstance(self.payload_bytes, Unset):
            payload_bytes = UNSET
        else:
            payload_bytes = self.payload_bytes

        payload: dict[str, Any] | None | Unset
        if isinstance(self.payload, Unset):
            payload = UNSET
        elif isinstance(self.payload, CallbackPayload):
            payload = self.payload.to_dict()
        else:
            payload = self.payload

        signing_secret_id: None | str | Unset
        if isinstance(self.signing_secret_id, Unset):
            signing_secret_id = UNSET
        elif isinstance(self.signing_secret_id, UUID):
            signing_secret_id = str(self.signing_secret_id)
        else:
            signing_secret_id = self.signing_secret_id

        is_automatic: bool | None | Unset
        if isinstance(self.is_automatic, Unset):
            is_automatic = UNSET
        else:
            is_automatic = self.is_automatic

        status_code: None | str | Unset
        if isinstance(self.status_code, Unset):
            status_code = UNSET
        else:
            status_code = self.status_code

        failure_reason_code: None | str | Unset
        if isinstance(self.failure_reason_code, Unset):
            failure_reason_code = UNSET
        else:
            failure_reason_code = self.failure_reason_code

        failure_detail: None | str | Unset
        if isinstance(self.failure_detail, Unset):
            failure_detail = UNSET
        else:
            failure_detail = self.failure_detail

        attempt_count: int | None | Unset
        if isinstance(self.attempt_count, Unset):
            attempt_count = UNSET
        else:
            attempt_count = self.attempt_count

        max_attempts: int | None | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        next_attempt_at: None | str | Unset
        if isinstance(self.next_attempt_at, Unset):
            next_attempt_at = UNSET
        elif isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        attempts: list[dict[str, Any]] | None | Unset
        if isinstance(self.attempts, Unset):
            attempts = UNSET
        elif isinstance(self.attempts, list):
            attempts = []
            for attempts_type_0_item_data in self.attempts:
                attempts_type_0_item = attempts_type_0_item_data.to_dict()
                attempts.append(attempts_type_0_item)

        else:
            attempts = self.attempts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if run_id is not UNSET:
            field_dict["run_id"] = run_id
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if payload_bytes is not UNSET:
            field_dict["payload_bytes"] = payload_bytes
        if payload is not UNSET:
            field_dict["payload"] = payload
        if signing_secret_id is not UNSET:
            field_dict["signing_secret_id"] = signing_secret_id
        if is_automatic is not UNSET:
            field_dict["is_automatic"] = is_automatic
        if status_code is not UNSET:
            field_dict["status_code"] = status_code
        if failure_reason_code is not UNSET:
            field_dict["failure_reason_code"] = failure_reason_code
        if failure_detail is not UNSET:
            field_dict["failure_detail"] = failure_detail
        if attempt_count is not UNSET:
            field_dict["attempt_count"] = attempt_count
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if next_attempt_at is not UNSET:
            field_dict["next_attempt_at"] = next_attempt_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if attempts is not UNSET:
            field_dict["attempts"] = attempts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.callback_delivery_attempt import CallbackDeliveryAttempt  # noqa: PLC0415
        from ..models.callback_payload import CallbackPayload  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        def _parse_run_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_id_type_0 = UUID(data)

                return run_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        run_id = _parse_run_id(d.pop("run_id", UNSET))

        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))

        def _parse_payload_bytes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payload_bytes = _parse_payload_bytes(d.pop("payload_bytes", UNSET))

        def _parse_payload(data: object) -> CallbackPayload | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payload_type_0 = CallbackPayload.from_dict(data)

                return payload_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CallbackPayload | None | Unset, data)

        payload = _parse_payload(d.pop("payload", UNSET))

        def _parse_signing_secret_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signing_secret_id_type_0 = UUID(data)

                return signing_secret_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        signing_secret_id = _parse_signing_secret_id(d.pop("signing_secret_id", UNSET))

        def _parse_is_automatic(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_automatic = _parse_is_automatic(d.pop("is_automatic", UNSET))

        def _parse_status_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_code = _parse_status_code(d.pop("status_code", UNSET))

        def _parse_failure_reason_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_reason_code = _parse_failure_reason_code(d.pop("failure_reason_code", UNSET))

        def _parse_failure_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_detail = _parse_failure_detail(d.pop("failure_detail", UNSET))

        def _parse_attempt_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        attempt_count = _parse_attempt_count(d.pop("attempt_count", UNSET))

        def _parse_max_attempts(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("max_attempts", UNSET))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at", UNSET))

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

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

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

        def _parse_attempts(data: object) -> list[CallbackDeliveryAttempt] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attempts_type_0 = []
                _attempts_type_0 = data
                for attempts_type_0_item_data in _attempts_type_0:
                    attempts_type_0_item = CallbackDeliveryAttempt.from_dict(attempts_type_0_item_data)

                    attempts_type_0.append(attempts_type_0_item)

                return attempts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CallbackDeliveryAttempt] | None | Unset, data)

        attempts = _parse_attempts(d.pop("attempts", UNSET))

        callback_delivery = cls(
            id=id,
            run_id=run_id,
            callback_url=callback_url,
            payload_bytes=payload_bytes,
            payload=payload,
            signing_secret_id=signing_secret_id,
            is_automatic=is_automatic,
            status_code=status_code,
            failure_reason_code=failure_reason_code,
            failure_detail=failure_detail,
            attempt_count=attempt_count,
            max_attempts=max_attempts,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            updated_at=updated_at,
            completed_at=completed_at,
            attempts=attempts,
        )

        callback_delivery.additional_properties = d
        return callback_delivery

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
