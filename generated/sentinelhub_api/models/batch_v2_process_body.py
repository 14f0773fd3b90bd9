from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_process_body_output import BatchV2ProcessBodyOutput
    from ..models.batch_v2_process_input import BatchV2ProcessInput


T = TypeVar("T", bound="BatchV2ProcessBody")


@_attrs_define
class BatchV2ProcessBody:
    """The Process API request that the job runs for each output feature or tile. Its output
    formats are image/tiff or application/json for raster outputs, zarr/array for Zarr outputs;
    width, height and resolution come from the grid or the GeoPackage, not from here.

        Attributes:
            input_ (BatchV2ProcessInput): The `input` of the Process request that every feature or tile runs. The bounds may
                be left
                out when a GeoPackage lists the features.
            evalscript (str):
            output (BatchV2ProcessBodyOutput | Unset):
    """

    input_: BatchV2ProcessInput
    evalscript: str
    output: BatchV2ProcessBodyOutput | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        evalscript = self.evalscript

        output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "evalscript": evalscript,
            }
        )
        if output is not UNSET:
            field_dict["output"] = output

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_process_body_output import BatchV2ProcessBodyOutput  # noqa: PLC0415
        from ..models.batch_v2_process_input import BatchV2ProcessInput  # noqa: PLC0415

        d = dict(src_dict)
        input_ = BatchV2ProcessInput.from_dict(d.pop("input"))

        evalscript = d.pop("evalscript")

        _output = d.pop("output", UNSET)
        output: BatchV2ProcessBodyOutput | Unset
        if isinstance(_output, Unset):
            output = UNSET
        else:
            output = BatchV2ProcessBodyOutput.from_dict(_output)

        batch_v2_process_body = cls(
            input_=input_,
            evalscript=evalscript,
            output=output,
        )

        batch_v2_process_body.additional_properties = d
        return batch_v2_process_body

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
