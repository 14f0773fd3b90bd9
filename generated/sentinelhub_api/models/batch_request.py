from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_request_status import BatchRequestStatus
from ..models.batch_user_action import BatchUserAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_output import BatchOutput
    from ..models.batch_process_request_body import BatchProcessRequestBody
    from ..models.batch_zarr_output import BatchZarrOutput
    from ..models.tiling_grid_settings import TilingGridSettings


T = TypeVar("T", bound="BatchRequest")


@_attrs_define
class BatchRequest:
    """
    Attributes:
        process_request (BatchProcessRequestBody): The Process request that each tile runs; its output formats are
            image/tiff, application/json or zarr/array.
        id (UUID | Unset):
        account_id (str | Unset):
        user_id (str | Unset):
        created (datetime.datetime | None | Unset):
        tiling_grid (TilingGridSettings | Unset):
        tiling_grid_id (int | Unset):
        resolution (float | Unset):
        output (BatchOutput | Unset): Where and how results are written.
        bucket_name (str | Unset): Short for an output whose defaultTilePath is s3://<bucketName>.
        zarr_output (BatchZarrOutput | Unset):
        description (str | Unset):
        value_estimate (float | Unset): Estimated cost in processing units.
        tile_count (int | Unset):
        tile_width_px (int | Unset):
        tile_height_px (int | Unset):
        user_action (BatchUserAction | str | Unset):
        user_action_updated (datetime.datetime | None | Unset):
        status (BatchRequestStatus | str | Unset):
        error (None | str | Unset):
    """

    process_request: BatchProcessRequestBody
    id: UUID | Unset = UNSET
    account_id: str | Unset = UNSET
    user_id: str | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    tiling_grid: TilingGridSettings | Unset = UNSET
    tiling_grid_id: int | Unset = UNSET
    resolution: float | Unset = UNSET
    output: BatchOutput | Unset = UNSET
    bucket_name: str | Unset = UNSET
    zarr_output: BatchZarrOutput | Unset = UNSET
    description: str | Unset = UNSET
    value_estimate: float | Unset = UNSET
    tile_count: int | Unset = UNSET
    tile_width_px: int | Unset = UNSET
    tile_height_px: int | Unset = UNSET
    user_action: BatchUserAction | str | Unset = UNSET
    user_action_updated: datetime.datetime | None | Unset = UNSET
    status: BatchRequestStatus | str | Unset = UNSET
    error: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        process_request = self.process_request.to_dict()

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        account_id = self.account_id

        user_id = self.user_id

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        tiling_grid: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tiling_grid, Unset):
            tiling_grid = self.tiling_grid.to_dict()

        tiling_grid_id = self.tiling_grid_id

        resolution = self.resolution

        output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output.to_dict()

        bucket_name = self.bucket_name

        zarr_output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.zarr_output, Unset):
            zarr_output = self.zarr_output.to_dict()

        description = self.description

        value_estimate = self.value_estimate

        tile_count = self.tile_count

        tile_width_px = self.tile_width_px

        tile_height_px = self.tile_height_px

        user_action: str | Unset
        if isinstance(self.user_action, Unset):
            user_action = UNSET
        elif isinstance(self.user_action, BatchUserAction):
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

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, BatchRequestStatus):
            status = self.status.value
        else:
            status = self.status

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "processRequest": process_request,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if account_id is not UNSET:
            field_dict["accountId"] = account_id
        if user_id is not UNSET:
            field_dict["userId"] = user_id
        if created is not UNSET:
            field_dict["created"] = created
        if tiling_grid is not UNSET:
            field_dict["tilingGrid"] = tiling_grid
        if tiling_grid_id is not UNSET:
            field_dict["tilingGridId"] = tiling_grid_id
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if output is not UNSET:
            field_dict["output"] = output
        if bucket_name is not UNSET:
            field_dict["bucketName"] = bucket_name
        if zarr_output is not UNSET:
            field_dict["zarrOutput"] = zarr_output
        if description is not UNSET:
            field_dict["description"] = description
        if value_estimate is not UNSET:
            field_dict["valueEstimate"] = value_estimate
        if tile_count is not UNSET:
            field_dict["tileCount"] = tile_count
        if tile_width_px is not UNSET:
            field_dict["tileWidthPx"] = tile_width_px
        if tile_height_px is not UNSET:
            field_dict["tileHeightPx"] = tile_height_px
        if user_action is not UNSET:
            field_dict["userAction"] = user_action
        if user_action_updated is not UNSET:
            field_dict["userActionUpdated"] = user_action_updated
        if status is not UNSET:
            field_dict["status"] = status
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_output import BatchOutput  # noqa: PLC0415
        from ..models.batch_process_request_body import BatchProcessRequestBody  # noqa: PLC0415
        from ..models.batch_zarr_output import BatchZarrOutput  # noqa: PLC0415
        from ..models.tiling_grid_settings import TilingGridSettings  # noqa: PLC0415

        d = dict(src_dict)
        process_request = BatchProcessRequestBody.from_dict(d.pop("processRequest"))

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        account_id = d.pop("accountId", UNSET)

        user_id = d.pop("userId", UNSET)

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

        _tiling_grid = d.pop("tilingGrid", UNSET)
        tiling_grid: TilingGridSettings | Unset
        if isinstance(_tiling_grid, Unset):
            tiling_grid = UNSET
        else:
            tiling_grid = TilingGridSettings.from_dict(_tiling_grid)

        tiling_grid_id = d.pop("tilingGridId", UNSET)

        resolution = d.pop("resolution", UNSET)

        _output = d.pop("output", UNSET)
        output: BatchOutput | Unset
        if isinstance(_output, Unset):
            output = UNSET
        else:
            output = BatchOutput.from_dict(_output)

        bucket_name = d.pop("bucketName", UNSET)

        _zarr_output = d.pop("zarrOutput", UNSET)
        zarr_output: BatchZarrOutput | Unset
        if isinstance(_zarr_output, Unset):
            zarr_output = UNSET
        else:
            zarr_output = BatchZarrOutput.from_dict(_zarr_output)

        description = d.pop("description", UNSET)

        value_estimate = d.pop("valueEstimate", UNSET)

        tile_count = d.pop("tileCount", UNSET)

        tile_width_px = d.pop("tileWidthPx", UNSET)

        tile_height_px = d.pop("tileHeightPx", UNSET)

        def _parse_user_action(data: object) -> BatchUserAction | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_action_type_0 = BatchUserAction(data)

                return user_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchUserAction | str | Unset, data)

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

        def _parse_status(data: object) -> BatchRequestStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = BatchRequestStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchRequestStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        batch_request = cls(
            process_request=process_request,
            id=id,
            account_id=account_id,
            user_id=user_id,
            created=created,
            tiling_grid=tiling_grid,
            tiling_grid_id=tiling_grid_id,
            resolution=resolution,
            output=output,
            bucket_name=bucket_name,
            zarr_output=zarr_output,
            description=description,
            value_estimate=value_estimate,
            tile_count=tile_count,
            tile_width_px=tile_width_px,
            tile_height_px=tile_height_px,
            user_action=user_action,
            user_action_updated=user_action_updated,
            status=status,
            error=error,
        )

        batch_request.additional_properties = d
        return batch_request

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
