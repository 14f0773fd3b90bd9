"""What Batch v1 (`sentinelhub_client.batch`) and Batch v2 (`sentinelhub_client.batch_v2`) share,
written once: the argument checks both make, the requests both send and the parsing of their
answers (`BatchCallsCore`, without I/O), the decisions of a wait (`WatchDecisions`), the rich
progress bar around a wait and the wait loop itself (`wait_until_done` /
`await_until_done`).

Each version keeps its own public names, messages and models; this module only holds the logic
that was the same in both, parametrised where they differ (the request model, the generated
operations, the words of a message).
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

import httpx
from sentinelhub_api import Client as ApiClient
from sentinelhub_api.types import UNSET, Unset

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.errors import SentinelHubValidationError, invalid_argument
from sentinelhub_client._core.pagination import Page, PageRequest
from sentinelhub_client._core.transport import Call
from sentinelhub_client.batch.models import TilingGrid, _Model, batch_failed

__all__ = [
    "DEFAULT_ANALYSIS_INTERVAL",
    "DEFAULT_ANALYSIS_TIMEOUT",
    "DEFAULT_JOB_INTERVAL",
    "BatchCallsCore",
    "JsonBody",
    "WatchDecisions",
    "await_until_done",
    "drop_none",
    "grid_id_of",
    "json_clean",
    "no_content",
    "numeric_id_of",
    "one",
    "optional_text",
    "page_of",
    "paging",
    "query_extras",
    "ref_value",
    "refuse",
    "rich_bar",
    "status_text",
    "typed_member",
    "unset",
    "wait_until_done",
]

M = TypeVar("M", bound=_Model)
R = TypeVar("R", bound=_Model)
V = TypeVar("V")
P = TypeVar("P")
W = TypeVar("W", bound="WatchDecisions")

#: Seconds between polls when none are given: the analysis takes seconds to minutes, a job
#: minutes to hours.
DEFAULT_ANALYSIS_INTERVAL = 5.0
DEFAULT_JOB_INTERVAL = 30.0
#: The analysis is short; an hour without an answer means something is wrong.
DEFAULT_ANALYSIS_TIMEOUT = 3600.0


# -- arguments -> wire values -------------------------------------------------------------------


#: The error for a bad argument (``"<argument>: <problem>"``, with ``field=argument``).
refuse = invalid_argument


def optional_text(value: object, argument: str) -> str | None:
    """``value`` when it is a string or None, else an error naming ``argument``."""
    if value is None or isinstance(value, str):
        return value
    raise refuse(argument, f"expected a string or None, got {type(value).__name__} {value!r}")


def drop_none(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` without its None members (members left None are not sent)."""
    return {key: value for key, value in payload.items() if value is not None}


def json_clean(value: V, argument: str) -> V:
    """``value`` if it can be sent as JSON, else a clear error naming ``argument``."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise refuse(argument, f"cannot be sent as JSON ({exc})") from exc
    return value


def ref_value(ref: object, model: type, attribute: str) -> object:
    """The id a reference carries: a model's ``attribute``, a dict's ``id``, any other object's
    ``attribute``; a string or UUID (or anything else) as given."""
    if isinstance(ref, model):
        return getattr(ref, attribute)
    if isinstance(ref, Mapping):
        return ref.get("id")
    if not isinstance(ref, str | UUID) and hasattr(ref, attribute):
        return getattr(ref, attribute)
    return ref


def query_extras(extra: Mapping[str, Any], argument: str = "kwargs") -> dict[str, Any]:
    """Further query parameters (None values are left out, as sentinelhub-py did)."""
    out: dict[str, Any] = {}
    for key, value in extra.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise refuse(
                f"{argument}[{key!r}]",
                f"a query parameter must be a string or a number, got {value!r}",
            )
        out[key] = value
    return out


def numeric_id_of(ref: object, model: type, attribute: str, argument: str, what: str) -> int:
    """The numeric id of a ``model`` given as an id (a whole number >= 0, or its digits), the
    model (its ``attribute``) or a dict with its ``id``; else an error naming ``argument``."""
    value: object = ref
    if isinstance(ref, model):
        value = getattr(ref, attribute)
    elif isinstance(ref, Mapping):
        value = ref.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise refuse(
        argument,
        f"expected a {what} id (a whole number >= 0), a {model.__name__} or a dict with its "
        f"'id', got {type(value).__name__} {value!r}",
    )


def grid_id_of(grid: TilingGrid | Mapping[str, Any] | int | str, argument: str = "grid_id") -> int:
    """The numeric id of a tiling grid (0 is a grid, not "none")."""
    return numeric_id_of(grid, TilingGrid, "grid_id", argument, "tiling grid")


def typed_member(value: object, argument: str, helpers: Mapping[str, str]) -> Mapping[str, Any]:
    """``value`` when it is a dict whose ``type`` is one of ``helpers`` (type -> the helper that
    makes it, for the messages), else an error naming ``argument`` (or ``<argument>.type``)."""
    (first, first_helper), (second, second_helper) = helpers.items()
    if not isinstance(value, Mapping):
        raise refuse(
            argument,
            f"expected a dict from {first_helper}(...) or {second_helper}(...), got "
            f"{type(value).__name__} {value!r}",
        )
    kind = value.get("type")
    if kind not in tuple(helpers):  # a tuple: an unhashable "type" is refused, not a TypeError
        raise refuse(
            f"{argument}.type",
            f"unknown {argument} type {kind!r}; use {first_helper}(...) ('{first}') or "
            f"{second_helper}(...) ('{second}')",
        )
    return value


# -- answers -> models ----------------------------------------------------------------------------


class JsonBody:
    """A request body for a generated operation's ``_get_kwargs`` (it calls ``to_dict``)."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self._payload = dict(payload)

    def to_dict(self) -> dict[str, Any]:
        return self._payload


def unset(value: V | None) -> V | Unset:
    """The generated operations' UNSET for None."""
    return UNSET if value is None else value


def _unwrap(body: Any) -> Any:
    """A single object, bare or in ``{"data": {...}}`` (the sources disagree for some calls)."""
    if isinstance(body, dict) and len(body) == 1 and isinstance(body.get("data"), dict):
        return body["data"]
    return body


def one(kind: type[M], *, unwrap: bool) -> Callable[[ApiClient, httpx.Response], M]:
    """The parser of an answer holding one ``kind`` (bare, or also in ``{"data": ...}`` with
    ``unwrap``)."""

    def parse(api: ApiClient, response: httpx.Response) -> M:
        body = jsonload.loads(response.content)
        return kind.from_dict(_unwrap(body) if unwrap else body)

    return parse


def page_of(kind: type[M], page: PageRequest) -> Callable[[ApiClient, httpx.Response], Page[M]]:
    """The parser of a listing page: ``{"data": [...], "links": {"nextToken"?}}``."""

    def parse(api: ApiClient, response: httpx.Response) -> Page[M]:
        body = jsonload.loads(response.content)
        data = body["data"]
        if not isinstance(data, list):
            raise TypeError(f"'data' is {type(data).__name__}, not a list")
        links = body.get("links") or {}
        next_token = links.get("nextToken") if isinstance(links, dict) else None
        if next_token and not isinstance(next_token, str):
            raise TypeError(f"'links.nextToken' is {type(next_token).__name__}, not a string")
        items = [kind.from_dict(item) for item in data]
        return Page(items, next_token=next_token or None, token=page.viewtoken)

    return parse


def no_content(api: ApiClient, response: httpx.Response) -> None:
    """The parser of an answer without a body."""
    return None


def paging(count: int, max_items: int | None, viewtoken: str | None) -> dict[str, Any]:
    """The paginator settings of a listing."""
    return {"count": count, "max_items": max_items, "viewtoken": viewtoken}


class BatchCallsCore(Generic[R]):
    """The requests Batch v1 and v2 both send (requests, actions, tiling grids) and their
    parsing, on the generated operations a version names; no I/O.

    Args:
        model: the version's batch request model.
        request_id_of: the version's check of a batch request reference.
        operations: ``create``, ``list_requests``, ``get_request``, ``list_tiling_grids`` and
            ``get_tiling_grid``: the generated operation modules.
        actions: the client method's name -> the generated operation of that action.
        unwrap: single objects may come in ``{"data": ...}`` (v1).
    """

    def __init__(
        self,
        model: type[R],
        request_id_of: Callable[[Any], UUID],
        operations: Mapping[str, Any],
        actions: Mapping[str, Any],
        *,
        unwrap: bool,
    ) -> None:
        self._model = model
        self._request_id_of = request_id_of
        self._ops = dict(operations)
        self._actions = dict(actions)
        self._unwrap = unwrap

    @staticmethod
    def _request(
        op: Any, *args: Any, extra: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        request = dict(op._get_kwargs(*args, **kwargs))
        if extra:
            request["params"] = {**request.get("params", {}), **extra}
        return request

    def _one(self, kind: type[M]) -> Callable[[ApiClient, httpx.Response], M]:
        return one(kind, unwrap=self._unwrap)

    def _page(
        self,
        op: Any,
        kind: type[M],
        page: PageRequest,
        *args: Any,
        extra: Mapping[str, Any] | None = None,
        **query: Any,
    ) -> Call[Page[M]]:
        """One page of a listing: ``op`` with the page's size and token, ``query`` and
        ``extra`` (further parameters, sent as given), read as a page of ``kind``."""
        request = self._request(
            op, *args, count=page.count, viewtoken=unset(page.viewtoken), extra=extra, **query
        )
        return Call(request=request, parse=page_of(kind, page))

    # -- requests ------------------------------------------------------------------------------

    def create(self, payload: Mapping[str, Any]) -> Call[R]:
        """``POST /process`` with a checked body; never replayed blindly."""
        request = self._request(self._ops["create"], body=JsonBody(payload))
        return Call(request=request, parse=self._one(self._model), create=True)

    def request_listing(
        self, user_id: object, search: object, sort: object, kwargs: Mapping[str, Any]
    ) -> Callable[[PageRequest], Call[Page[R]]]:
        """The page calls of ``iter_requests`` (arguments checked now, before any page)."""
        user, words = optional_text(user_id, "user_id"), optional_text(search, "search")
        order, extra = optional_text(sort, "sort"), query_extras(kwargs)
        return lambda page: self.list_requests(
            page, user_id=user, search=words, sort=order, extra=extra
        )

    def list_requests(
        self,
        page: PageRequest,
        *,
        user_id: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[R]]:
        """One page of ``GET /process`` (arguments already checked)."""
        return self._page(
            self._ops["list_requests"],
            self._model,
            page,
            search=unset(search),
            userid=unset(user_id),
            sort=unset(sort),
            extra=extra,
        )

    def get_request(self, batch_request: Any) -> Call[R]:
        """``GET /process/{id}``."""
        request = self._request(self._ops["get_request"], self._request_id_of(batch_request))
        return Call(request=request, parse=self._one(self._model))

    def action(self, name: str, batch_request: Any) -> Call[None]:
        """``POST /process/{id}/<action>`` (no body), by the client method's ``name``."""
        request = self._request(self._actions[name], self._request_id_of(batch_request))
        return Call(request=request, parse=no_content)

    # -- tiling grids --------------------------------------------------------------------------

    def grid_listing(
        self, kwargs: Mapping[str, Any]
    ) -> Callable[[PageRequest], Call[Page[TilingGrid]]]:
        """The page calls of ``iter_tiling_grids`` (arguments checked now)."""
        extra = query_extras(kwargs)
        return lambda page: self.list_tiling_grids(page, extra=extra)

    def list_tiling_grids(
        self, page: PageRequest, *, extra: Mapping[str, Any] | None = None
    ) -> Call[Page[TilingGrid]]:
        """One page of ``GET /tilinggrids``."""
        return self._page(self._ops["list_tiling_grids"], TilingGrid, page, extra=extra)

    def get_tiling_grid(self, grid: TilingGrid | Mapping[str, Any] | int | str) -> Call[TilingGrid]:
        """``GET /tilinggrids/{id}`` (grid 0 included)."""
        request = self._request(self._ops["get_tiling_grid"], grid_id_of(grid))
        read = self._one(TilingGrid)

        def parse(api: ApiClient, response: httpx.Response) -> TilingGrid:
            found = read(api, response)
            if found.grid_id is None:  # {"data": null}, {"data": [...]}, {}: not a grid
                raise ValueError("the answer holds no tiling grid (no 'id')")
            return found

        return Call(request=request, parse=parse)


# -- waiting --------------------------------------------------------------------------------------


class WatchDecisions:
    """The decisions of one wait (for the analysis, or for the job), without I/O: when it is
    over, when it fails, when it would never end. A version's watch (a dataclass with
    ``request_id`` and ``job``) names its statuses, user actions and words here."""

    request_id: UUID
    job: bool

    #: What the messages call a request ("batch request").
    noun: ClassVar[str]
    logger: ClassVar[logging.Logger]
    failed: ClassVar[Any]
    processing: ClassVar[Any]
    analysing: ClassVar[Any]
    before_analysis: ClassVar[tuple[Any, ...]]
    not_yet_processing: ClassVar[tuple[Any, ...]]
    #: The user actions after which the request moves by itself, waiting for the job / analysis.
    job_moving: ClassVar[tuple[Any, ...]]
    analysis_moving: ClassVar[tuple[Any, ...]]

    @property
    def what(self) -> str:
        """What is waited for, for messages."""
        stage = "the job" if self.job else "the analysis"
        return f"{stage} of {self.noun} {self.request_id}"

    @property
    def label(self) -> str:
        """The progress bar's description."""
        return f"batch {str(self.request_id)[:8]}"

    def done(self, progress: Any) -> bool:
        """True when the wait is over; raises `BatchFailedError` on FAILED and
        `SentinelHubValidationError` when the request will not move by itself."""
        request = progress.request
        status = request.status
        if status == self.failed:
            because = f': "{request.error}"' if request.error else " (no reason given)"
            raise batch_failed(request, f"{self.noun} {request.request_id} FAILED{because}")
        if status is None or not status.is_known:
            self.logger.warning(
                "%s %s has a status this version does not know (%s); the wait ends here",
                self.noun[:1].upper() + self.noun[1:],
                request.request_id,
                status,
            )
            return True
        if self.job:
            if status in self.not_yet_processing:
                self._check_asked(request, self.job_moving)
                return False
            return bool(status != self.processing)
        if status in self.before_analysis:
            self._check_asked(request, self.analysis_moving)
            return False
        return True

    def _check_asked(self, request: Any, moving: tuple[Any, ...]) -> None:
        action = request.user_action
        if action is None or action in moving or not action.is_known:
            return  # it will move (or the service does not say: the timeout bounds the wait)
        if request.status == self.analysing:
            return  # the analysis runs; what comes next is decided at ANALYSIS_DONE
        fix = "start_job(...)" if self.job else "start_analysis(...) or start_job(...)"
        status = request.status.value if request.status is not None else "?"
        raise SentinelHubValidationError(
            f"batch_request: {self.what} was never started (status {status}, userAction "
            f"{action.value}); call {fix} first, or it would be waited for for ever",
            field="batch_request",
        )


@contextmanager
def rich_bar(
    enabled: bool,
    description: str,
    counter: Callable[[ModuleType], Sequence[Any]],
    fields: Mapping[str, Any],
    update: Callable[[Any, Any, str, P], None],
) -> Iterator[Callable[[P], Any]]:
    """A `rich` bar on standard error while the block runs, fed through the yielded callback; a
    no-op callback when not ``enabled`` (rich is imported only when it is).

    Args:
        enabled: show it.
        description: its text (``update`` may add the status).
        counter: the columns between the bar and the elapsed time, from ``rich.progress``.
        fields: the task's ``total`` and further fields at the start.
        update: ``(bar, task, description, progress)``: show a poll's progress.
    """
    if not enabled:
        yield lambda progress: None
        return
    from rich import progress as rich_progress
    from rich.console import Console

    bar = rich_progress.Progress(
        rich_progress.TextColumn("[bold]{task.description}"),
        rich_progress.BarColumn(),
        *counter(rich_progress),
        rich_progress.TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task(description, **fields)
        yield lambda progress: update(bar, task, description, progress)


def status_text(progress: Any) -> str:
    """A poll's status for the bar ("?" when the service sent none)."""
    return progress.status.value if progress.status is not None else "?"


_NO_DISPLAY: Callable[[Any], Any] = lambda progress: None  # noqa: E731


def wait_until_done(
    poller: Callable[..., Any],
    fetch: Callable[[W], P],
    watch: W,
    interval: float,
    timeout: float | None,
    callback: Callable[[P], Any] | None,
    display: AbstractContextManager[Callable[[P], Any]] | None = None,
) -> P:
    """Poll (with ``poller``, `sentinelhub_client._core.polling.poll`) ``fetch(watch)`` until
    ``watch`` says the wait is over; each state is shown on ``display`` (a `rich_bar`), then
    given to ``callback``. Returns the last state."""
    timing = {"interval": interval, "timeout": timeout, "what": watch.what}
    with display if display is not None else nullcontext(_NO_DISPLAY) as show:

        def update(state: P) -> None:
            show(state)
            if callback is not None:
                callback(state)

        final: P = poller(lambda: fetch(watch), watch.done, on_update=update, **timing)
        return final


async def await_until_done(
    poller: Callable[..., Awaitable[Any]],
    fetch: Callable[[W], Awaitable[P]],
    watch: W,
    interval: float,
    timeout: float | None,  # noqa: ASYNC109 - passed on to the poller
    callback: Callable[[P], Any] | None,
    display: AbstractContextManager[Callable[[P], Any]] | None = None,
) -> P:
    """The async twin of `wait_until_done` (``poller``: `apoll`; ``callback`` may be a
    coroutine function)."""
    timing = {"interval": interval, "timeout": timeout, "what": watch.what}
    with display if display is not None else nullcontext(_NO_DISPLAY) as show:

        async def update(state: P) -> None:
            show(state)
            if callback is not None:
                result = callback(state)
                if inspect.isawaitable(result):
                    await result

        final: P = await poller(lambda: fetch(watch), watch.done, on_update=update, **timing)
        return final
