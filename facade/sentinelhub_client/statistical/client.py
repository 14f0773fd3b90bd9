"""The Statistical API: the request `SentinelHubStatistical` (sentinelhub-py's shape) and the
clients `SentinelHubStatisticalClient` / `AsyncSentinelHubStatisticalClient`.

::

    request = SentinelHubStatistical(
        aggregation=SentinelHubStatistical.aggregation(
            evalscript=evalscript, time_interval=("2024-01-01", "2024-01-31"),
            aggregation_interval="P1D", size=(256, 256),
        ),
        input_data=[SentinelHubStatistical.input_data(collection)],
        geometry=field_polygon,
        calculations={"default": {"statistics": {"default": {"percentiles": {"k": [50]}}}}},
    )
    [result] = request.get_data()          # a StatisticalResult; result.to_dataframe()

    with SentinelHubStatisticalClient(config) as stats:   # many geometries, 8 at a time
        results = stats.compute_many(requests, max_concurrency=8)

The clients are thin shells over `StatisticalCalls`; ``compute_many`` runs the requests on one
connection pool and one token, at most ``max_concurrency`` at once, and returns the results in
the order of the requests (threads in the sync client, tasks in the async one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.service import AsyncService, SyncService, share_docstrings
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.process import builders
from sentinelhub_client.statistical import calls
from sentinelhub_client.statistical.calls import StatisticalCalls
from sentinelhub_client.statistical.models import StatisticalResult

__all__ = [
    "AsyncSentinelHubStatisticalClient",
    "SentinelHubStatistical",
    "SentinelHubStatisticalClient",
]

#: Requests in flight at once in ``compute_many`` unless told otherwise.
DEFAULT_CONCURRENCY = 4


class SentinelHubStatistical:
    """A Statistical API request, as sentinelhub-py builds it.

    Args:
        aggregation: from `aggregation` (evalscript, time interval, aggregation interval, size
            or resolution).
        input_data: the inputs, each from `input_data` (or a collection).
        bbox: the area as a `BBox`; and/or
        geometry: the area as a `Geometry` (GeoJSON, WKT, shapely); statistics cover only the
            pixels inside it.
        calculations: per output id (or ``default``): ``histograms`` and ``statistics``
            (percentiles) per band (or ``default``).
        config: settings; ``SHConfig()`` by default.

    Attributes:
        payload: the request body.
    """

    aggregation = staticmethod(calls.aggregation)
    input_data = staticmethod(builders.input_data)

    def __init__(
        self,
        aggregation: Mapping[str, Any],
        input_data: Sequence[Any],
        bbox: Any = None,
        geometry: Any = None,
        calculations: Mapping[str, Any] | None = None,
        config: SHConfig | None = None,
        other_args: Mapping[str, Any] | None = None,
    ) -> None:
        if config is not None and not isinstance(config, SHConfig):
            raise TypeError(f"config must be an SHConfig, got {type(config).__name__}")
        self.config = config if config is not None else SHConfig()
        self.payload = calls.body(aggregation, input_data, bbox, geometry, calculations, other_args)

    def get_data(self) -> list[StatisticalResult]:
        """Send the request and return ``[result]`` (a list, as sentinelhub-py does)."""
        with SentinelHubStatisticalClient(self.config) as client:
            return [client.compute(self)]

    def __repr__(self) -> str:
        types = [item.get("type") for item in self.payload["input"]["data"]]
        every = self.payload["aggregation"]["aggregationInterval"].get("of")
        return f"SentinelHubStatistical(data={types}, aggregation_interval={every!r})"


def _payload(request: SentinelHubStatistical | Mapping[str, Any], where: str) -> Mapping[str, Any]:
    if isinstance(request, SentinelHubStatistical):
        return request.payload
    payload = getattr(request, "payload", None)  # an object like ours (a wrapper, a subclass)
    if isinstance(payload, Mapping):
        return payload
    if isinstance(request, Mapping) and "aggregation" in request and "input" in request:
        return request
    raise SentinelHubValidationError(
        f"{where}: expected a SentinelHubStatistical or a request body dict "
        f"(with 'input' and 'aggregation'), got {type(request).__name__}",
        field=where,
    )


def _concurrency(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SentinelHubValidationError(
            f"max_concurrency: expected a whole number >= 1, got {value!r}", field="max_concurrency"
        )
    return value


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


class _StatisticalClientBase:
    _calls: StatisticalCalls
    config: SHConfig

    def _prepare(self) -> None:
        self._calls = StatisticalCalls(self.config)


class SentinelHubStatisticalClient(_StatisticalClientBase, SyncService):
    """Client of the Statistical API."""

    transport: SyncTransport

    def compute(self, request: SentinelHubStatistical | Mapping[str, Any]) -> StatisticalResult:
        """Send one request (a `SentinelHubStatistical` or a body dict) and return its result.

        Sends ``POST /api/v1/statistics``.

        Raises:
            BadRequestError: the service refused the request (``errors`` names the field).
            APIError: any other error answer.
        """
        return self.transport.run(self._calls.statistics(_payload(request, "request")))

    def compute_many(
        self,
        requests: Iterable[SentinelHubStatistical | Mapping[str, Any]],
        *,
        max_concurrency: int = DEFAULT_CONCURRENCY,
    ) -> list[StatisticalResult]:
        """Send many requests (one per geometry, say), at most ``max_concurrency`` at once, over
        this client's connections and token; the results come in the order of ``requests``.
        Every request is checked before the first is sent; the first error is raised."""
        limit = _concurrency(max_concurrency)
        bodies = [_payload(r, f"requests[{i}]") for i, r in enumerate(requests)]
        if not bodies:
            return []
        with ThreadPoolExecutor(max_workers=min(limit, len(bodies))) as pool:
            return list(
                pool.map(lambda body: self.transport.run(self._calls.statistics(body)), bodies)
            )


class AsyncSentinelHubStatisticalClient(_StatisticalClientBase, AsyncService):
    """The async twin of `SentinelHubStatisticalClient`."""

    transport: AsyncTransport

    async def compute(
        self, request: SentinelHubStatistical | Mapping[str, Any]
    ) -> StatisticalResult:
        return await self.transport.run(self._calls.statistics(_payload(request, "request")))

    async def compute_many(
        self,
        requests: Iterable[SentinelHubStatistical | Mapping[str, Any]],
        *,
        max_concurrency: int = DEFAULT_CONCURRENCY,
    ) -> list[StatisticalResult]:
        limit = anyio.CapacityLimiter(_concurrency(max_concurrency))
        bodies = [_payload(r, f"requests[{i}]") for i, r in enumerate(requests)]
        results: list[StatisticalResult | None] = [None] * len(bodies)

        async def one(index: int, body: Mapping[str, Any]) -> None:
            async with limit:
                result = await self.transport.run(self._calls.statistics(body))
            results[index] = result

        try:
            async with anyio.create_task_group() as group:
                for index, body in enumerate(bodies):
                    group.start_soon(one, index, body)
        except BaseExceptionGroup as group_error:
            # The first failure, as the sync twin raises it (the others are its context).
            raise _first(group_error) from None
        return [result for result in results if result is not None]


share_docstrings(AsyncSentinelHubStatisticalClient, SentinelHubStatisticalClient)
