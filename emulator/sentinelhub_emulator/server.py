"""`Emulator`: the whole service in a background thread, for tests, demos and the CLI.

::

    with Emulator(tmp_path) as emu:
        httpx.post(emu.token_url, data={...})

`start` opens (or creates) the database in ``data_dir`` with every service's tables, registers
the configured client, creates each service's state and runs its start hook (BYOC re-queues tiles
a crash left INGESTING and starts its ingestion workers), then serves on ``host:port`` (port 0
picks a free one) with uvicorn in a thread; it returns once the socket listens. `stop` shuts the
server down gracefully, runs the services' stop hooks in reverse order and closes the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import h11
import uvicorn
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.core import admin as admin
from sentinelhub_emulator.core import auth as auth
from sentinelhub_emulator.core.app import build_app
from sentinelhub_emulator.core.buckets import parse_s3_location
from sentinelhub_emulator.core.clients import ClientStore
from sentinelhub_emulator.core.context import (
    EmulatorContext,
    EmulatorSettings,
    default_batch_processes,
)
from sentinelhub_emulator.core.db import DATABASE_FILENAME, Database
from sentinelhub_emulator.core.errors import BAD_PAYLOAD, error_body
from sentinelhub_emulator.core.faults import CONNECTION_EXTENSION, FaultConfig, FaultPlan
from sentinelhub_emulator.core.ratelimit import RatePolicy, limiter_of, parse_policy
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.core.tokens import TokenIssuer
from sentinelhub_emulator.process.predefined import split_location
from sentinelhub_emulator.services import SERVICES

__all__ = ["Emulator"]

logger = logging.getLogger(__name__)

_STARTUP_TIMEOUT = 15.0
_SHUTDOWN_TIMEOUT = 15.0


class _ClosableH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, offering the app a way to close the connection.

    Fault injection needs to drop a connection without an answer, or cut a body short, which
    ASGI alone cannot express. The hook sits in ``scope["extensions"][CONNECTION_EXTENSION]``.

    It also turns Nagle's algorithm off: asyncio does so only for sockets it created itself,
    and uvicorn writes headers and body separately, so each small answer would otherwise wait
    for the client's delayed ACK (about 40 ms).
    """

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner = self.app

        async def app_with_close_hook(scope: Scope, receive: Receive, send: Send) -> None:
            scope.setdefault("extensions", {})[CONNECTION_EXTENSION] = {
                "close": self._close_connection
            }
            await inner(scope, receive, send)

        self.app = app_with_close_hook

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot parse (a raw NUL in the target, say): 400 in the API envelope,
        where uvicorn would answer plain text."""
        body = json.dumps(
            error_body(
                400, f"{msg.rstrip('.')}: the request line or headers are malformed.", BAD_PAYLOAD
            )
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()

    def _close_connection(self) -> None:
        transport = getattr(self, "transport", None)
        if transport is not None and not transport.is_closing():
            transport.close()


def _bucket_spec(name: str, spec: Path | str) -> Path | str:
    if isinstance(spec, str) and spec.startswith("s3://"):
        try:
            parse_s3_location(spec)
        except ValueError as exc:
            raise ValueError(f"bucket {name!r}: {exc}") from None
        return spec
    return Path(spec)


def _collection_data(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """``{type: "BUCKET/PREFIX"}`` checked (ValueError naming the collection), normalised."""
    checked = {}
    for api_id, location in (mapping or {}).items():
        if not isinstance(location, str):
            raise TypeError(
                f"collection_data[{api_id!r}]: expected 'BUCKET/PREFIX', got {location!r}"
            )
        bucket, prefix = split_location(api_id, location)
        checked[api_id] = f"{bucket}/{prefix}" if prefix else bucket
    return checked


class Emulator:
    """A local Sentinel Hub BYOC service on a real socket.

    A bucket maps to a folder or to ``"s3://BUCKET[/PREFIX]"`` on ``s3_endpoint`` (an
    S3-compatible server; None: AWS), with credentials from the standard AWS environment
    variables or the profile ``s3_profile``.
    ``ingestion_workers`` tiles are ingested at once (``--ingestion-workers``); each step of a
    tile waits ``ingestion_delay`` seconds. Batch tiles (v1 and v2) are rendered by
    ``batch_processes`` worker processes shared by every emulator of this process
    (``--batch-processes``; None: ``SH_EMULATOR_BATCH_PROCESSES``, else the CPU count; 0 or 1:
    threads of this process). ``collection_data`` maps predefined collection types
    (``"sentinel-2-l2a"``, ``"dem"``, ...) to ``"BUCKET/PREFIX"``, a bucket folder of their scenes
    (``--collection-data``; see `sentinelhub_emulator.process.collection_data`), so that Process,
    Async, Batch and Statistical requests read them. ``services`` are the services served
    (`sentinelhub_emulator.services.SERVICES` by default; see `Service`). ``rate_limits`` are
    the service's rate-limit policies per account (`RatePolicy` or text such as
    ``"requests=600/min"``, ``"pu=300/min"``; ``--rate-limit``): a 429 with ``Retry-After`` in
    milliseconds when one is empty; `stats` counts tokens, requests, 429s and PU.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        buckets: Mapping[str, Path | str] | None = None,
        planet_buckets: Iterable[str] = (),
        s3_endpoint: str | None = None,
        s3_profile: str | None = None,
        token_ttl: float = 3600,
        client_id: str = "emulator-client",
        client_secret: str = "emulator-secret",  # noqa: S107 - a documented demo credential
        faults: FaultConfig | None = None,
        ingestion_delay: float = 0.0,
        ingestion_workers: int = 4,
        batch_processes: int | None = None,
        admin_token: str | None = None,
        access_log: bool = False,
        collection_data: Mapping[str, str] | None = None,
        rate_limits: Iterable[RatePolicy | str] = (),
        services: Sequence[Service] = SERVICES,
    ) -> None:
        if isinstance(ingestion_workers, bool) or not isinstance(ingestion_workers, int):
            raise TypeError(f"ingestion_workers: expected an int, got {ingestion_workers!r}")
        if ingestion_workers < 1:
            raise ValueError(f"ingestion_workers must be at least 1, not {ingestion_workers}")
        if batch_processes is None:
            batch_processes = default_batch_processes()
        if isinstance(batch_processes, bool) or not isinstance(batch_processes, int):
            raise TypeError(f"batch_processes: expected an int, got {batch_processes!r}")
        if batch_processes < 0:
            raise ValueError(f"batch_processes must be 0 or more, not {batch_processes}")
        self.data_dir = Path(data_dir)
        self.host = host
        self.settings = EmulatorSettings(
            data_dir=self.data_dir,
            buckets={name: _bucket_spec(name, spec) for name, spec in (buckets or {}).items()},
            s3_endpoint=s3_endpoint,
            s3_profile=s3_profile,
            planet_buckets=frozenset(planet_buckets),
            token_ttl=float(token_ttl),
            client_id=client_id,
            client_secret=client_secret,
            admin_token=admin_token or secrets.token_urlsafe(24),
            ingestion_delay=float(ingestion_delay),
            ingestion_workers=ingestion_workers,
            batch_processes=batch_processes,
            collection_data=_collection_data(collection_data),
            rate_limits=tuple(
                p if isinstance(p, RatePolicy) else parse_policy(p) for p in rate_limits
            ),
        )
        self.services = tuple(services)
        self._requested_port = port
        self._initial_faults = faults
        self._access_log = access_log
        self.port: int | None = None
        self._db: Database | None = None
        self._context: EmulatorContext | None = None
        self._started: list[Service] = []
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ addresses and secrets

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the emulator is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def token_url(self) -> str:
        return self.base_url + auth.TOKEN_PATHS[0]

    @property
    def client_id(self) -> str:
        return self.settings.client_id

    @property
    def client_secret(self) -> str:
        return self.settings.client_secret

    @property
    def admin_token(self) -> str:
        return self.settings.admin_token

    @property
    def store(self) -> Store:
        """Direct access to BYOC's data, for tests that need to seed it quickly."""
        return byoc_state(self._running_context()).store

    def _running_context(self) -> EmulatorContext:
        if self._context is None:
            raise RuntimeError("the emulator is not running")
        return self._context

    # ------------------------------------------------------------------ life cycle

    def start(self) -> Emulator:
        """Open the data, start the worker and the server; return once it listens.

        On any failure everything started so far is stopped again before the error propagates.
        """
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        logger.info("emulator listening on %s", self.base_url)
        return self

    def _start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "buckets").mkdir(exist_ok=True)
        self._db = Database(
            self.data_dir / DATABASE_FILENAME,
            [service.schema for service in self.services if service.schema],
        )
        clients = ClientStore(self._db)
        clients.upsert_client(self.settings.client_id, self.settings.client_secret)
        self._context = context = EmulatorContext(
            settings=self.settings,
            db=self._db,
            clients=clients,
            tokens=TokenIssuer(clients, self.settings.token_ttl),
            faults=FaultPlan(
                self._initial_faults,
                token_paths=auth.TOKEN_PATHS,
                exempt_prefixes=(admin.ADMIN_PREFIX,),
            ),
        )
        for service in self.services:
            if service.state is not None:
                context.states[service.name] = service.state(context)
        config = uvicorn.Config(
            build_app(context, self.services),
            host=self.host,
            port=self._requested_port,
            http=_ClosableH11Protocol,
            ws="none",
            lifespan="off",
            log_config=None,
            access_log=self._access_log,
            timeout_graceful_shutdown=5,
        )
        # Bound here rather than by uvicorn, which exits the process when a port is taken.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.create_server((self.host, self._requested_port), family=family)
        self.port = int(sock.getsockname()[1])
        self._server = uvicorn.Server(config)
        for service in self.services:
            self._started.append(service)
            service.start(context)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="sentinelhub-emulator-http",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving, stop the services' background work, close the database. Safe to call
        twice."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_SHUTDOWN_TIMEOUT)
            if self._thread.is_alive():
                logger.warning("the HTTP server did not stop within %.0f s", _SHUTDOWN_TIMEOUT)
        context = self._context
        while self._started:
            service = self._started.pop()
            if context is not None:
                try:
                    service.stop(context)
                except Exception:
                    logger.exception("service %s did not stop cleanly", service.name)
        if self._db is not None:
            self._db.close()
        self._server = self._thread = self._db = self._context = None
        self.port = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ controls

    def set_faults(self, config: FaultConfig | None) -> None:
        """Inject faults from now on (None: none)."""
        self._running_context().faults.configure(config)

    def clear_faults(self) -> None:
        self.set_faults(None)

    def stats(self) -> dict[str, Any]:
        """What ``GET /_emulator/stats`` answers: tokens issued, requests, 429s sent by the
        rate-limit policies, PU spent (see `sentinelhub_emulator.core.ratelimit`)."""
        return limiter_of(self._running_context()).stats()

    def reset_stats(self) -> None:
        """Zero the stats and fill every rate-limit bucket again."""
        limiter_of(self._running_context()).reset()

    @property
    def faults_injected(self) -> int:
        """How many faults the current fault config injected so far."""
        return self._running_context().faults.injected

    def add_client(
        self, client_id: str, client_secret: str, *, account_id: str | None = None
    ) -> str:
        """Register another OAuth client (its own account unless ``account_id``); its account id."""
        return (
            self._running_context()
            .clients.upsert_client(client_id, client_secret, account_id)
            .account_id
        )

    def wait_for_ingestion(self, timeout: float = 30.0) -> None:
        """Block until no tile is WAITING, QUEUED or INGESTING; TimeoutError after ``timeout``."""
        store = self.store
        deadline = time.monotonic() + timeout
        while (pending := store.pending_count()) > 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pending} tile(s) still pending after {timeout:.1f} s")
            time.sleep(0.02)
