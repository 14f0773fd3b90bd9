from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatisticalHistogramBin")


@_attrs_define
class StatisticalHistogramBin:
    """
    Attributes:
        low_edge (float | Unset):
        high_edge (float | Unset):
        count (int | Unset):
    """

    low_edge: float | Unset = UNSET
    high_edge: float | Unset = UNSET
    count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        low_edge = self.low_edge

        high_edge = self.high_edge

        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if low_edge is not UNSET:
            field_dict["lowEdge"] = low_edge
        if high_edge is not UNSET:
            field_dict["highEdge"] = high_edge
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        low_edge = d.pop("lowEdge", UNSET)

        high_edge = d.pop("highEdge", UNSET)

        count = d.pop("count", UNSET)

        statistical_histogram_bin = cls(
            low_edge=low_edge,
            high_edge=high_edge,
            count=count,
        )

        statistical_histogram_bin.additional_properties = d
        return statistical_histogram_bin

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
