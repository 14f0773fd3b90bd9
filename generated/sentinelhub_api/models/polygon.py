from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.polygon_type import PolygonType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.geo_json_crs import GeoJsonCrs


T = TypeVar("T", bound="Polygon")


@_attrs_define
class Polygon:
    """
    Attributes:
        type_ (PolygonType):
        coordinates (list[list[list[float]]]): Linear rings; the first is the outline, the others holes.
        crs (GeoJsonCrs | Unset): The GeoJSON 2008 `crs` member that the service adds to geometries, such as {"type":
            "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}.
    """

    type_: PolygonType
    coordinates: list[list[list[float]]]
    crs: GeoJsonCrs | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        coordinates = []
        for coordinates_item_data in self.coordinates:
            coordinates_item = []
            for coordinates_item_item_data in coordinates_item_data:
                coordinates_item_item = coordinates_item_item_data

                coordinates_item.append(coordinates_item_item)

            coordinates.append(coordinates_item)

        crs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.crs, Unset):
            crs = self.crs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "coordinates": coordinates,
            }
        )
        if crs is not UNSET:
            field_dict["crs"] = crs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.geo_json_crs import GeoJsonCrs  # noqa: PLC0415

        d = dict(src_dict)
        type_ = PolygonType(d.pop("type"))

        coordinates = []
        _coordinates = d.pop("coordinates")
        for coordinates_item_data in _coordinates:
            coordinates_item = []
            _coordinates_item = coordinates_item_data
            for coordinates_item_item_data in _coordinates_item:
                coordinates_item_item = cast(list[float], coordinates_item_item_data)

                coordinates_item.append(coordinates_item_item)

            coordinates.append(coordinates_item)

        _crs = d.pop("crs", UNSET)
        crs: GeoJsonCrs | Unset
        if isinstance(_crs, Unset):
            crs = UNSET
        else:
            crs = GeoJsonCrs.from_dict(_crs)

        polygon = cls(
            type_=type_,
            coordinates=coordinates,
            crs=crs,
        )

        polygon.additional_properties = d
        return polygon

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
