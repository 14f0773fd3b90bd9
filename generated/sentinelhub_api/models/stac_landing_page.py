from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_link import StacLink


T = TypeVar("T", bound="StacLandingPage")


@_attrs_define
class StacLandingPage:
    """
    Attributes:
        id (str):
        links (list[StacLink]):
        type_ (str | Unset):
        stac_version (str | Unset):
        title (str | Unset):
        description (str | Unset):
        conforms_to (list[str] | Unset):
    """

    id: str
    links: list[StacLink]
    type_: str | Unset = UNSET
    stac_version: str | Unset = UNSET
    title: str | Unset = UNSET
    description: str | Unset = UNSET
    conforms_to: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        links = []
        for links_item_data in self.links:
            links_item = links_item_data.to_dict()
            links.append(links_item)

        type_ = self.type_

        stac_version = self.stac_version

        title = self.title

        description = self.description

        conforms_to: list[str] | Unset = UNSET
        if not isinstance(self.conforms_to, Unset):
            conforms_to = self.conforms_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "links": links,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if stac_version is not UNSET:
            field_dict["stac_version"] = stac_version
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
        if conforms_to is not UNSET:
            field_dict["conformsTo"] = conforms_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_link import StacLink  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        links = []
        _links = d.pop("links")
        for links_item_data in _links:
            links_item = StacLink.from_dict(links_item_data)

            links.append(links_item)

        type_ = d.pop("type", UNSET)

        stac_version = d.pop("stac_version", UNSET)

        title = d.pop("title", UNSET)

        description = d.pop("description", UNSET)

        conforms_to = cast(list[str], d.pop("conformsTo", UNSET))

        stac_landing_page = cls(
            id=id,
            links=links,
            type_=type_,
            stac_version=stac_version,
            title=title,
            description=description,
            conforms_to=conforms_to,
        )

        stac_landing_page.additional_properties = d
        return stac_landing_page

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
