"""Batch Processing API v2: the clients, their model, the input and output helpers, the waits
and the reader of a job's status database.

::

    from sentinelhub_client.batch_v2 import BatchProcessClient

    with BatchProcessClient(config) as batch:
        delivery = batch.s3_specification("s3://my-bucket/out", iam_role_arn=role)
        request = batch.create(
            payload, batch.tiling_grid_input(1, 10), batch.raster_output(delivery)
        )
        batch.start_job(request)
        request = batch.wait_for_job(request, progress=True)
"""

from sentinelhub_client._core.errors import BatchFailedError
from sentinelhub_client.batch_v2.calls import (
    geopackage_input,
    raster_output,
    s3_specification,
    tiling_grid_input,
    zarr_output,
)
from sentinelhub_client.batch_v2.client import (
    AsyncBatchProcessClient,
    BatchProcessClient,
    amonitor_batch_process_analysis,
    amonitor_batch_process_job,
    monitor_batch_process_analysis,
    monitor_batch_process_job,
)
from sentinelhub_client.batch_v2.models import (
    BatchProcessRequest,
    BatchRequestStatus,
    BatchUserAction,
    BatchV2Status,
    BatchV2UserAction,
    StoppedStatusReason,
    TilingGrid,
)
from sentinelhub_client.batch_v2.monitoring import BatchV2Progress
from sentinelhub_client.batch_v2.statusdb import FeatureStatus, StatusDatabase

__all__ = [
    "AsyncBatchProcessClient",
    "BatchFailedError",
    "BatchProcessClient",
    "BatchProcessRequest",
    "BatchRequestStatus",
    "BatchUserAction",
    "BatchV2Progress",
    "BatchV2Status",
    "BatchV2UserAction",
    "FeatureStatus",
    "StatusDatabase",
    "StoppedStatusReason",
    "TilingGrid",
    "amonitor_batch_process_analysis",
    "amonitor_batch_process_job",
    "geopackage_input",
    "monitor_batch_process_analysis",
    "monitor_batch_process_job",
    "raster_output",
    "s3_specification",
    "tiling_grid_input",
    "zarr_output",
]
