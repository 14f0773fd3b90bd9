"""Many Process and Statistical requests at once: on a Dask cluster, or on local threads, within
one rate-limit budget.

::

    from distributed import Client
    from sentinelhub_client import RateLimit, SHConfig
    from sentinelhub_client.dask import process_many

    config = SHConfig(rate_limit=RateLimit(requests_per_minute=600, pu_per_minute=300))
    with Client(n_workers=4) as dask_client:
        results = process_many(requests, client=dask_client, config=config)

``requests`` are `SentinelHubRequest` objects or Process bodies (answers: `ProcessResponse`),
`SentinelHubStatistical` objects or Statistical bodies (answers: `StatisticalResult`), mixed as
you like; the results come in the order of ``requests``, each with its ``processing_units``.

With a Dask ``client`` every request is a task. Each worker process keeps one `SentinelHub`
client per configuration (one connection pool; the OAuth token comes from the token file the
processes of a machine share, so a machine's workers fetch one token), and the budget of the
configuration's `RateLimit` is kept in the scheduler: a `distributed.Variable` holding the
mirrored buckets, changed under a `distributed.Lock`, both named after the (base URL, client id).
So every worker, and every ``process_many`` running on the cluster for that client, paces its
requests to one budget, as the service counts them. Without ``client``, the requests run on
``max_workers`` threads of this process, on the process's own budget.

Retries are bounded: each request is tried per the configuration's retry policy (429 waits its
``Retry-After``, 5xx and dropped connections back off), and after a transient failure (a 429,
5xx or connection error that outlasted that policy) it is sent again at most ``retries`` more
times; then its error is raised (the first error of the batch). A worker lost midway is Dask's
to handle: it reruns the task elsewhere.

Needs the ``dask`` extra (``pip install "sentinelhub-client[dask]"``) for ``client=``; the local
thread pool needs nothing more than the base install (and ``rich`` for the progress bar, which the
base install has).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from sentinelhub_client._client import SentinelHub
from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import (
    APIConnectionError,
    RateLimitError,
    SentinelHubValidationError,
    ServerError,
)
from sentinelhub_client._core.extras import translate_missing
from sentinelhub_client._core.ratelimit import Budget, BudgetState, Limiter, RateLimit

if TYPE_CHECKING:
    from distributed import Client

    from sentinelhub_client.process.requests import ProcessResponse
    from sentinelhub_client.statistical.models import StatisticalResult

__all__ = ["SchedulerStore", "budget_name", "process_many"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Errors after which a request is sent again (up to ``retries`` times).
TRANSIENT = (APIConnectionError, RateLimitError, ServerError)

Kind = Literal["process", "statistical"]


@dataclass(frozen=True)
class _Item:
    """One request, reduced to what a worker needs: which API and the body."""

    kind: Kind
    payload: Mapping[str, Any]


def _item(request: Any, index: int) -> _Item:
    from sentinelhub_client.process.requests import SentinelHubRequest
    from sentinelhub_client.statistical.client import SentinelHubStatistical

    if isinstance(request, SentinelHubRequest):
        return _Item("process", request.payload)
    if isinstance(request, SentinelHubStatistical):
        return _Item("statistical", request.payload)
    if isinstance(request, Mapping):
        if "aggregation" in request and "input" in request:
            return _Item("statistical", dict(request))
        if "input" in request:
            return _Item("process", dict(request))
    raise SentinelHubValidationError(
        f"requests[{index}]: expected a SentinelHubRequest, a SentinelHubStatistical or a "
        f"request body dict, got {type(request).__name__}",
        field=f"requests[{index}]",
    )


def budget_name(config: SHConfig) -> str:
    """The name of the budget's Dask `Variable` and `Lock` for a configuration: one per (base
    URL, client id), hashed."""
    digest = hashlib.sha256(f"{config.sh_base_url}\0{config.sh_client_id}".encode()).hexdigest()
    return f"sentinelhub-budget-{digest[:20]}"


def _distributed() -> Any:
    """The ``distributed`` module (ImportError naming the ``dask`` extra without it)."""
    with translate_missing("sentinelhub_client.dask with a Dask client", "dask"):
        return importlib.import_module("distributed")


class SchedulerStore:
    """A `sentinelhub_client._core.ratelimit.BudgetStore` in the Dask scheduler: the state in a
    `distributed.Variable`, changed under a `distributed.Lock` of the same name. Its clock is
    the wall clock, which every process of the cluster shares."""

    clock: Callable[[], float] = staticmethod(time.time)

    def __init__(self, name: str, client: Client | None = None) -> None:
        distributed = _distributed()
        self.name = name
        self._lock: Any = distributed.Lock(f"{name}-lock")
        self._variable: Any = distributed.Variable(f"{name}-state", client=client)

    def update(self, change: Callable[[BudgetState], tuple[BudgetState, T]]) -> T:
        with self._lock:
            try:
                raw = self._variable.get(timeout=5)
            except TimeoutError:  # never set (no process_many made it): full buckets
                raw = None
            state, result = change(BudgetState.from_dict(raw))
            self._variable.set(state.to_dict())
            return result


# -- what runs on a worker (or a local thread) -------------------------------------------------

_HUBS: dict[tuple[Any, ...], SentinelHub] = {}
_HUBS_LOCK = threading.Lock()


def _hub(config: SHConfig, budget: str | None) -> SentinelHub:
    """This process's client for ``config`` (made once; with ``budget``, its limiter keeps its
    state in the scheduler)."""
    key = (
        config.sh_base_url,
        config.sh_token_url,
        config.sh_client_id,
        str(config.rate_limit),
        budget,
    )
    with _HUBS_LOCK:
        hub = _HUBS.get(key)
        if hub is None:
            hub = SentinelHub(config)
            limit = config.rate_limit
            if budget is not None and limit is not None and hub.transport.budget is not None:
                # Before any service exists: they all share the hub's transport and budget.
                hub.transport.budget = Budget(
                    config.sh_base_url,
                    config.sh_client_id,
                    limit,
                    hub.transport.budget.meter,
                    limiter=Limiter(limit, SchedulerStore(budget)),
                )
            _HUBS[key] = hub
        return hub


def _send(hub: SentinelHub, item: _Item) -> Any:
    if item.kind == "process":
        return hub.process.process(item.payload)
    return hub.statistical.compute(item.payload)


def _run(item: _Item, config: SHConfig, budget: str | None, retries: int) -> Any:
    """Send one request, again after a transient failure, at most ``retries`` more times."""
    hub = _hub(config, budget)
    for attempt in range(retries + 1):
        try:
            return _send(hub, item)
        except TRANSIENT as error:
            if attempt >= retries:
                raise
            logger.info("request failed (%s); sending it again", type(error).__name__)
    raise AssertionError("unreachable")  # pragma: no cover


# -- the driver ---------------------------------------------------------------------------------


def _bar(total: int, show: bool | None) -> AbstractContextManager[Callable[[], None]]:
    """A rich bar of requests done (None: when standard error is a terminal)."""
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if show is False or (show is None and not console.is_terminal):
        return nullcontext(lambda: None)

    @contextmanager
    def bar() -> Any:
        with Progress(
            TextColumn("[bold]requests"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("requests", total=total)
            yield lambda: progress.advance(task)

    manager: AbstractContextManager[Callable[[], None]] = bar()
    return manager


def _checked_count(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SentinelHubValidationError(
            f"{name}: expected a whole number >= {minimum}, got {value!r}", field=name
        )
    return value


def process_many(
    requests: Iterable[Any],
    *,
    client: Client | None = None,
    config: SHConfig | None = None,
    rate_limit: RateLimit | None = None,
    max_workers: int = 4,
    retries: int = 2,
    progress: bool | None = None,
) -> list[ProcessResponse | StatisticalResult]:
    """Send many Process / Statistical requests, on a Dask cluster or on local threads, paced
    to one budget; the answers in the order of ``requests``.

    Args:
        requests: `SentinelHubRequest` / Process bodies and `SentinelHubStatistical` /
            Statistical bodies, in any mix.
        client: a `distributed.Client`: every request is a task on its cluster, and the budget
            is kept in its scheduler (shared by every worker). None: local threads.
        config: settings (default ``SHConfig()``); sent to the workers (with the secret: the
            workers need it to fetch a token).
        rate_limit: the account's limits (default ``config.rate_limit``); None and no
            ``config.rate_limit``: requests are not paced (429s are still retried).
        max_workers: threads of the local pool (without ``client``).
        retries: how many more times a request is sent after a transient failure (a 429, 5xx or
            connection error that outlasted the retry policy).
        progress: draw a rich progress bar on standard error (None: when it is a terminal).

    Returns:
        `ProcessResponse` for Process requests, `StatisticalResult` for Statistical ones, each
        with its ``processing_units``.

    Raises:
        SentinelHubValidationError: a request of an unknown kind (nothing is sent).
        APIError, APIConnectionError: the first request that failed, after its retries.
        ImportError: ``client`` given without the ``dask`` extra.
    """
    items = [_item(request, index) for index, request in enumerate(requests)]
    _checked_count("max_workers", max_workers, 1)
    _checked_count("retries", retries, 0)
    config = config if config is not None else SHConfig()
    if rate_limit is not None:
        config = config.copy(rate_limit=rate_limit)
    if not items:
        return []
    if client is None:
        return _local(items, config, max_workers, retries, progress)
    return _on_dask(items, config, client, retries, progress)


def _local(
    items: Sequence[_Item], config: SHConfig, workers: int, retries: int, show: bool | None
) -> list[Any]:
    results: list[Any] = [None] * len(items)
    with (
        SentinelHub(config) as hub,
        ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool,
        _bar(len(items), show) as advance,
    ):

        def one(item: _Item) -> Any:
            for attempt in range(retries + 1):
                try:
                    return _send(hub, item)
                except TRANSIENT:
                    if attempt >= retries:
                        raise
            raise AssertionError("unreachable")  # pragma: no cover

        futures = {pool.submit(one, item): index for index, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                advance()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return results


def _on_dask(
    items: Sequence[_Item], config: SHConfig, client: Client, retries: int, show: bool | None
) -> list[Any]:
    distributed = _distributed()
    dask_client: Any = client
    budget = budget_name(config) if config.rate_limit is not None else None
    if budget is not None and dask_client.get_metadata([budget], None) is None:
        # The first run on this cluster for the client: full buckets (an earlier run's state,
        # and any other run's going on, is kept: one budget).
        distributed.Variable(f"{budget}-state", client=client).set(BudgetState().to_dict())
        dask_client.set_metadata([budget], {"created": time.time()})
    # ``retries`` is a keyword of ``Client.map`` itself (Dask's task retries): bound here.
    task = functools.partial(_run, config=config, budget=budget, retries=retries)
    futures = dask_client.map(task, items, pure=False)
    try:
        with _bar(len(items), show) as advance:
            for future in distributed.as_completed(futures):
                if future.status == "error":
                    future.result()  # raises the task's error
                advance()
        return list(dask_client.gather(futures))
    finally:
        dask_client.cancel(futures)
