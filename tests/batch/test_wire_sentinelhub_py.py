"""Our batch clients send what sentinelhub-py 3.11.1's ``SentinelHubBatch`` sent for the same calls.

``fixtures/sentinelhub_py_3_11_1_wire.json`` was recorded by
``scripts/record_sentinelhub_batch_wire.py``: sentinelhub-py driven against a local recording
server. Each scenario is replayed here on our client, with the same responses, and the requests
(method, path, query, JSON body) must be the same. The one deliberate difference is listed in
`KNOWN_DIFFERENCES`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client.batch import SentinelHubBatch

from .conftest import BASE_URL, Twin, load

pytestmark = pytest.mark.anyio

RECORDING = load("sentinelhub_py_3_11_1_wire.json")
SCENARIOS = {scenario["name"]: scenario for scenario in RECORDING["scenarios"]}


def _without_id(request: dict[str, Any]) -> dict[str, Any]:
    request = copy.deepcopy(request)
    request["json"].pop("id")
    return request


#: Scenario -> how sentinelhub-py's request is changed before comparing, and why.
KNOWN_DIFFERENCES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "update_collection": (
        "the read-only 'id' is in the path; we leave it out of the body, as for BYOC",
        _without_id,
    ),
}


class FakeSentinelHubRequest:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body


def _argument(value: Any) -> Any:
    if isinstance(value, dict) and "$sentinelhub_request" in value:
        return FakeSentinelHubRequest(value["$sentinelhub_request"])
    return value


def _seen(request: httpx.Request) -> dict[str, Any]:
    query: dict[str, list[str]] = {}
    for key, value in request.url.params.multi_items():
        query.setdefault(key, []).append(value)
    return {
        "method": request.method,
        "path": request.url.path,
        "query": query,
        "json": json.loads(request.content) if request.content else None,
    }


def test_the_recording_covers_every_method_that_sends_a_request() -> None:
    sends = {
        name
        for name in dir(SentinelHubBatch)
        if not name.startswith("_")
        and name
        not in {
            "tiling_grid",
            "output",
            "with_options",
            "close",
            "usage",
            "wait_for_analysis",
            "wait_for_job",
            "monitor_batch_analysis",
            "monitor_batch_job",
        }
    }
    assert {scenario["method"] for scenario in SCENARIOS.values()} == sends
    assert RECORDING["recorded_with"] == "sentinelhub 3.11.1"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_the_same_requests_as_sentinelhub_py(batch: Twin, name: str) -> None:
    scenario = SCENARIOS[name]
    responses = list(scenario["responses"])
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(_seen(request))
        assert responses, f"we sent more requests than sentinelhub-py: {seen}"
        response = responses.pop(0)
        if response["json"] is None:
            return httpx.Response(response["status"])
        return httpx.Response(response["status"], json=response["json"])

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post(name="token", path__regex=r".*/token$").respond(
            json={"access_token": "token-1", "expires_in": 3600}
        )
        router.route(path__startswith="/api/v1/batch").mock(side_effect=answer)
        args = [_argument(arg) for arg in scenario["args"]]
        result = await batch.call(scenario["method"], *args, **scenario["kwargs"])
        if scenario.get("iterate"):
            await batch.collect(result)

    expected = scenario["requests"]
    if name in KNOWN_DIFFERENCES:
        _, adjust = KNOWN_DIFFERENCES[name]
        expected = [adjust(request) for request in expected]
    assert seen == expected
    assert responses == []


@pytest.mark.parametrize(
    "helper", RECORDING["helpers"], ids=lambda h: f"{h['method']}-{len(h['kwargs'])}"
)
def test_the_static_helpers_build_the_same_dicts(helper: dict[str, Any]) -> None:
    kwargs = {
        key: tuple(value) if key == "buffer" else value for key, value in helper["kwargs"].items()
    }
    built = getattr(SentinelHubBatch, helper["method"])(*helper["args"], **kwargs)
    assert built == helper["result"]
