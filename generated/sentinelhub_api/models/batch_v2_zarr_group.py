from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_zarr_group_coordinates import BatchV2ZarrGroupCoordinates
    from ..models.batch_v2_zarr_group_custom_attributes import (
        BatchV2ZarrGroupCustomAttributes,
    )


T = TypeVar("T", bound="BatchV2ZarrGroup")


@_attrs_define
class BatchV2ZarrGroup:
    """Parameters of the Zarr group.

    Attributes:
        zarr_format (int): Zarr format version; 2.
        coordinates (BatchV2ZarrGroupCoordinates | Unset):
        custom_attributes (BatchV2ZarrGroupCustomAttributes | Unset): Extra members of the group's .zattrs.
    """

    zarr_format: int
    coordinates: BatchV2ZarrGroupCoordinates | Unset = UNSET
    custom_attributes: BatchV2ZarrGroupCustomAttributes | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        zarr_format = self.zarr_format

        coordinates: dict[str, Any] | Unset = UNSET
        if not isinstance(self.coordinates, Unset):
            coordinates = self.coordinates.to_dict()

        custom_attributes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_attributes, Unset):
            custom_attributes = self.custom_attributes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "zarr_format": zarr_format,
            }
        )
        if coordinates is not UNSET:
            field_dict["coordinates"] = coordinates
        if custom_attributes is not UNSET:
            field_dict["customAttributes"] = custom_attributes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_zarr_group_coordinates import BatchV2ZarrGroupCoordinates  # noqa: PLC0415
        from ..models.batch_v2_zarr_group_custom_attributes import (
            BatchV2ZarrGroupCustomAttributes,  # noqa: PLC0415
        )

        d = dict(src_dict)
        zarr_format = d.pop("zarr_format")

        _coordinates = d.pop("coordinates", UNSET)
        coordinates: BatchV2ZarrGroupCoordinates | Unset
        if isinstance(_coordinates, Unset):
            coordinates = UNSET
        else:
            coordinates = BatchV2ZarrGroupCoordinates.from_dict(_coordinates)

        _custom_attributes = d.pop("customAttributes", UNSET)
        custom_attributes: BatchV2ZarrGroupCustomAttributes | Unset
        if isinstance(_custom_attributes, Unset):
            custom_attributes = UNSET
        else:
            custom_attributes = BatchV2ZarrGroupCustomAttributes.from_dict(
                _custom_attributes
            )

        batch_v2_zarr_group = cls(
            zarr_format=zarr_format,
            coordinates=coordinates,
            custom_attributes=custom_attributes,
        )

        batch_v2_zarr_group.additional_properties = d
        return batch_v2_zarr_group

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
