from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.geo_json_crs import GeoJsonCrs


T = TypeVar("T", bound="BatchTileOrigin")


@_attrs_define
class BatchTileOrigin:
    """A corner point of the tile in the grid's CRS (named in `crs`).

    Attributes:
        type_ (str | Unset):
        coordinates (list[float] | Unset):
        crs (GeoJsonCrs | Unset): The GeoJSON 2008 `crs` member that the service adds to geometries, such as {"type":
            "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}.
    """

    type_: str | Unset = UNSET
    coordinates: list[float] | Unset = UNSET
    crs: GeoJsonCrs | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        coordinates: list[float] | Unset = UNSET
        if not isinstance(self.coordinates, Unset):
            coordinates = self.coordinates

        crs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.crs, Unset):
            crs = self.crs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if coordinates is not UNSET:
            field_dict["coordinates"] = coordinates
        if crs is not UNSET:
            field_dict["crs"] = crs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.geo_json_crs import GeoJsonCrs  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        coordinates = cast(list[float], d.pop("coordinates", UNSET))

        _crs = d.pop("crs", UNSET)
        crs: GeoJsonCrs | Unset
        if isinstance(_crs, Unset):
            crs = UNSET
        else:
            crs = GeoJsonCrs.from_dict(_crs)

        batch_tile_origin = cls(
            type_=type_,
            coordinates=coordinates,
            crs=crs,
        )

        batch_tile_origin.additional_properties = d
        return batch_tile_origin

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
