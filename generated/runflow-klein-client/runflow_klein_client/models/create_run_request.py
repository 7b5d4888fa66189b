from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_run_request_input import CreateRunRequestInput
    from ..models.create_run_request_metadata_type_0 import CreateRunRequestMetadataType0


T = TypeVar("T", bound="CreateRunRequest")


@_attrs_define
class CreateRunRequest:
    """
    Attributes:
        input_ (CreateRunRequestInput): Model input parameters, validated against the model's declared inputs.
        metadata (CreateRunRequestMetadataType0 | None | Unset): Arbitrary key-value pairs attached to the run; echoed
            verbatim in callbacks.
        callback_url (None | str | Unset): Webhook URL - POSTed when the run reaches a terminal state.
        client_ref (None | str | Unset): Caller-chosen correlation tag; runs are searchable by it
            (q=client_ref.EQ:'<token>').
    """

    input_: CreateRunRequestInput
    metadata: CreateRunRequestMetadataType0 | None | Unset = UNSET
    callback_url: None | str | Unset = UNSET
    client_ref: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.create_run_request_metadata_type_0 import CreateRunRequestMetadataType0  # noqa: PLC0415

        input_ = self.input_.to_dict()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, CreateRunRequestMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        callback_url: None | str | Unset
        if isinstance(self.callback_url, Unset):
            callback_url = UNSET
        else:
            callback_url = self.callback_url

        client_ref: None | str | Unset
        if isinstance(self.client_ref, Unset):
            client_ref = UNSET
        else:
            client_ref = self.client_ref

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if callback_url is not UNSET:
            field_dict["callback_url"] = callback_url
        if client_ref is not UNSET:
            field_dict["client_ref"] = client_ref

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_run_request_input import CreateRunRequestInput  # noqa: PLC0415
        from ..models.create_run_request_metadata_type_0 import CreateRunRequestMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        input_ = CreateRunRequestInput.from_dict(d.pop("input"))

        def _parse_metadata(data: object) -> CreateRunRequestMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = CreateRunRequestMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateRunRequestMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_callback_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        callback_url = _parse_callback_url(d.pop("callback_url", UNSET))

        def _parse_client_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_ref = _parse_client_ref(d.pop("client_ref", UNSET))

        create_run_request = cls(
            input_=input_,
            metadata=metadata,
            callback_url=callback_url,
            client_ref=client_ref,
        )

        create_run_request.additional_properties = d
        return create_run_request

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
