from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.batch_v2_zarr_array_parameters import BatchV2ZarrArrayParameters


T = TypeVar("T", bound="BatchV2ZarrOutputArrayOverrides")


@_attrs_define
class BatchV2ZarrOutputArrayOverrides:
    """Output id -> parameters that replace those of `arrayParameters` for that array."""

    additional_properties: dict[str, BatchV2ZarrArrayParameters] = _attrs_field(
        init=False, factory=dict
    )

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_zarr_array_parameters import BatchV2ZarrArrayParameters  # noqa: PLC0415

        d = dict(src_dict)
        batch_v2_zarr_output_array_overrides = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = BatchV2ZarrArrayParameters.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        batch_v2_zarr_output_array_overrides.additional_properties = (
            additional_properties
        )
        return batch_v2_zarr_output_array_overrides

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> BatchV2ZarrArrayParameters:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: BatchV2ZarrArrayParameters) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
