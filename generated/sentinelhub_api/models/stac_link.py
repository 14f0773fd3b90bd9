from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_link_body import StacLinkBody


T = TypeVar("T", bound="StacLink")


@_attrs_define
class StacLink:
    """
    Attributes:
        href (str):
        rel (str):
        type_ (str | Unset):
        title (str | Unset):
        method (str | Unset): GET (default) or POST, for a search link.
        body (StacLinkBody | Unset): The body to POST to follow a search link.
        merge (bool | Unset):
    """

    href: str
    rel: str
    type_: str | Unset = UNSET
    title: str | Unset = UNSET
    method: str | Unset = UNSET
    body: StacLinkBody | Unset = UNSET
    merge: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        href = self.href

        rel = self.rel

        type_ = self.type_

        title = self.title

        method = self.method

        body: dict[str, Any] | Unset = UNSET
        if not isinstance(self.body, Unset):
            body = self.body.to_dict()

        merge = self.merge

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "href": href,
                "rel": rel,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if title is not UNSET:
            field_dict["title"] = title
        if method is not UNSET:
            field_dict["method"] = method
        if body is not UNSET:
            field_dict["body"] = body
        if merge is not UNSET:
            field_dict["merge"] = merge

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_link_body import StacLinkBody  # noqa: PLC0415

        d = dict(src_dict)
        href = d.pop("href")

        rel = d.pop("rel")

        type_ = d.pop("type", UNSET)

        title = d.pop("title", UNSET)

        method = d.pop("method", UNSET)

        _body = d.pop("body", UNSET)
        body: StacLinkBody | Unset
        if isinstance(_body, Unset):
            body = UNSET
        else:
            body = StacLinkBody.from_dict(_body)

        merge = d.pop("merge", UNSET)

        stac_link = cls(
            href=href,
            rel=rel,
            type_=type_,
            title=title,
            method=method,
            body=body,
            merge=merge,
        )

        stac_link.additional_properties = d
        return stac_link

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
