from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_tiling_grid_input_type import BatchV2TilingGridInputType
from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchV2TilingGridInput")


@_attrs_define
class BatchV2TilingGridInput:
    """Split the bounds of the Process request along one of the service's tiling grids.

    Attributes:
        type_ (BatchV2TilingGridInputType):
        id (int): Id of the grid (see the tiling grids list).
        resolution (float): Pixel size, in the units of the grid; one of its resolutions.
        buffer_x (int | Unset): Extra pixels added on the left and on the right of every tile.
        buffer_y (int | Unset): Extra pixels added above and below every tile.
    """

    type_: BatchV2TilingGridInputType
    id: int
    resolution: float
    buffer_x: int | Unset = UNSET
    buffer_y: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        id = self.id

        resolution = self.resolution

        buffer_x = self.buffer_x

        buffer_y = self.buffer_y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
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
        type_ = BatchV2TilingGridInputType(d.pop("type"))

        id = d.pop("id")

        resolution = d.pop("resolution")

        buffer_x = d.pop("bufferX", UNSET)

        buffer_y = d.pop("bufferY", UNSET)

        batch_v2_tiling_grid_input = cls(
            type_=type_,
            id=id,
            resolution=resolution,
            buffer_x=buffer_x,
            buffer_y=buffer_y,
        )

        batch_v2_tiling_grid_input.additional_properties = d
        return batch_v2_tiling_grid_input

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
