"""The emulator's rate-limit policies: token buckets per account, 429 with Retry-After in ms,
PU charged from the Process / Statistical / Async answers, and ``/_emulator/stats``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.__main__ import parse_args
from sentinelhub_emulator.core.ratelimit import RateLimiter, RatePolicy, parse_policy

from tests.emulator.conftest import assert_error
from tests.support.budget import process_body, seed_collection
from tests.support.emulator import fetch_token


def test_policies_are_parsed_like_the_services() -> None:
    assert parse_policy("requests=600/min") == RatePolicy("requests", 600, 60, 600)
    assert parse_policy("pu=300/min") == RatePolicy("pu", 300, 60, 300)
    assert parse_policy("PU = 5/s, capacity=20") == RatePolicy("pu", 5, 1, 20)
    assert parse_policy("requests=10/30s").refill_per_second == pytest.approx(1 / 3)
    for bad in ("requests=600", "bytes=1/s", "pu=1/fortnight", "pu=0/s"):
        with pytest.raises(ValueError, match="rate"):
            parse_policy(bad)
    args = parse_args(
        ["--data-dir", "x", "--rate-limit", "requests=600/min", "--rate-limit", "pu=300/min"]
    )
    assert [p.kind for p in args.rate_limit] == ["requests", "pu"]
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", "x", "--rate-limit", "pu=lots"])


def test_a_bucket_refills_gradually_up_to_its_capacity() -> None:
    now = [0.0]
    limiter = RateLimiter((parse_policy("requests=2/s"),), clock=lambda: now[0])
    assert limiter.admit("a", costs_pu=False) is None
    assert limiter.admit("a", costs_pu=False) is None
    assert limiter.admit("a", costs_pu=False) == 500  # one token in 0.5 s
    assert limiter.admit("b", costs_pu=False) is None  # per account
    now[0] = 0.5
    assert limiter.admit("a", costs_pu=False) is None
    now[0] = 100.0
    for _ in range(2):
        assert limiter.admit("a", costs_pu=False) is None
    assert limiter.admit("a", costs_pu=False) is not None  # never more than the capacity


def test_pu_is_taken_once_known_and_may_go_below_zero() -> None:
    now = [0.0]
    limiter = RateLimiter((parse_policy("pu=1/s"),), clock=lambda: now[0])
    assert limiter.admit("a", costs_pu=True) is None
    limiter.charge("a", 3.0)
    assert limiter.admit("a", costs_pu=False) is None  # a request without PU passes
    assert limiter.admit("a", costs_pu=True) == 2001  # from -2 to just above 0
    now[0] = 2.01
    assert limiter.admit("a", costs_pu=True) is None
    stats = limiter.stats()
    assert stats["processingUnits"] == 3.0
    assert stats["throttled"] == 1
    assert stats["requests"] == 4


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, str]]:
    root = tmp_path_factory.mktemp("limited")
    with Emulator(root, rate_limits=["requests=3/s", "pu=1/s,capacity=0.5"]) as emu:
        yield emu, seed_collection(emu)


def test_an_empty_bucket_answers_429_in_the_envelope_with_retry_after_in_ms(
    limited: tuple[Emulator, str],
) -> None:
    emu, collection_id = limited
    emu.reset_stats()
    token = fetch_token(emu)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=emu.base_url, headers=headers, timeout=30) as client:
        first = client.post("/api/v1/process", json=process_body(collection_id, 256))
        assert first.status_code == 200, first.text
        assert first.headers["x-processingunits-spent"] == "0.25"
        second = client.post("/api/v1/process", json=process_body(collection_id, 512))
        assert second.status_code == 200  # 0.25 PU left: more than zero
        refused = client.post("/api/v1/process", json=process_body(collection_id, 256))
        error = assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        wait_ms = int(refused.headers["retry-after"])
        assert 300 <= wait_ms <= 750  # from below -0.25 PU back above 0 at 1 PU/s
        assert "rate limit" in error["message"]
        listing = client.get("/api/v1/byoc/collections")  # no PU: only the requests policy
        assert listing.status_code == 200
        statuses = [client.get("/api/v1/byoc/collections").status_code for _ in range(5)]
        assert 429 in statuses  # 3 requests per second
        time.sleep(max(wait_ms / 1000, 0.5))
        assert (
            client.post("/api/v1/process", json=process_body(collection_id, 64)).status_code == 200
        )
    stats = emu.stats()
    assert stats["tokensIssued"] == 1
    assert stats["throttled"] == 1 + statuses.count(429)
    assert stats["requests"] == 10
    assert stats["processingUnits"] == pytest.approx(0.25 + 1.0 + 0.015625)
    [account] = stats["accounts"].values()
    assert account["throttled"] == stats["throttled"]
    assert [p["kind"] for p in stats["policies"]] == ["requests", "pu"]


def test_statistical_and_async_requests_are_charged(limited: tuple[Emulator, str]) -> None:
    emu, collection_id = limited
    time.sleep(1.2)
    emu.reset_stats()
    headers = {"Authorization": f"Bearer {fetch_token(emu)}"}
    body = process_body(collection_id, 64)
    statistical = {
        "input": body["input"],
        "aggregation": {
            "timeRange": {"from": "2024-05-01T00:00:00Z", "to": "2024-05-02T00:00:00Z"},
            "aggregationInterval": {"of": "P1D"},
            "width": 64,
            "height": 64,
            "evalscript": """//VERSION=3
function setup() { return {input: ["B02", "dataMask"], output: [{id: "default", bands: 1},
  {id: "dataMask", bands: 1}]}; }
function evaluatePixel(s) { return {default: [s.B02], dataMask: [s.dataMask]}; }""",
        },
    }
    with httpx.Client(base_url=emu.base_url, headers=headers, timeout=30) as client:
        answer = client.post("/api/v1/statistics", json=statistical)
        assert answer.status_code == 200, answer.text
        spent = float(answer.headers["x-processingunits-spent"])
        asynchronous = {
            **body,
            "output": {**body["output"], "delivery": {"s3": {"url": "s3://samples/out"}}},
        }
        submitted = client.post("/api/v1/async/process", json=asynchronous)
        assert submitted.status_code == 200, submitted.text
    deadline = time.monotonic() + 20
    while emu.stats()["processingUnits"] <= spent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert emu.stats()["processingUnits"] == pytest.approx(spent + 0.015625)


def test_stats_need_the_admin_token_and_can_be_reset(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emu:
        fetch_token(emu)
        url = emu.base_url + "/_emulator/stats"
        assert_error(httpx.get(url), 401, "COMMON_UNAUTHORIZED")
        admin = {"Authorization": f"Bearer {emu.admin_token}"}
        stats = httpx.get(url, headers=admin).json()
        assert stats["tokensIssued"] == 1
        assert stats["policies"] == []
        assert httpx.delete(url, headers=admin).status_code == 204
        assert httpx.get(url, headers=admin).json()["tokensIssued"] == 0
