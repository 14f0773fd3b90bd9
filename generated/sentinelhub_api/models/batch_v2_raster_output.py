from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_raster_output_type import BatchV2RasterOutputType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_cog_parameters import BatchV2CogParameters
    from ..models.object_storage import ObjectStorage


T = TypeVar("T", bound="BatchV2RasterOutput")


@_attrs_define
class BatchV2RasterOutput:
    """One GeoTIFF (or JSON) file per output of every feature or tile. `delivery.s3.url` is a
    folder, which then stands for `<folder>/<requestId>/<tileName>/<outputId>.<format>`, or a
    template using `<requestId>`, `<tileName>`, `<outputId>` and `<format>`; a template must
    contain `<tileName>`, and `<outputId>` when there are several outputs.

        Attributes:
            type_ (BatchV2RasterOutputType):
            delivery (ObjectStorage): An S3 or a Google Cloud Storage location; give exactly one of the two members.
            overwrite (bool | Unset): Replace files that exist instead of failing. Default: False.
            skip_existing (bool | Unset): Skip the tiles whose outputs all exist. Default: False.
            cog_output (bool | Unset): Write cloud-optimised GeoTIFFs. Default: False.
            cog_parameters (BatchV2CogParameters | Unset): How COG outputs are laid out (only with `cogOutput`).
            create_collection (bool | Unset): Register the COGs as tiles of a new BYOC collection. Default: False.
            collection_id (None | str | Unset): Register the COGs as tiles of this existing BYOC collection.
    """

    type_: BatchV2RasterOutputType
    delivery: ObjectStorage
    overwrite: bool | Unset = False
    skip_existing: bool | Unset = False
    cog_output: bool | Unset = False
    cog_parameters: BatchV2CogParameters | Unset = UNSET
    create_collection: bool | Unset = False
    collection_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        delivery = self.delivery.to_dict()

        overwrite = self.overwrite

        skip_existing = self.skip_existing

        cog_output = self.cog_output

        cog_parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.cog_parameters, Unset):
            cog_parameters = self.cog_parameters.to_dict()

        create_collection = self.create_collection

        collection_id: None | str | Unset
        if isinstance(self.collection_id, Unset):
            collection_id = UNSET
        else:
            collection_id = self.collection_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "delivery": delivery,
            }
        )
        if overwrite is not UNSET:
            field_dict["overwrite"] = overwrite
        if skip_existing is not UNSET:
            field_dict["skipExisting"] = skip_existing
        if cog_output is not UNSET:
            field_dict["cogOutput"] = cog_output
        if cog_parameters is not UNSET:
            field_dict["cogParameters"] = cog_parameters
        if create_collection is not UNSET:
            field_dict["createCollection"] = create_collection
        if collection_id is not UNSET:
            field_dict["collectionId"] = collection_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_cog_parameters import BatchV2CogParameters  # noqa: PLC0415
        from ..models.object_storage import ObjectStorage  # noqa: PLC0415

        d = dict(src_dict)
        type_ = BatchV2RasterOutputType(d.pop("type"))

        delivery = ObjectStorage.from_dict(d.pop("delivery"))

        overwrite = d.pop("overwrite", UNSET)

        skip_existing = d.pop("skipExisting", UNSET)

        cog_output = d.pop("cogOutput", UNSET)

        _cog_parameters = d.pop("cogParameters", UNSET)
        cog_parameters: BatchV2CogParameters | Unset
        if isinstance(_cog_parameters, Unset):
            cog_parameters = UNSET
        else:
            cog_parameters = BatchV2CogParameters.from_dict(_cog_parameters)

        create_collection = d.pop("createCollection", UNSET)

        def _parse_collection_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        collection_id = _parse_collection_id(d.pop("collectionId", UNSET))

        batch_v2_raster_output = cls(
            type_=type_,
            delivery=delivery,
            overwrite=overwrite,
            skip_existing=skip_existing,
            cog_output=cog_output,
            cog_parameters=cog_parameters,
            create_collection=create_collection,
            collection_id=collection_id,
        )

        batch_v2_raster_output.additional_properties = d
        return batch_v2_raster_output

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
