"""Batch Processing API v1: the clients, their models and what their waits report.

::

    from sentinelhub_client.batch import SentinelHubBatch

    with SentinelHubBatch(config) as batch:
        request = batch.create(payload, batch.tiling_grid(1, 10), bucket_name="my-bucket")
        batch.start_job(request)
        request = batch.wait_for_job(request, progress=True)
"""

from sentinelhub_client._core.errors import BatchFailedError
from sentinelhub_client.batch.client import AsyncSentinelHubBatch, SentinelHubBatch
from sentinelhub_client.batch.models import (
    BatchCollection,
    BatchCollectionAdditionalData,
    BatchCollectionBatchData,
    BatchRequest,
    BatchRequestStatus,
    BatchTile,
    BatchTileStatus,
    BatchUserAction,
    TilingGrid,
)
from sentinelhub_client.batch.monitoring import BatchProgress

__all__ = [
    "AsyncSentinelHubBatch",
    "BatchCollection",
    "BatchCollectionAdditionalData",
    "BatchCollectionBatchData",
    "BatchFailedError",
    "BatchProgress",
    "BatchRequest",
    "BatchRequestStatus",
    "BatchTile",
    "BatchTileStatus",
    "BatchUserAction",
    "SentinelHubBatch",
    "TilingGrid",
]
