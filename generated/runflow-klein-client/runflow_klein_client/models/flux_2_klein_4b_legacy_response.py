from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.flux_2_klein_4b_legacy_response_timings import Flux2Klein4BLegacyResponseTimings
    from ..models.klein_legacy_image import KleinLegacyImage


T = TypeVar("T", bound="Flux2Klein4BLegacyResponse")


@_attrs_define
class Flux2Klein4BLegacyResponse:
    """fal-style legacy response.

    Attributes:
        images (list[KleinLegacyImage]): Array of generated images with url, width, height, and content_type.
        seed (int | Unset):
        has_nsfw_concepts (list[bool] | Unset): Boolean array indicating NSFW detection per image.
        prompt (str | Unset):
        timings (Flux2Klein4BLegacyResponseTimings | Unset):
    """

    images: list[KleinLegacyImage]
    seed: int | Unset = UNSET
    has_nsfw_concepts: list[bool] | Unset = UNSET
    prompt: str | Unset = UNSET
    timings: Flux2Klein4BLegacyResponseTimings | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        images = []
        for images_item_data in self.images:
            images_item = images_item_data.to_dict()
            images.append(images_item)

        seed = self.seed

        has_nsfw_concepts: list[bool] | Unset = UNSET
        if not isinstance(self.has_nsfw_concepts, Unset):
            has_nsfw_concepts = self.has_nsfw_concepts

        prompt = self.prompt

        timings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.timings, Unset):
            timings = self.timings.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "images": images,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed
        if has_nsfw_concepts is not UNSET:
            field_dict["has_nsfw_concepts"] = has_nsfw_concepts
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if timings is not UNSET:
            field_dict["timings"] = timings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flux_2_klein_4b_legacy_response_timings import Flux2Klein4BLegacyResponseTimings  # noqa: PLC0415
        from ..models.klein_legacy_image import KleinLegacyImage  # noqa: PLC0415

        d = dict(src_dict)
        images = []
        _images = d.pop("images")
        for images_item_data in _images:
            images_item = KleinLegacyImage.from_dict(images_item_data)

            images.append(images_item)

        seed = d.pop("seed", UNSET)

        has_nsfw_concepts = cast(list[bool], d.pop("has_nsfw_concepts", UNSET))

        prompt = d.pop("prompt", UNSET)

        _timings = d.pop("timings", UNSET)
        timings: Flux2Klein4BLegacyResponseTimings | Unset
        if isinstance(_timings, Unset):
            timings = UNSET
        else:
            timings = Flux2Klein4BLegacyResponseTimings.from_dict(_timings)

        flux_2_klein_4b_legacy_response = cls(
            images=images,
            seed=seed,
            has_nsfw_concepts=has_nsfw_concepts,
            prompt=prompt,
            timings=timings,
        )

        flux_2_klein_4b_legacy_response.additional_properties = d
        return flux_2_klein_4b_legacy_response

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
