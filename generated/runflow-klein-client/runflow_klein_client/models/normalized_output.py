from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.klein_output_item import KleinOutputItem
    from ..models.normalized_output_timing_type_0 import NormalizedOutputTimingType0


T = TypeVar("T", bound="NormalizedOutput")


@_attrs_define
class NormalizedOutput:
    """The normalized output of a run (not the raw provider response): one outputs[] entry per generated artifact, plus
    seed, timing and nsfw_detected. Models add fields of their own (the klein models' model_data), so other fields are
    allowed; each klein model's own output schema (Flux2Klein*Output) types them.

        Attributes:
            outputs (list[KleinOutputItem] | Unset): Unified output array - one entry per generated artifact.
            seed (int | None | Unset): Seed used for generation, or null if not returned.
            timing (None | NormalizedOutputTimingType0 | Unset): Provider timing info (inference_ms etc.), or null.
            nsfw_detected (bool | None | Unset): true if flagged as NSFW, false if cleared, null if not checked.
    """

    outputs: list[KleinOutputItem] | Unset = UNSET
    seed: int | None | Unset = UNSET
    timing: None | NormalizedOutputTimingType0 | Unset = UNSET
    nsfw_detected: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.normalized_output_timing_type_0 import NormalizedOutputTimingType0  # noqa: PLC0415

        outputs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = []
            for outputs_item_data in self.outputs:
                outputs_item = outputs_item_data.to_dict()
                outputs.append(outputs_item)

        seed: int | None | Unset
        if isinstance(self.seed, Unset):
            seed = UNSET
        else:
            seed = self.seed

        timing: dict[str, Any] | None | Unset
        if isinstance(self.timing, Unset):
            timing = UNSET
        elif isinstance(self.timing, NormalizedOutputTimingType0):
            timing = self.timing.to_dict()
        else:
            timing = self.timing

        nsfw_detected: bool | None | Unset
        if isinstance(self.nsfw_detected, Unset):
            nsfw_detected = UNSET
        else:
            nsfw_detected = self.nsfw_detected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if seed is not UNSET:
            field_dict["seed"] = seed
        if timing is not UNSET:
            field_dict["timing"] = timing
        if nsfw_detected is not UNSET:
            field_dict["nsfw_detected"] = nsfw_detected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.klein_output_item import KleinOutputItem  # noqa: PLC0415
        from ..models.normalized_output_timing_type_0 import NormalizedOutputTimingType0  # noqa: PLC0415

        d = dict(src_dict)
        _outputs = d.pop("outputs", UNSET)
        outputs: list[KleinOutputItem] | Unset = UNSET
        if _outputs is not UNSET:
            outputs = []
            for outputs_item_data in _outputs:
                outputs_item = KleinOutputItem.from_dict(outputs_item_data)

                outputs.append(outputs_item)

        def _parse_seed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seed = _parse_seed(d.pop("seed", UNSET))

        def _parse_timing(data: object) -> None | NormalizedOutputTimingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                timing_type_0 = NormalizedOutputTimingType0.from_dict(data)

                return timing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NormalizedOutputTimingType0 | Unset, data)

        timing = _parse_timing(d.pop("timing", UNSET))

        def _parse_nsfw_detected(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        nsfw_detected = _parse_nsfw_detected(d.pop("nsfw_detected", UNSET))

        normalized_output = cls(
            outputs=outputs,
            seed=seed,
            timing=timing,
            nsfw_detected=nsfw_detected,
        )

        normalized_output.additional_properties = d
        return normalized_output

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
