"""What route handlers share: settings, the database, OAuth clients, tokens, faults, and the
state of each service.

The application keeps one `EmulatorContext` in ``app.state.emulator``; handlers reach it through
`context_of(request)`, and a service's own state (its store, its worker) through
``context.state(name, Type)``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from starlette.requests import Request

from sentinelhub_emulator.core.buckets import FolderBucket, S3Bucket, open_bucket
from sentinelhub_emulator.core.clients import ClientStore
from sentinelhub_emulator.core.db import Database
from sentinelhub_emulator.core.faults import FaultPlan
from sentinelhub_emulator.core.ratelimit import RatePolicy
from sentinelhub_emulator.core.tokens import TokenIssuer

__all__ = [
    "BATCH_PROCESSES_ENV",
    "BUCKET_NAME",
    "EmulatorContext",
    "EmulatorSettings",
    "context_of",
    "default_batch_processes",
]

_S = TypeVar("_S")

#: Bucket names the emulator accepts: S3's rules, loosened to allow upper case and underscores.
BUCKET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")

#: The environment variable that sets `EmulatorSettings.batch_processes` when the emulator is
#: not told (``--batch-processes``, ``Emulator(batch_processes=...)``).
BATCH_PROCESSES_ENV = "SH_EMULATOR_BATCH_PROCESSES"


def default_batch_processes() -> int:
    """``SH_EMULATOR_BATCH_PROCESSES`` if set, else the machine's CPU count."""
    raw = os.environ.get(BATCH_PROCESSES_ENV, "").strip()
    if not raw:
        return os.cpu_count() or 1
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{BATCH_PROCESSES_ENV} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{BATCH_PROCESSES_ENV} must be 0 or more, not {raw!r}")
    return value


@dataclass(frozen=True)
class EmulatorSettings:
    """Configuration fixed for the life of a server."""

    data_dir: Path
    #: NAME -> a folder, or ``s3://BUCKET[/PREFIX]`` on `s3_endpoint` (None: AWS itself)
    buckets: Mapping[str, Path | str] = field(default_factory=dict)
    planet_buckets: frozenset[str] = frozenset()
    token_ttl: float = 3600.0
    client_id: str = "emulator-client"
    client_secret: str = "emulator-secret"  # noqa: S105 - a documented demo credential
    admin_token: str = ""
    ingestion_delay: float = 0.0
    ingestion_workers: int = 4
    #: Worker processes that render batch tiles (v1 and v2); 0 or 1: threads of this process.
    batch_processes: int = field(default_factory=default_batch_processes)
    s3_endpoint: str | None = None
    s3_profile: str | None = None
    #: token-bucket policies per account (``--rate-limit``; `sentinelhub_emulator.core.ratelimit`)
    rate_limits: tuple[RatePolicy, ...] = ()
    #: predefined collection type (``sentinel-2-l2a``) -> ``BUCKET[/PREFIX]`` of its scenes
    collection_data: Mapping[str, str] = field(default_factory=dict)
    _opened: dict[str, FolderBucket | S3Bucket] = field(
        default_factory=dict, repr=False, compare=False
    )

    def bucket(self, bucket: str) -> FolderBucket | S3Bucket | None:
        """Where a bucket's objects live, or None for a name that is not allowed.

        ``--bucket NAME=PATH`` and ``--bucket NAME=s3://BUCKET[/PREFIX]`` mappings win;
        otherwise the folder ``DATA_DIR/buckets/NAME``.
        """
        opened = self._opened.get(bucket)
        if opened is not None:
            return opened
        if bucket in self.buckets:
            spec = self.buckets[bucket]
        elif not BUCKET_NAME.match(bucket) or ".." in bucket:
            return None
        else:
            spec = self.data_dir / "buckets" / bucket
        opened = open_bucket(spec, endpoint_url=self.s3_endpoint, profile=self.s3_profile)
        return self._opened.setdefault(bucket, opened)

    def bucket_dir(self, bucket: str) -> Path | None:
        """The folder that holds a folder bucket's objects; None for a name that is not
        allowed or a bucket on S3."""
        opened = self.bucket(bucket)
        return opened.root if isinstance(opened, FolderBucket) else None

    def is_planet_bucket(self, bucket: str) -> bool:
        return bucket in self.planet_buckets


@dataclass
class EmulatorContext:
    """The live state behind one emulator application."""

    settings: EmulatorSettings
    db: Database
    clients: ClientStore
    tokens: TokenIssuer
    faults: FaultPlan
    states: dict[str, object] = field(default_factory=dict)

    def state(self, name: str, kind: type[_S]) -> _S:
        """The per-application state of service ``name``, which must be a ``kind``."""
        value = self.states.get(name)
        if not isinstance(value, kind):
            raise LookupError(f"service {name!r} has no state of type {kind.__name__} here")
        return value


def context_of(request: Request) -> EmulatorContext:
    """The context of the application that serves ``request``."""
    context = request.app.state.emulator
    if not isinstance(context, EmulatorContext):
        raise TypeError("the application has no emulator context")
    return context
