"""The public functions of both shells, made once by `entries.Shell`, and the sync shell's
workers (`threads.run_each`)."""

from __future__ import annotations

import inspect
import threading

import httpx
import pytest
from sentinelhub_client.byoc.files import aio, entries, sync, threads

NAMES = [
    "list_tile_files",
    "get_tile_file_size",
    "iter_tile_file",
    "read_tile_file",
    "download_tile_file",
    "download_tile",
]


@pytest.mark.parametrize("name", NAMES)
def test_both_twins_carry_the_signature_and_docs_written_once(name: str) -> None:
    spec, function, twin = getattr(entries, name), getattr(sync, name), getattr(aio, "a" + name)
    doc = inspect.cleandoc(spec.__doc__)
    assert inspect.getdoc(function) == doc
    assert inspect.getdoc(twin).startswith(doc + f"\n\nThe async twin of `{name}`")
    assert (function.__name__, function.__module__) == (name, sync.__name__)
    assert (twin.__name__, twin.__module__) == ("a" + name, aio.__name__)
    expected = list(inspect.signature(spec).parameters)[1:]
    for made in (function, twin):
        parameters = inspect.signature(made).parameters
        assert list(parameters) == ["client", *expected]
        assert parameters["client"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert inspect.signature(function).return_annotation != inspect.Signature.empty
    assert inspect.iscoroutinefunction(twin) is (name != "iter_tile_file")


def _listing(request: httpx.Request) -> httpx.Response:
    assert request.url.path == "/api/v1/byoc/collections/c/tiles/t/files"
    return httpx.Response(200, json=["a.tif", "b/c.json"])


def test_the_client_may_be_given_by_name() -> None:
    with httpx.Client(base_url="https://sh.test", transport=httpx.MockTransport(_listing)) as c:
        assert sync.list_tile_files(client=c, collection_id="c", tile_id="t") == [
            "a.tif",
            "b/c.json",
        ]


@pytest.mark.anyio
async def test_the_async_twin_checks_when_awaited() -> None:
    transport = httpx.MockTransport(_listing)
    async with httpx.AsyncClient(base_url="https://sh.test", transport=transport) as client:
        assert await aio.alist_tile_files(client=client, collection_id="c", tile_id="t") == [
            "a.tif",
            "b/c.json",
        ]
        pending = aio.adownload_tile_file(client, "c", "t", "a.tif", "out", concurrency=0)
        with pytest.raises(ValueError, match="concurrency"):
            await pending


def test_run_each_on_one_worker_runs_in_order_in_this_thread() -> None:
    seen: list[tuple[int, str]] = []

    def work(item: int) -> None:
        seen.append((item, threading.current_thread().name))

    threads.run_each([1, 2, 3], work, 1, threads.StopFlag(), "test")
    assert seen == [(i, threading.current_thread().name) for i in (1, 2, 3)]


def test_run_each_stops_the_others_at_the_first_failure() -> None:
    stop = threads.StopFlag()
    done: list[int] = []

    def work(item: int) -> None:
        if item == 0:
            raise OSError("disk")
        stop.sleep(5)  # cut short by the failure: raises Aborted
        done.append(item)

    with pytest.raises(OSError, match="disk"):
        threads.run_each(range(10), work, 3, stop, "test")
    assert stop.is_set()
    assert done == []


def test_run_each_raises_aborted_when_the_parent_stops() -> None:
    parent = threads.StopFlag()
    parent.set()
    with pytest.raises(threads.Aborted):
        threads.run_each([1, 2], lambda item: None, 2, threads.StopFlag(parent), "test")


def test_run_each_lets_keyboard_interrupt_through() -> None:
    def work(item: int) -> None:
        raise KeyboardInterrupt

    stop = threads.StopFlag()
    with pytest.raises(KeyboardInterrupt):
        threads.run_each([1, 2], work, 2, stop, "test")
    assert stop.is_set()
