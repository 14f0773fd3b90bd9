from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_collection_additional_data_bands import (
        BatchCollectionAdditionalDataBands,
    )


T = TypeVar("T", bound="BatchCollectionAdditionalData")


@_attrs_define
class BatchCollectionAdditionalData:
    """
    Attributes:
        bands (BatchCollectionAdditionalDataBands | Unset):
    """

    bands: BatchCollectionAdditionalDataBands | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bands: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bands, Unset):
            bands = self.bands.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if bands is not UNSET:
            field_dict["bands"] = bands

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_collection_additional_data_bands import (
            BatchCollectionAdditionalDataBands,  # noqa: PLC0415
        )

        d = dict(src_dict)
        _bands = d.pop("bands", UNSET)
        bands: BatchCollectionAdditionalDataBands | Unset
        if isinstance(_bands, Unset):
            bands = UNSET
        else:
            bands = BatchCollectionAdditionalDataBands.from_dict(_bands)

        batch_collection_additional_data = cls(
            bands=bands,
        )

        batch_collection_additional_data.additional_properties = d
        return batch_collection_additional_data

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
