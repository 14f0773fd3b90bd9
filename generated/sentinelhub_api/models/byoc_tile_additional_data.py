from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ByocTileAdditionalData")


@_attrs_define
class ByocTileAdditionalData:
    """
    Attributes:
        failed_ingestion_cause (None | str | Unset): Why ingestion failed, when it did.
        warnings (None | str | Unset):
        min_meters_per_pixel (float | Unset): Finest resolution of the tile.
        max_meters_per_pixel (float | Unset): Coarsest usable overview resolution of the tile.
    """

    failed_ingestion_cause: None | str | Unset = UNSET
    warnings: None | str | Unset = UNSET
    min_meters_per_pixel: float | Unset = UNSET
    max_meters_per_pixel: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        failed_ingestion_cause: None | str | Unset
        if isinstance(self.failed_ingestion_cause, Unset):
            failed_ingestion_cause = UNSET
        else:
            failed_ingestion_cause = self.failed_ingestion_cause

        warnings: None | str | Unset
        if isinstance(self.warnings, Unset):
            warnings = UNSET
        else:
            warnings = self.warnings

        min_meters_per_pixel = self.min_meters_per_pixel

        max_meters_per_pixel = self.max_meters_per_pixel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if failed_ingestion_cause is not UNSET:
            field_dict["failedIngestionCause"] = failed_ingestion_cause
        if warnings is not UNSET:
            field_dict["warnings"] = warnings
        if min_meters_per_pixel is not UNSET:
            field_dict["minMetersPerPixel"] = min_meters_per_pixel
        if max_meters_per_pixel is not UNSET:
            field_dict["maxMetersPerPixel"] = max_meters_per_pixel

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_failed_ingestion_cause(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failed_ingestion_cause = _parse_failed_ingestion_cause(
            d.pop("failedIngestionCause", UNSET)
        )

        def _parse_warnings(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        warnings = _parse_warnings(d.pop("warnings", UNSET))

        min_meters_per_pixel = d.pop("minMetersPerPixel", UNSET)

        max_meters_per_pixel = d.pop("maxMetersPerPixel", UNSET)

        byoc_tile_additional_data = cls(
            failed_ingestion_cause=failed_ingestion_cause,
            warnings=warnings,
            min_meters_per_pixel=min_meters_per_pixel,
            max_meters_per_pixel=max_meters_per_pixel,
        )

        byoc_tile_additional_data.additional_properties = d
        return byoc_tile_additional_data

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
