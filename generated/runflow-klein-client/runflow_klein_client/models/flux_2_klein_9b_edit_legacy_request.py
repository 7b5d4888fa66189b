from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.klein_output_format import KleinOutputFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="Flux2Klein9BEditLegacyRequest")


@_attrs_define
class Flux2Klein9BEditLegacyRequest:
    """
    Attributes:
        prompt (str):
        image_urls (list[str]):
        seed (int | Unset):
        num_inference_steps (int | Unset):  Default: 4.
        image_size (str | Unset):
        num_images (int | Unset):  Default: 1.
        sync_mode (bool | Unset):  Default: False.
        enable_safety_checker (bool | Unset):  Default: True.
        output_format (KleinOutputFormat | Unset):
    """

    prompt: str
    image_urls: list[str]
    seed: int | Unset = UNSET
    num_inference_steps: int | Unset = 4
    image_size: str | Unset = UNSET
    num_images: int | Unset = 1
    sync_mode: bool | Unset = False
    enable_safety_checker: bool | Unset = True
    output_format: KleinOutputFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        image_urls = []
        for image_urls_item_data in self.image_urls:
            image_urls_item: str
            image_urls_item = image_urls_item_data
            image_urls.append(image_urls_item)

        seed = self.seed

        num_inference_steps = self.num_inference_steps

        image_size = self.image_size

        num_images = self.num_images

        sync_mode = self.sync_mode

        enable_safety_checker = self.enable_safety_checker

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "image_urls": image_urls,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed
        if num_inference_steps is not UNSET:
            field_dict["num_inference_steps"] = num_inference_steps
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if num_images is not UNSET:
            field_dict["num_images"] = num_images
        if sync_mode is not UNSET:
            field_dict["sync_mode"] = sync_mode
        if enable_safety_checker is not UNSET:
            field_dict["enable_safety_checker"] = enable_safety_checker
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        image_urls = []
        _image_urls = d.pop("image_urls")
        for image_urls_item_data in _image_urls:

            def _parse_image_urls_item(data: object) -> str:
                return cast(str, data)

            image_urls_item = _parse_image_urls_item(image_urls_item_data)

            image_urls.append(image_urls_item)

        seed = d.pop("seed", UNSET)

        num_inference_steps = d.pop("num_inference_steps", UNSET)

        image_size = d.pop("image_size", UNSET)

        num_images = d.pop("num_images", UNSET)

        sync_mode = d.pop("sync_mode", UNSET)

        enable_safety_checker = d.pop("enable_safety_checker", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: KleinOutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = KleinOutputFormat(_output_format)

        flux_2_klein_9b_edit_legacy_request = cls(
            prompt=prompt,
            image_urls=image_urls,
            seed=seed,
            num_inference_steps=num_inference_steps,
            image_size=image_size,
            num_images=num_images,
            sync_mode=sync_mode,
            enable_safety_checker=enable_safety_checker,
            output_format=output_format,
        )

        flux_2_klein_9b_edit_legacy_request.additional_properties = d
        return flux_2_klein_9b_edit_legacy_request

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
