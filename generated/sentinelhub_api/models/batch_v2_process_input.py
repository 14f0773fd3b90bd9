from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_bounds import ProcessBounds
    from ..models.process_input_data import ProcessInputData


T = TypeVar("T", bound="BatchV2ProcessInput")


@_attrs_define
class BatchV2ProcessInput:
    """The `input` of the Process request that every feature or tile runs. The bounds may be left
    out when a GeoPackage lists the features.

        Attributes:
            data (list[ProcessInputData]):
            bounds (ProcessBounds | Unset): A bbox, a geometry or both; with both, pixels outside the geometry stay empty.
    """

    data: list[ProcessInputData]
    bounds: ProcessBounds | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        bounds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.bounds, Unset):
            bounds = self.bounds.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if bounds is not UNSET:
            field_dict["bounds"] = bounds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.process_bounds import ProcessBounds  # noqa: PLC0415
        from ..models.process_input_data import ProcessInputData  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = ProcessInputData.from_dict(data_item_data)

            data.append(data_item)

        _bounds = d.pop("bounds", UNSET)
        bounds: ProcessBounds | Unset
        if isinstance(_bounds, Unset):
            bounds = UNSET
        else:
            bounds = ProcessBounds.from_dict(_bounds)

        batch_v2_process_input = cls(
            data=data,
            bounds=bounds,
        )

        batch_v2_process_input.additional_properties = d
        return batch_v2_process_input

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
