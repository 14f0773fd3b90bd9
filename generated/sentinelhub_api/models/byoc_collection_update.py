from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.byoc_collection_additional_data import ByocCollectionAdditionalData


T = TypeVar("T", bound="ByocCollectionUpdate")


@_attrs_define
class ByocCollectionUpdate:
    """
    Attributes:
        name (str):
        s_3_bucket (str):
        no_data (float | Unset):
        additional_data (ByocCollectionAdditionalData | Unset):
    """

    name: str
    s_3_bucket: str
    no_data: float | Unset = UNSET
    additional_data: ByocCollectionAdditionalData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        s_3_bucket = self.s_3_bucket

        no_data = self.no_data

        additional_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.additional_data, Unset):
            additional_data = self.additional_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "s3Bucket": s_3_bucket,
            }
        )
        if no_data is not UNSET:
            field_dict["noData"] = no_data
        if additional_data is not UNSET:
            field_dict["additionalData"] = additional_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.byoc_collection_additional_data import (
            ByocCollectionAdditionalData,  # noqa: PLC0415
        )

        d = dict(src_dict)
        name = d.pop("name")

        s_3_bucket = d.pop("s3Bucket")

        no_data = d.pop("noData", UNSET)

        _additional_data = d.pop("additionalData", UNSET)
        additional_data: ByocCollectionAdditionalData | Unset
        if isinstance(_additional_data, Unset):
            additional_data = UNSET
        else:
            additional_data = ByocCollectionAdditionalData.from_dict(_additional_data)

        byoc_collection_update = cls(
            name=name,
            s_3_bucket=s_3_bucket,
            no_data=no_data,
            additional_data=additional_data,
        )

        byoc_collection_update.additional_properties = d
        return byoc_collection_update

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
