from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.data_filter import DataFilter
    from ..models.data_processing import DataProcessing


T = TypeVar("T", bound="ProcessInputData")


@_attrs_define
class ProcessInputData:
    """
    Attributes:
        type_ (str): Collection type, such as sentinel-2-l2a, or byoc-<collectionId> for a BYOC collection.
        id (str | Unset): Alias of this input in a data-fusion evalscript.
        data_filter (DataFilter | Unset): Which scenes of a collection to use. BYOC collections take `timeRange` and
            `mosaickingOrder` (mostRecent or leastRecent); other collections take more members, which
            pass through unchanged.
        processing (DataProcessing | Unset): How the data is resampled; collection-specific members pass through
            unchanged.
    """

    type_: str
    id: str | Unset = UNSET
    data_filter: DataFilter | Unset = UNSET
    processing: DataProcessing | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        data_filter: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data_filter, Unset):
            data_filter = self.data_filter.to_dict()

        processing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.processing, Unset):
            processing = self.processing.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if data_filter is not UNSET:
            field_dict["dataFilter"] = data_filter
        if processing is not UNSET:
            field_dict["processing"] = processing

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_filter import DataFilter  # noqa: PLC0415
        from ..models.data_processing import DataProcessing  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        id = d.pop("id", UNSET)

        _data_filter = d.pop("dataFilter", UNSET)
        data_filter: DataFilter | Unset
        if isinstance(_data_filter, Unset):
            data_filter = UNSET
        else:
            data_filter = DataFilter.from_dict(_data_filter)

        _processing = d.pop("processing", UNSET)
        processing: DataProcessing | Unset
        if isinstance(_processing, Unset):
            processing = UNSET
        else:
            processing = DataProcessing.from_dict(_processing)

        process_input_data = cls(
            type_=type_,
            id=id,
            data_filter=data_filter,
            processing=processing,
        )

        process_input_data.additional_properties = d
        return process_input_data

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
