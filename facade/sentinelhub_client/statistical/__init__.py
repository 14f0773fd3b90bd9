"""The Statistical API: the request, the clients and the result models.

See `sentinelhub_client.statistical.client` for a tour.
"""

from sentinelhub_client.statistical.client import (
    AsyncSentinelHubStatisticalClient,
    SentinelHubStatistical,
    SentinelHubStatisticalClient,
)
from sentinelhub_client.statistical.models import (
    BandStatistics,
    Histogram,
    IntervalStatistics,
    OutputStatistics,
    StatisticalResult,
    Stats,
)

__all__ = [
    "AsyncSentinelHubStatisticalClient",
    "BandStatistics",
    "Histogram",
    "IntervalStatistics",
    "OutputStatistics",
    "SentinelHubStatistical",
    "SentinelHubStatisticalClient",
    "StatisticalResult",
    "Stats",
]
