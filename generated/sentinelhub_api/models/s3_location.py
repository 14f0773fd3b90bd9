from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="S3Location")


@_attrs_define
class S3Location:
    """
    Attributes:
        url (str): s3://bucket/prefix, templates allowed where stated.
        iam_role_arn (str | Unset):
        access_key (str | Unset):
        secret_access_key (str | Unset):
        region (str | Unset):
    """

    url: str
    iam_role_arn: str | Unset = UNSET
    access_key: str | Unset = UNSET
    secret_access_key: str | Unset = UNSET
    region: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        iam_role_arn = self.iam_role_arn

        access_key = self.access_key

        secret_access_key = self.secret_access_key

        region = self.region

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
            }
        )
        if iam_role_arn is not UNSET:
            field_dict["iamRoleARN"] = iam_role_arn
        if access_key is not UNSET:
            field_dict["accessKey"] = access_key
        if secret_access_key is not UNSET:
            field_dict["secretAccessKey"] = secret_access_key
        if region is not UNSET:
            field_dict["region"] = region

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        iam_role_arn = d.pop("iamRoleARN", UNSET)

        access_key = d.pop("accessKey", UNSET)

        secret_access_key = d.pop("secretAccessKey", UNSET)

        region = d.pop("region", UNSET)

        s3_location = cls(
            url=url,
            iam_role_arn=iam_role_arn,
            access_key=access_key,
            secret_access_key=secret_access_key,
            region=region,
        )

        s3_location.additional_properties = d
        return s3_location

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
