from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.stac_fields import StacFields
    from ..models.stac_geometry import StacGeometry
    from ..models.stac_search_body_filter_type_1 import StacSearchBodyFilterType1


T = TypeVar("T", bound="StacSearchBody")


@_attrs_define
class StacSearchBody:
    """
    Attributes:
        collections (list[str]):
        bbox (list[float] | Unset):
        intersects (StacGeometry | Unset): A GeoJSON geometry in CRS84 (longitude, latitude).
        datetime_ (str | Unset): An RFC 3339 instant or interval `start/end` (`..` for an open end).
        ids (list[str] | Unset):
        limit (int | Unset): 1 to 100 (default 10); more than 100 is served as 100.
        next_ (int | Unset): The `context.next` of the previous page.
        filter_ (StacSearchBodyFilterType1 | str | Unset): A CQL2 filter; text for cql2-text, an object for cql2-json.
        filter_lang (str | Unset): cql2-json (default here) or cql2-text.
        filter_crs (str | Unset): Only CRS84.
        fields (StacFields | Unset): Item members to keep (`include`) or drop (`exclude`), as dotted paths.
        distinct (str | Unset): Answer the distinct values of this property instead of items.
    """

    collections: list[str]
    bbox: list[float] | Unset = UNSET
    intersects: StacGeometry | Unset = UNSET
    datetime_: str | Unset = UNSET
    ids: list[str] | Unset = UNSET
    limit: int | Unset = UNSET
    next_: int | Unset = UNSET
    filter_: StacSearchBodyFilterType1 | str | Unset = UNSET
    filter_lang: str | Unset = UNSET
    filter_crs: str | Unset = UNSET
    fields: StacFields | Unset = UNSET
    distinct: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stac_search_body_filter_type_1 import StacSearchBodyFilterType1  # noqa: PLC0415

        collections = self.collections

        bbox: list[float] | Unset = UNSET
        if not isinstance(self.bbox, Unset):
            bbox = self.bbox

        intersects: dict[str, Any] | Unset = UNSET
        if not isinstance(self.intersects, Unset):
            intersects = self.intersects.to_dict()

        datetime_ = self.datetime_

        ids: list[str] | Unset = UNSET
        if not isinstance(self.ids, Unset):
            ids = self.ids

        limit = self.limit

        next_ = self.next_

        filter_: dict[str, Any] | str | Unset
        if isinstance(self.filter_, Unset):
            filter_ = UNSET
        elif isinstance(self.filter_, StacSearchBodyFilterType1):
            filter_ = self.filter_.to_dict()
        else:
            filter_ = self.filter_

        filter_lang = self.filter_lang

        filter_crs = self.filter_crs

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        distinct = self.distinct

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collections": collections,
            }
        )
        if bbox is not UNSET:
            field_dict["bbox"] = bbox
        if intersects is not UNSET:
            field_dict["intersects"] = intersects
        if datetime_ is not UNSET:
            field_dict["datetime"] = datetime_
        if ids is not UNSET:
            field_dict["ids"] = ids
        if limit is not UNSET:
            field_dict["limit"] = limit
        if next_ is not UNSET:
            field_dict["next"] = next_
        if filter_ is not UNSET:
            field_dict["filter"] = filter_
        if filter_lang is not UNSET:
            field_dict["filter-lang"] = filter_lang
        if filter_crs is not UNSET:
            field_dict["filter-crs"] = filter_crs
        if fields is not UNSET:
            field_dict["fields"] = fields
        if distinct is not UNSET:
            field_dict["distinct"] = distinct

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.stac_fields import StacFields  # noqa: PLC0415
        from ..models.stac_geometry import StacGeometry  # noqa: PLC0415
        from ..models.stac_search_body_filter_type_1 import StacSearchBodyFilterType1  # noqa: PLC0415

        d = dict(src_dict)
        collections = cast(list[str], d.pop("collections"))

        bbox = cast(list[float], d.pop("bbox", UNSET))

        _intersects = d.pop("intersects", UNSET)
        intersects: StacGeometry | Unset
        if isinstance(_intersects, Unset):
            intersects = UNSET
        else:
            intersects = StacGeometry.from_dict(_intersects)

        datetime_ = d.pop("datetime", UNSET)

        ids = cast(list[str], d.pop("ids", UNSET))

        limit = d.pop("limit", UNSET)

        next_ = d.pop("next", UNSET)

        def _parse_filter_(data: object) -> StacSearchBodyFilterType1 | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                filter_type_1 = StacSearchBodyFilterType1.from_dict(data)

                return filter_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(StacSearchBodyFilterType1 | str | Unset, data)

        filter_ = _parse_filter_(d.pop("filter", UNSET))

        filter_lang = d.pop("filter-lang", UNSET)

        filter_crs = d.pop("filter-crs", UNSET)

        _fields = d.pop("fields", UNSET)
        fields: StacFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = StacFields.from_dict(_fields)

        distinct = d.pop("distinct", UNSET)

        stac_search_body = cls(
            collections=collections,
            bbox=bbox,
            intersects=intersects,
            datetime_=datetime_,
            ids=ids,
            limit=limit,
            next_=next_,
            filter_=filter_,
            filter_lang=filter_lang,
            filter_crs=filter_crs,
            fields=fields,
            distinct=distinct,
        )

        stac_search_body.additional_properties = d
        return stac_search_body

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
