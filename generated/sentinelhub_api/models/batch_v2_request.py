from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_v2_request_status import BatchV2RequestStatus
from ..models.batch_v2_stopped_status_reason import BatchV2StoppedStatusReason
from ..models.batch_v2_user_action import BatchV2UserAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_v2_process_request import BatchV2ProcessRequest


T = TypeVar("T", bound="BatchV2Request")


@_attrs_define
class BatchV2Request:
    """A Batch v2 request as the service reports it.

    Attributes:
        id (UUID):
        status (BatchV2RequestStatus | str):
        request (BatchV2ProcessRequest | Unset): What a Batch v2 request is created from.
        domain_account_id (str | Unset): The account that created it (the same as projectId).
        project_id (str | Unset):
        workspace_id (str | Unset):
        error (None | str | Unset): Why analysis or processing failed.
        user_action (BatchV2UserAction | str | Unset):
        user_action_updated (datetime.datetime | None | Unset):
        created (datetime.datetime | None | Unset):
        completion_percentage (float | Unset): 0 to 100.
        last_updated (datetime.datetime | None | Unset):
        cost_pu (float | None | Unset): Processing units spent so far.
        stopped_status_reason (BatchV2StoppedStatusReason | None | str | Unset):
    """

    id: UUID
    status: BatchV2RequestStatus | str
    request: BatchV2ProcessRequest | Unset = UNSET
    domain_account_id: str | Unset = UNSET
    project_id: str | Unset = UNSET
    workspace_id: str | Unset = UNSET
    error: None | str | Unset = UNSET
    user_action: BatchV2UserAction | str | Unset = UNSET
    user_action_updated: datetime.datetime | None | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    completion_percentage: float | Unset = UNSET
    last_updated: datetime.datetime | None | Unset = UNSET
    cost_pu: float | None | Unset = UNSET
    stopped_status_reason: BatchV2StoppedStatusReason | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status: str
        if isinstance(self.status, BatchV2RequestStatus):
            status = self.status.value
        else:
            status = self.status

        request: dict[str, Any] | Unset = UNSET
        if not isinstance(self.request, Unset):
            request = self.request.to_dict()

        domain_account_id = self.domain_account_id

        project_id = self.project_id

        workspace_id = self.workspace_id

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        user_action: str | Unset
        if isinstance(self.user_action, Unset):
            user_action = UNSET
        elif isinstance(self.user_action, BatchV2UserAction):
            user_action = self.user_action.value
        else:
            user_action = self.user_action

        user_action_updated: None | str | Unset
        if isinstance(self.user_action_updated, Unset):
            user_action_updated = UNSET
        elif isinstance(self.user_action_updated, datetime.datetime):
            user_action_updated = self.user_action_updated.isoformat()
        else:
            user_action_updated = self.user_action_updated

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        completion_percentage = self.completion_percentage

        last_updated: None | str | Unset
        if isinstance(self.last_updated, Unset):
            last_updated = UNSET
        elif isinstance(self.last_updated, datetime.datetime):
            last_updated = self.last_updated.isoformat()
        else:
            last_updated = self.last_updated

        cost_pu: float | None | Unset
        if isinstance(self.cost_pu, Unset):
            cost_pu = UNSET
        else:
            cost_pu = self.cost_pu

        stopped_status_reason: None | str | Unset
        if isinstance(self.stopped_status_reason, Unset):
            stopped_status_reason = UNSET
        elif isinstance(self.stopped_status_reason, BatchV2StoppedStatusReason):
            stopped_status_reason = self.stopped_status_reason.value
        else:
            stopped_status_reason = self.stopped_status_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if request is not UNSET:
            field_dict["request"] = request
        if domain_account_id is not UNSET:
            field_dict["domainAccountId"] = domain_account_id
        if project_id is not UNSET:
            field_dict["projectId"] = project_id
        if workspace_id is not UNSET:
            field_dict["workspaceId"] = workspace_id
        if error is not UNSET:
            field_dict["error"] = error
        if user_action is not UNSET:
            field_dict["userAction"] = user_action
        if user_action_updated is not UNSET:
            field_dict["userActionUpdated"] = user_action_updated
        if created is not UNSET:
            field_dict["created"] = created
        if completion_percentage is not UNSET:
            field_dict["completionPercentage"] = completion_percentage
        if last_updated is not UNSET:
            field_dict["lastUpdated"] = last_updated
        if cost_pu is not UNSET:
            field_dict["costPU"] = cost_pu
        if stopped_status_reason is not UNSET:
            field_dict["stoppedStatusReason"] = stopped_status_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_v2_process_request import BatchV2ProcessRequest  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_status(data: object) -> BatchV2RequestStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = BatchV2RequestStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchV2RequestStatus | str, data)

        status = _parse_status(d.pop("status"))

        _request = d.pop("request", UNSET)
        request: BatchV2ProcessRequest | Unset
        if isinstance(_request, Unset):
            request = UNSET
        else:
            request = BatchV2ProcessRequest.from_dict(_request)

        domain_account_id = d.pop("domainAccountId", UNSET)

        project_id = d.pop("projectId", UNSET)

        workspace_id = d.pop("workspaceId", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_user_action(data: object) -> BatchV2UserAction | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_action_type_0 = BatchV2UserAction(data)

                return user_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchV2UserAction | str | Unset, data)

        user_action = _parse_user_action(d.pop("userAction", UNSET))

        def _parse_user_action_updated(
            data: object,
        ) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_action_updated_type_0 = datetime.datetime.fromisoformat(data)

                return user_action_updated_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        user_action_updated = _parse_user_action_updated(
            d.pop("userActionUpdated", UNSET)
        )

        def _parse_created(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_0 = datetime.datetime.fromisoformat(data)

                return created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        completion_percentage = d.pop("completionPercentage", UNSET)

        def _parse_last_updated(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_updated_type_0 = datetime.datetime.fromisoformat(data)

                return last_updated_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_updated = _parse_last_updated(d.pop("lastUpdated", UNSET))

        def _parse_cost_pu(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cost_pu = _parse_cost_pu(d.pop("costPU", UNSET))

        def _parse_stopped_status_reason(
            data: object,
        ) -> BatchV2StoppedStatusReason | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stopped_status_reason_type_0 = BatchV2StoppedStatusReason(data)

                return stopped_status_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchV2StoppedStatusReason | None | str | Unset, data)

        stopped_status_reason = _parse_stopped_status_reason(
            d.pop("stoppedStatusReason", UNSET)
        )

        batch_v2_request = cls(
            id=id,
            status=status,
            request=request,
            domain_account_id=domain_account_id,
            project_id=project_id,
            workspace_id=workspace_id,
            error=error,
            user_action=user_action,
            user_action_updated=user_action_updated,
            created=created,
            completion_percentage=completion_percentage,
            last_updated=last_updated,
            cost_pu=cost_pu,
            stopped_status_reason=stopped_status_reason,
        )

        batch_v2_request.additional_properties = d
        return batch_v2_request

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
