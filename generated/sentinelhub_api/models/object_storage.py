from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.gcs_location import GcsLocation
    from ..models.s3_location import S3Location


T = TypeVar("T", bound="ObjectStorage")


@_attrs_define
class ObjectStorage:
    """An S3 or a Google Cloud Storage location; give exactly one of the two members.

    Attributes:
        s3 (S3Location | Unset):
        gs (GcsLocation | Unset):
    """

    s3: S3Location | Unset = UNSET
    gs: GcsLocation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        s3: dict[str, Any] | Unset = UNSET
        if not isinstance(self.s3, Unset):
            s3 = self.s3.to_dict()

        gs: dict[str, Any] | Unset = UNSET
        if not isinstance(self.gs, Unset):
            gs = self.gs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if s3 is not UNSET:
            field_dict["s3"] = s3
        if gs is not UNSET:
            field_dict["gs"] = gs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.gcs_location import GcsLocation  # noqa: PLC0415
        from ..models.s3_location import S3Location  # noqa: PLC0415

        d = dict(src_dict)
        _s3 = d.pop("s3", UNSET)
        s3: S3Location | Unset
        if isinstance(_s3, Unset):
            s3 = UNSET
        else:
            s3 = S3Location.from_dict(_s3)

        _gs = d.pop("gs", UNSET)
        gs: GcsLocation | Unset
        if isinstance(_gs, Unset):
            gs = UNSET
        else:
            gs = GcsLocation.from_dict(_gs)

        object_storage = cls(
            s3=s3,
            gs=gs,
        )

        object_storage.additional_properties = d
        return object_storage

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
