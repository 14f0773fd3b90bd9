from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.byoc_tile_status import ByocTileStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_tile_additional_data import ByocTileAdditionalData
    from ..models.multi_polygon import MultiPolygon
    from ..models.polygon import Polygon


T = TypeVar("T", bound="ByocTile")


@_attrs_define
class ByocTile:
    """
    Attributes:
        path (str): Folder or file prefix inside the bucket, without leading or trailing `/` and without
            `//`. `(BAND)` in it stands for each band's source, as in `scenes/2024/tile_(BAND).tif`.
        id (UUID | Unset):
        tile_geometry (None | Polygon | Unset):
        cover_geometry (MultiPolygon | None | Polygon | Unset):
        sensing_time (datetime.datetime | None | Unset):
        status (ByocTileStatus | str | Unset):
        created (datetime.datetime | None | Unset):
        ingestion_start (datetime.datetime | None | Unset): When the current ingestion attempt began.
        additional_data (ByocTileAdditionalData | None | Unset):
    """

    path: str
    id: UUID | Unset = UNSET
    tile_geometry: None | Polygon | Unset = UNSET
    cover_geometry: MultiPolygon | None | Polygon | Unset = UNSET
    sensing_time: datetime.datetime | None | Unset = UNSET
    status: ByocTileStatus | str | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    ingestion_start: datetime.datetime | None | Unset = UNSET
    additional_data: ByocTileAdditionalData | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.byoc_tile_additional_data import ByocTileAdditionalData  # noqa: PLC0415
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        path = self.path

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        tile_geometry: dict[str, Any] | None | Unset
        if isinstance(self.tile_geometry, Unset):
            tile_geometry = UNSET
        elif isinstance(self.tile_geometry, Polygon):
            tile_geometry = self.tile_geometry.to_dict()
        else:
            tile_geometry = self.tile_geometry

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

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ByocTileStatus):
            status = self.status.value
        else:
            status = self.status

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        ingestion_start: None | str | Unset
        if isinstance(self.ingestion_start, Unset):
            ingestion_start = UNSET
        elif isinstance(self.ingestion_start, datetime.datetime):
            ingestion_start = self.ingestion_start.isoformat()
        else:
            ingestion_start = self.ingestion_start

        additional_data: dict[str, Any] | None | Unset
        if isinstance(self.additional_data, Unset):
            additional_data = UNSET
        elif isinstance(self.additional_data, ByocTileAdditionalData):
            additional_data = self.additional_data.to_dict()
        else:
            additional_data = self.additional_data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "path": path,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if tile_geometry is not UNSET:
            field_dict["tileGeometry"] = tile_geometry
        if cover_geometry is not UNSET:
            field_dict["coverGeometry"] = cover_geometry
        if sensing_time is not UNSET:
            field_dict["sensingTime"] = sensing_time
        if status is not UNSET:
            field_dict["status"] = status
        if created is not UNSET:
            field_dict["created"] = created
        if ingestion_start is not UNSET:
            field_dict["ingestionStart"] = ingestion_start
        if additional_data is not UNSET:
            field_dict["additionalData"] = additional_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.byoc_tile_additional_data import ByocTileAdditionalData  # noqa: PLC0415
        from ..models.multi_polygon import MultiPolygon  # noqa: PLC0415
        from ..models.polygon import Polygon  # noqa: PLC0415

        d = dict(src_dict)
        path = d.pop("path")

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        def _parse_tile_geometry(data: object) -> None | Polygon | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tile_geometry_type_0 = Polygon.from_dict(data)

                return tile_geometry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Polygon | Unset, data)

        tile_geometry = _parse_tile_geometry(d.pop("tileGeometry", UNSET))

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

        def _parse_status(data: object) -> ByocTileStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ByocTileStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ByocTileStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_created(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_0 = datetime.datetime.fromisoformat(data)

                return created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        def _parse_ingestion_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ingestion_start_type_0 = datetime.datetime.fromisoformat(data)

                return ingestion_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ingestion_start = _parse_ingestion_start(d.pop("ingestionStart", UNSET))

        def _parse_additional_data(
            data: object,
        ) -> ByocTileAdditionalData | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                additional_data_type_0 = ByocTileAdditionalData.from_dict(data)

                return additional_data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ByocTileAdditionalData | None | Unset, data)

        additional_data = _parse_additional_data(d.pop("additionalData", UNSET))

        byoc_tile = cls(
            path=path,
            id=id,
            tile_geometry=tile_geometry,
            cover_geometry=cover_geometry,
            sensing_time=sensing_time,
            status=status,
            created=created,
            ingestion_start=ingestion_start,
            additional_data=additional_data,
        )

        byoc_tile.additional_properties = d
        return byoc_tile

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
