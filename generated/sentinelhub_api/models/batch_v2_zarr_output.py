from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_zarr_output_type import BatchV2ZarrOutputType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_zarr_array_parameters import BatchV2ZarrArrayParameters
    from ..models.batch_v2_zarr_group import BatchV2ZarrGroup
    from ..models.batch_v2_zarr_output_array_overrides import (
        BatchV2ZarrOutputArrayOverrides,
    )
    from ..models.object_storage import ObjectStorage


T = TypeVar("T", bound="BatchV2ZarrOutput")


@_attrs_define
class BatchV2ZarrOutput:
    """One Zarr group for the whole job, one array per output of the Process request (all of
    format zarr/array). `delivery.s3.url` is the group's folder, optionally with `<requestId>`;
    it must be empty. The parameters are sent as `arrayParameters` (sentinelhub-py 3.12 sends
    the misspelt `arrayParameter`).

        Attributes:
            type_ (BatchV2ZarrOutputType):
            delivery (ObjectStorage): An S3 or a Google Cloud Storage location; give exactly one of the two members.
            group (BatchV2ZarrGroup): Parameters of the Zarr group.
            array_parameters (BatchV2ZarrArrayParameters | Unset): Zarr array metadata. Between `arrayParameters` and an
                array's override, every array needs
                `dtype`, `chunks` and `fill_value` (`order` defaults to C). The first chunk dimension (time)
                is 1; the other two divide the tile's size in pixels.
            array_overrides (BatchV2ZarrOutputArrayOverrides | Unset): Output id -> parameters that replace those of
                `arrayParameters` for that array.
    """

    type_: BatchV2ZarrOutputType
    delivery: ObjectStorage
    group: BatchV2ZarrGroup
    array_parameters: BatchV2ZarrArrayParameters | Unset = UNSET
    array_overrides: BatchV2ZarrOutputArrayOverrides | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        delivery = self.delivery.to_dict()

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
                "type": type_,
                "delivery": delivery,
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
        from ..models.batch_v2_zarr_array_parameters import BatchV2ZarrArrayParameters  # noqa: PLC0415
        from ..models.batch_v2_zarr_group import BatchV2ZarrGroup  # noqa: PLC0415
        from ..models.batch_v2_zarr_output_array_overrides import (
            BatchV2ZarrOutputArrayOverrides,  # noqa: PLC0415
        )
        from ..models.object_storage import ObjectStorage  # noqa: PLC0415

        d = dict(src_dict)
        type_ = BatchV2ZarrOutputType(d.pop("type"))

        delivery = ObjectStorage.from_dict(d.pop("delivery"))

        group = BatchV2ZarrGroup.from_dict(d.pop("group"))

        _array_parameters = d.pop("arrayParameters", UNSET)
        array_parameters: BatchV2ZarrArrayParameters | Unset
        if isinstance(_array_parameters, Unset):
            array_parameters = UNSET
        else:
            array_parameters = BatchV2ZarrArrayParameters.from_dict(_array_parameters)

        _array_overrides = d.pop("arrayOverrides", UNSET)
        array_overrides: BatchV2ZarrOutputArrayOverrides | Unset
        if isinstance(_array_overrides, Unset):
            array_overrides = UNSET
        else:
            array_overrides = BatchV2ZarrOutputArrayOverrides.from_dict(
                _array_overrides
            )

        batch_v2_zarr_output = cls(
            type_=type_,
            delivery=delivery,
            group=group,
            array_parameters=array_parameters,
            array_overrides=array_overrides,
        )

        batch_v2_zarr_output.additional_properties = d
        return batch_v2_zarr_output

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
