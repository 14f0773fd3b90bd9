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

from importlib import metadata as _metadata

from sentinelhub_client._client import AsyncSentinelHub, SentinelHub
from sentinelhub_client._core.auth import clear_token_cache
from sentinelhub_client._core.config import DEPLOYMENTS, Deployment, SHConfig
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
    SentinelHubError,
    SentinelHubValidationError,
    ServerError,
    TileDownloadError,
    Violation,
    WaitTimeoutError,
)
from sentinelhub_client._core.pagination import AsyncPaginator, Page, SyncPaginator
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client.byoc.client import AsyncSentinelHubBYOC, SentinelHubBYOC
from sentinelhub_client.byoc.models import (
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    TileStatus,
)

try:
    __version__ = _metadata.version("sentinelhub-client")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "DEPLOYMENTS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncPaginator",
    "AsyncSentinelHub",
    "AsyncSentinelHubBYOC",
    "AuthenticationError",
    "BadRequestError",
    "ByocCollection",
    "ByocCollectionAdditionalData",
    "ByocCollectionBand",
    "ByocTile",
    "ConflictError",
    "Deployment",
    "DownloadDiskError",
    "DownloadError",
    "DownloadExistsError",
    "IngestionError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "SHConfig",
    "SentinelHub",
    "SentinelHubBYOC",
    "SentinelHubError",
    "SentinelHubValidationError",
    "ServerError",
    "SyncPaginator",
    "TileDownloadError",
    "TileStatus",
    "Violation",
    "WaitTimeoutError",
    "__version__",
    "clear_token_cache",
]
