from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_collection_summaries import StacCollectionSummaries
    from ..models.stac_extent import StacExtent
    from ..models.stac_link import StacLink


T = TypeVar("T", bound="StacCollection")


@_attrs_define
class StacCollection:
    """
    Attributes:
        id (str):
        links (list[StacLink]):
        type_ (str | Unset):
        stac_version (str | Unset):
        stac_extensions (list[str] | Unset):
        title (str | Unset):
        description (str | Unset):
        license_ (str | Unset):
        extent (StacExtent | Unset):
        summaries (StacCollectionSummaries | Unset):
    """

    id: str
    links: list[StacLink]
    type_: str | Unset = UNSET
    stac_version: str | Unset = UNSET
    stac_extensions: list[str] | Unset = UNSET
    title: str | Unset = UNSET
    description: str | Unset = UNSET
    license_: str | Unset = UNSET
    extent: StacExtent | Unset = UNSET
    summaries: StacCollectionSummaries | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        links = []
        for links_item_data in self.links:
            links_item = links_item_data.to_dict()
            links.append(links_item)

        type_ = self.type_

        stac_version = self.stac_version

        stac_extensions: list[str] | Unset = UNSET
        if not isinstance(self.stac_extensions, Unset):
            stac_extensions = self.stac_extensions

        title = self.title

        description = self.description

        license_ = self.license_

        extent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extent, Unset):
            extent = self.extent.to_dict()

        summaries: dict[str, Any] | Unset = UNSET
        if not isinstance(self.summaries, Unset):
            summaries = self.summaries.to_dict()

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
        if stac_extensions is not UNSET:
            field_dict["stac_extensions"] = stac_extensions
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
        if license_ is not UNSET:
            field_dict["license"] = license_
        if extent is not UNSET:
            field_dict["extent"] = extent
        if summaries is not UNSET:
            field_dict["summaries"] = summaries

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_collection_summaries import StacCollectionSummaries  # noqa: PLC0415
        from ..models.stac_extent import StacExtent  # noqa: PLC0415
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

        stac_extensions = cast(list[str], d.pop("stac_extensions", UNSET))

        title = d.pop("title", UNSET)

        description = d.pop("description", UNSET)

        license_ = d.pop("license", UNSET)

        _extent = d.pop("extent", UNSET)
        extent: StacExtent | Unset
        if isinstance(_extent, Unset):
            extent = UNSET
        else:
            extent = StacExtent.from_dict(_extent)

        _summaries = d.pop("summaries", UNSET)
        summaries: StacCollectionSummaries | Unset
        if isinstance(_summaries, Unset):
            summaries = UNSET
        else:
            summaries = StacCollectionSummaries.from_dict(_summaries)

        stac_collection = cls(
            id=id,
            links=links,
            type_=type_,
            stac_version=stac_version,
            stac_extensions=stac_extensions,
            title=title,
            description=description,
            license_=license_,
            extent=extent,
            summaries=summaries,
        )

        stac_collection.additional_properties = d
        return stac_collection

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
