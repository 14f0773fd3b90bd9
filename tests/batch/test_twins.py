"""The async batch client is the sync one's twin (tests/unit/test_twins.py checks the signatures):
its request methods are coroutines, its iterators and helpers are not, and the docs are shared."""

from __future__ import annotations

import inspect

from sentinelhub_client.batch import AsyncSentinelHubBatch, SentinelHubBatch

NOT_COROUTINES = {"with_options", "tiling_grid", "output", "usage"}


def public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


def test_async_methods_are_coroutines_except_the_iterators_and_helpers() -> None:
    methods = public(AsyncSentinelHubBatch)
    assert {"wait_for_job", "iter_tiles", "create", "get_tiling_grid"} <= set(methods)
    for name, method in methods.items():
        lazy = name.startswith("iter_") or name in NOT_COROUTINES
        assert inspect.iscoroutinefunction(method) is not lazy, name


def test_every_public_method_is_documented_once() -> None:
    for cls in (SentinelHubBatch, AsyncSentinelHubBatch):
        for name, method in public(cls).items():
            assert inspect.getdoc(method), f"{cls.__name__}.{name}"
    assert AsyncSentinelHubBatch.wait_for_job.__doc__ == SentinelHubBatch.wait_for_job.__doc__
    assert AsyncSentinelHubBatch.create.__doc__ == SentinelHubBatch.create.__doc__


def test_from_transport_shares_the_transport() -> None:
    from sentinelhub_client import SHConfig
    from sentinelhub_client._core.transport import SyncTransport

    config = SHConfig(sh_client_id="a", sh_client_secret="b")
    transport = SyncTransport(config)
    try:
        client = SentinelHubBatch._from_transport(transport)
        assert client.transport.http_client is transport.http_client
        assert client.config is config
        assert repr(client) == f"SentinelHubBatch(base_url={config.sh_base_url!r})"
        client.close()  # a shared transport stays open: the hub owns it
        assert not transport.http_client.is_closed
    finally:
        transport.close()
