from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.async_process_output import AsyncProcessOutput
    from ..models.object_storage import ObjectStorage
    from ..models.process_input import ProcessInput


T = TypeVar("T", bound="AsyncProcessRequest")


@_attrs_define
class AsyncProcessRequest:
    """Like a Process request, with an evalscript inline or stored in a bucket, and a delivery location.

    Attributes:
        input_ (ProcessInput):
        output (AsyncProcessOutput):
        evalscript (str | Unset):
        evalscript_reference (ObjectStorage | Unset): An S3 or a Google Cloud Storage location; give exactly one of the
            two members.
    """

    input_: ProcessInput
    output: AsyncProcessOutput
    evalscript: str | Unset = UNSET
    evalscript_reference: ObjectStorage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_.to_dict()

        output = self.output.to_dict()

        evalscript = self.evalscript

        evalscript_reference: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evalscript_reference, Unset):
            evalscript_reference = self.evalscript_reference.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "output": output,
            }
        )
        if evalscript is not UNSET:
            field_dict["evalscript"] = evalscript
        if evalscript_reference is not UNSET:
            field_dict["evalscriptReference"] = evalscript_reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.async_process_output import AsyncProcessOutput  # noqa: PLC0415
        from ..models.object_storage import ObjectStorage  # noqa: PLC0415
        from ..models.process_input import ProcessInput  # noqa: PLC0415

        d = dict(src_dict)
        input_ = ProcessInput.from_dict(d.pop("input"))

        output = AsyncProcessOutput.from_dict(d.pop("output"))

        evalscript = d.pop("evalscript", UNSET)

        _evalscript_reference = d.pop("evalscriptReference", UNSET)
        evalscript_reference: ObjectStorage | Unset
        if isinstance(_evalscript_reference, Unset):
            evalscript_reference = UNSET
        else:
            evalscript_reference = ObjectStorage.from_dict(_evalscript_reference)

        async_process_request = cls(
            input_=input_,
            output=output,
            evalscript=evalscript,
            evalscript_reference=evalscript_reference,
        )

        async_process_request.additional_properties = d
        return async_process_request

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
