from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.time_range import TimeRange


T = TypeVar("T", bound="DataFilter")


@_attrs_define
class DataFilter:
    """Which scenes of a collection to use. BYOC collections take `timeRange` and
    `mosaickingOrder` (mostRecent or leastRecent); other collections take more members, which
    pass through unchanged.

        Attributes:
            time_range (TimeRange | Unset): Both ends inclusive; full RFC 3339 date-times (bare dates are refused).
            mosaicking_order (str | Unset): mostRecent (default), leastRecent, or leastCC where supported.
            max_cloud_coverage (float | Unset):
            tiers (str | Unset): Landsat tiers to include.
            constellation (str | Unset): Which satellites of a constellation to use.
            acquisition_mode (str | Unset): Sentinel-1: IW, EW, SM and so on.
            polarization (str | Unset): Sentinel-1: DV, DH, SV and so on.
            resolution (str | Unset): Sentinel-1: HIGH or MEDIUM.
            orbit_direction (str | Unset): Sentinel-1: ASCENDING or DESCENDING.
            timeliness (str | Unset): Sentinel-1: NRT10m, NRT1h, NRT3h, Fast24h, Offline.
            dem_instance (str | Unset): DEM: which elevation model.
    """

    time_range: TimeRange | Unset = UNSET
    mosaicking_order: str | Unset = UNSET
    max_cloud_coverage: float | Unset = UNSET
    tiers: str | Unset = UNSET
    constellation: str | Unset = UNSET
    acquisition_mode: str | Unset = UNSET
    polarization: str | Unset = UNSET
    resolution: str | Unset = UNSET
    orbit_direction: str | Unset = UNSET
    timeliness: str | Unset = UNSET
    dem_instance: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time_range: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_range, Unset):
            time_range = self.time_range.to_dict()

        mosaicking_order = self.mosaicking_order

        max_cloud_coverage = self.max_cloud_coverage

        tiers = self.tiers

        constellation = self.constellation

        acquisition_mode = self.acquisition_mode

        polarization = self.polarization

        resolution = self.resolution

        orbit_direction = self.orbit_direction

        timeliness = self.timeliness

        dem_instance = self.dem_instance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if time_range is not UNSET:
            field_dict["timeRange"] = time_range
        if mosaicking_order is not UNSET:
            field_dict["mosaickingOrder"] = mosaicking_order
        if max_cloud_coverage is not UNSET:
            field_dict["maxCloudCoverage"] = max_cloud_coverage
        if tiers is not UNSET:
            field_dict["tiers"] = tiers
        if constellation is not UNSET:
            field_dict["constellation"] = constellation
        if acquisition_mode is not UNSET:
            field_dict["acquisitionMode"] = acquisition_mode
        if polarization is not UNSET:
            field_dict["polarization"] = polarization
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if orbit_direction is not UNSET:
            field_dict["orbitDirection"] = orbit_direction
        if timeliness is not UNSET:
            field_dict["timeliness"] = timeliness
        if dem_instance is not UNSET:
            field_dict["demInstance"] = dem_instance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.time_range import TimeRange  # noqa: PLC0415

        d = dict(src_dict)
        _time_range = d.pop("timeRange", UNSET)
        time_range: TimeRange | Unset
        if isinstance(_time_range, Unset):
            time_range = UNSET
        else:
            time_range = TimeRange.from_dict(_time_range)

        mosaicking_order = d.pop("mosaickingOrder", UNSET)

        max_cloud_coverage = d.pop("maxCloudCoverage", UNSET)

        tiers = d.pop("tiers", UNSET)

        constellation = d.pop("constellation", UNSET)

        acquisition_mode = d.pop("acquisitionMode", UNSET)

        polarization = d.pop("polarization", UNSET)

        resolution = d.pop("resolution", UNSET)

        orbit_direction = d.pop("orbitDirection", UNSET)

        timeliness = d.pop("timeliness", UNSET)

        dem_instance = d.pop("demInstance", UNSET)

        data_filter = cls(
            time_range=time_range,
            mosaicking_order=mosaicking_order,
            max_cloud_coverage=max_cloud_coverage,
            tiers=tiers,
            constellation=constellation,
            acquisition_mode=acquisition_mode,
            polarization=polarization,
            resolution=resolution,
            orbit_direction=orbit_direction,
            timeliness=timeliness,
            dem_instance=dem_instance,
        )

        data_filter.additional_properties = d
        return data_filter

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
