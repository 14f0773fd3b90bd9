from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_input import ProcessInput
    from ..models.statistical_aggregation import StatisticalAggregation
    from ..models.statistical_request_calculations import StatisticalRequestCalculations


T = TypeVar("T", bound="StatisticalRequest")


@_attrs_define
class StatisticalRequest:
    """
    Attributes:
        input_ (ProcessInput):
        aggregation (StatisticalAggregation): Sample grid either `width`/`height` or `resx`/`resy`, not both.
        calculations (StatisticalRequestCalculations | Unset): Per output id, or `default` for every output not named.
    """

    input_: ProcessInput
    aggregation: StatisticalAggregation
    calculations: StatisticalRequestCalculations | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        aggregation = self.aggregation.to_dict()

        calculations: dict[str, Any] | Unset = UNSET
        if not isinstance(self.calculations, Unset):
            calculations = self.calculations.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "aggregation": aggregation,
            }
        )
        if calculations is not UNSET:
            field_dict["calculations"] = calculations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.process_input import ProcessInput  # noqa: PLC0415
        from ..models.statistical_aggregation import StatisticalAggregation  # noqa: PLC0415
        from ..models.statistical_request_calculations import (
            StatisticalRequestCalculations,  # noqa: PLC0415
        )

        d = dict(src_dict)
        input_ = ProcessInput.from_dict(d.pop("input"))

        aggregation = StatisticalAggregation.from_dict(d.pop("aggregation"))

        _calculations = d.pop("calculations", UNSET)
        calculations: StatisticalRequestCalculations | Unset
        if isinstance(_calculations, Unset):
            calculations = UNSET
        else:
            calculations = StatisticalRequestCalculations.from_dict(_calculations)

        statistical_request = cls(
            input_=input_,
            aggregation=aggregation,
            calculations=calculations,
        )

        statistical_request.additional_properties = d
        return statistical_request

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
