from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_geopackage_input_type import BatchV2GeopackageInputType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_geopackage_defaults import BatchV2GeopackageDefaults
    from ..models.object_storage import ObjectStorage


T = TypeVar("T", bound="BatchV2GeopackageInput")


@_attrs_define
class BatchV2GeopackageInput:
    """Process the features of a GeoPackage in a bucket: each feature is one output, named by its
    `identifier` column, with its own geometry, CRS and size.

        Attributes:
            type_ (BatchV2GeopackageInputType):
            features (ObjectStorage): An S3 or a Google Cloud Storage location; give exactly one of the two members.
            defaults (BatchV2GeopackageDefaults | Unset): Size of the features that do not give their own: `width` and
                `height` in pixels, or a
                `resolution`, not both.
    """

    type_: BatchV2GeopackageInputType
    features: ObjectStorage
    defaults: BatchV2GeopackageDefaults | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        features = self.features.to_dict()

        defaults: dict[str, Any] | Unset = UNSET
        if not isinstance(self.defaults, Unset):
            defaults = self.defaults.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "features": features,
            }
        )
        if defaults is not UNSET:
            field_dict["defaults"] = defaults

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_geopackage_defaults import BatchV2GeopackageDefaults  # noqa: PLC0415
        from ..models.object_storage import ObjectStorage  # noqa: PLC0415

        d = dict(src_dict)
        type_ = BatchV2GeopackageInputType(d.pop("type"))

        features = ObjectStorage.from_dict(d.pop("features"))

        _defaults = d.pop("defaults", UNSET)
        defaults: BatchV2GeopackageDefaults | Unset
        if isinstance(_defaults, Unset):
            defaults = UNSET
        else:
            defaults = BatchV2GeopackageDefaults.from_dict(_defaults)

        batch_v2_geopackage_input = cls(
            type_=type_,
            features=features,
            defaults=defaults,
        )

        batch_v2_geopackage_input.additional_properties = d
        return batch_v2_geopackage_input

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
