"""The Catalog API (STAC 1.0 item search): clients, the lazy search and the item models.

See `sentinelhub_client.catalog.client` for a tour.
"""

from sentinelhub_client.catalog.client import (
    AsyncCatalogSearch,
    AsyncSentinelHubCatalog,
    CatalogSearch,
    SentinelHubCatalog,
)
from sentinelhub_client.catalog.models import StacCollection, StacItem

__all__ = [
    "AsyncCatalogSearch",
    "AsyncSentinelHubCatalog",
    "CatalogSearch",
    "SentinelHubCatalog",
    "StacCollection",
    "StacItem",
]
