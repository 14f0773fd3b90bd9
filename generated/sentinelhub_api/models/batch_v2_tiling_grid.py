from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_tiling_grid_properties import BatchV2TilingGridProperties


T = TypeVar("T", bound="BatchV2TilingGrid")


@_attrs_define
class BatchV2TilingGrid:
    """
    Attributes:
        id (int | Unset):
        name (str | Unset):
        properties (BatchV2TilingGridProperties | Unset):
    """

    id: int | Unset = UNSET
    name: str | Unset = UNSET
    properties: BatchV2TilingGridProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_tiling_grid_properties import BatchV2TilingGridProperties  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        _properties = d.pop("properties", UNSET)
        properties: BatchV2TilingGridProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = BatchV2TilingGridProperties.from_dict(_properties)

        batch_v2_tiling_grid = cls(
            id=id,
            name=name,
            properties=properties,
        )

        batch_v2_tiling_grid.additional_properties = d
        return batch_v2_tiling_grid

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
