from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_histogram_bin import StatisticalHistogramBin


T = TypeVar("T", bound="StatisticalHistogramResult")


@_attrs_define
class StatisticalHistogramResult:
    """
    Attributes:
        bins (list[StatisticalHistogramBin] | Unset):
        overflow (int | Unset):
        underflow (int | Unset):
    """

    bins: list[StatisticalHistogramBin] | Unset = UNSET
    overflow: int | Unset = UNSET
    underflow: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bins: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bins, Unset):
            bins = []
            for bins_item_data in self.bins:
                bins_item = bins_item_data.to_dict()
                bins.append(bins_item)

        overflow = self.overflow

        underflow = self.underflow

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bins is not UNSET:
            field_dict["bins"] = bins
        if overflow is not UNSET:
            field_dict["overflow"] = overflow
        if underflow is not UNSET:
            field_dict["underflow"] = underflow

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_histogram_bin import StatisticalHistogramBin  # noqa: PLC0415

        d = dict(src_dict)
        _bins = d.pop("bins", UNSET)
        bins: list[StatisticalHistogramBin] | Unset = UNSET
        if _bins is not UNSET:
            bins = []
            for bins_item_data in _bins:
                bins_item = StatisticalHistogramBin.from_dict(bins_item_data)

                bins.append(bins_item)

        overflow = d.pop("overflow", UNSET)

        underflow = d.pop("underflow", UNSET)

        statistical_histogram_result = cls(
            bins=bins,
            overflow=overflow,
            underflow=underflow,
        )

        statistical_histogram_result.additional_properties = d
        return statistical_histogram_result

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
