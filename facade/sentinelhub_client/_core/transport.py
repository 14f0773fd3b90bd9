"""The facade's transport: our httpx clients, injected into the generated client, with retries.

Every service of the package (and the downloads) talks to Sentinel Hub through a `SyncTransport`
or an `AsyncTransport`:

- `create_http_client` / `create_async_http_client` build the httpx client: base URL, timeout,
  User-Agent, OAuth (`sentinelhub_client._core.auth`). A client the user passes in is not
  modified: it
  becomes the *transport* of ours, so its proxies, TLS settings, limits and event hooks apply
  while the facade adds the rest.
- The generated `sentinelhub_api.Client` gets that httpx client injected, and requests are the
  ones its operations build (``_get_kwargs``); successes are parsed by the operation's own
  ``_build_response``. Error answers are not given to the generated parser (it expects JSON, and
  the service may answer 401/403/5xx with an empty or HTML body): `error_from_response` turns them
  into the typed errors, in one place.
- `SyncTransport.run` / `AsyncTransport.run` execute a `Call` with the retry decisions of
  `sentinelhub_client._core.retry`; they are the only difference between the sync and async paths.
- ``send`` runs any request (a streamed download, say) under the same retries and error mapping.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Generic, Self, TypeVar

import httpx
from sentinelhub_api import Client as ApiClient

from sentinelhub_client._core.auth import auth_for
from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import (
    APIResponseValidationError,
    SentinelHubError,
    connection_error,
    error_from_response,
)
from sentinelhub_client._core.retry import Action, RetryPolicy, RetryState, Step

__all__ = [
    "AsyncTransport",
    "Call",
    "SyncTransport",
    "create_async_http_client",
    "create_http_client",
    "rebase",
    "user_agent",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")
Parse = Callable[[ApiClient, httpx.Response], T]


def user_agent() -> str:
    """``sentinelhub-client/<version> (Python <x.y>; httpx <version>)``."""
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


def _identity(api: ApiClient, response: httpx.Response) -> httpx.Response:
    return response


@dataclass(frozen=True, kw_only=True)
class Call(Generic[T]):
    """One API call, built without I/O and run by a transport.

    Attributes:
        request: keyword arguments of ``httpx.Client.request`` (what the generated operation's
            ``_get_kwargs`` returns): method, url, params, json, headers.
        parse: turns a 2xx response into the result (the operation's ``_build_response`` and a
            conversion to the facade's models).
        create: the call creates something; it is not replayed after an ambiguous failure.
        recover: for a create, a call that finds what an earlier attempt may have created
            (``None`` when it did not); run before a retry or an error after an ambiguous failure.
        stream: return the response unread (the caller must close it).
    """

    request: Mapping[str, Any]
    parse: Parse[T]
    create: bool = False
    recover: Call[T | None] | None = None
    stream: bool = False

    @property
    def method(self) -> str:
        """The HTTP method, upper case."""
        return str(self.request["method"]).upper()


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
    return httpx.Client(
        base_url=config.sh_base_url,
        auth=auth or auth_for(config, token_client=http_client),
        timeout=_timeout(config),
        headers={"User-Agent": user_agent()},
        transport=_ClientTransport(http_client) if http_client is not None else None,
        follow_redirects=False,
    )


def create_async_http_client(
    config: SHConfig,
    *,
    http_client: httpx.AsyncClient | None = None,
    auth: httpx.Auth | None = None,
) -> httpx.AsyncClient:
    """The httpx client every async service uses (see `create_http_client`)."""
    return httpx.AsyncClient(
        base_url=config.sh_base_url,
        auth=auth or auth_for(config, async_token_client=http_client),
        timeout=_timeout(config),
        headers={"User-Agent": user_agent()},
        transport=_AsyncClientTransport(http_client) if http_client is not None else None,
        follow_redirects=False,
    )


class _TransportCore:
    """What the sync and async transports share: settings, and the I/O-free steps of a call."""

    config: SHConfig
    retry: RetryPolicy
    api: ApiClient
    _owns_client: bool
    _timeout: float | None

    def _full_url(self, request: Mapping[str, Any]) -> str:
        url = str(request["url"])
        if url.startswith("/"):
            return self.config.sh_base_url.rstrip("/") + url
        return url

    def _request_kwargs(self, call: Call[Any]) -> dict[str, Any]:
        kwargs = dict(call.request)
        if self._timeout is not None:
            kwargs["timeout"] = self._timeout
        return kwargs

    def _state(self, call: Call[Any], retry: RetryPolicy | None) -> RetryState:
        return RetryState(
            retry or self.retry,
            method=call.method,
            url=self._full_url(call.request),
            create=call.create,
            can_recover=call.recover is not None,
        )

    def _parse(self, call: Call[T], response: httpx.Response) -> T:
        try:
            return call.parse(self.api, response)
        except (KeyError, TypeError, ValueError, AttributeError, SentinelHubError) as exc:
            raise APIResponseValidationError(
                f"the answer does not match the API contract ({type(exc).__name__}: {exc})",
                status=response.status_code,
                method=call.method,
                url=self._full_url(call.request),
                body=response.text[:2000] if not call.stream else None,
            ) from exc

    def _error(
        self,
        call: Call[Any],
        step: Step,
        response: httpx.Response | None,
        exc: httpx.HTTPError | None,
    ) -> Exception:
        url = self._full_url(call.request)
        if response is not None:
            return error_from_response(
                response.status_code,
                response.headers,
                response.content,
                method=call.method,
                url=url,
                note=step.note,
                retry_after=step.retry_after,
            )
        assert exc is not None
        return connection_error(
            exc, method=call.method, url=url, ambiguous=step.ambiguous, note=step.note
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

    def _derive(self, retry: RetryPolicy | None, timeout: float | None) -> Self:
        clone = copy.copy(self)
        clone._owns_client = False
        if retry is not None:
            clone.retry = retry
        if timeout is not None:
            clone._timeout = timeout
        return clone


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


async def _asleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class SyncTransport(_TransportCore):
    """Runs calls with a sync httpx client injected into the generated client, with retries.

    Args:
        config: settings (base URL, credentials, timeout, default retry policy).
        http_client: a client to send through (see `create_http_client`); not closed by us.
        retry: the default retry policy of this transport (else ``config.retry``).
    """

    def __init__(
        self,
        config: SHConfig,
        *,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.retry = retry or config.retry
        self.http_client = create_http_client(config, http_client=http_client)
        self.api = ApiClient(base_url=config.sh_base_url).set_httpx_client(self.http_client)
        self._owns_client = True
        self._timeout = None

    def with_options(
        self, *, retry: RetryPolicy | None = None, timeout: float | None = None
    ) -> SyncTransport:
        """A transport sharing this one's client, with another default policy or timeout."""
        return self._derive(retry, timeout)

    def run(self, call: Call[T], *, retry: RetryPolicy | None = None) -> T:
        """Send ``call`` (retrying per the policy) and return its parsed result.

        Raises the typed errors of `sentinelhub_client._core.errors`.
        """
        state = self._state(call, retry)
        while True:
            response: httpx.Response | None = None
            failure: httpx.HTTPError | None = None
            started = time.monotonic()
            try:
                response = self._send_once(call)
            except httpx.HTTPError as exc:
                failure = exc
                step = state.on_exception(exc)
            else:
                self._log(call, response, started)
                step = state.on_status(response.status_code, response.headers)
                if step.action is Action.RETURN:
                    return self._parse(call, response)
                if call.stream:
                    response.read()
                    response.close()
            if step.recover_first and call.recover is not None:
                found = self.run(call.recover, retry=retry)
                if found is not None:
                    logger.info("%s %s had succeeded after all", call.method, call.request["url"])
                    return found
            if step.action is Action.RAISE:
                raise self._error(call, step, response, failure) from failure
            _sleep(step.wait)

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
            Call(request=request, parse=_identity, stream=stream, create=create), retry=retry
        )

    def _send_once(self, call: Call[Any]) -> httpx.Response:
        client = self.api.get_httpx_client()
        kwargs = self._request_kwargs(call)
        if call.stream:
            return client.send(client.build_request(**kwargs), stream=True)
        return client.request(**kwargs)

    def close(self) -> None:
        """Close the httpx client (a no-op for transports made by `with_options`)."""
        if self._owns_client:
            self.http_client.close()


class AsyncTransport(_TransportCore):
    """Runs calls with an async httpx client injected into the generated client, with retries.

    The twin of `SyncTransport`; see there.
    """

    def __init__(
        self,
        config: SHConfig,
        *,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.retry = retry or config.retry
        self.http_client = create_async_http_client(config, http_client=http_client)
        self.api = ApiClient(base_url=config.sh_base_url).set_async_httpx_client(self.http_client)
        self._owns_client = True
        self._timeout = None

    def with_options(
        self, *, retry: RetryPolicy | None = None, timeout: float | None = None
    ) -> AsyncTransport:
        """A transport sharing this one's client, with another default policy or timeout."""
        return self._derive(retry, timeout)

    async def run(self, call: Call[T], *, retry: RetryPolicy | None = None) -> T:
        """Send ``call`` (retrying per the policy) and return its parsed result."""
        state = self._state(call, retry)
        while True:
            response: httpx.Response | None = None
            failure: httpx.HTTPError | None = None
            started = time.monotonic()
            try:
                response = await self._send_once(call)
            except httpx.HTTPError as exc:
                failure = exc
                step = state.on_exception(exc)
            else:
                self._log(call, response, started)
                step = state.on_status(response.status_code, response.headers)
                if step.action is Action.RETURN:
                    return self._parse(call, response)
                if call.stream:
                    await response.aread()
                    await response.aclose()
            if step.recover_first and call.recover is not None:
                found = await self.run(call.recover, retry=retry)
                if found is not None:
                    logger.info("%s %s had succeeded after all", call.method, call.request["url"])
                    return found
            if step.action is Action.RAISE:
                raise self._error(call, step, response, failure) from failure
            await _asleep(step.wait)

    async def send(
        self,
        request: Mapping[str, Any],
        *,
        stream: bool = False,
        create: bool = False,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        """Send one request with retries (see `SyncTransport.send`)."""
        return await self.run(
            Call(request=request, parse=_identity, stream=stream, create=create), retry=retry
        )

    async def _send_once(self, call: Call[Any]) -> httpx.Response:
        client = self.api.get_async_httpx_client()
        kwargs = self._request_kwargs(call)
        if call.stream:
            return await client.send(client.build_request(**kwargs), stream=True)
        return await client.request(**kwargs)

    async def close(self) -> None:
        """Close the httpx client (a no-op for transports made by `with_options`)."""
        if self._owns_client:
            await self.http_client.aclose()
