"""Benchmark the cost of parsing a BYOC listing into models, against the floor and a peer.

    .venv/bin/python scripts/bench_models.py [--quick]

Builds the pages of a listing of 20,000 realistic tiles (tile geometry and cover geometry with a
``crs`` member, additionalData, sensing time; 100 per page) once, in memory, and serves them from
an in-memory server (`httpx.MockTransport`; for sentinelhub-py, a patched requests adapter), so
that no socket and no server work is measured. In the same run, alternating, it measures:

* the floor: a bare httpx loop over the pages (``json.loads`` of each page, following
  ``nextToken``), client CPU time;
* ``SentinelHubBYOC.iter_tiles`` reading every tile (models made, ``path`` read), client CPU time
  and the ratio to the floor (goal: at most 1.3x);
* the same with ``.as_dicts()`` (no models);
* reading every field of every tile (datetimes, status, geometries converted), for scale;
* when sentinelhub-py (``sentinelhub``) is installed: its ``SentinelHubBYOC.iter_tiles`` wall time
  on the same pages, and ours as a ratio of it (goal: ours at least 5x faster).

``rows(quick)`` returns the table's rows for ``scripts/bench``; ``--quick`` lists 2,000 tiles.
A benchmark, not a test: it prints numbers of this machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sentinelhub_client import SentinelHubBYOC, SHConfig

BASE_URL = "https://bench.sentinel-hub.invalid"
TOKEN_URL = f"{BASE_URL}/oauth/token"
COLLECTION_ID = "0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01"
PAGE_SIZE = 100


def realistic_tile(index: int) -> dict[str, Any]:
    """A tile as the service lists it, with both geometries in a UTM CRS."""
    x, y = 500000.0 + 10000.0 * (index % 50), 5000000.0 + 10000.0 * (index // 50 % 50)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}
    ring = [[x, y], [x + 10000.0, y], [x + 10000.0, y + 10000.0], [x, y + 10000.0], [x, y]]
    return {
        "id": str(uuid.UUID(int=index + 1)),
        "path": f"scenes/2024/{index // 1000:03d}/tile_{index:06d}_(BAND).tif",
        "status": "INGESTED",
        "created": f"2024-05-{1 + index % 28:02d}T12:33:36.081000Z",
        "sensingTime": f"2024-04-{1 + index % 28:02d}T10:{index % 60:02d}:00Z",
        "ingestionStart": f"2024-05-{1 + index % 28:02d}T12:33:40.381758Z",
        "tileGeometry": {"type": "Polygon", "crs": crs, "coordinates": [ring]},
        "coverGeometry": {
            "type": "MultiPolygon",
            "crs": crs,
            "coordinates": [[[*ring[:4], [x, y]]]],
        },
        "additionalData": {
            "minMetersPerPixel": 10.0,
            "maxMetersPerPixel": 160.0,
            "failedIngestionCause": None,
        },
    }


def build_pages(tiles: int) -> dict[str | None, bytes]:
    """The JSON body of every page, by the ``viewtoken`` that asks for it (None: the first)."""
    pages: dict[str | None, bytes] = {}
    token: str | None = None
    for start in range(0, tiles, PAGE_SIZE):
        data = [realistic_tile(i) for i in range(start, min(start + PAGE_SIZE, tiles))]
        next_token = f"t{start + PAGE_SIZE}" if start + PAGE_SIZE < tiles else None
        links: dict[str, Any] = {"currentToken": token or "t0"}
        if next_token is not None:
            links["nextToken"] = next_token
        pages[token] = json.dumps({"data": data, "links": links}).encode()
        token = next_token
    return pages


def _viewtoken(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("viewtoken")
    return values[0] if values else None


def mock_transport(pages: dict[str | None, bytes]) -> httpx.MockTransport:
    headers = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=pages[_viewtoken(str(request.url))], headers=headers)

    return httpx.MockTransport(handler)


# -- the contenders ------------------------------------------------------------------------------


def bare_loop(pages: dict[str | None, bytes]) -> int:
    """httpx + json.loads, following nextToken: the floor."""
    seen = 0
    url = f"{BASE_URL}/api/v1/byoc/collections/{COLLECTION_ID}/tiles"
    with httpx.Client(transport=mock_transport(pages)) as client:
        token: str | None = None
        while True:
            params: dict[str, Any] = {"count": PAGE_SIZE}
            if token:
                params["viewtoken"] = token
            body = json.loads(client.get(url, params=params).content)
            for tile in body["data"]:
                seen += tile["path"] != ""
            token = (body.get("links") or {}).get("nextToken")
            if not token or not body["data"]:
                return seen


def _client(pages: dict[str | None, bytes]) -> tuple[SentinelHubBYOC, httpx.Client]:
    http = httpx.Client(transport=mock_transport(pages))
    config = SHConfig(sh_base_url=BASE_URL, sh_token="bench-token", use_defaults=True)  # noqa: S106 - not a secret
    return SentinelHubBYOC(config, http_client=http), http


def ours(pages: dict[str | None, bytes]) -> int:
    """SentinelHubBYOC.iter_tiles: a model per tile, its path read."""
    byoc, http = _client(pages)
    with byoc, http:
        return sum(tile.path != "" for tile in byoc.iter_tiles(COLLECTION_ID))


def ours_dicts(pages: dict[str | None, bytes]) -> int:
    """SentinelHubBYOC.iter_tiles(...).as_dicts(): plain dicts."""
    byoc, http = _client(pages)
    with byoc, http:
        return sum(tile["path"] != "" for tile in byoc.iter_tiles(COLLECTION_ID).as_dicts())


def ours_every_field(pages: dict[str | None, bytes]) -> int:
    """Every field of every tile read (all conversions done)."""
    byoc, http = _client(pages)
    with byoc, http:
        seen = 0
        for tile in byoc.iter_tiles(COLLECTION_ID):
            _ = (tile.tile_id, tile.status, tile.created, tile.sensing_time, tile.ingestion_start)
            _ = (tile.tile_geometry, tile.cover_geometry, tile.additional_data, tile.other_data)
            seen += 1
        return seen


@contextmanager
def _requests_served_from(pages: dict[str | None, bytes]) -> Iterator[None]:
    """Every request made with ``requests`` answered from ``pages`` (and a token endpoint)."""
    import requests
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send
    token = json.dumps({"access_token": "bench", "expires_in": 3600, "token_type": "Bearer"})

    def send(self: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        if "/oauth/token" in request.url:
            response._content = token.encode()
        else:
            response._content = pages[_viewtoken(request.url)]
        return response

    HTTPAdapter.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        HTTPAdapter.send = original  # type: ignore[method-assign]


def sentinelhub_py(pages: dict[str | None, bytes]) -> int | None:
    """sentinelhub-py's SentinelHubBYOC.iter_tiles on the same pages (None: not installed)."""
    try:
        import sentinelhub
    except ImportError:
        return None
    config = sentinelhub.SHConfig(use_defaults=True)
    config.sh_client_id, config.sh_client_secret = "bench-id", "bench-secret"
    config.sh_base_url, config.sh_token_url = BASE_URL, TOKEN_URL
    with _requests_served_from(pages):
        byoc = sentinelhub.SentinelHubBYOC(config=config)
        return sum(tile["path"] != "" for tile in byoc.iter_tiles(COLLECTION_ID))


# -- measuring -----------------------------------------------------------------------------------


def _measure(
    run: Callable[[dict[str | None, bytes]], int | None], pages: Any
) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run, with the garbage collector as in real use."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = run(pages)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if result is None:
        raise LookupError("not installed")
    return cpu, wall


def rows(quick: bool) -> list[tuple[str, str]]:
    """The benchmark's rows: (measure, result with its ratio)."""
    tiles = 2_000 if quick else 20_000
    repeat = 3 if quick else 5
    pages = build_pages(tiles)
    contenders: dict[str, Callable[[dict[str | None, bytes]], int | None]] = {
        "bare": bare_loop,
        "ours": ours,
        "dicts": ours_dicts,
        "fields": ours_every_field,
        "shpy": sentinelhub_py,
    }
    best: dict[str, tuple[float, float]] = {}
    for round_ in range(repeat):  # alternate, keep each one's best run
        for name, run in contenders.items():
            if name == "shpy" and round_ >= 2:
                continue  # the slow peer: two runs are enough
            try:
                cpu, wall = _measure(run, pages)
            except LookupError:
                continue
            old = best.get(name)
            best[name] = (cpu, wall) if old is None else (min(old[0], cpu), min(old[1], wall))
    floor_cpu = best["bare"][0]
    label = f"{tiles:,} realistic tiles, in-memory server"
    out = [
        (f"listing {label}: bare httpx + json.loads (client CPU)", f"{floor_cpu:.3f} s (1.00x)"),
    ]
    for name, what in (
        ("ours", "SentinelHubBYOC.iter_tiles"),
        ("dicts", "SentinelHubBYOC.iter_tiles().as_dicts()"),
        ("fields", "SentinelHubBYOC.iter_tiles, every field read"),
    ):
        cpu = best[name][0]
        out.append(
            (f"listing {label}: {what} (client CPU)", f"{cpu:.3f} s ({cpu / floor_cpu:.2f}x bare)")
        )
    if "shpy" in best:
        peer, wall = best["shpy"][1], best["ours"][1]
        out.append(
            (f"listing {label}: sentinelhub-py iter_tiles (wall)", f"{peer:.3f} s (1.00x)"),
        )
        peer_cpu = best["shpy"][0]
        out.append(
            (
                f"listing {label}: sentinelhub-py iter_tiles (client CPU; its wall time is mostly "
                "its own rate-limit sleeps)",
                f"{peer_cpu:.3f} s ({peer_cpu / floor_cpu:.2f}x bare)",
            )
        )
        out.append(
            (
                f"listing {label}: SentinelHubBYOC.iter_tiles (wall)",
                f"{wall:.3f} s ({peer / wall:.1f}x faster than sentinelhub-py)",
            )
        )
    else:
        out.append((f"listing {label}: sentinelhub-py iter_tiles", "not installed"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 tiles instead of 20,000")
    args = parser.parse_args()
    print("| measure | result |")
    print("|---|---|")
    for measure, result in rows(args.quick):
        print(f"| {measure} | {result} |")


if __name__ == "__main__":
    main()
