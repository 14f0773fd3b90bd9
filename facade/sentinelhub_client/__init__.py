"""sentinelhub_client: a typed, sync and async SDK for Sentinel Hub's BYOC API.

Quick start::

    from sentinelhub_client import SHConfig, SentinelHubBYOC, ByocCollection, ByocTile

    config = SHConfig()  # SH_CLIENT_ID / SH_CLIENT_SECRET, or a sentinelhub-py profile
    with SentinelHubBYOC(config) as byoc:
        collection = byoc.create_collection(ByocCollection("my-data", s3_bucket="my-bucket"))
        tile = byoc.create_tile(collection, ByocTile(path="2024/scene_(BAND).tif"))
        [tile] = byoc.wait_for_tiles(collection, [tile], timeout=900)

``AsyncSentinelHubBYOC`` has the same methods, awaitable. ``SentinelHub(config)`` (and
``AsyncSentinelHub``) holds every service of one configuration over one connection pool and
token: ``sh.byoc`` is a ``SentinelHubBYOC``. Errors derive from
`SentinelHubError` (the tree is in the docstring of `sentinelhub_client._core.errors`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any


def _defer_httpx_cli() -> None:
    """Keep httpx from importing its command line (click, rich and pygments: tens of ms) when it
    is imported by this package, which never uses it.

    httpx runs ``from ._main import main`` on import. A stand-in ``httpx._main`` whose ``main``
    imports the real module when called keeps ``httpx.main`` working for anyone who calls it.
    Nothing happens if httpx is already imported.
    """
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main", "httpx's command line, imported when called")

    def main(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get("httpx._main") is stand_in:
            del sys.modules["httpx._main"]
        real = importlib.import_module("httpx._main")
        httpx = sys.modules.get("httpx")
        if httpx is not None:
            httpx.main = real.main  # type: ignore[attr-defined]
        return real.main(*args, **kwargs)

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


_defer_httpx_cli()

#: Every public name -> the module that defines it. `__getattr__` imports a module the first time
#: one of its names is used, so ``import sentinelhub_client`` costs almost nothing; the imports
#: under ``TYPE_CHECKING`` show the same names to type checkers and IDEs. To add a public name,
#: add it here, to ``__all__`` and to the ``TYPE_CHECKING`` block (tests/unit/test_public_api.py
#: checks that the three agree).
_EXPORTS: dict[str, str] = {
    "IngestionSummary": "sentinelhub_client.byoc.waiting",
    "S3Uploader": "sentinelhub_client.s3",
    "AsyncS3Uploader": "sentinelhub_client.s3",
    "S3Error": "sentinelhub_client._core.errors",
    "ResponseTooLargeError": "sentinelhub_client._core.errors",
    "S3CredentialsError": "sentinelhub_client._core.errors",
    "S3BucketNotFoundError": "sentinelhub_client._core.errors",
    "S3AccessDeniedError": "sentinelhub_client._core.errors",
    "S3UploadError": "sentinelhub_client._core.errors",
    "SentinelHubRequest": "sentinelhub_client.process",
    "AsyncProcessRequest": "sentinelhub_client.process",
    "SentinelHubProcess": "sentinelhub_client.process",
    "AsyncSentinelHubProcess": "sentinelhub_client.process",
    "get_async_running_status": "sentinelhub_client.process",
    "aget_async_running_status": "sentinelhub_client.process",
    "BBox": "sentinelhub_client.process",
    "Geometry": "sentinelhub_client.process",
    "CRS": "sentinelhub_client.process",
    "MimeType": "sentinelhub_client.process",
    "MosaickingOrder": "sentinelhub_client.process",
    "ResamplingType": "sentinelhub_client.process",
    "ProcessResponse": "sentinelhub_client.process",
    "AsyncProcessStatus": "sentinelhub_client.process",
    "S3Specification": "sentinelhub_client.process",
    "DecodingError": "sentinelhub_client.process",
    "SentinelHubBatch": "sentinelhub_client.batch",
    "AsyncSentinelHubBatch": "sentinelhub_client.batch",
    "BatchRequest": "sentinelhub_client.batch",
    "BatchRequestStatus": "sentinelhub_client.batch",
    "BatchUserAction": "sentinelhub_client.batch",
    "BatchTile": "sentinelhub_client.batch",
    "BatchTileStatus": "sentinelhub_client.batch",
    "BatchCollection": "sentinelhub_client.batch",
    "BatchCollectionBatchData": "sentinelhub_client.batch",
    "BatchCollectionAdditionalData": "sentinelhub_client.batch",
    "TilingGrid": "sentinelhub_client.batch",
    "BatchProgress": "sentinelhub_client.batch",
    "BatchFailedError": "sentinelhub_client.batch",
    "SentinelHubCatalog": "sentinelhub_client.catalog",
    "AsyncSentinelHubCatalog": "sentinelhub_client.catalog",
    "CatalogSearch": "sentinelhub_client.catalog",
    "AsyncCatalogSearch": "sentinelhub_client.catalog",
    "StacItem": "sentinelhub_client.catalog",
    "StacCollection": "sentinelhub_client.catalog",
    "SentinelHubStatistical": "sentinelhub_client.statistical",
    "SentinelHubStatisticalClient": "sentinelhub_client.statistical",
    "AsyncSentinelHubStatisticalClient": "sentinelhub_client.statistical",
    "StatisticalResult": "sentinelhub_client.statistical",
    "IntervalStatistics": "sentinelhub_client.statistical",
    "OutputStatistics": "sentinelhub_client.statistical",
    "BandStatistics": "sentinelhub_client.statistical",
    "Stats": "sentinelhub_client.statistical",
    "Histogram": "sentinelhub_client.statistical",
    "DataCollection": "sentinelhub_client.process.collections",
    "Band": "sentinelhub_client.process.collections",
    "ServiceUrl": "sentinelhub_client.process.collections",
    "bbox_to_dimensions": "sentinelhub_client.process.geo_utils",
    "bbox_to_resolution": "sentinelhub_client.process.geo_utils",
    "get_utm_crs": "sentinelhub_client.process.geo_utils",
    "to_utm_bbox": "sentinelhub_client.process.geo_utils",
    "transform_point": "sentinelhub_client.process.geo_utils",
    "wgs84_to_utm": "sentinelhub_client.process.geo_utils",
    "to_wgs84": "sentinelhub_client.process.geo_utils",
    "monitor_batch_job": "sentinelhub_client.batch.client",
    "monitor_batch_analysis": "sentinelhub_client.batch.client",
    "BatchProcessClient": "sentinelhub_client.batch_v2",
    "AsyncBatchProcessClient": "sentinelhub_client.batch_v2",
    "BatchProcessRequest": "sentinelhub_client.batch_v2",
    "BatchV2Status": "sentinelhub_client.batch_v2",
    "BatchV2UserAction": "sentinelhub_client.batch_v2",
    "StoppedStatusReason": "sentinelhub_client.batch_v2",
    "BatchV2Progress": "sentinelhub_client.batch_v2",
    "StatusDatabase": "sentinelhub_client.batch_v2",
    "FeatureStatus": "sentinelhub_client.batch_v2",
    "monitor_batch_process_job": "sentinelhub_client.batch_v2",
    "monitor_batch_process_analysis": "sentinelhub_client.batch_v2",
    "amonitor_batch_process_job": "sentinelhub_client.batch_v2",
    "amonitor_batch_process_analysis": "sentinelhub_client.batch_v2",
    "SentinelHub": "sentinelhub_client._client",
    "AsyncSentinelHub": "sentinelhub_client._client",
    "clear_token_cache": "sentinelhub_client._core.auth",
    "DEPLOYMENTS": "sentinelhub_client._core.config",
    "Deployment": "sentinelhub_client._core.config",
    "SHConfig": "sentinelhub_client._core.config",
    "APIConnectionError": "sentinelhub_client._core.errors",
    "APIError": "sentinelhub_client._core.errors",
    "APIResponseValidationError": "sentinelhub_client._core.errors",
    "APITimeoutError": "sentinelhub_client._core.errors",
    "AuthenticationError": "sentinelhub_client._core.errors",
    "BadRequestError": "sentinelhub_client._core.errors",
    "ConflictError": "sentinelhub_client._core.errors",
    "DownloadDiskError": "sentinelhub_client._core.errors",
    "DownloadError": "sentinelhub_client._core.errors",
    "DownloadExistsError": "sentinelhub_client._core.errors",
    "IngestionError": "sentinelhub_client._core.errors",
    "NotFoundError": "sentinelhub_client._core.errors",
    "PermissionDeniedError": "sentinelhub_client._core.errors",
    "RateLimitError": "sentinelhub_client._core.errors",
    "SentinelHubError": "sentinelhub_client._core.errors",
    "SentinelHubValidationError": "sentinelhub_client._core.errors",
    "ServerError": "sentinelhub_client._core.errors",
    "TileDownloadError": "sentinelhub_client._core.errors",
    "Violation": "sentinelhub_client._core.errors",
    "WaitTimeoutError": "sentinelhub_client._core.errors",
    "AsyncPaginator": "sentinelhub_client._core.pagination",
    "Page": "sentinelhub_client._core.pagination",
    "SyncPaginator": "sentinelhub_client._core.pagination",
    "RateLimit": "sentinelhub_client._core.ratelimit",
    "Usage": "sentinelhub_client._core.ratelimit",
    "RetryPolicy": "sentinelhub_client._core.retry",
    "AsyncSentinelHubBYOC": "sentinelhub_client.byoc.client",
    "SentinelHubBYOC": "sentinelhub_client.byoc.client",
    "ByocCollection": "sentinelhub_client.byoc.models",
    "ByocCollectionAdditionalData": "sentinelhub_client.byoc.models",
    "ByocCollectionBand": "sentinelhub_client.byoc.models",
    "ByocTile": "sentinelhub_client.byoc.models",
    "TileStatus": "sentinelhub_client.byoc.models",
    "RegistrationReport": "sentinelhub_client.byoc.bulk",
    "CogReport": "sentinelhub_client.cog",
    "bands_from_files": "sentinelhub_client.cog",
    "cover_geometry": "sentinelhub_client.cog",
    "crs_urn": "sentinelhub_client.cog",
    "to_cog": "sentinelhub_client.cog",
    "validate_cog": "sentinelhub_client.cog",
}

if TYPE_CHECKING:
    from sentinelhub_client._client import (
        AsyncSentinelHub,
        SentinelHub,
    )
    from sentinelhub_client._core.auth import (
        clear_token_cache,
    )
    from sentinelhub_client._core.config import (
        DEPLOYMENTS,
        Deployment,
        SHConfig,
    )
    from sentinelhub_client._core.errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        DownloadDiskError,
        DownloadError,
        DownloadExistsError,
        IngestionError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        S3AccessDeniedError,
        S3BucketNotFoundError,
        S3CredentialsError,
        S3Error,
        S3UploadError,
        SentinelHubError,
        SentinelHubValidationError,
        ServerError,
        TileDownloadError,
        Violation,
        WaitTimeoutError,
    )
    from sentinelhub_client._core.pagination import (
        AsyncPaginator,
        Page,
        SyncPaginator,
    )
    from sentinelhub_client._core.ratelimit import (
        RateLimit,
        Usage,
    )
    from sentinelhub_client._core.retry import (
        RetryPolicy,
    )
    from sentinelhub_client.batch import (
        AsyncSentinelHubBatch,
        BatchCollection,
        BatchCollectionAdditionalData,
        BatchCollectionBatchData,
        BatchFailedError,
        BatchProgress,
        BatchRequest,
        BatchRequestStatus,
        BatchTile,
        BatchTileStatus,
        BatchUserAction,
        SentinelHubBatch,
        TilingGrid,
    )
    from sentinelhub_client.batch.client import (
        monitor_batch_analysis,
        monitor_batch_job,
    )
    from sentinelhub_client.batch_v2 import (
        AsyncBatchProcessClient,
        BatchProcessClient,
        BatchProcessRequest,
        BatchV2Progress,
        BatchV2Status,
        BatchV2UserAction,
        FeatureStatus,
        StatusDatabase,
        StoppedStatusReason,
        amonitor_batch_process_analysis,
        amonitor_batch_process_job,
        monitor_batch_process_analysis,
        monitor_batch_process_job,
    )
    from sentinelhub_client.byoc.bulk import (
        RegistrationReport,
    )
    from sentinelhub_client.byoc.client import (
        AsyncSentinelHubBYOC,
        SentinelHubBYOC,
    )
    from sentinelhub_client.byoc.models import (
        ByocCollection,
        ByocCollectionAdditionalData,
        ByocCollectionBand,
        ByocTile,
        TileStatus,
    )
    from sentinelhub_client.byoc.waiting import (
        IngestionSummary,
    )
    from sentinelhub_client.catalog import (
        AsyncCatalogSearch,
        AsyncSentinelHubCatalog,
        CatalogSearch,
        SentinelHubCatalog,
        StacCollection,
        StacItem,
    )
    from sentinelhub_client.cog import (
        CogReport,
        bands_from_files,
        cover_geometry,
        crs_urn,
        to_cog,
        validate_cog,
    )
    from sentinelhub_client.process import (
        CRS,
        AsyncProcessRequest,
        AsyncProcessStatus,
        AsyncSentinelHubProcess,
        BBox,
        DecodingError,
        Geometry,
        MimeType,
        MosaickingOrder,
        ProcessResponse,
        ResamplingType,
        S3Specification,
        SentinelHubProcess,
        SentinelHubRequest,
        aget_async_running_status,
        get_async_running_status,
    )
    from sentinelhub_client.process.collections import (
        Band,
        DataCollection,
        ServiceUrl,
    )
    from sentinelhub_client.process.geo_utils import (
        bbox_to_dimensions,
        bbox_to_resolution,
        get_utm_crs,
        to_utm_bbox,
        to_wgs84,
        transform_point,
        wgs84_to_utm,
    )
    from sentinelhub_client.s3 import (
        AsyncS3Uploader,
        S3Uploader,
    )
    from sentinelhub_client.statistical import (
        AsyncSentinelHubStatisticalClient,
        BandStatistics,
        Histogram,
        IntervalStatistics,
        OutputStatistics,
        SentinelHubStatistical,
        SentinelHubStatisticalClient,
        StatisticalResult,
        Stats,
    )

    __version__: str


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        try:
            version = metadata.version("sentinelhub-client")
        except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
            version = "0+unknown"
        globals()[name] = version
        return version
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "CRS",
    "DEPLOYMENTS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncBatchProcessClient",
    "AsyncCatalogSearch",
    "AsyncPaginator",
    "AsyncProcessRequest",
    "AsyncProcessStatus",
    "AsyncS3Uploader",
    "AsyncSentinelHub",
    "AsyncSentinelHubBYOC",
    "AsyncSentinelHubBatch",
    "AsyncSentinelHubCatalog",
    "AsyncSentinelHubProcess",
    "AsyncSentinelHubStatisticalClient",
    "AuthenticationError",
    "BBox",
    "BadRequestError",
    "Band",
    "BandStatistics",
    "BatchCollection",
    "BatchCollectionAdditionalData",
    "BatchCollectionBatchData",
    "BatchFailedError",
    "BatchProcessClient",
    "BatchProcessRequest",
    "BatchProgress",
    "BatchRequest",
    "BatchRequestStatus",
    "BatchTile",
    "BatchTileStatus",
    "BatchUserAction",
    "BatchV2Progress",
    "BatchV2Status",
    "BatchV2UserAction",
    "ByocCollection",
    "ByocCollectionAdditionalData",
    "ByocCollectionBand",
    "ByocTile",
    "CatalogSearch",
    "CogReport",
    "ConflictError",
    "DataCollection",
    "DecodingError",
    "Deployment",
    "DownloadDiskError",
    "DownloadError",
    "DownloadExistsError",
    "FeatureStatus",
    "Geometry",
    "Histogram",
    "IngestionError",
    "IngestionSummary",
    "IntervalStatistics",
    "MimeType",
    "MosaickingOrder",
    "NotFoundError",
    "OutputStatistics",
    "Page",
    "PermissionDeniedError",
    "ProcessResponse",
    "RateLimit",
    "RateLimitError",
    "RegistrationReport",
    "ResamplingType",
    "ResponseTooLargeError",
    "RetryPolicy",
    "S3AccessDeniedError",
    "S3BucketNotFoundError",
    "S3CredentialsError",
    "S3Error",
    "S3Specification",
    "S3UploadError",
    "S3Uploader",
    "SHConfig",
    "SentinelHub",
    "SentinelHubBYOC",
    "SentinelHubBatch",
    "SentinelHubCatalog",
    "SentinelHubError",
    "SentinelHubProcess",
    "SentinelHubRequest",
    "SentinelHubStatistical",
    "SentinelHubStatisticalClient",
    "SentinelHubValidationError",
    "ServerError",
    "ServiceUrl",
    "StacCollection",
    "StacItem",
    "StatisticalResult",
    "Stats",
    "StatusDatabase",
    "StoppedStatusReason",
    "SyncPaginator",
    "TileDownloadError",
    "TileStatus",
    "TilingGrid",
    "Usage",
    "Violation",
    "WaitTimeoutError",
    "__version__",
    "aget_async_running_status",
    "amonitor_batch_process_analysis",
    "amonitor_batch_process_job",
    "bands_from_files",
    "bbox_to_dimensions",
    "bbox_to_resolution",
    "clear_token_cache",
    "cover_geometry",
    "crs_urn",
    "get_async_running_status",
    "get_utm_crs",
    "monitor_batch_analysis",
    "monitor_batch_job",
    "monitor_batch_process_analysis",
    "monitor_batch_process_job",
    "to_cog",
    "to_utm_bbox",
    "to_wgs84",
    "transform_point",
    "validate_cog",
    "wgs84_to_utm",
]
