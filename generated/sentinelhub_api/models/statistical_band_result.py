from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_histogram_result import StatisticalHistogramResult
    from ..models.statistical_stats import StatisticalStats


T = TypeVar("T", bound="StatisticalBandResult")


@_attrs_define
class StatisticalBandResult:
    """
    Attributes:
        stats (StatisticalStats | Unset):
        histogram (StatisticalHistogramResult | Unset):
    """

    stats: StatisticalStats | Unset = UNSET
    histogram: StatisticalHistogramResult | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stats: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stats, Unset):
            stats = self.stats.to_dict()

        histogram: dict[str, Any] | Unset = UNSET
        if not isinstance(self.histogram, Unset):
            histogram = self.histogram.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if stats is not UNSET:
            field_dict["stats"] = stats
        if histogram is not UNSET:
            field_dict["histogram"] = histogram

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_histogram_result import StatisticalHistogramResult  # noqa: PLC0415
        from ..models.statistical_stats import StatisticalStats  # noqa: PLC0415

        d = dict(src_dict)
        _stats = d.pop("stats", UNSET)
        stats: StatisticalStats | Unset
        if isinstance(_stats, Unset):
            stats = UNSET
        else:
            stats = StatisticalStats.from_dict(_stats)

        _histogram = d.pop("histogram", UNSET)
        histogram: StatisticalHistogramResult | Unset
        if isinstance(_histogram, Unset):
            histogram = UNSET
        else:
            histogram = StatisticalHistogramResult.from_dict(_histogram)

        statistical_band_result = cls(
            stats=stats,
            histogram=histogram,
        )

        statistical_band_result.additional_properties = d
        return statistical_band_result

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
