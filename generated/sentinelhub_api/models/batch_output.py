from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_cog_parameters import BatchCogParameters
    from ..models.batch_output_path import BatchOutputPath


T = TypeVar("T", bound="BatchOutput")


@_attrs_define
class BatchOutput:
    """Where and how results are written.

    Attributes:
        default_tile_path (str | Unset): An s3:// prefix or a template with <requestId>, <tileName>, <tileId>,
            <outputId> and
            <format>; it must name a tile (<tileName> or <tileId>) and, with several outputs, the
            output.
        overwrite (bool | Unset):  Default: False.
        skip_existing (bool | Unset):  Default: False.
        cog_output (bool | Unset):  Default: False.
        cog_parameters (BatchCogParameters | Unset): Layout of COG outputs; with collection outputs only
            resamplingAlgorithm may be set.
        create_collection (bool | Unset):  Default: False.
        collection_id (None | str | Unset):
        responses (list[BatchOutputPath] | Unset):
    """

    default_tile_path: str | Unset = UNSET
    overwrite: bool | Unset = False
    skip_existing: bool | Unset = False
    cog_output: bool | Unset = False
    cog_parameters: BatchCogParameters | Unset = UNSET
    create_collection: bool | Unset = False
    collection_id: None | str | Unset = UNSET
    responses: list[BatchOutputPath] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        default_tile_path = self.default_tile_path

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

        responses: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.responses, Unset):
            responses = []
            for responses_item_data in self.responses:
                responses_item = responses_item_data.to_dict()
                responses.append(responses_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if default_tile_path is not UNSET:
            field_dict["defaultTilePath"] = default_tile_path
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
        if responses is not UNSET:
            field_dict["responses"] = responses

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_cog_parameters import BatchCogParameters  # noqa: PLC0415
        from ..models.batch_output_path import BatchOutputPath  # noqa: PLC0415

        d = dict(src_dict)
        default_tile_path = d.pop("defaultTilePath", UNSET)

        overwrite = d.pop("overwrite", UNSET)

        skip_existing = d.pop("skipExisting", UNSET)

        cog_output = d.pop("cogOutput", UNSET)

        _cog_parameters = d.pop("cogParameters", UNSET)
        cog_parameters: BatchCogParameters | Unset
        if isinstance(_cog_parameters, Unset):
            cog_parameters = UNSET
        else:
            cog_parameters = BatchCogParameters.from_dict(_cog_parameters)

        create_collection = d.pop("createCollection", UNSET)

        def _parse_collection_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        collection_id = _parse_collection_id(d.pop("collectionId", UNSET))

        _responses = d.pop("responses", UNSET)
        responses: list[BatchOutputPath] | Unset = UNSET
        if _responses is not UNSET:
            responses = []
            for responses_item_data in _responses:
                responses_item = BatchOutputPath.from_dict(responses_item_data)

                responses.append(responses_item)

        batch_output = cls(
            default_tile_path=default_tile_path,
            overwrite=overwrite,
            skip_existing=skip_existing,
            cog_output=cog_output,
            cog_parameters=cog_parameters,
            create_collection=create_collection,
            collection_id=collection_id,
            responses=responses,
        )

        batch_output.additional_properties = d
        return batch_output

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
