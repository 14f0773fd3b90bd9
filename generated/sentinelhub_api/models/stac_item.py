from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_geometry import StacGeometry
    from ..models.stac_item_assets import StacItemAssets
    from ..models.stac_item_properties import StacItemProperties
    from ..models.stac_link import StacLink


T = TypeVar("T", bound="StacItem")


@_attrs_define
class StacItem:
    """A GeoJSON Feature; with `fields`, members may be left out.

    Attributes:
        id (str):
        type_ (str | Unset):
        stac_version (str | Unset):
        stac_extensions (list[str] | Unset):
        collection (str | Unset):
        geometry (None | StacGeometry | Unset):
        bbox (list[float] | Unset):
        properties (StacItemProperties | Unset): The item's properties; `datetime` is the sensing time. Other members
            pass through.
        links (list[StacLink] | Unset):
        assets (StacItemAssets | Unset):
    """

    id: str
    type_: str | Unset = UNSET
    stac_version: str | Unset = UNSET
    stac_extensions: list[str] | Unset = UNSET
    collection: str | Unset = UNSET
    geometry: None | StacGeometry | Unset = UNSET
    bbox: list[float] | Unset = UNSET
    properties: StacItemProperties | Unset = UNSET
    links: list[StacLink] | Unset = UNSET
    assets: StacItemAssets | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stac_geometry import StacGeometry  # noqa: PLC0415

        id = self.id

        type_ = self.type_

        stac_version = self.stac_version

        stac_extensions: list[str] | Unset = UNSET
        if not isinstance(self.stac_extensions, Unset):
            stac_extensions = self.stac_extensions

        collection = self.collection

        geometry: dict[str, Any] | None | Unset
        if isinstance(self.geometry, Unset):
            geometry = UNSET
        elif isinstance(self.geometry, StacGeometry):
            geometry = self.geometry.to_dict()
        else:
            geometry = self.geometry

        bbox: list[float] | Unset = UNSET
        if not isinstance(self.bbox, Unset):
            bbox = self.bbox

        properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties.to_dict()

        links: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = []
            for links_item_data in self.links:
                links_item = links_item_data.to_dict()
                links.append(links_item)

        assets: dict[str, Any] | Unset = UNSET
        if not isinstance(self.assets, Unset):
            assets = self.assets.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if stac_version is not UNSET:
            field_dict["stac_version"] = stac_version
        if stac_extensions is not UNSET:
            field_dict["stac_extensions"] = stac_extensions
        if collection is not UNSET:
            field_dict["collection"] = collection
        if geometry is not UNSET:
            field_dict["geometry"] = geometry
        if bbox is not UNSET:
            field_dict["bbox"] = bbox
        if properties is not UNSET:
            field_dict["properties"] = properties
        if links is not UNSET:
            field_dict["links"] = links
        if assets is not UNSET:
            field_dict["assets"] = assets

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_geometry import StacGeometry  # noqa: PLC0415
        from ..models.stac_item_assets import StacItemAssets  # noqa: PLC0415
        from ..models.stac_item_properties import StacItemProperties  # noqa: PLC0415
        from ..models.stac_link import StacLink  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = d.pop("type", UNSET)

        stac_version = d.pop("stac_version", UNSET)

        stac_extensions = cast(list[str], d.pop("stac_extensions", UNSET))

        collection = d.pop("collection", UNSET)

        def _parse_geometry(data: object) -> None | StacGeometry | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                geometry_type_0 = StacGeometry.from_dict(data)

                return geometry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StacGeometry | Unset, data)

        geometry = _parse_geometry(d.pop("geometry", UNSET))

        bbox = cast(list[float], d.pop("bbox", UNSET))

        _properties = d.pop("properties", UNSET)
        properties: StacItemProperties | Unset
        if isinstance(_properties, Unset):
            properties = UNSET
        else:
            properties = StacItemProperties.from_dict(_properties)

        _links = d.pop("links", UNSET)
        links: list[StacLink] | Unset = UNSET
        if _links is not UNSET:
            links = []
            for links_item_data in _links:
                links_item = StacLink.from_dict(links_item_data)

                links.append(links_item)

        _assets = d.pop("assets", UNSET)
        assets: StacItemAssets | Unset
        if isinstance(_assets, Unset):
            assets = UNSET
        else:
            assets = StacItemAssets.from_dict(_assets)

        stac_item = cls(
            id=id,
            type_=type_,
            stac_version=stac_version,
            stac_extensions=stac_extensions,
            collection=collection,
            geometry=geometry,
            bbox=bbox,
            properties=properties,
            links=links,
            assets=assets,
        )

        stac_item.additional_properties = d
        return stac_item

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
