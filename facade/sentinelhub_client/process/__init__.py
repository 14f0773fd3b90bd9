"""Process and Async Process APIs: render evalscripts over your BYOC (or any) collections.

The names are sentinelhub-py's (`SentinelHubRequest`, `AsyncProcessRequest`,
`get_async_running_status`, `BBox`, `Geometry`, `CRS`, `MimeType`), and its own objects are
accepted too, so a migration is an import change. `SentinelHubProcess` / `AsyncSentinelHubProcess`
run many requests over one connection pool, and `AsyncSentinelHubProcess` is the asyncio flavour.

Decoding responses needs the ``process`` extra (numpy, tifffile, Pillow), imported only when a
response is decoded.
"""

from sentinelhub_client.process.builders import (
    MimeType,
    MosaickingOrder,
    ResamplingType,
    S3Specification,
    s3_specification,
)
from sentinelhub_client.process.client import (
    AsyncSentinelHubProcess,
    SentinelHubProcess,
    aget_async_running_status,
    get_async_running_status,
)
from sentinelhub_client.process.decoding import DecodingError
from sentinelhub_client.process.geometry import CRS, BBox, Geometry
from sentinelhub_client.process.requests import (
    AsyncProcessRequest,
    AsyncProcessStatus,
    ProcessResponse,
    SentinelHubRequest,
)

__all__ = [
    "CRS",
    "AsyncProcessRequest",
    "AsyncProcessStatus",
    "AsyncSentinelHubProcess",
    "BBox",
    "DecodingError",
    "Geometry",
    "MimeType",
    "MosaickingOrder",
    "ProcessResponse",
    "ResamplingType",
    "S3Specification",
    "SentinelHubProcess",
    "SentinelHubRequest",
    "aget_async_running_status",
    "get_async_running_status",
    "s3_specification",
]
