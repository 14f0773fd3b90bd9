"""The asyncio Process client and functions are twins of the sync ones (same names, same
signatures, docs written once)."""

from __future__ import annotations

import inspect
from typing import Any

import sentinelhub_client.process as process_package
from sentinelhub_client._core import polling
from sentinelhub_client.process import (
    AsyncSentinelHubProcess,
    SentinelHubProcess,
    aget_async_running_status,
    get_async_running_status,
)


def public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


def shape(function: Any) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_async_client_mirrors_the_sync_one() -> None:
    sync_methods, async_methods = public(SentinelHubProcess), public(AsyncSentinelHubProcess)
    assert set(async_methods) == set(sync_methods)
    for name, method in async_methods.items():
        assert shape(method) == shape(sync_methods[name]), name
        assert inspect.iscoroutinefunction(method) is (name not in ("with_options", "usage")), name
        assert inspect.getdoc(method), name
        assert method.__doc__ == sync_methods[name].__doc__, name
    assert shape(AsyncSentinelHubProcess.__init__) == shape(SentinelHubProcess.__init__)
    for cls in (SentinelHubProcess, AsyncSentinelHubProcess):
        assert callable(cls._from_transport)


def test_function_twins() -> None:
    assert shape(get_async_running_status) == shape(aget_async_running_status)
    assert inspect.iscoroutinefunction(aget_async_running_status)
    assert not inspect.iscoroutinefunction(get_async_running_status)
    # poll / apoll: the same parameters; only the default sleep differs (time vs asyncio).
    names = [(name, kind) for name, kind, _ in shape(polling.poll)]
    assert names == [(name, kind) for name, kind, _ in shape(polling.apoll)]
    assert inspect.iscoroutinefunction(polling.apoll)


def test_every_async_name_of_the_package_has_its_sync_twin() -> None:
    names = set(process_package.__all__)
    for name in names:
        member = getattr(process_package, name)
        if inspect.iscoroutinefunction(member):
            assert name.startswith("a"), name
            assert name[1:] in names, name
        elif isinstance(member, type) and name.startswith("AsyncSentinelHub"):
            assert name.removeprefix("Async") in names, name
    # AsyncProcessRequest is named after the service's Async Process API, not asyncio: both
    # clients submit it, so it has no twin.
    assert "AsyncProcessRequest" in names
    assert not inspect.iscoroutinefunction(process_package.AsyncProcessRequest.submit)


def test_the_public_surface_is_curated() -> None:
    for name in process_package.__all__:
        assert hasattr(process_package, name), name
        assert not name.startswith("_")
