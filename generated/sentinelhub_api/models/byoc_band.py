from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.byoc_sample_format import ByocSampleFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="ByocBand")


@_attrs_define
class ByocBand:
    """How one band is stored. Live collections created long ago may lack `sampleFormat` or even
    `bitDepth`, so neither is required here.

        Attributes:
            source (str | Unset): Text that replaces `(BAND)` in tile paths to find this band's file; the band name when
                absent.
            band_index (int | Unset): 1-based index of the band inside its file. Default: 1.
            bit_depth (int | Unset): 8, 16 or 32.
            sample_format (ByocSampleFormat | str | Unset):
            no_data (float | Unset): Value that marks missing pixels in this band; set it per band or per collection, not
                both.
            aliases (list[str] | Unset): Other names of the band; only some special collections have them.
    """

    source: str | Unset = UNSET
    band_index: int | Unset = 1
    bit_depth: int | Unset = UNSET
    sample_format: ByocSampleFormat | str | Unset = UNSET
    no_data: float | Unset = UNSET
    aliases: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source = self.source

        band_index = self.band_index

        bit_depth = self.bit_depth

        sample_format: str | Unset
        if isinstance(self.sample_format, Unset):
            sample_format = UNSET
        elif isinstance(self.sample_format, ByocSampleFormat):
            sample_format = self.sample_format.value
        else:
            sample_format = self.sample_format

        no_data = self.no_data

        aliases: list[str] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if source is not UNSET:
            field_dict["source"] = source
        if band_index is not UNSET:
            field_dict["bandIndex"] = band_index
        if bit_depth is not UNSET:
            field_dict["bitDepth"] = bit_depth
        if sample_format is not UNSET:
            field_dict["sampleFormat"] = sample_format
        if no_data is not UNSET:
            field_dict["noData"] = no_data
        if aliases is not UNSET:
            field_dict["aliases"] = aliases

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source = d.pop("source", UNSET)

        band_index = d.pop("bandIndex", UNSET)

        bit_depth = d.pop("bitDepth", UNSET)

        def _parse_sample_format(data: object) -> ByocSampleFormat | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sample_format_type_0 = ByocSampleFormat(data)

                return sample_format_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ByocSampleFormat | str | Unset, data)

        sample_format = _parse_sample_format(d.pop("sampleFormat", UNSET))

        no_data = d.pop("noData", UNSET)

        aliases = cast(list[str], d.pop("aliases", UNSET))

        byoc_band = cls(
            source=source,
            band_index=band_index,
            bit_depth=bit_depth,
            sample_format=sample_format,
            no_data=no_data,
            aliases=aliases,
        )

        byoc_band.additional_properties = d
        return byoc_band

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
