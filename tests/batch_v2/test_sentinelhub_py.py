"""Code written for sentinelhub-py 3.12's Batch v2 client runs on ours: its helper dicts, its
``SentinelHubRequest`` and its models are accepted, and the body we send is the one it sends
(but for ``arrayParameter``, which we send under the name the service reads)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import respx
from sentinelhub.api.batch.process import BatchProcessClient as PyClient
from sentinelhub.api.batch.process import BatchProcessRequest as PyRequest
from sentinelhub.api.utils import remove_undefined
from sentinelhub_client.batch_v2 import AsyncBatchProcessClient, BatchProcessClient

from .conftest import (
    BATCH,
    PROCESS,
    PROCESS_PAYLOAD,
    REQUEST_ID,
    Twin,
    body_of,
    only_call,
    request_json,
)

pytestmark = pytest.mark.anyio


def their_payload(process: dict[str, Any], input_: Any, output: Any, **kwargs: Any) -> Any:
    """What sentinelhub-py's ``create`` posts (its own assembly, copied from its behaviour)."""
    return remove_undefined(
        {
            "processRequest": process,
            "input": input_,
            "output": output,
            "instanceType": "normal",
            **kwargs,
        }
    )


async def test_their_helpers_give_the_same_body(batch: Twin, api: respx.MockRouter) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    s3 = PyClient.s3_specification("s3://bucket/<tileName>/<outputId>.<format>", "AK", "SK")
    input_ = PyClient.tiling_grid_input(1, 10.0, buffer_x=3)
    output = PyClient.raster_output(s3, cog_output=True, cog_parameters={"blockxsize": 512})
    await batch.call("create", PROCESS_PAYLOAD, input_, output, description="d")
    assert body_of(only_call(route)) == their_payload(
        PROCESS_PAYLOAD, input_, output, description="d"
    )


async def test_their_zarr_output_is_sent_with_the_right_key(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.post(f"{BATCH}/process").respond(201, json=request_json())
    params = {"dtype": "<f4", "chunks": [1, 100, 100], "fill_value": 0}
    output = PyClient.zarr_output(
        PyClient.s3_specification("s3://bucket/zarr", iam_role_arn="arn:r"),
        group={"zarr_format": 2},
        array_parameters=params,
    )
    assert output["arrayParameter"] == params  # their spelling
    await batch.call("create", PROCESS_PAYLOAD, PyClient.tiling_grid_input(1, 10), output)
    sent = body_of(only_call(route))["output"]
    assert sent["arrayParameters"] == params
    assert "arrayParameter" not in sent


async def test_their_models_and_requests_are_accepted(batch: Twin, api: respx.MockRouter) -> None:
    import sentinelhub

    route = api.get(PROCESS).respond(json=request_json("DONE", costPU=1.0))
    theirs = PyRequest.from_dict(request_json())
    got = await batch.call("get_request", theirs)
    assert got.request_id == REQUEST_ID
    assert only_call(route).url.path == PROCESS

    create = api.post(f"{BATCH}/process").respond(201, json=request_json())
    request = sentinelhub.SentinelHubRequest(
        evalscript="//VERSION=3\nfunction setup() {}\n",
        input_data=[
            sentinelhub.SentinelHubRequest.input_data(
                sentinelhub.DataCollection.define_byoc("0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01")
            )
        ],
        responses=[
            sentinelhub.SentinelHubRequest.output_response("default", sentinelhub.MimeType.TIFF)
        ],
        bbox=sentinelhub.BBox((12.4, 41.8, 12.5, 41.9), crs=sentinelhub.CRS.WGS84),
        size=(10, 10),
        config=sentinelhub.SHConfig(sh_client_id="x", sh_client_secret="y"),
    )
    await batch.call("create", request, PyClient.tiling_grid_input(1, 10), PyClient.raster_output(
        PyClient.s3_specification("s3://b/o", iam_role_arn="arn:r")))  # fmt: skip
    assert body_of(only_call(create))["processRequest"] == request.download_list[0].post_values


def test_method_names_and_parameters_match_sentinelhub_py() -> None:
    """Every public method of theirs exists on both of ours with the same leading parameters."""
    theirs = {
        n: m for n, m in inspect.getmembers(PyClient) if not n.startswith("_") and callable(m)
    }
    for name, method in theirs.items():
        if name in ("get_json", "get_json_dict"):  # their download client's helpers
            continue
        for ours in (BatchProcessClient, AsyncBatchProcessClient):
            assert hasattr(ours, name), f"{ours.__name__} lacks {name}"
            their_params = [
                p for p in inspect.signature(method).parameters if p not in ("self", "kwargs")
            ]
            our_params = [
                p for p in inspect.signature(getattr(ours, name)).parameters if p != "self"
            ]
            assert our_params[: len(their_params)] == their_params, name
