"""The client-side budget (pure decisions, the process-wide limiter, the PU meter) and the token
file shared by the processes of a machine."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from sentinelhub_client import RateLimit, SentinelHub, SentinelHubProcess, SHConfig, Usage
from sentinelhub_client._core import auth, ratelimit
from sentinelhub_client._core.ratelimit import BudgetState, Ticket, reserve, settle
from sentinelhub_client._core.tokencache import FileTokenCache, cache_key, token_cache_dir

BASE = "https://sh.example"
TOKEN_URL = f"{BASE}/oauth/token"
PROCESS = f"{BASE}/api/v1/process"
BODY = {
    "input": {
        "bounds": {"bbox": [12.0, 45.0, 12.1, 45.1]},
        "data": [{"type": "sentinel-2-l2a"}],
    },
    "output": {"width": 8, "height": 8},
    "evalscript": "//VERSION=3",
}


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    ratelimit.forget_limiters()
    yield
    ratelimit.forget_limiters()


def config(**kwargs: object) -> SHConfig:
    return SHConfig(
        use_defaults=True,
        sh_base_url=BASE,
        sh_token_url=TOKEN_URL,
        sh_client_id="id",
        sh_client_secret="very-secret",
        **kwargs,  # type: ignore[arg-type]
    )


# -- RateLimit and the settings table ------------------------------------------------------------


def test_rate_limit_text_and_setting() -> None:
    limit = RateLimit.parse("requests=600/min pu=300/min")
    assert limit == RateLimit(600, 300, 600, 300)
    assert str(limit) == "requests=600/min pu=300/min"
    assert RateLimit.parse("pu=2/s,capacity=4") == RateLimit(None, 120, None, 4)
    assert config(rate_limit="requests=10/30s").rate_limit == RateLimit(20, None, 10, None)
    env = {"SH_RATE_LIMIT": "pu=300/min", "SH_SHARED_TOKEN_CACHE": "0"}
    from_env = SHConfig(environ=env)
    assert from_env.rate_limit == RateLimit(pu_per_minute=300, pu_capacity=300)
    assert from_env.shared_token_cache is False
    assert config(rate_limit="off").rate_limit is None
    with pytest.raises(ValueError, match=r"^SH_RATE_LIMIT \(environment\): rate limit 'pu=3'"):
        SHConfig(environ={"SH_RATE_LIMIT": "pu=3"})
    with pytest.raises(ValueError, match="above 0"):
        RateLimit(requests_per_minute=0)


# -- the pure decisions -------------------------------------------------------------------------


def test_reserve_takes_a_request_and_the_pu_estimate_then_waits_for_the_refill() -> None:
    limit = RateLimit(requests_per_minute=60, pu_per_minute=60, pu_capacity=2)
    state, wait, ticket = reserve(BudgetState(), limit, 100.0, "process")
    assert wait == 0
    assert ticket == Ticket("process", 1.0)
    assert (state.requests, state.pu) == (59.0, 1.0)
    state = settle(state, limit, 100.0, ticket, spent=1.5, retry_after=None)
    assert state.pu == pytest.approx(0.5)
    assert state.pu_estimate == 1.5  # the first answer replaces the default estimate
    state, wait, ticket = reserve(state, limit, 100.0, "process")
    assert ticket is None
    assert wait == pytest.approx(1.0)  # 1.5 PU needed, 0.5 there, 1 PU per second
    state, wait, ticket = reserve(state, limit, 101.0, "process")
    assert ticket is not None
    assert wait == 0


def test_a_request_that_costs_no_pu_needs_only_a_request_token() -> None:
    limit = RateLimit(requests_per_minute=60, pu_per_minute=60, pu_capacity=1)
    state = BudgetState(requests=5, pu=-3, stamp=10)
    _, wait, ticket = reserve(state, limit, 10, None)
    assert ticket == Ticket(None, 0.0)
    _, wait, ticket = reserve(state, limit, 10, "statistical")
    assert ticket is None
    assert wait == pytest.approx(4.0)


def test_a_429_empties_the_buckets_and_holds_every_request_back() -> None:
    limit = RateLimit(requests_per_minute=600)
    state, _, ticket = reserve(BudgetState(), limit, 0.0, None)
    assert ticket is not None
    state = settle(state, limit, 0.0, ticket, spent=None, retry_after=2.5)
    assert state.requests == 0.0
    _, wait, refused = reserve(state, limit, 1.0, None)
    assert refused is None
    assert wait == pytest.approx(1.5)
    _, wait, admitted = reserve(state, limit, 2.5, None)
    assert admitted is not None


def test_a_failed_attempt_gives_its_reservation_back() -> None:
    limit = RateLimit(pu_per_minute=60)
    state, _, ticket = reserve(BudgetState(), limit, 0.0, "process")
    assert ticket is not None
    assert state.pu == 59.0
    state = settle(state, limit, 0.0, ticket, spent=None, retry_after=None)
    assert state.pu == 60.0


# -- the limiter of the process, in the transport ------------------------------------------------


@respx.mock
def test_the_limiter_paces_every_client_and_thread_of_the_process() -> None:
    respx.post(TOKEN_URL).respond(200, json={"access_token": "t", "expires_in": 3600})
    route = respx.post(PROCESS).respond(
        200, content=b"x", headers={"content-type": "image/png", "x-processingunits-spent": "0.5"}
    )
    limit = RateLimit(requests_per_minute=1200, requests_capacity=2)  # 20 per second, 2 at once
    cfg = config(rate_limit=limit, shared_token_cache=False)
    stamps: list[float] = []
    lock = threading.Lock()

    def send(client: SentinelHubProcess) -> None:
        client.process(BODY)
        with lock:
            stamps.append(time.monotonic())

    with SentinelHubProcess(cfg) as one, SentinelHubProcess(cfg) as two:
        started = time.monotonic()
        threads = [threading.Thread(target=send, args=(c,)) for c in (one, two) * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert one.usage() == Usage(2.0, 4, {"process": 2.0})
    assert route.call_count == 8
    # 2 at once, then 6 more at 20 per second: at least 0.3 s
    assert max(stamps) - started >= 0.28
    assert ratelimit.limiter_for(BASE, "id", limit).limit == limit


@respx.mock
def test_with_options_sets_the_budget_and_usage_sums_per_service() -> None:
    respx.post(TOKEN_URL).respond(200, json={"access_token": "t", "expires_in": 3600})
    respx.post(PROCESS).respond(
        200, content=b"x", headers={"content-type": "image/png", "x-processingunits-spent": "2"}
    )
    respx.post(f"{BASE}/api/v1/statistics").respond(
        200, json={"data": []}, headers={"x-processingunits-spent": "0.25"}
    )
    with SentinelHub(config(shared_token_cache=False)) as sh:
        assert sh.transport.budget is not None
        assert sh.transport.budget.limiter is None
        paced = sh.with_options(rate_limit=RateLimit(requests_per_minute=600))
        assert paced.transport.budget is not None
        assert paced.transport.budget.limiter is not None
        paced.process.process(BODY)
        sh.statistical.compute({"input": {}, "aggregation": {}})
        usage = sh.usage()
        assert usage == paced.usage()
        assert usage.processing_units == 2.25
        assert usage.by_service == {"process": 2.0, "statistical": 0.25}
        assert str(usage) == "2.25 PU in 2 request(s)"
        with pytest.raises(TypeError, match="rate_limit must be a RateLimit"):
            sh.with_options(rate_limit="requests=1/s")  # type: ignore[arg-type]


@respx.mock
def test_a_429_holds_the_next_requests_back_for_its_retry_after() -> None:
    respx.post(TOKEN_URL).respond(200, json={"access_token": "t", "expires_in": 3600})
    route = respx.post(PROCESS)
    route.side_effect = [
        httpx.Response(429, json={"error": {}}, headers={"retry-after": "300"}),
        httpx.Response(200, content=b"x", headers={"content-type": "image/png"}),
        httpx.Response(200, content=b"x", headers={"content-type": "image/png"}),
    ]
    cfg = config(rate_limit=RateLimit(requests_per_minute=6000), shared_token_cache=False)
    with SentinelHubProcess(cfg) as client:
        started = time.monotonic()
        client.process(BODY)
        client.process(BODY)
    assert time.monotonic() - started >= 0.3
    assert route.call_count == 3


# -- the token file --------------------------------------------------------------------------


def test_the_token_file_is_private_keyed_by_a_hash_and_holds_no_secret(tmp_path: Path) -> None:
    assert token_cache_dir() == tmp_path / "cache" / "sentinelhub-client" / "tokens"
    assert token_cache_dir({"XDG_CACHE_HOME": ""}) == Path.home() / ".cache" / (
        "sentinelhub-client/tokens"
    )
    with respx.mock:
        route = respx.post(TOKEN_URL).respond(200, json={"access_token": "tok", "expires_in": 60})
        respx.post(PROCESS).respond(200, content=b"x", headers={"content-type": "image/png"})
        with SentinelHubProcess(config()) as client:
            client.process(BODY)
        assert route.call_count == 1
    [path] = token_cache_dir().glob("*.json")
    assert path.name == cache_key(TOKEN_URL, "id") + ".json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert "very-secret" not in text
    assert "id" not in path.name
    assert set(json.loads(text)) == {"access_token", "expires_at"}


@respx.mock
def test_another_process_reads_the_token_instead_of_fetching_one() -> None:
    route = respx.post(TOKEN_URL).respond(200, json={"access_token": "tok", "expires_in": 3600})
    respx.post(PROCESS).respond(200, content=b"x", headers={"content-type": "image/png"})
    with SentinelHubProcess(config()) as client:
        client.process(BODY)
    auth._CACHE.clear()  # what a second process starts with: no token in memory
    with SentinelHubProcess(config()) as client:
        client.process(BODY)
    assert route.call_count == 1
    auth._CACHE.clear()
    with SentinelHubProcess(config(shared_token_cache=False)) as client:
        client.process(BODY)
    assert route.call_count == 2


@respx.mock
def test_a_refused_token_is_dropped_from_the_file_too() -> None:
    tokens = iter(["old", "new"])
    respx.post(TOKEN_URL).mock(
        side_effect=lambda request: httpx.Response(
            200, json={"access_token": next(tokens), "expires_in": 3600}
        )
    )
    route = respx.post(PROCESS)
    route.side_effect = [
        httpx.Response(401, json={"error": {}}),
        httpx.Response(200, content=b"x", headers={"content-type": "image/png"}),
    ]
    with SentinelHubProcess(config()) as client:
        client.process(BODY)
    assert FileTokenCache(TOKEN_URL, "id").read() is not None
    cached = FileTokenCache(TOKEN_URL, "id").read()
    assert cached is not None
    assert cached[0] == "new"


def test_an_expired_or_garbled_file_is_not_used(tmp_path: Path) -> None:
    cache = FileTokenCache(TOKEN_URL, "id", tmp_path)
    cache.write("tok", time.time() - 1)
    assert cache.read() is None
    cache.path.write_text("{not json")
    assert cache.read() is None
    cache.write("tok", time.time() + 60)
    assert cache.read() is not None
    cache.drop("other")
    assert cache.read() is not None
    cache.drop("tok")
    assert not cache.path.exists()


def test_an_unwritable_cache_folder_does_not_fail_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    with respx.mock:
        respx.post(TOKEN_URL).respond(200, json={"access_token": "tok", "expires_in": 3600})
        respx.post(PROCESS).respond(200, content=b"x", headers={"content-type": "image/png"})
        with SentinelHubProcess(config()) as client:
            client.process(BODY)
    assert os.path.isfile(blocked)
