from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.zarr_array_parameters_compressor import ZarrArrayParametersCompressor


T = TypeVar("T", bound="ZarrArrayParameters")


@_attrs_define
class ZarrArrayParameters:
    """
    Attributes:
        dtype (str | Unset):
        order (str | Unset):
        chunks (list[int] | Unset):
        fill_value (float | Unset):
        compressor (ZarrArrayParametersCompressor | Unset):
    """

    dtype: str | Unset = UNSET
    order: str | Unset = UNSET
    chunks: list[int] | Unset = UNSET
    fill_value: float | Unset = UNSET
    compressor: ZarrArrayParametersCompressor | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dtype = self.dtype

        order = self.order

        chunks: list[int] | Unset = UNSET
        if not isinstance(self.chunks, Unset):
            chunks = self.chunks

        fill_value = self.fill_value

        compressor: dict[str, Any] | Unset = UNSET
        if not isinstance(self.compressor, Unset):
            compressor = self.compressor.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if dtype is not UNSET:
            field_dict["dtype"] = dtype
        if order is not UNSET:
            field_dict["order"] = order
        if chunks is not UNSET:
            field_dict["chunks"] = chunks
        if fill_value is not UNSET:
            field_dict["fill_value"] = fill_value
        if compressor is not UNSET:
            field_dict["compressor"] = compressor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.zarr_array_parameters_compressor import (
            ZarrArrayParametersCompressor,  # noqa: PLC0415
        )

        d = dict(src_dict)
        dtype = d.pop("dtype", UNSET)

        order = d.pop("order", UNSET)

        chunks = cast(list[int], d.pop("chunks", UNSET))

        fill_value = d.pop("fill_value", UNSET)

        _compressor = d.pop("compressor", UNSET)
        compressor: ZarrArrayParametersCompressor | Unset
        if isinstance(_compressor, Unset):
            compressor = UNSET
        else:
            compressor = ZarrArrayParametersCompressor.from_dict(_compressor)

        zarr_array_parameters = cls(
            dtype=dtype,
            order=order,
            chunks=chunks,
            fill_value=fill_value,
            compressor=compressor,
        )

        zarr_array_parameters.additional_properties = d
        return zarr_array_parameters

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
