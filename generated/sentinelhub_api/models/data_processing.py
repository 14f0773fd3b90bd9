from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.data_processing_speckle_filter import DataProcessingSpeckleFilter


T = TypeVar("T", bound="DataProcessing")


@_attrs_define
class DataProcessing:
    """How the data is resampled; collection-specific members pass through unchanged.

    Attributes:
        upsampling (str | Unset): NEAREST (default), BILINEAR or BICUBIC.
        downsampling (str | Unset): NEAREST (default), BILINEAR or BICUBIC.
        harmonize_values (bool | Unset): Sentinel-2: shift new-baseline values to the old range.
        back_coeff (str | Unset): Sentinel-1: backscatter coefficient.
        orthorectify (bool | Unset): Sentinel-1: orthorectify with a DEM.
        dem_instance (str | Unset): Sentinel-1 and DEM: which elevation model.
        radiometric_terrain_oversampling (int | Unset): Sentinel-1: oversampling for terrain correction.
        clamp_negative (bool | Unset): DEM: report heights below zero as zero.
        egm (bool | Unset): DEM: heights relative to the EGM geoid.
        speckle_filter (DataProcessingSpeckleFilter | Unset): Sentinel-1 speckle filter.
    """

    upsampling: str | Unset = UNSET
    downsampling: str | Unset = UNSET
    harmonize_values: bool | Unset = UNSET
    back_coeff: str | Unset = UNSET
    orthorectify: bool | Unset = UNSET
    dem_instance: str | Unset = UNSET
    radiometric_terrain_oversampling: int | Unset = UNSET
    clamp_negative: bool | Unset = UNSET
    egm: bool | Unset = UNSET
    speckle_filter: DataProcessingSpeckleFilter | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        upsampling = self.upsampling

        downsampling = self.downsampling

        harmonize_values = self.harmonize_values

        back_coeff = self.back_coeff

        orthorectify = self.orthorectify

        dem_instance = self.dem_instance

        radiometric_terrain_oversampling = self.radiometric_terrain_oversampling

        clamp_negative = self.clamp_negative

        egm = self.egm

        speckle_filter: dict[str, Any] | Unset = UNSET
        if not isinstance(self.speckle_filter, Unset):
            speckle_filter = self.speckle_filter.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if upsampling is not UNSET:
            field_dict["upsampling"] = upsampling
        if downsampling is not UNSET:
            field_dict["downsampling"] = downsampling
        if harmonize_values is not UNSET:
            field_dict["harmonizeValues"] = harmonize_values
        if back_coeff is not UNSET:
            field_dict["backCoeff"] = back_coeff
        if orthorectify is not UNSET:
            field_dict["orthorectify"] = orthorectify
        if dem_instance is not UNSET:
            field_dict["demInstance"] = dem_instance
        if radiometric_terrain_oversampling is not UNSET:
            field_dict["radiometricTerrainOversampling"] = (
                radiometric_terrain_oversampling
            )
        if clamp_negative is not UNSET:
            field_dict["clampNegative"] = clamp_negative
        if egm is not UNSET:
            field_dict["egm"] = egm
        if speckle_filter is not UNSET:
            field_dict["speckleFilter"] = speckle_filter

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_processing_speckle_filter import DataProcessingSpeckleFilter  # noqa: PLC0415

        d = dict(src_dict)
        upsampling = d.pop("upsampling", UNSET)

        downsampling = d.pop("downsampling", UNSET)

        harmonize_values = d.pop("harmonizeValues", UNSET)

        back_coeff = d.pop("backCoeff", UNSET)

        orthorectify = d.pop("orthorectify", UNSET)

        dem_instance = d.pop("demInstance", UNSET)

        radiometric_terrain_oversampling = d.pop(
            "radiometricTerrainOversampling", UNSET
        )

        clamp_negative = d.pop("clampNegative", UNSET)

        egm = d.pop("egm", UNSET)

        _speckle_filter = d.pop("speckleFilter", UNSET)
        speckle_filter: DataProcessingSpeckleFilter | Unset
        if isinstance(_speckle_filter, Unset):
            speckle_filter = UNSET
        else:
            speckle_filter = DataProcessingSpeckleFilter.from_dict(_speckle_filter)

        data_processing = cls(
            upsampling=upsampling,
            downsampling=downsampling,
            harmonize_values=harmonize_values,
            back_coeff=back_coeff,
            orthorectify=orthorectify,
            dem_instance=dem_instance,
            radiometric_terrain_oversampling=radiometric_terrain_oversampling,
            clamp_negative=clamp_negative,
            egm=egm,
            speckle_filter=speckle_filter,
        )

        data_processing.additional_properties = d
        return data_processing

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
