from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_collection_additional_data import BatchCollectionAdditionalData
    from ..models.batch_collection_batch_data import BatchCollectionBatchData


T = TypeVar("T", bound="BatchCollection")


@_attrs_define
class BatchCollection:
    """
    Attributes:
        name (str):
        s_3_bucket (str):
        id (UUID | Unset):
        user_id (str | Unset):
        account_id (str | Unset):
        created (datetime.datetime | None | Unset):
        no_data (float | Unset):
        batch_data (BatchCollectionBatchData | Unset):
        additional_data (BatchCollectionAdditionalData | Unset):
    """

    name: str
    s_3_bucket: str
    id: UUID | Unset = UNSET
    user_id: str | Unset = UNSET
    account_id: str | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    no_data: float | Unset = UNSET
    batch_data: BatchCollectionBatchData | Unset = UNSET
    additional_data: BatchCollectionAdditionalData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        s_3_bucket = self.s_3_bucket

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        user_id = self.user_id

        account_id = self.account_id

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        no_data = self.no_data

        batch_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.batch_data, Unset):
            batch_data = self.batch_data.to_dict()

        additional_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.additional_data, Unset):
            additional_data = self.additional_data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "s3Bucket": s_3_bucket,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if created is not UNSET:
            field_dict["created"] = created
        if no_data is not UNSET:
            field_dict["noData"] = no_data
        if batch_data is not UNSET:
            field_dict["batchData"] = batch_data
        if additional_data is not UNSET:
            field_dict["additionalData"] = additional_data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_collection_additional_data import (
            BatchCollectionAdditionalData,  # noqa: PLC0415
        )
        from ..models.batch_collection_batch_data import BatchCollectionBatchData  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        s_3_bucket = d.pop("s3Bucket")

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        user_id = d.pop("userId", UNSET)

        account_id = d.pop("accountId", UNSET)

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

        no_data = d.pop("noData", UNSET)

        _batch_data = d.pop("batchData", UNSET)
        batch_data: BatchCollectionBatchData | Unset
        if isinstance(_batch_data, Unset):
            batch_data = UNSET
        else:
            batch_data = BatchCollectionBatchData.from_dict(_batch_data)

        _additional_data = d.pop("additionalData", UNSET)
        additional_data: BatchCollectionAdditionalData | Unset
        if isinstance(_additional_data, Unset):
            additional_data = UNSET
        else:
            additional_data = BatchCollectionAdditionalData.from_dict(_additional_data)

        batch_collection = cls(
            name=name,
            s_3_bucket=s_3_bucket,
            id=id,
            user_id=user_id,
            account_id=account_id,
            created=created,
            no_data=no_data,
            batch_data=batch_data,
            additional_data=additional_data,
        )

        batch_collection.additional_properties = d
        return batch_collection

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
