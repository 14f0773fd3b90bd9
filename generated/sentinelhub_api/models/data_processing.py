from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DataProcessing")


@_attrs_define
class DataProcessing:
    """How the data is resampled; collection-specific members pass through unchanged.

    Attributes:
        upsampling (str | Unset): NEAREST (default), BILINEAR or BICUBIC.
        downsampling (str | Unset): NEAREST (default), BILINEAR or BICUBIC.
    """

    upsampling: str | Unset = UNSET
    downsampling: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upsampling = self.upsampling

        downsampling = self.downsampling

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if upsampling is not UNSET:
            field_dict["upsampling"] = upsampling
        if downsampling is not UNSET:
            field_dict["downsampling"] = downsampling

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        upsampling = d.pop("upsampling", UNSET)

        downsampling = d.pop("downsampling", UNSET)

        data_processing = cls(
            upsampling=upsampling,
            downsampling=downsampling,
        )

        data_processing.additional_properties = d
        return data_processing

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
