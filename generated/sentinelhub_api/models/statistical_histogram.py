from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatisticalHistogram")


@_attrs_define
class StatisticalHistogram:
    """One of `nBins`, `binWidth` or `bins`; `lowEdge` and `highEdge` bound the first two.

    Attributes:
        n_bins (int | Unset):
        bin_width (float | Unset):
        low_edge (float | Unset):
        high_edge (float | Unset):
        bins (list[float] | Unset):
    """

    n_bins: int | Unset = UNSET
    bin_width: float | Unset = UNSET
    low_edge: float | Unset = UNSET
    high_edge: float | Unset = UNSET
    bins: list[float] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        n_bins = self.n_bins

        bin_width = self.bin_width

        low_edge = self.low_edge

        high_edge = self.high_edge

        bins: list[float] | Unset = UNSET
        if not isinstance(self.bins, Unset):
            bins = self.bins

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if n_bins is not UNSET:
            field_dict["nBins"] = n_bins
        if bin_width is not UNSET:
            field_dict["binWidth"] = bin_width
        if low_edge is not UNSET:
            field_dict["lowEdge"] = low_edge
        if high_edge is not UNSET:
            field_dict["highEdge"] = high_edge
        if bins is not UNSET:
            field_dict["bins"] = bins

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        n_bins = d.pop("nBins", UNSET)

        bin_width = d.pop("binWidth", UNSET)

        low_edge = d.pop("lowEdge", UNSET)

        high_edge = d.pop("highEdge", UNSET)

        bins = cast(list[float], d.pop("bins", UNSET))

        statistical_histogram = cls(
            n_bins=n_bins,
            bin_width=bin_width,
            low_edge=low_edge,
            high_edge=high_edge,
            bins=bins,
        )

        statistical_histogram.additional_properties = d
        return statistical_histogram

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
