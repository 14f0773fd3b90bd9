"""Paging: lazy, across pages, max_items apart from count, resume, repeated token, empty page."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import APIResponseValidationError, Page, SentinelHubValidationError
from sentinelhub_client._core.pagination import PageWalk, SyncPaginator

from .conftest import BYOC, COLLECTION_ID, Twin, page, tile_json

pytestmark = pytest.mark.anyio

TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"


def tiles(*paths: str) -> list[dict[str, object]]:
    return [
        tile_json(p, id=f"00000000-0000-4000-8000-{n:012d}") for n, p in enumerate(paths, start=1)
    ]


def sent(route: respx.Route) -> list[dict[str, str]]:
    return [dict(call.request.url.params) for call in route.calls]


async def test_nothing_is_sent_until_iterated(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILES).mock(return_value=page(tiles("a")))
    iterator = await byoc.call("iter_tiles", COLLECTION_ID)
    assert route.call_count == 0
    assert [t.path for t in await byoc.collect(iterator)] == ["a"]
    assert route.call_count == 1


async def test_pages_are_followed_with_viewtoken(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILES).mock(
        side_effect=[page(tiles("a", "b"), "t2"), page(tiles("c"), "t3"), page(tiles("d"))]
    )
    iterator = await byoc.call("iter_tiles", COLLECTION_ID, count=2)
    assert [t.path for t in await byoc.collect(iterator)] == ["a", "b", "c", "d"]
    assert sent(route) == [
        {"count": "2"},
        {"count": "2", "viewtoken": "t2"},
        {"count": "2", "viewtoken": "t3"},
    ]
    assert iterator.exhausted
    assert iterator.next_token is None


async def test_an_empty_page_ends_the_listing(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILES).mock(side_effect=[page(tiles("a"), "t2"), page([], "t3")])
    items = await byoc.collect(await byoc.call("iter_tiles", COLLECTION_ID))
    assert [t.path for t in items] == ["a"]
    assert route.call_count == 2


async def test_max_items_is_apart_from_the_page_size(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILES).mock(
        side_effect=[page(tiles("a", "b", "c"), "t2"), page(tiles("d", "e"), "t3")]
    )
    iterator = await byoc.call("iter_tiles", COLLECTION_ID, count=3, max_items=5)
    assert [t.path for t in await byoc.collect(iterator)] == ["a", "b", "c", "d", "e"]
    # the last page asks only for what is missing; nothing more is fetched
    assert sent(route) == [{"count": "3"}, {"count": "2", "viewtoken": "t2"}]
    assert iterator.next_token == "t3"  # resume exactly after the fifth item
    assert not iterator.exhausted


async def test_max_items_zero_sends_nothing(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(TILES).mock(return_value=page(tiles("a")))
    assert await byoc.collect(await byoc.call("iter_tiles", COLLECTION_ID, max_items=0)) == []
    assert route.call_count == 0


async def test_resume_from_a_token(byoc: Twin, api: respx.MockRouter) -> None:
    route = api.get(f"{BYOC}/collections").mock(return_value=page([]))
    await byoc.collect(await byoc.call("iter_collections", viewtoken="t7"))
    assert sent(route) == [{"count": "100", "viewtoken": "t7"}]


async def test_next_token_after_a_partial_iteration(byoc: Twin, api: respx.MockRouter) -> None:
    api.get(TILES).mock(side_effect=[page(tiles("a", "b"), "t2"), page(tiles("c", "d"), "t3")])
    iterator = await byoc.call("iter_tiles", COLLECTION_ID, count=2)
    assert (await byoc.next(iterator)).path == "a"
    assert iterator.next_token is None  # the first page is not done: start again from the top
    assert (await byoc.next(iterator)).path == "b"
    assert iterator.next_token == "t2"
    assert (await byoc.next(iterator)).path == "c"
    assert iterator.next_token == "t2"  # mid-page: that page comes again (at least once)
    assert (await byoc.next(iterator)).path == "d"
    assert iterator.next_token == "t3"


async def test_a_repeated_token_raises_after_the_page_is_yielded(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.get(TILES).mock(side_effect=[page(tiles("a"), "t2"), page(tiles("b"), "t2")])
    iterator = await byoc.call("iter_tiles", COLLECTION_ID)
    assert (await byoc.next(iterator)).path == "a"
    assert (await byoc.next(iterator)).path == "b"
    with pytest.raises(APIResponseValidationError, match="t2"):
        await byoc.next(iterator)


async def test_pages(byoc: Twin, api: respx.MockRouter) -> None:
    api.get(TILES).mock(side_effect=[page(tiles("a", "b"), "t2"), page(tiles("c"))])
    iterator = await byoc.call("iter_tiles", COLLECTION_ID, count=2)
    pages: list[Page[Any]] = await byoc.collect(iterator.pages())
    assert [[t.path for t in p.items] for p in pages] == [["a", "b"], ["c"]]
    assert [(p.token, p.next_token) for p in pages] == [(None, "t2"), ("t2", None)]


async def test_pages_after_items_start_with_the_unread_rest(
    byoc: Twin, api: respx.MockRouter
) -> None:
    api.get(TILES).mock(side_effect=[page(tiles("a", "b"), "t2"), page(tiles("c"))])
    iterator = await byoc.call("iter_tiles", COLLECTION_ID, count=2)
    await byoc.next(iterator)
    pages = await byoc.collect(iterator.pages())
    assert [[t.path for t in p] for p in pages] == [["b"], ["c"]]


async def test_bad_paging_arguments_are_refused_before_sending(
    byoc: Twin, api: respx.MockRouter
) -> None:
    with pytest.raises(ValueError, match="count must be a whole number from 1 to 100"):
        await byoc.call("iter_tiles", COLLECTION_ID, count=101)
    with pytest.raises(ValueError, match="count"):
        await byoc.call("iter_collections", count=0)
    with pytest.raises(ValueError, match="max_items"):
        await byoc.call("iter_collections", max_items=-1)


def test_a_page_longer_than_asked_is_cut_and_comes_again_on_resume() -> None:
    walk: PageWalk[str] = PageWalk(count=2, max_items=1)
    request = walk.next_request()
    assert request is not None
    assert request.count == 1
    shown = walk.accept(["a", "b"], "t2")  # the service ignored count
    assert shown.items == ["a"]
    assert walk.next_request() is None
    assert walk.resume_token is None  # the first page must be read again
    assert not walk.exhausted


def test_the_paginator_is_a_plain_iterator() -> None:
    calls = []

    def fetch(request: object) -> Page[int]:
        calls.append(request)
        return Page([1, 2], next_token=None)

    paginator = SyncPaginator(fetch)
    assert iter(paginator) is paginator
    assert next(paginator) == 1
    assert list(paginator) == [2]
    assert list(paginator) == []
    assert len(calls) == 1


def test_an_unparseable_page_is_a_typed_error() -> None:
    # through a real client: a 200 whose body is not the page envelope
    from sentinelhub_client import SentinelHubBYOC, SHConfig

    with respx.mock(base_url="https://services.sentinel-hub.com") as router:
        router.get(TILES).mock(return_value=httpx.Response(200, json={"items": []}))
        with (
            SentinelHubBYOC(SHConfig(sh_token="t")) as byoc,
            pytest.raises(APIResponseValidationError, match="contract") as caught,
        ):
            list(byoc.iter_tiles(COLLECTION_ID))
    assert caught.value.status == 200


async def test_as_dicts_gives_the_parsed_json_with_the_same_paging(
    byoc: Twin, api: respx.MockRouter
) -> None:
    listed = tiles("a", "b", "c")
    route = api.get(TILES).mock(side_effect=[page(listed[:2], "t2"), page(listed[2:])])
    dicts = (await byoc.call("iter_tiles", COLLECTION_ID, count=2, max_items=3)).as_dicts()
    assert await byoc.collect(dicts) == listed
    assert sent(route) == [{"count": "2"}, {"count": "1", "viewtoken": "t2"}]
    assert dicts.exhausted


async def test_as_dicts_resumes_where_the_models_stopped(byoc: Twin, api: respx.MockRouter) -> None:
    listed = tiles("a", "b", "c", "d")
    pages = {None: page(listed[:2], "t2"), "t2": page(listed[2:], "t3"), "t3": page([])}
    route = api.get(TILES).mock(
        side_effect=lambda request: pages[request.url.params.get("viewtoken")]
    )
    models = await byoc.call("iter_tiles", COLLECTION_ID, count=2, max_items=3)
    assert (await byoc.next(models)).path == "a"
    # Mid-page: that page comes again, and max_items still counts from it.
    rest = await byoc.collect(models.as_dicts())
    assert [item["path"] for item in rest] == ["a", "b", "c"]
    assert sent(route)[1:] == [{"count": "2"}, {"count": "1", "viewtoken": "t2"}]


def test_as_dicts_of_an_exhausted_listing_is_empty() -> None:
    paginator = SyncPaginator(lambda request: Page([1, 2]), wrap=str)
    assert list(paginator) == ["1", "2"]
    assert list(paginator.as_dicts()) == []


def test_a_viewtoken_must_be_a_string() -> None:
    with pytest.raises(SentinelHubValidationError, match="viewtoken: expected a page token"):
        SyncPaginator(lambda request: Page([]), viewtoken=5)  # type: ignore[arg-type]
