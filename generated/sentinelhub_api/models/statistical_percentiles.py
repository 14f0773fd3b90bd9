from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatisticalPercentiles")


@_attrs_define
class StatisticalPercentiles:
    """
    Attributes:
        k (list[float] | Unset):
        interpolation (str | Unset): How a percentile between two samples is chosen, as numpy names it (higher by
            default).
    """

    k: list[float] | Unset = UNSET
    interpolation: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        k: list[float] | Unset = UNSET
        if not isinstance(self.k, Unset):
            k = self.k

        interpolation = self.interpolation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if k is not UNSET:
            field_dict["k"] = k
        if interpolation is not UNSET:
            field_dict["interpolation"] = interpolation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        k = cast(list[float], d.pop("k", UNSET))

        interpolation = d.pop("interpolation", UNSET)

        statistical_percentiles = cls(
            k=k,
            interpolation=interpolation,
        )

        statistical_percentiles.additional_properties = d
        return statistical_percentiles

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
