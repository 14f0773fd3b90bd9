from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchV2GeopackageDefaults")


@_attrs_define
class BatchV2GeopackageDefaults:
    """Size of the features that do not give their own: `width` and `height` in pixels, or a
    `resolution`, not both.

        Attributes:
            width (int | Unset):
            height (int | Unset):
            resolution (float | Unset):
    """

    width: int | Unset = UNSET
    height: int | Unset = UNSET
    resolution: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        width = self.width

        height = self.height

        resolution = self.resolution

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if width is not UNSET:
            field_dict["width"] = width
        if height is not UNSET:
            field_dict["height"] = height
        if resolution is not UNSET:
            field_dict["resolution"] = resolution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        width = d.pop("width", UNSET)

        height = d.pop("height", UNSET)

        resolution = d.pop("resolution", UNSET)

        batch_v2_geopackage_defaults = cls(
            width=width,
            height=height,
            resolution=resolution,
        )

        batch_v2_geopackage_defaults.additional_properties = d
        return batch_v2_geopackage_defaults

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
