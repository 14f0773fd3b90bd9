from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_zarr_output_array_overrides import BatchZarrOutputArrayOverrides
    from ..models.batch_zarr_output_group import BatchZarrOutputGroup
    from ..models.zarr_array_parameters import ZarrArrayParameters


T = TypeVar("T", bound="BatchZarrOutput")


@_attrs_define
class BatchZarrOutput:
    """
    Attributes:
        path (str):
        group (BatchZarrOutputGroup):
        array_parameters (ZarrArrayParameters | Unset):
        array_overrides (BatchZarrOutputArrayOverrides | Unset):
    """

    path: str
    group: BatchZarrOutputGroup
    array_parameters: ZarrArrayParameters | Unset = UNSET
    array_overrides: BatchZarrOutputArrayOverrides | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        path = self.path

        group = self.group.to_dict()

        array_parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.array_parameters, Unset):
            array_parameters = self.array_parameters.to_dict()

        array_overrides: dict[str, Any] | Unset = UNSET
        if not isinstance(self.array_overrides, Unset):
            array_overrides = self.array_overrides.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "path": path,
                "group": group,
            }
        )
        if array_parameters is not UNSET:
            field_dict["arrayParameters"] = array_parameters
        if array_overrides is not UNSET:
            field_dict["arrayOverrides"] = array_overrides

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_zarr_output_array_overrides import (
            BatchZarrOutputArrayOverrides,  # noqa: PLC0415
        )
        from ..models.batch_zarr_output_group import BatchZarrOutputGroup  # noqa: PLC0415
        from ..models.zarr_array_parameters import ZarrArrayParameters  # noqa: PLC0415

        d = dict(src_dict)
        path = d.pop("path")

        group = BatchZarrOutputGroup.from_dict(d.pop("group"))

        _array_parameters = d.pop("arrayParameters", UNSET)
        array_parameters: ZarrArrayParameters | Unset
        if isinstance(_array_parameters, Unset):
            array_parameters = UNSET
        else:
            array_parameters = ZarrArrayParameters.from_dict(_array_parameters)

        _array_overrides = d.pop("arrayOverrides", UNSET)
        array_overrides: BatchZarrOutputArrayOverrides | Unset
        if isinstance(_array_overrides, Unset):
            array_overrides = UNSET
        else:
            array_overrides = BatchZarrOutputArrayOverrides.from_dict(_array_overrides)

        batch_zarr_output = cls(
            path=path,
            group=group,
            array_parameters=array_parameters,
            array_overrides=array_overrides,
        )

        batch_zarr_output.additional_properties = d
        return batch_zarr_output

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
