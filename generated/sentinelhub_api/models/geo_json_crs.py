from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.geo_json_crs_properties import GeoJsonCrsProperties


T = TypeVar("T", bound="GeoJsonCrs")


@_attrs_define
class GeoJsonCrs:
    """The GeoJSON 2008 `crs` member that the service adds to geometries, such as {"type": "name", "properties": {"name":
    "urn:ogc:def:crs:EPSG::32633"}}.

        Attributes:
            type_ (str | Unset):
            properties (GeoJsonCrsProperties | Unset):
    """

    type_: str | Unset = UNSET
    properties: GeoJsonCrsProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.geo_json_crs_properties import GeoJsonCrsProperties  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        _properties = d.pop("properties", UNSET)
        properties: GeoJsonCrsProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = GeoJsonCrsProperties.from_dict(_properties)

        geo_json_crs = cls(
            type_=type_,
            properties=properties,
        )

        geo_json_crs.additional_properties = d
        return geo_json_crs

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
