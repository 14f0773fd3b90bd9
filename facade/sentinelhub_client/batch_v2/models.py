"""The Batch Processing v2 models: `BatchProcessRequest` and the open enums `BatchV2Status`,
`BatchV2UserAction` and `StoppedStatusReason`.

They keep sentinelhub-py 3.12's names and fields (``request_id``, ``request``,
``domain_account_id``, ``completion_percentage``, ``cost_PU``, ...) on the shared wire-field model
base, as the Batch v1 models do (`sentinelhub_client.batch.models`): each field is declared once
with ``wire(...)``, parsed once, unknown members kept in ``other_data``, and a status this version
does not know becomes a pseudo-member (``BatchV2Status("PAUSED").is_known is False``), never an
error. The tiling grids are the same shape as in v1 and use its `TilingGrid` model.

Inside this package the enums are also reachable under sentinelhub-py's names
(``BatchRequestStatus``, ``BatchUserAction``); at the package root those names are Batch v1's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sentinelhub_client._core.models import JSON_OBJECT as OBJECT
from sentinelhub_client._core.models import OTHER, wire
from sentinelhub_client.batch.models import (
    ANY_NUMBER,
    IDENTIFIER,
    TEXT,
    TIMESTAMP,
    TilingGrid,
    _Enum,
    _Model,
    _OpenEnum,
)

__all__ = [
    "BatchProcessRequest",
    "BatchRequestStatus",
    "BatchUserAction",
    "BatchV2Status",
    "BatchV2UserAction",
    "StoppedStatusReason",
    "TilingGrid",
]


class BatchV2Status(_OpenEnum):
    """Status of a Batch v2 request (unknown values are kept, never an error)."""

    CREATED = "CREATED"
    ANALYSING = "ANALYSING"
    ANALYSIS_DONE = "ANALYSIS_DONE"
    PROCESSING = "PROCESSING"
    DONE = "DONE"
    FAILED = "FAILED"
    STOPPED = "STOPPED"

    @property
    def is_final(self) -> bool:
        """True for DONE, FAILED and STOPPED: nothing more happens by itself."""
        return self in _FINAL


_FINAL = frozenset({BatchV2Status.DONE, BatchV2Status.FAILED, BatchV2Status.STOPPED})


class BatchV2UserAction(_OpenEnum):
    """The last action a user sent to a Batch v2 request."""

    NONE = "NONE"
    ANALYSE = "ANALYSE"
    START = "START"
    STOP = "STOP"


class StoppedStatusReason(_OpenEnum):
    """Why a Batch v2 request is STOPPED."""

    OUT_OF_PU = "OUT_OF_PU"
    USER_ACTION = "USER_ACTION"
    UNHEALTHY = "UNHEALTHY"


#: sentinelhub-py's names, for code ported from ``sentinelhub.api.batch``.
BatchRequestStatus = BatchV2Status
BatchUserAction = BatchV2UserAction


class BatchProcessRequest(_Model):
    """A Batch v2 request, as the service returns it.

    Attributes:
        request_id: its id (``id`` on the wire).
        request: the body it was created from (``processRequest``, ``input``, ``output``,
            ``description``, ``instanceType``), a dict.
        domain_account_id: the account that created it.
        status: `BatchV2Status`.
        error: why it failed, when it did.
        user_action: `BatchV2UserAction`, the last action sent.
        user_action_updated: when it was sent.
        created: when the request was made.
        completion_percentage: 0 to 100.
        last_updated: when the service last changed it.
        cost_PU: processing units spent so far (``costPU``).
        stopped_status_reason: `StoppedStatusReason`, when STOPPED.
        other_data: members the table does not know (``projectId``, ``workspaceId``, ...).
    """

    request_id: str = wire("id", IDENTIFIER)
    request: dict[str, Any] | None = wire("request", OBJECT, default=None)
    domain_account_id: str | None = wire("domainAccountId", IDENTIFIER, default=None)
    status: BatchV2Status | None = wire("status", _Enum(BatchV2Status), default=None)
    error: str | None = wire("error", TEXT, default=None)
    user_action: BatchV2UserAction | None = wire(
        "userAction", _Enum(BatchV2UserAction), default=None
    )
    user_action_updated: dt.datetime | None = wire("userActionUpdated", TIMESTAMP, default=None)
    created: dt.datetime | None = wire("created", TIMESTAMP, default=None)
    completion_percentage: float | None = wire("completionPercentage", ANY_NUMBER, default=None)
    last_updated: dt.datetime | None = wire("lastUpdated", TIMESTAMP, default=None)
    cost_PU: float | None = wire("costPU", ANY_NUMBER, default=None)
    stopped_status_reason: StoppedStatusReason | None = wire(
        "stoppedStatusReason", _Enum(StoppedStatusReason), default=None
    )
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    _REPR = (
        "request_id",
        "status",
        "completion_percentage",
        "user_action",
        "cost_PU",
        "stopped_status_reason",
        "error",
    )

    @property
    def id(self) -> str:
        """The request's id: ``request_id``, under the name the other models use."""
        return self.request_id

    @property
    def description(self) -> str | None:
        """The description it was created or last updated with (from ``request``)."""
        value = (self.request or {}).get("description")
        return value if isinstance(value, str) else None

    @property
    def process_request(self) -> dict[str, Any] | None:
        """The Process API request each feature or tile runs (``request.processRequest``)."""
        value = (self.request or {}).get("processRequest")
        return value if isinstance(value, dict) else None
