from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_item import StacItem
    from ..models.stac_link import StacLink
    from ..models.stac_search_context import StacSearchContext


T = TypeVar("T", bound="StacItemCollection")


@_attrs_define
class StacItemCollection:
    """
    Attributes:
        features (list[StacItem]):
        type_ (str | Unset):
        links (list[StacLink] | Unset):
        context (StacSearchContext | Unset):
    """

    features: list[StacItem]
    type_: str | Unset = UNSET
    links: list[StacLink] | Unset = UNSET
    context: StacSearchContext | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)

        type_ = self.type_

        links: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = []
            for links_item_data in self.links:
                links_item = links_item_data.to_dict()
                links.append(links_item)

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "features": features,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if links is not UNSET:
            field_dict["links"] = links
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_item import StacItem  # noqa: PLC0415
        from ..models.stac_link import StacLink  # noqa: PLC0415
        from ..models.stac_search_context import StacSearchContext  # noqa: PLC0415

        d = dict(src_dict)
        features = []
        _features = d.pop("features")
        for features_item_data in _features:
            features_item = StacItem.from_dict(features_item_data)

            features.append(features_item)

        type_ = d.pop("type", UNSET)

        _links = d.pop("links", UNSET)
        links: list[StacLink] | Unset = UNSET
        if _links is not UNSET:
            links = []
            for links_item_data in _links:
                links_item = StacLink.from_dict(links_item_data)

                links.append(links_item)

        _context = d.pop("context", UNSET)
        context: StacSearchContext | Unset
        if isinstance(_context, Unset):
            context = UNSET
        else:
            context = StacSearchContext.from_dict(_context)

        stac_item_collection = cls(
            features=features,
            type_=type_,
            links=links,
            context=context,
        )

        stac_item_collection.additional_properties = d
        return stac_item_collection

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
