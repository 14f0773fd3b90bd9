from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_interval_result import StatisticalIntervalResult


T = TypeVar("T", bound="StatisticalResponse")


@_attrs_define
class StatisticalResponse:
    """
    Attributes:
        data (list[StatisticalIntervalResult] | Unset):
        status (str | Unset): OK, PARTIAL or FAILED.
        geometry_pixel_count (int | Unset):
    """

    data: list[StatisticalIntervalResult] | Unset = UNSET
    status: str | Unset = UNSET
    geometry_pixel_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data.to_dict()
                data.append(data_item)

        status = self.status

        geometry_pixel_count = self.geometry_pixel_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data is not UNSET:
            field_dict["data"] = data
        if status is not UNSET:
            field_dict["status"] = status
        if geometry_pixel_count is not UNSET:
            field_dict["geometryPixelCount"] = geometry_pixel_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statistical_interval_result import StatisticalIntervalResult  # noqa: PLC0415

        d = dict(src_dict)
        _data = d.pop("data", UNSET)
        data: list[StatisticalIntervalResult] | Unset = UNSET
        if _data is not UNSET:
            data = []
            for data_item_data in _data:
                data_item = StatisticalIntervalResult.from_dict(data_item_data)

                data.append(data_item)

        status = d.pop("status", UNSET)

        geometry_pixel_count = d.pop("geometryPixelCount", UNSET)

        statistical_response = cls(
            data=data,
            status=status,
            geometry_pixel_count=geometry_pixel_count,
        )

        statistical_response.additional_properties = d
        return statistical_response

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
