from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.statistical_output_result_bands import StatisticalOutputResultBands


T = TypeVar("T", bound="StatisticalOutputResult")


@_attrs_define
class StatisticalOutputResult:
    """
    Attributes:
        bands (StatisticalOutputResultBands | Unset):
    """

    bands: StatisticalOutputResultBands | Unset = UNSET
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
        from ..models.statistical_output_result_bands import (
            StatisticalOutputResultBands,  # noqa: PLC0415
        )

        d = dict(src_dict)
        _bands = d.pop("bands", UNSET)
        bands: StatisticalOutputResultBands | Unset
        if isinstance(_bands, Unset):
            bands = UNSET
        else:
            bands = StatisticalOutputResultBands.from_dict(_bands)

        statistical_output_result = cls(
            bands=bands,
        )

        statistical_output_result.additional_properties = d
        return statistical_output_result

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
