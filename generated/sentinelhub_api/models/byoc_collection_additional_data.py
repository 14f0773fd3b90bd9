from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.byoc_sensing_times import ByocSensingTimes
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_collection_additional_data_bands import (
        ByocCollectionAdditionalDataBands,
    )
    from ..models.polygon import Polygon


T = TypeVar("T", bound="ByocCollectionAdditionalData")


@_attrs_define
class ByocCollectionAdditionalData:
    """
    Attributes:
        bands (ByocCollectionAdditionalDataBands | Unset): Band name to band description; at most 100 bands. Evalscripts
            use the names as
            JavaScript identifiers (letters, digits, `_` and `$`, not starting with a digit).
        max_meters_per_pixel (float | Unset): Coarsest resolution that requests may ask of this collection.
        max_meters_per_pixel_override (float | Unset): An override of maxMetersPerPixel set by the service operators.
        extent (None | Polygon | Unset):
        has_sensing_times (ByocSensingTimes | str | Unset):
        from_sensing_time (datetime.datetime | None | Unset): Sensing time of the oldest tile.
        to_sensing_time (datetime.datetime | None | Unset): Sensing time of the newest tile.
    """

    bands: ByocCollectionAdditionalDataBands | Unset = UNSET
    max_meters_per_pixel: float | Unset = UNSET
    max_meters_per_pixel_override: float | Unset = UNSET
    extent: None | Polygon | Unset = UNSET
    has_sensing_times: ByocSensingTimes | str | Unset = UNSET
    from_sensing_time: datetime.datetime | None | Unset = UNSET
    to_sensing_time: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.polygon import Polygon  # noqa: PLC0415

        bands: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bands, Unset):
            bands = self.bands.to_dict()

        max_meters_per_pixel = self.max_meters_per_pixel

        max_meters_per_pixel_override = self.max_meters_per_pixel_override

        extent: dict[str, Any] | None | Unset
        if isinstance(self.extent, Unset):
            extent = UNSET
        elif isinstance(self.extent, Polygon):
            extent = self.extent.to_dict()
        else:
            extent = self.extent

        has_sensing_times: str | Unset
        if isinstance(self.has_sensing_times, Unset):
            has_sensing_times = UNSET
        elif isinstance(self.has_sensing_times, ByocSensingTimes):
            has_sensing_times = self.has_sensing_times.value
        else:
            has_sensing_times = self.has_sensing_times

        from_sensing_time: None | str | Unset
        if isinstance(self.from_sensing_time, Unset):
            from_sensing_time = UNSET
        elif isinstance(self.from_sensing_time, datetime.datetime):
            from_sensing_time = self.from_sensing_time.isoformat()
        else:
            from_sensing_time = self.from_sensing_time

        to_sensing_time: None | str | Unset
        if isinstance(self.to_sensing_time, Unset):
            to_sensing_time = UNSET
        elif isinstance(self.to_sensing_time, datetime.datetime):
            to_sensing_time = self.to_sensing_time.isoformat()
        else:
            to_sensing_time = self.to_sensing_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bands is not UNSET:
            field_dict["bands"] = bands
        if max_meters_per_pixel is not UNSET:
            field_dict["maxMetersPerPixel"] = max_meters_per_pixel
        if max_meters_per_pixel_override is not UNSET:
            field_dict["maxMetersPerPixelOverride"] = max_meters_per_pixel_override
        if extent is not UNSET:
            field_dict["extent"] = extent
        if has_sensing_times is not UNSET:
            field_dict["hasSensingTimes"] = has_sensing_times
        if from_sensing_time is not UNSET:
            field_dict["fromSensingTime"] = from_sensing_time
        if to_sensing_time is not UNSET:
            field_dict["toSensingTime"] = to_sensing_time

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.byoc_collection_additional_data_bands import (
            ByocCollectionAdditionalDataBands,  # noqa: PLC0415
        )
        from ..models.polygon import Polygon  # noqa: PLC0415

        d = dict(src_dict)
        _bands = d.pop("bands", UNSET)
        bands: ByocCollectionAdditionalDataBands | Unset
        if isinstance(_bands, Unset):
            bands = UNSET
        else:
            bands = ByocCollectionAdditionalDataBands.from_dict(_bands)

        max_meters_per_pixel = d.pop("maxMetersPerPixel", UNSET)

        max_meters_per_pixel_override = d.pop("maxMetersPerPixelOverride", UNSET)

        def _parse_extent(data: object) -> None | Polygon | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extent_type_0 = Polygon.from_dict(data)

                return extent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Polygon | Unset, data)

        extent = _parse_extent(d.pop("extent", UNSET))

        def _parse_has_sensing_times(data: object) -> ByocSensingTimes | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                has_sensing_times_type_0 = ByocSensingTimes(data)

                return has_sensing_times_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ByocSensingTimes | str | Unset, data)

        has_sensing_times = _parse_has_sensing_times(d.pop("hasSensingTimes", UNSET))

        def _parse_from_sensing_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_sensing_time_type_0 = datetime.datetime.fromisoformat(data)

                return from_sensing_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        from_sensing_time = _parse_from_sensing_time(d.pop("fromSensingTime", UNSET))

        def _parse_to_sensing_time(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_sensing_time_type_0 = datetime.datetime.fromisoformat(data)

                return to_sensing_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        to_sensing_time = _parse_to_sensing_time(d.pop("toSensingTime", UNSET))

        byoc_collection_additional_data = cls(
            bands=bands,
            max_meters_per_pixel=max_meters_per_pixel,
            max_meters_per_pixel_override=max_meters_per_pixel_override,
            extent=extent,
            has_sensing_times=has_sensing_times,
            from_sensing_time=from_sensing_time,
            to_sensing_time=to_sensing_time,
        )

        byoc_collection_additional_data.additional_properties = d
        return byoc_collection_additional_data

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
