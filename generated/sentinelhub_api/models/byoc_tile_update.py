from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.multi_polygon import MultiPolygon
    from ..models.polygon import Polygon


T = TypeVar("T", bound="ByocTileUpdate")


@_attrs_define
class ByocTileUpdate:
    """
    Attributes:
        path (str | Unset): Ignored by the service; accepted because existing clients send it.
        cover_geometry (MultiPolygon | None | Polygon | Unset):
        sensing_time (datetime.datetime | None | Unset):
    """

    path: str | Unset = UNSET
    cover_geometry: MultiPolygon | None | Polygon | Unset = UNSET
    sensing_time: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        path = self.path

        cover_geometry: dict[str, Any] | None | Unset
        if isinstance(self.cover_geometry, Unset):
            cover_geometry = UNSET
        elif isinstance(self.cover_geometry, Polygon):
            cover_geometry = self.cover_geometry.to_dict()
        elif isinstance(self.cover_geometry, MultiPolygon):
            cover_geometry = self.cover_geometry.to_dict()
        else:
            cover_geometry = self.cover_geometry

        sensing_time: None | str | Unset
        if isinstance(self.sensing_time, Unset):
            sensing_time = UNSET
        elif isinstance(self.sensing_time, datetime.datetime):
            sensing_time = self.sensing_time.isoformat()
        else:
            sensing_time = self.sensing_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if path is not UNSET:
            field_dict["path"] = path
        if cover_geometry is not UNSET:
            field_dict["coverGeometry"] = cover_geometry
        if sensing_time is not UNSET:
            field_dict["sensingTime"] = sensing_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        d = dict(src_dict)
        path = d.pop("path", UNSET)

        def _parse_cover_geometry(
            data: object,
        ) -> MultiPolygon | None | Polygon | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_geometry_type_0 = Polygon.from_dict(data)

                return componentsschemas_geometry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_geometry_type_1 = MultiPolygon.from_dict(data)

                return componentsschemas_geometry_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MultiPolygon | None | Polygon | Unset, data)

        cover_geometry = _parse_cover_geometry(d.pop("coverGeometry", UNSET))

        def _parse_sensing_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sensing_time_type_0 = datetime.datetime.fromisoformat(data)

                return sensing_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sensing_time = _parse_sensing_time(d.pop("sensingTime", UNSET))

        byoc_tile_update = cls(
            path=path,
            cover_geometry=cover_geometry,
            sensing_time=sensing_time,
        )

        byoc_tile_update.additional_properties = d
        return byoc_tile_update

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
