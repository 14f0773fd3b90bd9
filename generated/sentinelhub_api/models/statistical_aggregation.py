from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_aggregation_interval import StatisticalAggregationInterval
    from ..models.statistical_interval import StatisticalInterval


T = TypeVar("T", bound="StatisticalAggregation")


@_attrs_define
class StatisticalAggregation:
    """Sample grid either `width`/`height` or `resx`/`resy`, not both.

    Attributes:
        time_range (StatisticalInterval):
        aggregation_interval (StatisticalAggregationInterval):
        evalscript (str): Evalscript V3; it must return a `dataMask` output.
        width (int | Unset):
        height (int | Unset):
        resx (float | Unset):
        resy (float | Unset):
    """

    time_range: StatisticalInterval
    aggregation_interval: StatisticalAggregationInterval
    evalscript: str
    width: int | Unset = UNSET
    height: int | Unset = UNSET
    resx: float | Unset = UNSET
    resy: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time_range = self.time_range.to_dict()

        aggregation_interval = self.aggregation_interval.to_dict()

        evalscript = self.evalscript

        width = self.width

        height = self.height

        resx = self.resx

        resy = self.resy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "timeRange": time_range,
                "aggregationInterval": aggregation_interval,
                "evalscript": evalscript,
            }
        )
        if width is not UNSET:
            field_dict["width"] = width
        if height is not UNSET:
            field_dict["height"] = height
        if resx is not UNSET:
            field_dict["resx"] = resx
        if resy is not UNSET:
            field_dict["resy"] = resy

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_aggregation_interval import (
            StatisticalAggregationInterval,  # noqa: PLC0415
        )
        from ..models.statistical_interval import StatisticalInterval  # noqa: PLC0415

        d = dict(src_dict)
        time_range = StatisticalInterval.from_dict(d.pop("timeRange"))

        aggregation_interval = StatisticalAggregationInterval.from_dict(
            d.pop("aggregationInterval")
        )

        evalscript = d.pop("evalscript")

        width = d.pop("width", UNSET)

        height = d.pop("height", UNSET)

        resx = d.pop("resx", UNSET)

        resy = d.pop("resy", UNSET)

        statistical_aggregation = cls(
            time_range=time_range,
            aggregation_interval=aggregation_interval,
            evalscript=evalscript,
            width=width,
            height=height,
            resx=resx,
            resy=resy,
        )

        statistical_aggregation.additional_properties = d
        return statistical_aggregation

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
