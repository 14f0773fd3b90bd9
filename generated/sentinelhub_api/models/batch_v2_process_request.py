from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_instance_type import BatchV2InstanceType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_geopackage_input import BatchV2GeopackageInput
    from ..models.batch_v2_process_body import BatchV2ProcessBody
    from ..models.batch_v2_raster_output import BatchV2RasterOutput
    from ..models.batch_v2_tiling_grid_input import BatchV2TilingGridInput
    from ..models.batch_v2_zarr_output import BatchV2ZarrOutput


T = TypeVar("T", bound="BatchV2ProcessRequest")


@_attrs_define
class BatchV2ProcessRequest:
    """What a Batch v2 request is created from.

    Attributes:
        process_request (BatchV2ProcessBody): The Process API request that the job runs for each output feature or tile.
            Its output
            formats are image/tiff or application/json for raster outputs, zarr/array for Zarr outputs;
            width, height and resolution come from the grid or the GeoPackage, not from here.
        input_ (BatchV2GeopackageInput | BatchV2TilingGridInput): A tiling grid (`type` tiling-grid) or a GeoPackage of
            features (`type` geopackage).
        output (BatchV2RasterOutput | BatchV2ZarrOutput): Raster files (`type` raster) or one Zarr (`type` zarr).
        description (str | Unset):
        instance_type (BatchV2InstanceType | str | Unset):
    """

    process_request: BatchV2ProcessBody
    input_: BatchV2GeopackageInput | BatchV2TilingGridInput
    output: BatchV2RasterOutput | BatchV2ZarrOutput
    description: str | Unset = UNSET
    instance_type: BatchV2InstanceType | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_v2_raster_output import BatchV2RasterOutput  # noqa: PLC0415
        from ..models.batch_v2_tiling_grid_input import BatchV2TilingGridInput  # noqa: PLC0415

        process_request = self.process_request.to_dict()

        input_: dict[str, Any]
        if isinstance(self.input_, BatchV2TilingGridInput):
            input_ = self.input_.to_dict()
        else:
            input_ = self.input_.to_dict()

        output: dict[str, Any]
        if isinstance(self.output, BatchV2RasterOutput):
            output = self.output.to_dict()
        else:
            output = self.output.to_dict()

        description = self.description

        instance_type: str | Unset
        if isinstance(self.instance_type, Unset):
            instance_type = UNSET
        elif isinstance(self.instance_type, BatchV2InstanceType):
            instance_type = self.instance_type.value
        else:
            instance_type = self.instance_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "processRequest": process_request,
                "input": input_,
                "output": output,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if instance_type is not UNSET:
            field_dict["instanceType"] = instance_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_geopackage_input import BatchV2GeopackageInput  # noqa: PLC0415
        from ..models.batch_v2_process_body import BatchV2ProcessBody  # noqa: PLC0415
        from ..models.batch_v2_raster_output import BatchV2RasterOutput  # noqa: PLC0415
        from ..models.batch_v2_tiling_grid_input import BatchV2TilingGridInput  # noqa: PLC0415
        from ..models.batch_v2_zarr_output import BatchV2ZarrOutput  # noqa: PLC0415

        d = dict(src_dict)
        process_request = BatchV2ProcessBody.from_dict(d.pop("processRequest"))

        def _parse_input_(
            data: object,
        ) -> BatchV2GeopackageInput | BatchV2TilingGridInput:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                input_type_0 = BatchV2TilingGridInput.from_dict(data)

                return input_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            input_type_1 = BatchV2GeopackageInput.from_dict(data)

            return input_type_1

        input_ = _parse_input_(d.pop("input"))

        def _parse_output(data: object) -> BatchV2RasterOutput | BatchV2ZarrOutput:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                output_type_0 = BatchV2RasterOutput.from_dict(data)

                return output_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            output_type_1 = BatchV2ZarrOutput.from_dict(data)

            return output_type_1

        output = _parse_output(d.pop("output"))

        description = d.pop("description", UNSET)

        def _parse_instance_type(data: object) -> BatchV2InstanceType | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                instance_type_type_0 = BatchV2InstanceType(data)

                return instance_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchV2InstanceType | str | Unset, data)

        instance_type = _parse_instance_type(d.pop("instanceType", UNSET))

        batch_v2_process_request = cls(
            process_request=process_request,
            input_=input_,
            output=output,
            description=description,
            instance_type=instance_type,
        )

        batch_v2_process_request.additional_properties = d
        return batch_v2_process_request

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
