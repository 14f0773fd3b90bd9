from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatisticalAggregationInterval")


@_attrs_define
class StatisticalAggregationInterval:
    """
    Attributes:
        of (str): An ISO 8601 duration, such as P1D, P10D, P1M or PT12H.
        last_interval_behavior (str | Unset): What to do with a last interval that the time range cuts short: SKIP
            (default), SHORTEN or EXTEND.
    """

    of: str
    last_interval_behavior: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        of = self.of

        last_interval_behavior = self.last_interval_behavior

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "of": of,
            }
        )
        if last_interval_behavior is not UNSET:
            field_dict["lastIntervalBehavior"] = last_interval_behavior

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        of = d.pop("of")

        last_interval_behavior = d.pop("lastIntervalBehavior", UNSET)

        statistical_aggregation_interval = cls(
            of=of,
            last_interval_behavior=last_interval_behavior,
        )

        statistical_aggregation_interval.additional_properties = d
        return statistical_aggregation_interval

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
