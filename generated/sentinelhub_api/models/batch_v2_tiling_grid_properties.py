from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchV2TilingGridProperties")


@_attrs_define
class BatchV2TilingGridProperties:
    """
    Attributes:
        tile_width (float | Unset): Tile width in the grid's unit.
        tile_height (float | Unset): Tile height in the grid's unit.
        resolutions (list[float] | Unset): The resolutions the grid can be used with.
        unit (str | Unset): METRE or DEGREE.
    """

    tile_width: float | Unset = UNSET
    tile_height: float | Unset = UNSET
    resolutions: list[float] | Unset = UNSET
    unit: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tile_width = self.tile_width

        tile_height = self.tile_height

        resolutions: list[float] | Unset = UNSET
        if not isinstance(self.resolutions, Unset):
            resolutions = self.resolutions

        unit = self.unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tile_width is not UNSET:
            field_dict["tileWidth"] = tile_width
        if tile_height is not UNSET:
            field_dict["tileHeight"] = tile_height
        if resolutions is not UNSET:
            field_dict["resolutions"] = resolutions
        if unit is not UNSET:
            field_dict["unit"] = unit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tile_width = d.pop("tileWidth", UNSET)

        tile_height = d.pop("tileHeight", UNSET)

        resolutions = cast(list[float], d.pop("resolutions", UNSET))

        unit = d.pop("unit", UNSET)

        batch_v2_tiling_grid_properties = cls(
            tile_width=tile_width,
            tile_height=tile_height,
            resolutions=resolutions,
            unit=unit,
        )

        batch_v2_tiling_grid_properties.additional_properties = d
        return batch_v2_tiling_grid_properties

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
