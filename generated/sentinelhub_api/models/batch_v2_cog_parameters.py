from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchV2CogParameters")


@_attrs_define
class BatchV2CogParameters:
    """How COG outputs are laid out (only with `cogOutput`).

    Attributes:
        overview_levels (list[int] | Unset): Overview factors, as gdaladdo's levels.
        overview_min_size (int | Unset): Smallest overview side in pixels, as gdaladdo's minsize.
        resampling_algorithm (str | Unset): nearest, average (default), gauss, cubic, cubicspline, lanczos,
            average_magphase or mode.
        blockxsize (int | Unset):  Default: 256.
        blockysize (int | Unset):  Default: 256.
        use_predictor (bool | Unset):  Default: True.
    """

    overview_levels: list[int] | Unset = UNSET
    overview_min_size: int | Unset = UNSET
    resampling_algorithm: str | Unset = UNSET
    blockxsize: int | Unset = 256
    blockysize: int | Unset = 256
    use_predictor: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        overview_levels: list[int] | Unset = UNSET
        if not isinstance(self.overview_levels, Unset):
            overview_levels = self.overview_levels

        overview_min_size = self.overview_min_size

        resampling_algorithm = self.resampling_algorithm

        blockxsize = self.blockxsize

        blockysize = self.blockysize

        use_predictor = self.use_predictor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if overview_levels is not UNSET:
            field_dict["overviewLevels"] = overview_levels
        if overview_min_size is not UNSET:
            field_dict["overviewMinSize"] = overview_min_size
        if resampling_algorithm is not UNSET:
            field_dict["resamplingAlgorithm"] = resampling_algorithm
        if blockxsize is not UNSET:
            field_dict["blockxsize"] = blockxsize
        if blockysize is not UNSET:
            field_dict["blockysize"] = blockysize
        if use_predictor is not UNSET:
            field_dict["usePredictor"] = use_predictor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        overview_levels = cast(list[int], d.pop("overviewLevels", UNSET))

        overview_min_size = d.pop("overviewMinSize", UNSET)

        resampling_algorithm = d.pop("resamplingAlgorithm", UNSET)

        blockxsize = d.pop("blockxsize", UNSET)

        blockysize = d.pop("blockysize", UNSET)

        use_predictor = d.pop("usePredictor", UNSET)

        batch_v2_cog_parameters = cls(
            overview_levels=overview_levels,
            overview_min_size=overview_min_size,
            resampling_algorithm=resampling_algorithm,
            blockxsize=blockxsize,
            blockysize=blockysize,
            use_predictor=use_predictor,
        )

        batch_v2_cog_parameters.additional_properties = d
        return batch_v2_cog_parameters

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
