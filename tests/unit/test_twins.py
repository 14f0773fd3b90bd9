"""The sync and async clients are twins: same public methods, same signatures, shared docs."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
import sentinelhub_client
from sentinelhub_client import AsyncPaginator, AsyncSentinelHubBYOC, SentinelHubBYOC

#: Classes whose name starts with "Async" without being an asyncio twin: sentinelhub-py's names
#: for the Async Process API (a request object and its status), which users know.
NOT_TWINS = {"AsyncProcessRequest", "AsyncProcessStatus"}


def _modules() -> list[ModuleType]:
    names = pkgutil.walk_packages(sentinelhub_client.__path__, "sentinelhub_client.")
    return [importlib.import_module(m.name) for m in names if not m.name.endswith("__main__")]


def _homes(module: ModuleType) -> list[ModuleType]:
    """Where the sync twin of something in ``module`` may live: the module itself, its sync
    sibling (``files/aio.py`` -> ``files/sync.py``) and its package (``s3/_aio.py`` -> ``s3``)."""
    package, _, leaf = module.__name__.rpartition(".")
    homes = [module]
    if leaf in {"aio", "_aio"}:
        for sibling in (f"{package}.sync", f"{package}._sync", package):
            try:
                homes.append(importlib.import_module(sibling))
            except ModuleNotFoundError:
                continue
    return homes


def _discover() -> list[tuple[object, object]]:
    """Every public async class (``Async*``) and async function (``a*``) of the package, with
    its sync twin, found by name; a missing twin fails the test that uses this list."""
    pairs: list[tuple[object, object]] = []
    for module in _modules():
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) != module.__name__ or name.startswith("_"):
                continue
            if inspect.isclass(value) and name.startswith("Async") and name not in NOT_TWINS:
                candidates = [name.removeprefix("Async"), "Sync" + name.removeprefix("Async")]
            elif inspect.iscoroutinefunction(value) and name.startswith("a"):
                candidates = [name[1:]]
            else:
                continue
            twin = next(
                (
                    getattr(home, c)
                    for home in _homes(module)
                    for c in candidates
                    if hasattr(home, c)
                ),
                None,
            )
            pairs.append((twin, value))
    return pairs


TWINS = [(sync, asyn) for sync, asyn in _discover() if inspect.isclass(asyn)]
FUNCTION_TWINS = [(sync, asyn) for sync, asyn in _discover() if not inspect.isclass(asyn)]


def _id(value: object) -> str:
    return getattr(value, "__qualname__", repr(value))


def test_discovery_finds_every_known_pair() -> None:
    found = {_id(asyn) for _, asyn in _discover()}
    assert {
        "AsyncSentinelHub",
        "AsyncSentinelHubBYOC",
        "AsyncSentinelHubBatch",
        "AsyncSentinelHubProcess",
        "AsyncTransport",
        "AsyncPaginator",
        "AsyncS3Uploader",
        "apoll",
        "adownload_tile",
        "aget_async_running_status",
    } <= found


@pytest.mark.parametrize(("sync_fn", "async_fn"), FUNCTION_TWINS, ids=lambda f: _id(f))
def test_every_async_function_has_a_sync_twin_with_the_same_signature(
    sync_fn: object, async_fn: object
) -> None:
    assert sync_fn is not None, f"{_id(async_fn)} has no sync twin"
    assert shape(async_fn) == shape(sync_fn)


def public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


def shape(function: object) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults of the parameters (annotations differ by design)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [
        # An injectable function (``sleep=time.sleep`` / ``asyncio.sleep``) differs by flavour.
        (p.name, p.kind, "<a function>" if callable(p.default) else p.default)
        for p in signature.parameters.values()
    ]


@pytest.mark.parametrize(("sync_cls", "async_cls"), TWINS, ids=_id)
def test_every_async_method_has_a_sync_twin_with_the_same_signature(
    sync_cls: type, async_cls: type
) -> None:
    assert sync_cls is not None, f"{async_cls.__name__} has no sync twin"
    sync_methods, async_methods = public(sync_cls), public(async_cls)
    extra = {"to_list"} if issubclass(async_cls, AsyncPaginator) else set()
    assert set(async_methods) - extra == set(sync_methods) - {"to_list"}
    for name in set(async_methods) - extra:
        assert shape(async_methods[name]) == shape(sync_methods[name]), name
    assert shape(async_cls.__init__) == shape(sync_cls.__init__)


def test_async_methods_are_coroutines_except_the_iterators() -> None:
    for name, method in public(AsyncSentinelHubBYOC).items():
        lazy = name.startswith("iter_") or name in ("with_options", "usage")  # no I/O
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
