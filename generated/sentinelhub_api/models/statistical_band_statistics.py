from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_percentiles import StatisticalPercentiles


T = TypeVar("T", bound="StatisticalBandStatistics")


@_attrs_define
class StatisticalBandStatistics:
    """
    Attributes:
        percentiles (StatisticalPercentiles | Unset):
    """

    percentiles: StatisticalPercentiles | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        percentiles: dict[str, Any] | Unset = UNSET
        if not isinstance(self.percentiles, Unset):
            percentiles = self.percentiles.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if percentiles is not UNSET:
            field_dict["percentiles"] = percentiles

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_percentiles import StatisticalPercentiles  # noqa: PLC0415

        d = dict(src_dict)
        _percentiles = d.pop("percentiles", UNSET)
        percentiles: StatisticalPercentiles | Unset
        if isinstance(_percentiles, Unset):
            percentiles = UNSET
        else:
            percentiles = StatisticalPercentiles.from_dict(_percentiles)

        statistical_band_statistics = cls(
            percentiles=percentiles,
        )

        statistical_band_statistics.additional_properties = d
        return statistical_band_statistics

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
