from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.klein_image_size import KleinImageSize
from ..models.klein_output_format import KleinOutputFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="Flux2Klein4BLegacyRequest")


@_attrs_define
class Flux2Klein4BLegacyRequest:
    """
    Attributes:
        prompt (str): Text description of the image to generate.
        image_size (KleinImageSize | Unset): Output size preset. Pixel sizes (not given by Runflow; fal's table):
            square_hd 1024x1024, square 512x512, portrait_4_3 768x1024, portrait_16_9 576x1024, landscape_4_3 1024x768,
            landscape_16_9 1024x576.
        num_images (int | Unset): Number of images to generate (1-4). Default: 1.
        num_inference_steps (int | Unset): Number of denoising steps. Default 4 for distilled variant, use higher for
            base variant. Default: 4.
        guidance_scale (float | Unset): Classifier-free guidance scale. Higher values follow the prompt more closely.
            Default: 2.5.
        seed (int | Unset): Random seed for reproducible generation. Leave empty for random.
        output_format (KleinOutputFormat | Unset):
        enable_safety_checker (bool | Unset): Enable NSFW content filtering. Default: True.
        sync_mode (bool | Unset): Wait for the result synchronously instead of returning a request ID. Default: False.
    """

    prompt: str
    image_size: KleinImageSize | Unset = UNSET
    num_images: int | Unset = 1
    num_inference_steps: int | Unset = 4
    guidance_scale: float | Unset = 2.5
    seed: int | Unset = UNSET
    output_format: KleinOutputFormat | Unset = UNSET
    enable_safety_checker: bool | Unset = True
    sync_mode: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        image_size: str | Unset = UNSET
        if not isinstance(self.image_size, Unset):
            image_size = self.image_size.value

        num_images = self.num_images

        num_inference_steps = self.num_inference_steps

        guidance_scale = self.guidance_scale

        seed = self.seed

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format.value

        enable_safety_checker = self.enable_safety_checker

        sync_mode = self.sync_mode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
            }
        )
        if image_size is not UNSET:
            field_dict["image_size"] = image_size
        if num_images is not UNSET:
            field_dict["num_images"] = num_images
        if num_inference_steps is not UNSET:
            field_dict["num_inference_steps"] = num_inference_steps
        if guidance_scale is not UNSET:
            field_dict["guidance_scale"] = guidance_scale
        if seed is not UNSET:
            field_dict["seed"] = seed
        if output_format is not UNSET:
            field_dict["output_format"] = output_format
        if enable_safety_checker is not UNSET:
            field_dict["enable_safety_checker"] = enable_safety_checker
        if sync_mode is not UNSET:
            field_dict["sync_mode"] = sync_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompt = d.pop("prompt")

        _image_size = d.pop("image_size", UNSET)
        image_size: KleinImageSize | Unset
        if isinstance(_image_size, Unset):
            image_size = UNSET
        else:
            image_size = KleinImageSize(_image_size)

        num_images = d.pop("num_images", UNSET)

        num_inference_steps = d.pop("num_inference_steps", UNSET)

        guidance_scale = d.pop("guidance_scale", UNSET)

        seed = d.pop("seed", UNSET)

        _output_format = d.pop("output_format", UNSET)
        output_format: KleinOutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = KleinOutputFormat(_output_format)

        enable_safety_checker = d.pop("enable_safety_checker", UNSET)

        sync_mode = d.pop("sync_mode", UNSET)

        flux_2_klein_4b_legacy_request = cls(
            prompt=prompt,
            image_size=image_size,
            num_images=num_images,
            num_inference_steps=num_inference_steps,
            guidance_scale=guidance_scale,
            seed=seed,
            output_format=output_format,
            enable_safety_checker=enable_safety_checker,
            sync_mode=sync_mode,
        )

        flux_2_klein_4b_legacy_request.additional_properties = d
        return flux_2_klein_4b_legacy_request

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
