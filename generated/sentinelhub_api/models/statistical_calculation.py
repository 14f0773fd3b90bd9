from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_calculation_histograms import (
        StatisticalCalculationHistograms,
    )
    from ..models.statistical_calculation_statistics import (
        StatisticalCalculationStatistics,
    )


T = TypeVar("T", bound="StatisticalCalculation")


@_attrs_define
class StatisticalCalculation:
    """
    Attributes:
        histograms (StatisticalCalculationHistograms | Unset): Per band name, or `default` for every band not named.
        statistics (StatisticalCalculationStatistics | Unset): Per band name, or `default` for every band not named.
    """

    histograms: StatisticalCalculationHistograms | Unset = UNSET
    statistics: StatisticalCalculationStatistics | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        histograms: dict[str, Any] | Unset = UNSET
        if not isinstance(self.histograms, Unset):
            histograms = self.histograms.to_dict()

        statistics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.statistics, Unset):
            statistics = self.statistics.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if histograms is not UNSET:
            field_dict["histograms"] = histograms
        if statistics is not UNSET:
            field_dict["statistics"] = statistics

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_calculation_histograms import (
            StatisticalCalculationHistograms,  # noqa: PLC0415
        )
        from ..models.statistical_calculation_statistics import (
            StatisticalCalculationStatistics,  # noqa: PLC0415
        )

        d = dict(src_dict)
        _histograms = d.pop("histograms", UNSET)
        histograms: StatisticalCalculationHistograms | Unset
        if isinstance(_histograms, Unset):
            histograms = UNSET
        else:
            histograms = StatisticalCalculationHistograms.from_dict(_histograms)

        _statistics = d.pop("statistics", UNSET)
        statistics: StatisticalCalculationStatistics | Unset
        if isinstance(_statistics, Unset):
            statistics = UNSET
        else:
            statistics = StatisticalCalculationStatistics.from_dict(_statistics)

        statistical_calculation = cls(
            histograms=histograms,
            statistics=statistics,
        )

        statistical_calculation.additional_properties = d
        return statistical_calculation

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
