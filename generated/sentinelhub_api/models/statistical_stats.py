from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_stats_percentiles import StatisticalStatsPercentiles


T = TypeVar("T", bound="StatisticalStats")


@_attrs_define
class StatisticalStats:
    """
    Attributes:
        min_ (float | Unset):
        max_ (float | Unset):
        mean (float | Unset):
        st_dev (float | Unset):
        sample_count (int | Unset):
        no_data_count (int | Unset):
        percentiles (StatisticalStatsPercentiles | Unset): Percentile (as asked, e.g. "50.0") to value.
    """

    min_: float | Unset = UNSET
    max_: float | Unset = UNSET
    mean: float | Unset = UNSET
    st_dev: float | Unset = UNSET
    sample_count: int | Unset = UNSET
    no_data_count: int | Unset = UNSET
    percentiles: StatisticalStatsPercentiles | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        min_ = self.min_

        max_ = self.max_

        mean = self.mean

        st_dev = self.st_dev

        sample_count = self.sample_count

        no_data_count = self.no_data_count

        percentiles: dict[str, Any] | Unset = UNSET
        if not isinstance(self.percentiles, Unset):
            percentiles = self.percentiles.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if mean is not UNSET:
            field_dict["mean"] = mean
        if st_dev is not UNSET:
            field_dict["stDev"] = st_dev
        if sample_count is not UNSET:
            field_dict["sampleCount"] = sample_count
        if no_data_count is not UNSET:
            field_dict["noDataCount"] = no_data_count
        if percentiles is not UNSET:
            field_dict["percentiles"] = percentiles

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_stats_percentiles import StatisticalStatsPercentiles  # noqa: PLC0415

        d = dict(src_dict)
        min_ = d.pop("min", UNSET)

        max_ = d.pop("max", UNSET)

        mean = d.pop("mean", UNSET)

        st_dev = d.pop("stDev", UNSET)

        sample_count = d.pop("sampleCount", UNSET)

        no_data_count = d.pop("noDataCount", UNSET)

        _percentiles = d.pop("percentiles", UNSET)
        percentiles: StatisticalStatsPercentiles | Unset
        if isinstance(_percentiles, Unset):
            percentiles = UNSET
        else:
            percentiles = StatisticalStatsPercentiles.from_dict(_percentiles)

        statistical_stats = cls(
            min_=min_,
            max_=max_,
            mean=mean,
            st_dev=st_dev,
            sample_count=sample_count,
            no_data_count=no_data_count,
            percentiles=percentiles,
        )

        statistical_stats.additional_properties = d
        return statistical_stats

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
