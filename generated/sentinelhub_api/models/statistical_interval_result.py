from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_interval import StatisticalInterval
    from ..models.statistical_interval_error import StatisticalIntervalError
    from ..models.statistical_interval_result_outputs import (
        StatisticalIntervalResultOutputs,
    )


T = TypeVar("T", bound="StatisticalIntervalResult")


@_attrs_define
class StatisticalIntervalResult:
    """
    Attributes:
        interval (StatisticalInterval | Unset):
        outputs (StatisticalIntervalResultOutputs | Unset):
        error (StatisticalIntervalError | Unset):
    """

    interval: StatisticalInterval | Unset = UNSET
    outputs: StatisticalIntervalResultOutputs | Unset = UNSET
    error: StatisticalIntervalError | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        interval: dict[str, Any] | Unset = UNSET
        if not isinstance(self.interval, Unset):
            interval = self.interval.to_dict()

        outputs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = self.outputs.to_dict()

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if interval is not UNSET:
            field_dict["interval"] = interval
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_interval import StatisticalInterval  # noqa: PLC0415
        from ..models.statistical_interval_error import StatisticalIntervalError  # noqa: PLC0415
        from ..models.statistical_interval_result_outputs import (
            StatisticalIntervalResultOutputs,  # noqa: PLC0415
        )

        d = dict(src_dict)
        _interval = d.pop("interval", UNSET)
        interval: StatisticalInterval | Unset
        if isinstance(_interval, Unset):
            interval = UNSET
        else:
            interval = StatisticalInterval.from_dict(_interval)

        _outputs = d.pop("outputs", UNSET)
        outputs: StatisticalIntervalResultOutputs | Unset
        if isinstance(_outputs, Unset):
            outputs = UNSET
        else:
            outputs = StatisticalIntervalResultOutputs.from_dict(_outputs)

        _error = d.pop("error", UNSET)
        error: StatisticalIntervalError | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = StatisticalIntervalError.from_dict(_error)

        statistical_interval_result = cls(
            interval=interval,
            outputs=outputs,
            error=error,
        )

        statistical_interval_result.additional_properties = d
        return statistical_interval_result

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
