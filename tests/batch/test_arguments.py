"""Wrong arguments are refused before anything is sent, with an error naming the argument."""

from __future__ import annotations

from typing import Any

import pytest
import respx
from sentinelhub_client import SentinelHubValidationError
from sentinelhub_client.batch import SentinelHubBatch

from .conftest import PROCESS_PAYLOAD, REQUEST_ID, Twin

pytestmark = pytest.mark.anyio

GRID = {"id": 1, "resolution": 10}


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "argument", "words"),
    [
        ("get_request", [12.5], {}, "batch_request", "expected a BatchRequest"),
        ("get_request", ["not-a-uuid"], {}, "batch_request", "is not a valid batch request id"),
        ("get_request", [{"name": "no id"}], {}, "batch_request", "has no id"),
        ("start_job", [None], {}, "batch_request", "has no id"),
        ("cancel_job", [["a", "list"]], {}, "batch_request", "expected a BatchRequest"),
        ("delete_request", [object()], {}, "batch_request", "expected a BatchRequest"),
        ("get_tile", [REQUEST_ID, "seven"], {}, "tile_id", "whole number"),
        ("get_tile", [REQUEST_ID, -1], {}, "tile_id", "whole number"),
        ("get_tile", [REQUEST_ID, True], {}, "tile_id", "whole number"),
        ("get_tiling_grid", [None], {}, "grid_id", "whole number"),
        ("get_tiling_grid", [1.5], {}, "grid_id", "whole number"),
        ("get_collection", [42], {}, "collection", "expected a BatchCollection"),
        ("delete_collection", ["nope"], {}, "collection", "not a valid batch collection id"),
        ("create_collection", ["fields"], {}, "collection", "expected a BatchCollection or a dict"),
        ("iter_tiles", [REQUEST_ID, "DONE"], {}, "status", "not a batch tile status"),
        ("iter_tiles", [REQUEST_ID, 3], {}, "status", "expected a BatchTileStatus"),
        ("iter_tiles", [REQUEST_ID], {"count": 0}, "count", "from 1 to 100"),
        ("iter_requests", [], {"sort": 3}, "sort", "expected a string"),
        ("iter_requests", [], {"max_items": -1}, "max_items", "whole number"),
        ("iter_collections", [], {"tags": ["a"]}, "kwargs['tags']", "query parameter"),
        ("update_request", [REQUEST_ID], {"output": "s3://b"}, "output", "expected a dict"),
        ("update_request", [REQUEST_ID], {"description": 5}, "description", "a string"),
        ("create", [42, GRID], {"bucket_name": "b"}, "sentinelhub_request", "Process API"),
        ("create", [PROCESS_PAYLOAD, [1, 10]], {"bucket_name": "b"}, "tiling_grid", "a dict"),
        ("create", [PROCESS_PAYLOAD, GRID], {"output": "s3://x"}, "output", "expected a dict"),
        ("create", [PROCESS_PAYLOAD, GRID], {"bucket_name": 3}, "bucket_name", "a string"),
        ("create", [PROCESS_PAYLOAD, GRID], {}, "output", "say where the results go"),
        (
            "create",
            [{"evalscript": object()}, GRID],
            {"bucket_name": "b"},
            "sentinelhub_request",
            "cannot be sent as JSON",
        ),
        ("wait_for_job", [REQUEST_ID], {"interval": -1}, "interval", ">= 0"),
        ("wait_for_analysis", [REQUEST_ID], {"timeout": "soon"}, "timeout", "None"),
    ],
)
async def test_wrong_arguments_are_refused_by_name(
    batch: Twin,
    api: respx.MockRouter,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any],
    argument: str,
    words: str,
) -> None:
    # The iterators check their arguments when made, before they are iterated.
    with pytest.raises(SentinelHubValidationError, match=words) as caught:
        await batch.call(method, *args, **kwargs)
    assert caught.value.field == argument
    assert argument in str(caught.value)
    sent = [call for call in api.calls if not call.request.url.path.endswith("/token")]
    assert sent == []


@pytest.mark.parametrize(
    ("helper", "args", "kwargs", "argument"),
    [
        ("tiling_grid", ["1x", 10], {}, "grid_id"),
        ("tiling_grid", [1, 0], {}, "resolution"),
        ("tiling_grid", [1, "10"], {}, "resolution"),
        ("tiling_grid", [1, 10], {"buffer": (1, 2, 3)}, "buffer"),
        ("tiling_grid", [1, 10], {"buffer": (1, -2)}, "buffer"),
        ("output", [], {"overwrite": "yes"}, "overwrite"),
        ("output", [], {"cog_output": 1}, "cog_output"),
        ("output", [], {"default_tile_path": 3}, "default_tile_path"),
        ("output", [], {"cog_parameters": [1]}, "cog_parameters"),
        ("output", [], {"responses": "s3://x"}, "responses"),
    ],
)
def test_the_helpers_refuse_wrong_values_by_name(
    helper: str, args: list[Any], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        getattr(SentinelHubBatch, helper)(*args, **kwargs)
    assert caught.value.field == argument


def test_the_helpers_build_what_they_are_given() -> None:
    assert SentinelHubBatch.tiling_grid(0, 10) == {"id": 0, "resolution": 10}
    assert SentinelHubBatch.tiling_grid("2", 60, buffer=(0, 0)) == {
        "id": 2,
        "resolution": 60,
        "bufferX": 0,
        "bufferY": 0,
    }
    assert SentinelHubBatch.output(skip_existing=False, create_collection=True) == {
        "skipExisting": False,
        "createCollection": True,
    }


def test_a_config_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="config must be an SHConfig"):
        SentinelHubBatch({"sh_client_id": "x"})  # type: ignore[arg-type]
