from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TilingGridSettings")


@_attrs_define
class TilingGridSettings:
    """
    Attributes:
        id (int):
        resolution (float):
        buffer_x (int | Unset): Extra pixels on the left and right of every tile.
        buffer_y (int | Unset): Extra pixels above and below every tile.
    """

    id: int
    resolution: float
    buffer_x: int | Unset = UNSET
    buffer_y: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        resolution = self.resolution

        buffer_x = self.buffer_x

        buffer_y = self.buffer_y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "resolution": resolution,
            }
        )
        if buffer_x is not UNSET:
            field_dict["bufferX"] = buffer_x
        if buffer_y is not UNSET:
            field_dict["bufferY"] = buffer_y

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        resolution = d.pop("resolution")

        buffer_x = d.pop("bufferX", UNSET)

        buffer_y = d.pop("bufferY", UNSET)

        tiling_grid_settings = cls(
            id=id,
            resolution=resolution,
            buffer_x=buffer_x,
            buffer_y=buffer_y,
        )

        tiling_grid_settings.additional_properties = d
        return tiling_grid_settings

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
