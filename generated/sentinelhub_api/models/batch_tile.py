from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_tile_status import BatchTileStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_tile_origin import BatchTileOrigin
    from ..models.multi_polygon import MultiPolygon
    from ..models.polygon import Polygon


T = TypeVar("T", bound="BatchTile")


@_attrs_define
class BatchTile:
    """
    Attributes:
        id (int | Unset):
        name (str | Unset): Name of the tile in its grid.
        status (BatchTileStatus | str | Unset):
        cost (float | Unset): Processing units spent on the tile.
        geometry (MultiPolygon | Polygon | Unset): A polygon or multipolygon, in CRS84 unless its `crs` member says
            otherwise.
        origin (BatchTileOrigin | Unset): A corner point of the tile in the grid's CRS (named in `crs`).
    """

    id: int | Unset = UNSET
    name: str | Unset = UNSET
    status: BatchTileStatus | str | Unset = UNSET
    cost: float | Unset = UNSET
    geometry: MultiPolygon | Polygon | Unset = UNSET
    origin: BatchTileOrigin | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.polygon import Polygon  # noqa: PLC0415

        id = self.id

        name = self.name

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, BatchTileStatus):
            status = self.status.value
        else:
            status = self.status

        cost = self.cost

        geometry: dict[str, Any] | Unset
        if isinstance(self.geometry, Unset):
            geometry = UNSET
        elif isinstance(self.geometry, Polygon):
            geometry = self.geometry.to_dict()
        else:
            geometry = self.geometry.to_dict()

        origin: dict[str, Any] | Unset = UNSET
        if not isinstance(self.origin, Unset):
            origin = self.origin.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if status is not UNSET:
            field_dict["status"] = status
        if cost is not UNSET:
            field_dict["cost"] = cost
        if geometry is not UNSET:
            field_dict["geometry"] = geometry
        if origin is not UNSET:
            field_dict["origin"] = origin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_tile_origin import BatchTileOrigin  # noqa: PLC0415
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        def _parse_status(data: object) -> BatchTileStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = BatchTileStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchTileStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        cost = d.pop("cost", UNSET)

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

        _origin = d.pop("origin", UNSET)
        origin: BatchTileOrigin | Unset
        if isinstance(_origin, Unset):
            origin = UNSET
        else:
            origin = BatchTileOrigin.from_dict(_origin)

        batch_tile = cls(
            id=id,
            name=name,
            status=status,
            cost=cost,
            geometry=geometry,
            origin=origin,
        )

        batch_tile.additional_properties = d
        return batch_tile

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
