"""Process's per-application state: the evalscript limits and the Async Process workers.

The service's hooks (see `sentinelhub_emulator.process.service`) call `start` and `stop`.

`start` and `stop` bracket an emulator's life (the async workers run in between); `configure`
changes one emulator's limits. Without `configure`, `start` reads these environment variables:

| variable | default | meaning |
|---|---|---|
| ``SH_EMULATOR_SCRIPT_TIMEOUT`` | 30 | seconds an evalscript may run per request |
| ``SH_EMULATOR_SCRIPT_MEMORY_MB`` | 512 | V8 heap (and largest single typed array) per request |
| ``SH_EMULATOR_ASYNC_MAX_RUNNING`` | 10 | async requests running at once (beyond: 429) |
| ``SH_EMULATOR_ASYNC_WORKERS`` | 2 | async requests rendered in parallel |
| ``SH_EMULATOR_ASYNC_MAX_ATTEMPTS`` | 3 | times an async request is started (restarts count) |
| ``SH_EMULATOR_ASYNC_DELAY`` | 0 | seconds a worker holds a request before rendering it |
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.process.engine import configure_limits
from sentinelhub_emulator.process.jobs import AsyncJobs, AsyncSettings
from sentinelhub_emulator.process.script import ScriptLimits

__all__ = [
    "ProcessSettings",
    "configure",
    "jobs_for",
    "settings_from_env",
    "start",
    "stop",
]

_JOBS: dict[int, AsyncJobs] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ProcessSettings:
    script: ScriptLimits = field(default_factory=ScriptLimits)
    async_jobs: AsyncSettings = field(default_factory=AsyncSettings)


def _env_number(name: str, default: float, *, zero: bool = False) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < 0 or (value == 0 and not zero):
        raise ValueError(f"{name} must be {'0 or more' if zero else 'positive'}, not {raw!r}")
    return value


def settings_from_env() -> ProcessSettings:
    """The settings the ``SH_EMULATOR_*`` environment variables give (defaults otherwise)."""
    return ProcessSettings(
        script=ScriptLimits(
            time_s=_env_number("SH_EMULATOR_SCRIPT_TIMEOUT", 30.0),
            memory_bytes=int(_env_number("SH_EMULATOR_SCRIPT_MEMORY_MB", 512) * 1024 * 1024),
        ),
        async_jobs=AsyncSettings(
            max_running=int(_env_number("SH_EMULATOR_ASYNC_MAX_RUNNING", 10)),
            workers=int(_env_number("SH_EMULATOR_ASYNC_WORKERS", 2)),
            max_attempts=int(_env_number("SH_EMULATOR_ASYNC_MAX_ATTEMPTS", 3)),
            delay=_env_number("SH_EMULATOR_ASYNC_DELAY", 0.0, zero=True),
        ),
    )


def configure(ctx: EmulatorContext, settings: ProcessSettings) -> None:
    """Use ``settings`` for this emulator from now on (restarts its async workers)."""
    stop(ctx)
    start(ctx, settings)


def start(ctx: EmulatorContext, settings: ProcessSettings | None = None) -> None:
    """Start the service for an emulator: its evalscript limits and async workers."""
    settings = settings or settings_from_env()
    configure_limits(ctx, settings.script)
    jobs = AsyncJobs(ctx, settings.async_jobs)
    with _LOCK:
        previous = _JOBS.pop(id(ctx), None)
        _JOBS[id(ctx)] = jobs
    if previous is not None:
        previous.stop()
    jobs.start()


def stop(ctx: EmulatorContext) -> None:
    """Stop the async workers (finishing what they render) and forget the emulator."""
    with _LOCK:
        jobs = _JOBS.pop(id(ctx), None)
    if jobs is not None:
        jobs.stop()
    configure_limits(ctx, None)


def jobs_for(ctx: EmulatorContext) -> AsyncJobs:
    """The emulator's async jobs, started on first use if `start` was not called."""
    with _LOCK:
        jobs = _JOBS.get(id(ctx))
    if jobs is None:
        start(ctx)
        with _LOCK:
            jobs = _JOBS[id(ctx)]
    return jobs
