from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bounds_properties import BoundsProperties
    from ..models.multi_polygon import MultiPolygon
    from ..models.polygon import Polygon


T = TypeVar("T", bound="ProcessBounds")


@_attrs_define
class ProcessBounds:
    """A bbox, a geometry or both; with both, pixels outside the geometry stay empty.

    Attributes:
        bbox (list[float] | Unset):
        geometry (MultiPolygon | Polygon | Unset): A polygon or multipolygon, in CRS84 unless its `crs` member says
            otherwise.
        properties (BoundsProperties | Unset):
    """

    bbox: list[float] | Unset = UNSET
    geometry: MultiPolygon | Polygon | Unset = UNSET
    properties: BoundsProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.polygon import Polygon  # noqa: PLC0415

        bbox: list[float] | Unset = UNSET
        if not isinstance(self.bbox, Unset):
            bbox = self.bbox

        geometry: dict[str, Any] | Unset
        if isinstance(self.geometry, Unset):
            geometry = UNSET
        elif isinstance(self.geometry, Polygon):
            geometry = self.geometry.to_dict()
        else:
            geometry = self.geometry.to_dict()

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bbox is not UNSET:
            field_dict["bbox"] = bbox
        if geometry is not UNSET:
            field_dict["geometry"] = geometry
        if properties is not UNSET:
            field_dict["properties"] = properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bounds_properties import BoundsProperties  # noqa: PLC0415
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        d = dict(src_dict)
        bbox = cast(list[float], d.pop("bbox", UNSET))

        def _parse_geometry(data: object) -> MultiPolygon | Polygon | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_geometry_type_0 = Polygon.from_dict(data)

                return componentsschemas_geometry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_geometry_type_1 = MultiPolygon.from_dict(data)

            return componentsschemas_geometry_type_1

        geometry = _parse_geometry(d.pop("geometry", UNSET))

        _properties = d.pop("properties", UNSET)
        properties: BoundsProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = BoundsProperties.from_dict(_properties)

        process_bounds = cls(
            bbox=bbox,
            geometry=geometry,
            properties=properties,
        )

        process_bounds.additional_properties = d
        return process_bounds

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
