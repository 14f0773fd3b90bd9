"""The sync and async clients are twins: same public methods, same signatures, shared docs."""

from __future__ import annotations

import inspect

import pytest
import sentinelhub_client
from sentinelhub_client import (
    AsyncPaginator,
    AsyncSentinelHubBYOC,
    SentinelHubBYOC,
    SyncPaginator,
)
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.batch import AsyncSentinelHubBatch, SentinelHubBatch
from sentinelhub_client.process import AsyncSentinelHubProcess, SentinelHubProcess

TWINS = [
    (SentinelHubBYOC, AsyncSentinelHubBYOC),
    (SyncTransport, AsyncTransport),
    (SyncPaginator, AsyncPaginator),
    (SentinelHubBatch, AsyncSentinelHubBatch),
    (SentinelHubProcess, AsyncSentinelHubProcess),
]


def public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


def shape(function: object) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults of the parameters (annotations differ by design)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS, ids=lambda c: c.__name__)
def test_every_async_method_has_a_sync_twin_with_the_same_signature(
    sync_cls: type, async_cls: type
) -> None:
    sync_methods, async_methods = public(sync_cls), public(async_cls)
    extra = {"to_list"} if async_cls is AsyncPaginator else set()
    assert set(async_methods) - extra == set(sync_methods) - {"to_list"}
    for name in set(async_methods) - extra:
        assert shape(async_methods[name]) == shape(sync_methods[name]), name
    assert shape(vars(async_cls)["__init__"]) == shape(vars(sync_cls)["__init__"])


def test_async_methods_are_coroutines_except_the_iterators() -> None:
    for name, method in public(AsyncSentinelHubBYOC).items():
        lazy = name.startswith("iter_") or name == "with_options"
        assert inspect.iscoroutinefunction(method) is not lazy, name


def test_every_public_method_is_documented_once() -> None:
    for cls in (SentinelHubBYOC, AsyncSentinelHubBYOC):
        for name, method in public(cls).items():
            assert inspect.getdoc(method), f"{cls.__name__}.{name}"
    assert AsyncSentinelHubBYOC.get_tile.__doc__ == SentinelHubBYOC.get_tile.__doc__


def test_the_public_surface_is_curated() -> None:
    for name in sentinelhub_client.__all__:
        assert hasattr(sentinelhub_client, name), name
    assert "SentinelHubBYOC" in sentinelhub_client.__all__
    assert not any(
        name.startswith("_") and name != "__version__" for name in sentinelhub_client.__all__
    )
