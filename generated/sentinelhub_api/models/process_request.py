from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.process_input import ProcessInput
    from ..models.process_output import ProcessOutput


T = TypeVar("T", bound="ProcessRequest")


@_attrs_define
class ProcessRequest:
    """
    Attributes:
        input_ (ProcessInput):
        evalscript (str):
        output (ProcessOutput | Unset): Give width and height, or resx and resy, not both pairs.
    """

    input_: ProcessInput
    evalscript: str
    output: ProcessOutput | Unset = UNSET
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
        from ..models.process_input import ProcessInput  # noqa: PLC0415
        from ..models.process_output import ProcessOutput  # noqa: PLC0415

        d = dict(src_dict)
        input_ = ProcessInput.from_dict(d.pop("input"))

        evalscript = d.pop("evalscript")

        _output = d.pop("output", UNSET)
        output: ProcessOutput | Unset
        if isinstance(_output, Unset):
            output = UNSET
        else:
            output = ProcessOutput.from_dict(_output)

        process_request = cls(
            input_=input_,
            evalscript=evalscript,
            output=output,
        )

        process_request.additional_properties = d
        return process_request

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
