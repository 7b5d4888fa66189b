from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.klein_image_size import KleinImageSize
from ..types import UNSET, Unset

T = TypeVar("T", bound="Flux2Klein4BEditInput")


@_attrs_define
class Flux2Klein4BEditInput:
    """Provide the source images through image_urls or reference_image_1..4.

    Attributes:
        prompt (str): A text description of the image you want to generate.
        steps (int | Unset): Number of diffusion steps. More steps = slightly higher quality, longer generation. Pricing
            covers up to 25 steps.
        seed (int | Unset): Random positive integer for reproducible results. Leave blank to randomise.
        image_size (KleinImageSize | Unset): Output size preset. Pixel sizes (not given by Runflow; fal's table):
            square_hd 1024x1024, square 512x512, portrait_4_3 768x1024, portrait_16_9 576x1024, landscape_4_3 1024x768,
            landscape_16_9 1024x576.
        image_urls (list[str] | Unset): Source image URLs for editing (1-4).
        reference_image_1 (str | Unset): One input image: an http(s) URL, a base64 data URI, or a runflow://assets/{id}
            reference from the presigned upload flow.
        reference_image_2 (str | Unset): One input image: an http(s) URL, a base64 data URI, or a runflow://assets/{id}
            reference from the presigned upload flow.
        reference_image_3 (str | Unset): One input image: an http(s) URL, a base64 data URI, or a runflow://assets/{id}
            reference from the presigned upload flow.
        reference_image_4 (str | Unset): One input image: an http(s) URL, a base64 data URI, or a runflow://assets/{id}
            reference from the presigned upload flow.
    """

    prompt: str
    steps: int | Unset = UNSET
    seed: int | Unset = UNSET
    image_size: KleinImageSize | Unset = UNSET
    image_urls: list[str] | Unset = UNSET
    reference_image_1: str | Unset = UNSET
    reference_image_2: str | Unset = UNSET
    reference_image_3: str | Unset = UNSET
    reference_image_4: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        steps = self.steps

        seed = self.seed

        image_size: str | Unset = UNSET
        if not isinstance(self.image_size, Unset):
            image_size = self.image_size.value

        image_urls: list[str] | Unset = UNSET
        if not isinstance(self.image_urls, Unset):
            image_urls = []
            for image_urls_item_data in self.image_urls:
                image_urls_item: str
                image_urls_item = image_urls_item_data
                image_urls.append(image_urls_item)

        reference_image_1: str | Unset
        if isinstance(self.reference_image_1, Unset):
            reference_image_1 = UNSET
        else:
            reference_image_1 = self.reference_image_1

        reference_image_2: str | Unset
        if isinstance(self.reference_image_2, Unset):
            reference_image_2 = UNSET
        else:
            reference_image_2 = self.reference_image_2

        reference_image_3: str | Unset
        if isinstance(self.reference_image_3, Unset):
            reference_image_3 = UNSET
        else:
            reference_image_3 = self.reference_image_3

        reference_image_4: str | Unset
        if isinstance(self.reference_image_4, Unset):
            reference_image_4 = UNSET
        else:
            reference_image_4 = self.reference_image_4

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if steps is not UNSET:
            field_dict["steps"] = steps
        if seed is not UNSET:
            field_dict["seed"] = seed
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if image_urls is not UNSET:
            field_dict["image_urls"] = image_urls
        if reference_image_1 is not UNSET:
            field_dict["reference_image_1"] = reference_image_1
        if reference_image_2 is not UNSET:
            field_dict["reference_image_2"] = reference_image_2
        if reference_image_3 is not UNSET:
            field_dict["reference_image_3"] = reference_image_3
        if reference_image_4 is not UNSET:
            field_dict["reference_image_4"] = reference_image_4

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        steps = d.pop("steps", UNSET)

        seed = d.pop("seed", UNSET)

        _image_size = d.pop("image_size", UNSET)
        image_size: KleinImageSize | Unset
        if isinstance(_image_size, Unset):
            image_size = UNSET
        else:
            image_size = KleinImageSize(_image_size)

        _image_urls = d.pop("image_urls", UNSET)
        image_urls: list[str] | Unset = UNSET
        if _image_urls is not UNSET:
            image_urls = []
            for image_urls_item_data in _image_urls:

                def _parse_image_urls_item(data: object) -> str:
                    return cast(str, data)

                image_urls_item = _parse_image_urls_item(image_urls_item_data)

                image_urls.append(image_urls_item)

        def _parse_reference_image_1(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reference_image_1 = _parse_reference_image_1(d.pop("reference_image_1", UNSET))

        def _parse_reference_image_2(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reference_image_2 = _parse_reference_image_2(d.pop("reference_image_2", UNSET))

        def _parse_reference_image_3(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reference_image_3 = _parse_reference_image_3(d.pop("reference_image_3", UNSET))

        def _parse_reference_image_4(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reference_image_4 = _parse_reference_image_4(d.pop("reference_image_4", UNSET))

        flux_2_klein_4b_edit_input = cls(
            prompt=prompt,
            steps=steps,
            seed=seed,
            image_size=image_size,
            image_urls=image_urls,
            reference_image_1=reference_image_1,
            reference_image_2=reference_image_2,
            reference_image_3=reference_image_3,
            reference_image_4=reference_image_4,
        )

        flux_2_klein_4b_edit_input.additional_properties = d
        return flux_2_klein_4b_edit_input

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
