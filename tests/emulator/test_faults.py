"""Fault injection, as a client sees it on a real socket."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator, FaultConfig
from sentinelhub_emulator.__main__ import parse_args

from tests.support.emulator import fetch_token, token_form

from .conftest import PLANET_BUCKET, assert_error, byoc_client, new_collection

FILE = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    data = tmp_path_factory.mktemp("faulty")
    (data / "buckets" / PLANET_BUCKET / "item").mkdir(parents=True)
    (data / "buckets" / PLANET_BUCKET / "item" / "file.bin").write_bytes(FILE)
    with Emulator(data, planet_buckets=[PLANET_BUCKET]) as emu:
        yield emu


@pytest.fixture
def emu(faulty: Emulator) -> Iterator[Emulator]:
    faulty.clear_faults()
    yield faulty
    faulty.clear_faults()


@pytest.fixture(scope="module")
def client(faulty: Emulator) -> Iterator[httpx.Client]:
    with byoc_client(faulty, fetch_token(faulty)) as byoc:
        yield byoc


@pytest.fixture(scope="module")
def file_url(faulty: Emulator, client: httpx.Client) -> str:
    collection = new_collection(client, s3Bucket=PLANET_BUCKET)
    [tile] = faulty.store.create_tiles(collection["id"], [("item", None, None)], status="INGESTED")
    return f"/collections/{collection['id']}/tiles/{tile.id}/files/file.bin"


def test_no_faults_by_default(emu: Emulator, client: httpx.Client) -> None:
    assert all(client.get("/collections").status_code == 200 for _ in range(20))
    assert emu.faults_injected == 0


def test_429_with_retry_after_in_milliseconds(emu: Emulator, client: httpx.Client) -> None:
    emu.set_faults(FaultConfig(rate_429=1.0, retry_after_ms=250))
    response = client.get("/collections")
    assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    assert response.headers["retry-after"] == "250"
    assert emu.faults_injected == 1


def test_429_without_retry_after(emu: Emulator, client: httpx.Client) -> None:
    emu.set_faults(FaultConfig(rate_429=1.0, retry_after_ms=None))
    response = client.get("/collections")
    assert response.status_code == 429
    assert "retry-after" not in response.headers


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors(emu: Emulator, client: httpx.Client, status: int) -> None:
    emu.set_faults(FaultConfig(rate_5xx=1.0, status_5xx=status))
    assert_error(
        client.post("/collections", json={"name": "x", "s3Bucket": "y"}), status, "COMMON_EXCEPTION"
    )


def test_latency(emu: Emulator, client: httpx.Client) -> None:
    emu.set_faults(FaultConfig(latency_ms=150))
    started = time.perf_counter()
    assert client.get("/collections").status_code == 200
    assert time.perf_counter() - started >= 0.15
    assert emu.faults_injected == 0  # latency is not a fault


def test_dropped_connection(emu: Emulator, client: httpx.Client) -> None:
    emu.set_faults(FaultConfig(drop_rate=1.0, max_faults=1))
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.get("/collections")
    assert client.get("/collections").status_code == 200  # the client reconnects


def _read_into(response: httpx.Response, received: bytearray) -> None:
    for chunk in response.iter_raw():
        received += chunk


def test_truncated_file_body(emu: Emulator, client: httpx.Client, file_url: str) -> None:
    emu.set_faults(FaultConfig(truncate_rate=1.0))
    with client.stream("GET", file_url) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(FILE))
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            _read_into(response, received)
    assert 0 < len(received) < len(FILE)
    assert bytes(received) == FILE[: len(received)]
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(file_url)


def test_truncation_spares_json_and_ranges_are_cut_too(
    emu: Emulator, client: httpx.Client, file_url: str
) -> None:
    emu.set_faults(FaultConfig(truncate_rate=1.0))
    assert client.get("/collections").status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(file_url, headers={"Range": "bytes=100-999"})
    assert client.head(file_url).status_code == 200


def test_path_prefix(emu: Emulator, client: httpx.Client, file_url: str) -> None:
    emu.set_faults(FaultConfig(rate_5xx=1.0, path_prefix="/api/v1/byoc/collections/"))
    assert client.get("/collections").status_code == 200
    assert client.get(file_url).status_code == 503


def test_token_endpoint_is_spared_unless_asked(emu: Emulator) -> None:
    emu.set_faults(FaultConfig(rate_429=1.0))
    fetch_token(emu)
    emu.set_faults(FaultConfig(rate_429=1.0, exclude_token_endpoint=False))
    response = httpx.post(
        emu.token_url,
        data=token_form(emu),
    )
    assert response.status_code == 429


def test_max_faults(emu: Emulator, client: httpx.Client) -> None:
    emu.set_faults(FaultConfig(rate_5xx=1.0, max_faults=2))
    statuses = [client.get("/collections").status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]
    assert emu.faults_injected == 2


def _statuses(emu: Emulator, client: httpx.Client, config: FaultConfig, n: int = 40) -> list[int]:
    emu.set_faults(config)
    return [client.get("/collections").status_code for _ in range(n)]


def test_deterministic_with_the_seed(emu: Emulator, client: httpx.Client) -> None:
    config = FaultConfig(seed=7, rate_429=0.3, rate_5xx=0.2)
    first = _statuses(emu, client, config)
    assert _statuses(emu, client, config) == first
    assert set(first) == {200, 429, 503}
    assert _statuses(emu, client, FaultConfig(seed=8, rate_429=0.3, rate_5xx=0.2)) != first


def _admin(
    emu: Emulator, method: str, path: str, token: str | None = None, **kwargs: Any
) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {token if token is not None else emu.admin_token}",
        **kwargs.pop("headers", {}),
    }
    return httpx.request(method, emu.base_url + path, headers=headers, **kwargs)


def test_admin_endpoint_sets_reads_and_clears_faults(emu: Emulator, client: httpx.Client) -> None:
    response = _admin(
        emu, "POST", "/_emulator/faults", json={"rate_429": 1, "retry_after_ms": 5, "max_faults": 1}
    )
    assert response.status_code == 200
    assert response.json()["config"]["rate_429"] == 1.0
    assert client.get("/collections").headers["retry-after"] == "5"
    state = _admin(emu, "GET", "/_emulator/faults").json()
    assert state["injected"] == 1
    assert state["config"]["max_faults"] == 1
    emu.set_faults(FaultConfig(rate_5xx=1.0))
    assert _admin(emu, "DELETE", "/_emulator/faults").status_code == 204  # never faulted
    assert client.get("/collections").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"rate_429": 2},
        {"rate_429": "x"},
        {"unknown": 1},
        {"status_5xx": 404},
        {"rate_429": 0.6, "rate_5xx": 0.6},
        {"max_faults": 1.5},
        {"exclude_token_endpoint": 1},
        [],
        {"latency_ms": 10**9},
    ],
)
def test_admin_endpoint_rejects_bad_configs(emu: Emulator, body: Any) -> None:
    assert_error(_admin(emu, "POST", "/_emulator/faults", json=body), 400, "COMMON_BAD_PAYLOAD")


def test_admin_endpoint_rejects_non_finite_numbers(emu: Emulator) -> None:
    response = _admin(
        emu,
        "POST",
        "/_emulator/faults",
        content=b'{"latency_ms": Infinity}',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "body")


def test_admin_endpoint_needs_the_admin_token(emu: Emulator) -> None:
    for token in ("wrong", emu.admin_token + "x", fetch_token(emu)):
        response = _admin(emu, "POST", "/_emulator/faults", token=token, json={"rate_429": 1})
        assert_error(response, 401, "COMMON_UNAUTHORIZED")
    assert httpx.get(emu.base_url + "/_emulator/health").json() == {"status": "ok"}


def test_admin_endpoint_registers_clients(emu: Emulator) -> None:
    response = _admin(
        emu, "POST", "/_emulator/clients", json={"clientId": "via-admin", "clientSecret": "s"}
    )
    assert response.status_code == 201
    assert fetch_token(emu, "via-admin", "s")


def test_faults_from_the_constructor(tmp_path: Path) -> None:
    faults = FaultConfig(rate_5xx=1.0, status_5xx=500)
    with Emulator(tmp_path, faults=faults) as emu, byoc_client(emu, fetch_token(emu)) as byoc:
        assert byoc.get("/collections").status_code == 500


def test_cli_fault_flags() -> None:
    args = parse_args(
        [
            "--data-dir",
            "x",
            "--fault-seed",
            "3",
            "--fault-rate-429",
            "0.5",
            "--fault-retry-after-ms",
            "none",
            "--fault-rate-5xx",
            "0.1",
            "--fault-status-5xx",
            "502",
            "--fault-latency-ms",
            "20",
            "--fault-drop-rate",
            "0.1",
            "--fault-truncate-rate",
            "0.2",
            "--fault-path-prefix",
            "/api",
            "--fault-include-token-endpoint",
            "--fault-max",
            "9",
        ]
    )
    assert args.faults == FaultConfig(
        seed=3,
        rate_429=0.5,
        retry_after_ms=None,
        rate_5xx=0.1,
        status_5xx=502,
        latency_ms=20,
        drop_rate=0.1,
        truncate_rate=0.2,
        path_prefix="/api",
        exclude_token_endpoint=False,
        max_faults=9,
    )
    assert parse_args(["--data-dir", "x"]).faults == FaultConfig()
