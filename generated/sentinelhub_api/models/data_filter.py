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
    """

    time_range: TimeRange | Unset = UNSET
    mosaicking_order: str | Unset = UNSET
    max_cloud_coverage: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time_range: dict[str, Any] | Unset = UNSET
        if not isinstance(self.time_range, Unset):
            time_range = self.time_range.to_dict()

        mosaicking_order = self.mosaicking_order

        max_cloud_coverage = self.max_cloud_coverage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if time_range is not UNSET:
            field_dict["timeRange"] = time_range
        if mosaicking_order is not UNSET:
            field_dict["mosaickingOrder"] = mosaicking_order
        if max_cloud_coverage is not UNSET:
            field_dict["maxCloudCoverage"] = max_cloud_coverage

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

        data_filter = cls(
            time_range=time_range,
            mosaicking_order=mosaicking_order,
            max_cloud_coverage=max_cloud_coverage,
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
