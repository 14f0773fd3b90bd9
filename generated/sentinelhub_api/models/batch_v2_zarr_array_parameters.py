from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_zarr_array_parameters_compressor import (
        BatchV2ZarrArrayParametersCompressor,
    )
    from ..models.batch_v2_zarr_array_parameters_custom_attributes import (
        BatchV2ZarrArrayParametersCustomAttributes,
    )


T = TypeVar("T", bound="BatchV2ZarrArrayParameters")


@_attrs_define
class BatchV2ZarrArrayParameters:
    """Zarr array metadata. Between `arrayParameters` and an array's override, every array needs
    `dtype`, `chunks` and `fill_value` (`order` defaults to C). The first chunk dimension (time)
    is 1; the other two divide the tile's size in pixels.

        Attributes:
            dtype (str | Unset): A Zarr v2 data type such as |u1, <u2, <i2 or <f4.
            order (str | Unset):  Default: 'C'.
            chunks (list[int] | Unset):
            fill_value (float | Unset):
            compressor (BatchV2ZarrArrayParametersCompressor | Unset): Compressor and its settings, such as blosc with cname
                lz4.
            custom_attributes (BatchV2ZarrArrayParametersCustomAttributes | Unset): Extra members of the array's .zattrs
                (overrides only).
    """

    dtype: str | Unset = UNSET
    order: str | Unset = "C"
    chunks: list[int] | Unset = UNSET
    fill_value: float | Unset = UNSET
    compressor: BatchV2ZarrArrayParametersCompressor | Unset = UNSET
    custom_attributes: BatchV2ZarrArrayParametersCustomAttributes | Unset = UNSET
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

        custom_attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_attributes, Unset):
            custom_attributes = self.custom_attributes.to_dict()

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
        if custom_attributes is not UNSET:
            field_dict["customAttributes"] = custom_attributes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_zarr_array_parameters_compressor import (
            BatchV2ZarrArrayParametersCompressor,  # noqa: PLC0415
        )
        from ..models.batch_v2_zarr_array_parameters_custom_attributes import (
            BatchV2ZarrArrayParametersCustomAttributes,  # noqa: PLC0415
        )

        d = dict(src_dict)
        dtype = d.pop("dtype", UNSET)

        order = d.pop("order", UNSET)

        chunks = cast(list[int], d.pop("chunks", UNSET))

        fill_value = d.pop("fill_value", UNSET)

        _compressor = d.pop("compressor", UNSET)
        compressor: BatchV2ZarrArrayParametersCompressor | Unset
        if isinstance(_compressor, Unset):
            compressor = UNSET
        else:
            compressor = BatchV2ZarrArrayParametersCompressor.from_dict(_compressor)

        _custom_attributes = d.pop("customAttributes", UNSET)
        custom_attributes: BatchV2ZarrArrayParametersCustomAttributes | Unset
        if isinstance(_custom_attributes, Unset):
            custom_attributes = UNSET
        else:
            custom_attributes = BatchV2ZarrArrayParametersCustomAttributes.from_dict(
                _custom_attributes
            )

        batch_v2_zarr_array_parameters = cls(
            dtype=dtype,
            order=order,
            chunks=chunks,
            fill_value=fill_value,
            compressor=compressor,
            custom_attributes=custom_attributes,
        )

        batch_v2_zarr_array_parameters.additional_properties = d
        return batch_v2_zarr_array_parameters

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
