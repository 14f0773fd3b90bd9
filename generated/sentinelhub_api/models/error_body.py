from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_body_errors_type_1 import ErrorBodyErrorsType1
    from ..models.error_violation import ErrorViolation


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        status (int | Unset): The HTTP status again.
        reason (str | Unset): The HTTP reason phrase, such as "Bad Request".
        message (str | Unset): What went wrong, for people.
        code (str | Unset): A service-wide code such as COMMON_BAD_PAYLOAD, COMMON_NOT_FOUND,
            COMMON_UNIQUE_KEY_VIOLATION, COMMON_UNAUTHORIZED, COMMON_INSUFFICIENT_PERMISSIONS,
            RATE_LIMIT_EXCEEDED or RENDERER_EXCEPTION. Kept open: the list grows.
        errors (ErrorBodyErrorsType1 | list[ErrorViolation] | Unset): Per-parameter details; a list on the wire, an
            object in older answers.
    """

    status: int | Unset = UNSET
    reason: str | Unset = UNSET
    message: str | Unset = UNSET
    code: str | Unset = UNSET
    errors: ErrorBodyErrorsType1 | list[ErrorViolation] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        reason = self.reason

        message = self.message

        code = self.code

        errors: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.errors, Unset):
            errors = UNSET
        elif isinstance(self.errors, list):
            errors = []
            for errors_type_0_item_data in self.errors:
                errors_type_0_item = errors_type_0_item_data.to_dict()
                errors.append(errors_type_0_item)

        else:
            errors = self.errors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if reason is not UNSET:
            field_dict["reason"] = reason
        if message is not UNSET:
            field_dict["message"] = message
        if code is not UNSET:
            field_dict["code"] = code
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_body_errors_type_1 import ErrorBodyErrorsType1  # noqa: PLC0415
        from ..models.error_violation import ErrorViolation  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status", UNSET)

        reason = d.pop("reason", UNSET)

        message = d.pop("message", UNSET)

        code = d.pop("code", UNSET)

        def _parse_errors(
            data: object,
        ) -> ErrorBodyErrorsType1 | list[ErrorViolation] | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = []
                _errors_type_0 = data
                for errors_type_0_item_data in _errors_type_0:
                    errors_type_0_item = ErrorViolation.from_dict(
                        errors_type_0_item_data
                    )

                    errors_type_0.append(errors_type_0_item)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            errors_type_1 = ErrorBodyErrorsType1.from_dict(data)

            return errors_type_1

        errors = _parse_errors(d.pop("errors", UNSET))

        error_body = cls(
            status=status,
            reason=reason,
            message=message,
            code=code,
            errors=errors,
        )

        error_body.additional_properties = d
        return error_body

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
