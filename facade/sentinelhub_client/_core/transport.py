"""The facade's transport: our httpx clients, and the only retry loop of each flavour.

Every request of the package travels through a `SyncTransport` or an `AsyncTransport`: the
JSON calls of every service, the streamed downloads of tile files, and the OAuth token fetch.

- `create_http_client` / `create_async_http_client` build the httpx client: base URL, timeout,
  User-Agent, OAuth (`sentinelhub_client._core.auth`). A client the user passes in is not
  modified: it becomes the *transport* of ours, so its proxies, TLS settings, limits and event
  hooks apply while the facade adds the rest.
- The generated `sentinelhub_api.Client` gets that httpx client injected, and requests are the
  ones its operations build (``_get_kwargs``); successes are parsed by the operation's own
  ``_build_response``. Error answers are not given to the generated parser (it expects JSON, and
  the service may answer 401/403/5xx with an empty or HTML body): `error_from_response` turns them
  into the typed errors, in one place.
- A `Call` describes one request without I/O: what to send, how to read a success, and the
  per-call options (retry policy, headers recomputed before each attempt, statuses handed to the
  reader, progress that renews the retry budget, redirects, error hints).
- ``run`` (a parsed result), ``send`` (a response) and ``stream`` (what a reader makes of each
  accepted answer, item by item) all drive one loop per flavour: send, let
  `sentinelhub_client._core.retry.RetryState` decide, then sleep and send again, or raise. No
  other module of the package loops on retries.
- Redirects (only for calls that ask for them) are followed here, and credentials only ever go
  to the origin they were meant for: after a hop to another scheme, host or port, neither the
  ``Authorization`` header nor the client's auth is sent again.
- `SyncTransport.over` / `AsyncTransport.over` run the same loop over a client the caller set
  up (the bare client of the token fetch, so auth never recurses; a plain httpx client given to
  the download functions).
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import platform
import time
import weakref
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from contextlib import AbstractAsyncContextManager, AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Self, TypeVar

import httpx
from sentinelhub_api import Client as ApiClient

from sentinelhub_client._core.bodies import BodyTooLarge, BoundedBody, CorruptBody
from sentinelhub_client._core.config import DEFAULT_MAX_JSON_BYTES, SHConfig
from sentinelhub_client._core.errors import (
    APIError,
    APIResponseValidationError,
    ResponseTooLargeError,
    SentinelHubError,
    connection_error,
    error_from_response,
    request_id_of,
)
from sentinelhub_client._core.ratelimit import Budget, RateLimit, Ticket
from sentinelhub_client._core.retry import Action, RetryPolicy, RetryState, Step

__all__ = [
    "MAX_REDIRECTS",
    "AsyncTransport",
    "Call",
    "SyncTransport",
    "as_response",
    "check_options",
    "create_async_http_client",
    "create_http_client",
    "rebase",
    "redirect_target",
    "same_origin",
    "user_agent",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Parse = Callable[[ApiClient, httpx.Response], T]

#: Redirects followed by one request (of a call that follows them) before giving up.
MAX_REDIRECTS: Final = 5


@functools.cache
def user_agent() -> str:
    """``sentinelhub-client/<version> (Python <x.y>; httpx <version>)``, read once a process
    (the version comes from the installed package's metadata, a search of ``sys.path``)."""
    from importlib import metadata  # here: costly to import with the package

    try:
        version = metadata.version("sentinelhub-client")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        version = "0+unknown"
    python = ".".join(platform.python_version_tuple()[:2])
    return f"sentinelhub-client/{version} (Python {python}; httpx {httpx.__version__})"


def rebase(request: Mapping[str, Any], spec_prefix: str, base_path: str) -> dict[str, Any]:
    """The request with the spec's path prefix (``/api/v1/byoc``) replaced by ``base_path``."""
    out = dict(request)
    url = str(out["url"])
    if base_path != spec_prefix and url.startswith(spec_prefix):
        out["url"] = base_path.rstrip("/") + url[len(spec_prefix) :]
    return out


def as_response(api: ApiClient, response: httpx.Response) -> httpx.Response:
    """A `Call`'s ``parse`` that keeps the response as it is."""
    return response


def check_options(retry: object, timeout: object) -> None:
    """Refuse a per-call retry policy or timeout that cannot work, naming it.

    ``retry`` must be a `RetryPolicy` (or None); ``timeout`` a finite number of seconds above
    zero (or None).
    """
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise TypeError(
            f"retry must be a RetryPolicy or None, such as RetryPolicy(max_attempts=3); got "
            f"{retry!r} ({type(retry).__name__})"
        )
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(
            f"timeout must be a number of seconds or None, got {timeout!r} "
            f"({type(timeout).__name__})"
        )
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be a finite number of seconds above 0, got {timeout!r}")


# -- redirects ----------------------------------------------------------------------------------


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Whether two URLs share scheme, host and port (credentials may go to both)."""
    return _origin(a) == _origin(b)


def redirect_target(request_url: httpx.URL, response: httpx.Response) -> httpx.URL | None:
    """Where a redirect answer points (None when it is not one we follow)."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    location = response.headers.get("location")
    if not location:
        return None
    return request_url.join(location)


AuthChoice = httpx.Auth | httpx._client.UseClientDefault | None


class _Hops:
    """The redirects of one request: where the next hop goes, and with which credentials.

    A redirect to another scheme, host or port is followed without the ``Authorization`` header
    and without the client's auth; so is every hop after it.
    """

    def __init__(self, request: httpx.Request, headers: Any) -> None:
        self.origin = request.url
        self.request = request
        self.headers = headers
        self.auth: AuthChoice = httpx.USE_CLIENT_DEFAULT
        self.count = 0

    def next(
        self, client: httpx.Client | httpx.AsyncClient, response: httpx.Response
    ) -> httpx.Request | None:
        """The request of the next hop, or None when ``response`` is no redirect."""
        target = redirect_target(self.request.url, response)
        if target is None:
            return None
        if self.count >= MAX_REDIRECTS:
            raise httpx.TooManyRedirects(
                f"more than {MAX_REDIRECTS} redirects", request=self.request
            )
        self.count += 1
        logger.debug(
            "%s %s redirected to %s", self.request.method, self.request.url.path, target.host
        )
        request = client.build_request(
            self.request.method, target, headers=self.headers, extensions=self.request.extensions
        )
        if self.auth is None or not same_origin(self.origin, target):
            request.headers.pop("Authorization", None)
            self.auth = None
        self.request = request
        return request


# -- calls ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Call(Generic[T]):
    """One API call, built without I/O and run by a transport.

    Attributes:
        request: keyword arguments of ``httpx.Client.request`` (what the generated operation's
            ``_get_kwargs`` returns): method, url, params, json, data, headers.
        parse: turns a 2xx response into the result of ``run`` (the operation's
            ``_build_response`` and a conversion to the facade's models; `as_response` keeps
            the response).
        create: the call creates something; it is not replayed after an ambiguous failure.
        recover: for a create, a call that finds what an earlier attempt may have created
            (``None`` when it did not); run before a retry or an error after an ambiguous failure.
        stream: the response is not read by the transport: ``run``/``send`` return it unread
            (the caller must close it), ``stream`` hands it to its reader.
        retry: this call's retry policy (else the transport's); ``run(..., retry=)`` wins.
        headers: called before each attempt; its headers are sent on top of ``request``'s (a
            ``Range`` that moves as bytes arrive, say).
        accept: statuses handed to the reader as successes besides 2xx (a 416 that a download
            checks itself, say); every other status goes to the retry decision.
        progress: a counter of work done (bytes received, say); an attempt that failed after
            it grew renews the retry budget: retries count failures in a row, not in all.
        follow_redirects: follow redirects, sending credentials to their own origin only.
        note: a hint added to the error: called with the status of the error answer, or with
            None after a connection failure.
        error_class: the class of every error answer's exception (the token endpoint's are all
            `AuthenticationError`); by default it follows the status.
        capped: the answer (not streamed) is read whole into memory, at most the transport's
            ``max_json_bytes`` of it once decompressed, else `ResponseTooLargeError` (a JSON
            answer); False for a binary answer read whole (a Process image), not limited.
            Error answers are always cut at that size (only their message is needed).
    """

    request: Mapping[str, Any]
    parse: Parse[T]
    create: bool = False
    recover: Call[T | None] | None = None
    stream: bool = False
    retry: RetryPolicy | None = None
    headers: Callable[[], Mapping[str, str]] | None = None
    accept: frozenset[int] = field(default=frozenset())
    progress: Callable[[], int] | None = None
    follow_redirects: bool = False
    note: Callable[[int | None], str | None] | None = None
    error_class: type[APIError] | None = None
    capped: bool = True

    @property
    def method(self) -> str:
        """The HTTP method, upper case."""
        return str(self.request["method"]).upper()

    def accepts(self, status: int) -> bool:
        """Whether an answer with this status goes to the reader (else to the retry decision)."""
        return 200 <= status < 300 or status in self.accept


def _timeout(config: SHConfig) -> httpx.Timeout:
    return httpx.Timeout(config.timeout, connect=min(config.timeout, 30.0))


class _ClientTransport(httpx.BaseTransport):
    """Sends our requests through a user's `httpx.Client` (its transport, proxies, hooks)."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request, stream=True)


class _AsyncClientTransport(httpx.AsyncBaseTransport):
    """Sends our requests through a user's `httpx.AsyncClient`."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._client.send(request, stream=True)


def create_http_client(
    config: SHConfig, *, http_client: httpx.Client | None = None, auth: httpx.Auth | None = None
) -> httpx.Client:
    """The httpx client every sync service uses: base URL, timeout, User-Agent and OAuth.

    ``http_client``, if given, is not modified; requests go through it (see the module docstring).
    ``auth`` replaces the auth derived from ``config``.
    """
    from sentinelhub_client._core.auth import auth_for  # the auth runs its token calls here

    if http_client is not None:
        transport: httpx.BaseTransport = _ClientTransport(http_client)
    else:
        transport = httpx.HTTPTransport()
    client = httpx.Client(
        base_url=config.sh_base_url,
        auth=auth or auth_for(config, token_client=http_client),
        timeout=_timeout(config),
        headers={"User-Agent": user_agent()},
        transport=transport,
        follow_redirects=False,
    )
    if http_client is None:
        # A client made and dropped without `close` (as sentinelhub-py's scripts do) closes its
        # pool when collected, instead of leaving sockets to the garbage collector's warnings.
        weakref.finalize(client, transport.close)
    return client


def create_async_http_client(
    config: SHConfig,
    *,
    http_client: httpx.AsyncClient | None = None,
    auth: httpx.Auth | None = None,
) -> httpx.AsyncClient:
    """The httpx client every async service uses (see `create_http_client`)."""
    from sentinelhub_client._core.auth import auth_for  # the auth runs its token calls here

    return httpx.AsyncClient(
        base_url=config.sh_base_url,
        auth=auth or auth_for(config, async_token_client=http_client),
        timeout=_timeout(config),
        headers={"User-Agent": user_agent()},
        transport=_AsyncClientTransport(http_client) if http_client is not None else None,
        follow_redirects=False,
    )


def _join_notes(*notes: str | None) -> str | None:
    present = [note for note in notes if note]
    return "; ".join(present) if present else None


class _TransportCore:
    """What the sync and async transports share: settings, and the I/O-free steps of a call."""

    retry: RetryPolicy
    api: ApiClient
    _base_url: str
    _owns_client: bool
    _timeout: float | None
    #: The most bytes of a (decompressed) answer read into memory (`SHConfig.max_json_bytes`).
    max_json_bytes: int
    #: The client-side rate limit and the PU meter (`sentinelhub_client._core.ratelimit`);
    #: None for the bare transports of `over` (the token fetch).
    budget: Budget | None = None

    def _setup(
        self,
        base_url: str,
        retry: RetryPolicy | None,
        timeout: float | None,
        *,
        owns: bool,
        max_json_bytes: int | None = None,
    ) -> None:
        check_options(retry, timeout)
        self.max_json_bytes = max_json_bytes or DEFAULT_MAX_JSON_BYTES
        self.retry = retry or RetryPolicy()
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._owns_client = owns

    def full_url(self, url: str) -> str:
        """``url`` with the client's base URL in front when it is a path."""
        if url.startswith("/"):
            return self._base_url + url
        return url

    def _settled(
        self, call: Call[Any], ticket: Ticket | None, response: httpx.Response | None
    ) -> None:
        """Tell the budget how an attempt went (the PU it cost, a 429)."""
        if self.budget is not None:
            url = self.full_url(str(call.request["url"]))
            self.budget.settle(call.method, url, ticket, response)

    def _request_kwargs(self, call: Call[Any]) -> dict[str, Any]:
        kwargs = dict(call.request)
        if call.headers is not None:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), **call.headers()}
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        return kwargs

    def _state(self, call: Call[Any], retry: RetryPolicy | None) -> RetryState:
        return RetryState(
            retry or call.retry or self.retry,
            method=call.method,
            url=self.full_url(str(call.request["url"])),
            create=call.create,
            can_recover=call.recover is not None,
        )

    def _decide(
        self,
        call: Call[Any],
        state: RetryState,
        retry: RetryPolicy | None,
        response: httpx.Response | None,
        failure: httpx.HTTPError | None,
        mark: int,
    ) -> tuple[RetryState, Step]:
        """The retry decision after a failed attempt (and the state to go on with)."""
        if failure is None:
            assert response is not None
            return state, state.on_status(response.status_code, response.headers)
        if call.progress is not None and call.progress() > mark:
            state = self._state(call, retry)  # the attempt got somewhere: a fresh budget
        return state, state.on_exception(failure)

    def _parse(self, call: Call[T], response: httpx.Response) -> T:
        try:
            return call.parse(self.api, response)
        except APIError:
            raise  # the parser's own verdict on an answer (the token endpoint's, say)
        except _MALFORMED as exc:
            detail = str(exc)
            if len(detail) > 300:
                detail = detail[:300] + "..."
            raise APIResponseValidationError(
                f"the answer does not match the API contract ({type(exc).__name__}: {detail})",
                status=response.status_code,
                method=call.method,
                url=self.full_url(str(call.request["url"])),
                body=response.text[:2000] if not call.stream else None,
                request_id=request_id_of(response.headers),
            ) from exc

    def _body(self, call: Call[Any], response: httpx.Response) -> BoundedBody | None:
        """How to read the body of an answer that is not streamed (None: read it whole)."""
        accepted = call.accepts(response.status_code)
        if accepted and not call.capped:
            return None
        limit = self.max_json_bytes
        return BoundedBody(response.headers.get("content-encoding"), limit, truncate=not accepted)

    def _too_large(
        self, call: Call[Any], response: httpx.Response, exc: BodyTooLarge
    ) -> ResponseTooLargeError:
        limit = exc.limit
        mib = f" ({limit / 2**20:g} MiB)" if limit >= 2**20 else ""
        return ResponseTooLargeError(
            f"the answer is larger than max_json_bytes = {limit} bytes{mib} once decompressed "
            "and was refused while it was read; if such answers are expected, raise the limit "
            "with SHConfig(max_json_bytes=...) or the SH_MAX_JSON_BYTES environment variable",
            limit=limit,
            size=exc.size,
            status=response.status_code,
            method=call.method,
            url=self.full_url(str(call.request["url"])),
            request_id=request_id_of(response.headers),
        )

    def _error(
        self,
        call: Call[Any],
        step: Step,
        response: httpx.Response | None,
        exc: httpx.HTTPError | None,
    ) -> Exception:
        url = self.full_url(str(call.request["url"]))
        if exc is None:
            assert response is not None
            status = response.status_code
            return error_from_response(
                status,
                response.headers,
                response.content,
                method=call.method,
                url=url,
                note=_join_notes(call.note(status) if call.note else None, step.note),
                retry_after=step.retry_after,
                error_class=call.error_class,
            )
        return connection_error(
            exc,
            method=call.method,
            url=url,
            ambiguous=step.ambiguous,
            note=_join_notes(call.note(None) if call.note else None, step.note),
        )

    def _log(self, call: Call[Any], response: httpx.Response, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.3f s",
                call.method,
                call.request["url"],
                response.status_code,
                time.monotonic() - started,
            )

    def _derive(
        self,
        retry: RetryPolicy | None,
        timeout: float | None,
        rate_limit: RateLimit | None = None,
    ) -> Self:
        check_options(retry, timeout)
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise TypeError(
                f"rate_limit must be a RateLimit or None, such as "
                f"RateLimit(requests_per_minute=600); got {rate_limit!r}"
            )
        clone = copy.copy(self)
        clone._owns_client = False
        if retry is not None:
            clone.retry = retry
        if timeout is not None:
            clone._timeout = timeout
        if rate_limit is not None and clone.budget is not None:
            clone.budget = clone.budget.with_limit(rate_limit)
        return clone

    def _setup_budget(self, config: SHConfig) -> None:
        self.budget = Budget(config.sh_base_url, config.sh_client_id, config.rate_limit)


#: What a parser raises on an answer it cannot read (a RecursionError for deeply nested JSON).
_MALFORMED = (
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
    RecursionError,
    SentinelHubError,
)


def _already_read(response: httpx.Response) -> bool:
    return response.is_stream_consumed or hasattr(response, "_content")


def _within(body: BoundedBody, content: bytes) -> bytes:
    """Content that was read (and decoded) before the transport saw it, held to ``body``'s
    limit."""
    plain = BoundedBody(None, body.limit, truncate=body.truncate)
    plain.feed(content)
    return plain.finish()


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


async def _asleep(seconds: float) -> None:
    import anyio  # only async transports sleep this way

    await anyio.sleep(seconds)


def _recovered(call: Call[Any]) -> None:
    logger.info("%s %s had succeeded after all", call.method, call.request["url"])


class SyncTransport(_TransportCore):
    """Runs calls with a sync httpx client injected into the generated client, with retries.

    Args:
        config: settings (base URL, credentials, timeout, default retry policy).
        http_client: a client to send through (see `create_http_client`); not closed by us.
        retry: the default retry policy of this transport (else ``config.retry``).
    """

    config: SHConfig
    http_client: httpx.Client

    def __init__(
        self,
        config: SHConfig,
        *,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.http_client = create_http_client(config, http_client=http_client)
        self.api = ApiClient(base_url=config.sh_base_url).set_httpx_client(self.http_client)
        self._setup(
            config.sh_base_url,
            retry or config.retry,
            None,
            owns=True,
            max_json_bytes=config.max_json_bytes,
        )
        self._setup_budget(config)

    @classmethod
    def over(
        cls,
        http_client: httpx.Client,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> Self:
        """A transport sending through ``http_client`` as it is (its base URL, auth, headers).

        For a client the caller set up: the bare client of the OAuth token fetch, a plain
        client given to the download functions. It has no ``config``; `close` leaves the
        client open. ``retry`` defaults to `RetryPolicy()`.
        """
        transport = cls.__new__(cls)
        transport.http_client = http_client
        transport.api = ApiClient(base_url=str(http_client.base_url)).set_httpx_client(http_client)
        transport._setup(str(http_client.base_url), retry, timeout, owns=False)
        return transport

    def with_options(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        rate_limit: RateLimit | None = None,
    ) -> Self:
        """A transport sharing this one's client, with another default policy, timeout or
        client-side rate limit (its PU meter is shared).

        Raises ``TypeError`` / ``ValueError`` naming ``retry``, ``timeout`` or ``rate_limit``
        when one cannot work (not a `RetryPolicy`; not a finite number of seconds above 0; not
        a `RateLimit`).
        """
        return self._derive(retry, timeout, rate_limit)

    def run(self, call: Call[T], *, retry: RetryPolicy | None = None) -> T:
        """Send ``call`` (retrying per the policy) and return its parsed result.

        Raises the typed errors of `sentinelhub_client._core.errors`.
        """
        loop = self._loop(call, self._reader(call), retry, release=False)
        try:
            return next(loop)
        finally:
            loop.close()

    def send(
        self,
        request: Mapping[str, Any],
        *,
        stream: bool = False,
        create: bool = False,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        """Send one request (keyword arguments of ``httpx.Client.request``) with retries.

        Returns a 2xx response; with ``stream=True`` it is unread and the caller closes it.
        """
        return self.run(
            Call(request=request, parse=as_response, stream=stream, create=create), retry=retry
        )

    def stream(
        self,
        call: Call[Any],
        read: Callable[[httpx.Response], Iterator[R]],
        *,
        retry: RetryPolicy | None = None,
        gate: AbstractContextManager[Any] | None = None,
        wait: Callable[[float], None] | None = None,
    ) -> Generator[R, None, None]:
        """Send ``call`` and yield what ``read`` yields of each accepted answer, with retries.

        Nothing is sent before the first item is asked for. ``read`` gets every answer that
        ``call`` accepts (2xx and ``call.accept``), unread; an httpx error while it reads (a
        dropped connection) counts as a failed attempt, and the next attempt is sent (with
        ``call.headers`` asked again, so a ``Range`` can pick up where the bytes stopped) once
        the retry policy allows it. The response is closed after ``read``. Use the
        stream, to its end, as a generator: close it to stop early.

        Args:
            gate: entered around each attempt (a semaphore bounding connections, say), not
                around the waits between attempts.
            wait: sleeps between attempts instead of `time.sleep` (one a stop flag can cut
                short, say).
        """
        return self._loop(call, read, retry, release=True, gate=gate, wait=wait)

    def _reader(self, call: Call[T]) -> Callable[[httpx.Response], Generator[T, None, None]]:
        def read(response: httpx.Response) -> Generator[T, None, None]:
            yield self._parse(call, response)

        return read

    def _loop(
        self,
        call: Call[T],
        read: Callable[[httpx.Response], Iterator[T]],
        retry: RetryPolicy | None,
        *,
        release: bool,
        gate: AbstractContextManager[Any] | None = None,
        wait: Callable[[float], None] | None = None,
    ) -> Generator[T, None, None]:
        """The sync retry loop: send, hand a success to ``read``, or let the state decide."""
        state = self._state(call, retry)
        while True:
            mark = call.progress() if call.progress is not None else 0
            response: httpx.Response | None = None
            failure: httpx.HTTPError | None = None
            ticket = self._pace(call)
            with gate if gate is not None else nullcontext():
                started = time.monotonic()
                try:
                    response = self._send_once(call)
                    accepted = call.accepts(response.status_code)
                    if not accepted and call.stream:
                        self._read(call, response)
                except httpx.HTTPError as exc:
                    failure = exc
                    self._settled(call, ticket, None)
                except BaseException:
                    self._settled(call, ticket, None)  # the reservation back, then raise
                    raise
                else:
                    self._settled(call, ticket, response)
                    self._log(call, response, started)
                    if accepted:
                        try:
                            yield from read(response)
                            return
                        except httpx.HTTPError as exc:
                            failure = exc
                        finally:
                            if release:
                                response.close()
            state, step = self._decide(call, state, retry, response, failure, mark)
            if step.recover_first and call.recover is not None:
                found = self.run(call.recover, retry=retry)
                if found is not None:
                    _recovered(call)
                    yield found
                    return
            if step.action is Action.RAISE:
                raise self._error(call, step, response, failure) from failure
            (wait or _sleep)(step.wait)

    def _pace(self, call: Call[Any]) -> Ticket | None:
        """Wait until the client-side rate limit lets this attempt go (see `budget`)."""
        if self.budget is None:
            return None
        return self.budget.acquire(call.method, self.full_url(str(call.request["url"])))

    def _send_once(self, call: Call[Any]) -> httpx.Response:
        client = self.http_client
        kwargs = self._request_kwargs(call)
        if not call.follow_redirects:
            response = client.send(client.build_request(**kwargs), stream=True)
            if not call.stream:
                self._read(call, response)
            return response
        request = client.build_request(**kwargs)
        hops = _Hops(request, kwargs.get("headers"))
        while True:
            response = client.send(request, stream=True, auth=hops.auth, follow_redirects=False)
            following = hops.next(client, response)
            if following is None:
                if not call.stream:
                    self._read(call, response)
                return response
            response.close()
            request = following

    def _read(self, call: Call[Any], response: httpx.Response) -> None:
        """Read an answer that is not streamed, within ``max_json_bytes`` (see `Call.capped`)."""
        body = self._body(call, response)
        if body is None:
            self._drain(response)
            return
        try:
            if _already_read(response):  # by an auth flow or a hook: already decoded
                response._content = _within(body, response.content)
            else:
                for raw in response.iter_raw():
                    body.feed(raw)
                    if body.full:
                        break
                response._content = body.finish()
        except BodyTooLarge as exc:
            raise self._too_large(call, response, exc) from None
        except CorruptBody as exc:
            raise httpx.DecodingError(str(exc), request=response.request) from exc
        finally:
            response.close()

    @staticmethod
    def _drain(response: httpx.Response) -> None:
        """Read an answer that is not handed on (its body tells the error), and close it."""
        try:
            response.read()
        finally:
            response.close()

    def close(self) -> None:
        """Close the httpx client (a no-op for transports made by `with_options` or `over`)."""
        if self._owns_client:
            self.http_client.close()


class AsyncTransport(_TransportCore):
    """Runs calls with an async httpx client injected into the generated client, with retries.

    The twin of `SyncTransport`; see there.
    """

    config: SHConfig
    http_client: httpx.AsyncClient

    def __init__(
        self,
        config: SHConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.http_client = create_async_http_client(config, http_client=http_client)
        self.api = ApiClient(base_url=config.sh_base_url).set_async_httpx_client(self.http_client)
        self._setup(
            config.sh_base_url,
            retry or config.retry,
            None,
            owns=True,
            max_json_bytes=config.max_json_bytes,
        )
        self._setup_budget(config)

    @classmethod
    def over(
        cls,
        http_client: httpx.AsyncClient,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> Self:
        transport = cls.__new__(cls)
        transport.http_client = http_client
        transport.api = ApiClient(base_url=str(http_client.base_url)).set_async_httpx_client(
            http_client
        )
        transport._setup(str(http_client.base_url), retry, timeout, owns=False)
        return transport

    def with_options(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        rate_limit: RateLimit | None = None,
    ) -> Self:
        return self._derive(retry, timeout, rate_limit)

    async def run(self, call: Call[T], *, retry: RetryPolicy | None = None) -> T:
        loop = self._loop(call, self._reader(call), retry, release=False)
        try:
            return await loop.__anext__()
        finally:
            await loop.aclose()

    async def send(
        self,
        request: Mapping[str, Any],
        *,
        stream: bool = False,
        create: bool = False,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        return await self.run(
            Call(request=request, parse=as_response, stream=stream, create=create), retry=retry
        )

    def stream(
        self,
        call: Call[Any],
        read: Callable[[httpx.Response], AsyncIterator[R]],
        *,
        retry: RetryPolicy | None = None,
        gate: AbstractAsyncContextManager[Any] | None = None,
        wait: Callable[[float], Awaitable[None]] | None = None,
    ) -> AsyncGenerator[R, None]:
        return self._loop(call, read, retry, release=True, gate=gate, wait=wait)

    def _reader(self, call: Call[T]) -> Callable[[httpx.Response], AsyncGenerator[T, None]]:
        async def read(response: httpx.Response) -> AsyncGenerator[T, None]:
            yield self._parse(call, response)

        return read

    async def _loop(
        self,
        call: Call[T],
        read: Callable[[httpx.Response], AsyncIterator[T]],
        retry: RetryPolicy | None,
        *,
        release: bool,
        gate: AbstractAsyncContextManager[Any] | None = None,
        wait: Callable[[float], Awaitable[None]] | None = None,
    ) -> AsyncGenerator[T, None]:
        """The async retry loop: send, hand a success to ``read``, or let the state decide."""
        state = self._state(call, retry)
        while True:
            mark = call.progress() if call.progress is not None else 0
            response: httpx.Response | None = None
            failure: httpx.HTTPError | None = None
            ticket = await self._pace(call)
            async with gate if gate is not None else nullcontext():
                started = time.monotonic()
                try:
                    response = await self._send_once(call)
                    accepted = call.accepts(response.status_code)
                    if not accepted and call.stream:
                        await self._read(call, response)
                except httpx.HTTPError as exc:
                    failure = exc
                    self._settled(call, ticket, None)
                except BaseException:
                    self._settled(call, ticket, None)  # the reservation back, then raise
                    raise
                else:
                    self._settled(call, ticket, response)
                    self._log(call, response, started)
                    if accepted:
                        try:
                            async for item in read(response):
                                yield item
                            return
                        except httpx.HTTPError as exc:
                            failure = exc
                        finally:
                            if release:
                                await response.aclose()
            state, step = self._decide(call, state, retry, response, failure, mark)
            if step.recover_first and call.recover is not None:
                found = await self.run(call.recover, retry=retry)
                if found is not None:
                    _recovered(call)
                    yield found
                    return
            if step.action is Action.RAISE:
                raise self._error(call, step, response, failure) from failure
            await (wait or _asleep)(step.wait)

    async def _pace(self, call: Call[Any]) -> Ticket | None:
        if self.budget is None:
            return None
        return await self.budget.aacquire(call.method, self.full_url(str(call.request["url"])))

    async def _send_once(self, call: Call[Any]) -> httpx.Response:
        client = self.http_client
        kwargs = self._request_kwargs(call)
        if not call.follow_redirects:
            response = await client.send(client.build_request(**kwargs), stream=True)
            if not call.stream:
                await self._read(call, response)
            return response
        request = client.build_request(**kwargs)
        hops = _Hops(request, kwargs.get("headers"))
        while True:
            response = await client.send(
                request, stream=True, auth=hops.auth, follow_redirects=False
            )
            following = hops.next(client, response)
            if following is None:
                if not call.stream:
                    await self._read(call, response)
                return response
            await response.aclose()
            request = following

    async def _read(self, call: Call[Any], response: httpx.Response) -> None:
        body = self._body(call, response)
        if body is None:
            await self._drain(response)
            return
        try:
            if _already_read(response):  # by an auth flow or a hook: already decoded
                response._content = _within(body, response.content)
            else:
                async for raw in response.aiter_raw():
                    body.feed(raw)
                    if body.full:
                        break
                response._content = body.finish()
        except BodyTooLarge as exc:
            raise self._too_large(call, response, exc) from None
        except CorruptBody as exc:
            raise httpx.DecodingError(str(exc), request=response.request) from exc
        finally:
            await response.aclose()

    @staticmethod
    async def _drain(response: httpx.Response) -> None:
        try:
            await response.aread()
        finally:
            await response.aclose()

    async def close(self) -> None:
        """Close the httpx client (a no-op for transports made by `with_options` or `over`)."""
        if self._owns_client:
            await self.http_client.aclose()


def _share_docstrings() -> None:
    """The async transport's methods carry the docstrings of their sync twins (written once)."""
    for name, member in vars(AsyncTransport).items():
        function = getattr(member, "__func__", member)  # through classmethod
        twin = getattr(vars(SyncTransport).get(name), "__func__", None) or vars(SyncTransport).get(
            name
        )
        if callable(function) and not function.__doc__ and twin is not None:
            function.__doc__ = twin.__doc__


_share_docstrings()
