from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DataProcessingSpeckleFilter")


@_attrs_define
class DataProcessingSpeckleFilter:
    """Sentinel-1 speckle filter.

    Attributes:
        type_ (str | Unset):
        window_size_x (int | Unset):
        window_size_y (int | Unset):
    """

    type_: str | Unset = UNSET
    window_size_x: int | Unset = UNSET
    window_size_y: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        window_size_x = self.window_size_x

        window_size_y = self.window_size_y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if window_size_x is not UNSET:
            field_dict["windowSizeX"] = window_size_x
        if window_size_y is not UNSET:
            field_dict["windowSizeY"] = window_size_y

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        window_size_x = d.pop("windowSizeX", UNSET)

        window_size_y = d.pop("windowSizeY", UNSET)

        data_processing_speckle_filter = cls(
            type_=type_,
            window_size_x=window_size_x,
            window_size_y=window_size_y,
        )

        data_processing_speckle_filter.additional_properties = d
        return data_processing_speckle_filter

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
