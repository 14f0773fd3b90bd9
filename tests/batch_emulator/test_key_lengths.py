"""Output keys are checked at create: a templated path whose keys could exceed 255 bytes in one
part or 1,024 bytes in all (placeholders at their longest) is a 400 naming the field, never a
201 that fails later with an internal error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import BUCKET, request_body

LAYOUT = "<requestId>/<tileName>/<outputId>.<format>"


def _errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    return [e["parameter"] for e in error.get("errors", [])]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/".join(["d"] * 2000), "2,000 nested folders: 4,000 bytes"),
        ("x" * 300, "a 300-byte folder name"),
        ("é" * 128, "a 128-character folder name of 256 bytes"),
        ("x" * 230 + "-<tileName>-<tileId>/<outputId>.<format>", "a part that grows to 261"),
        ("/".join(["f" * 200] * 5) + "/" + "g" * 10 + "/<tileName>.tif", "1,030 bytes in all"),
    ],
)
def test_a_too_long_default_tile_path_is_400(client: httpx.Client, path: str, why: str) -> None:
    body = request_body(output={"defaultTilePath": f"s3://{BUCKET}/{path}"})
    assert "output->defaultTilePath" in _errors(client.post("/process", json=body)), why


def test_a_too_long_tile_path_of_one_output_is_400(client: httpx.Client) -> None:
    responses: list[dict[str, Any]] = [
        {"identifier": "a", "format": {"type": "image/tiff"}},
        {"identifier": "b", "format": {"type": "image/tiff"}},
    ]
    body = request_body(
        responses=responses,
        output={
            "defaultTilePath": f"s3://{BUCKET}/ok/{LAYOUT}",
            "responses": [{"identifier": "b", "tilePath": f"s3://{BUCKET}/{'y' * 256}/{LAYOUT}"}],
        },
    )
    assert "output->responses->0->tilePath" in _errors(client.post("/process", json=body))


def test_keys_at_the_limits_are_accepted(client: httpx.Client) -> None:
    # 255 bytes: 240 + '-' + <tileId> at its longest (19 digits) - 5 ('.tif' and one more).
    part = "p" * (255 - 1 - 19 - 4) + "-<tileId>.<format>"
    body = request_body(output={"defaultTilePath": f"s3://{BUCKET}/{part}"})
    response = client.post("/process", json=body)
    assert response.status_code == 201, response.text
    # 1,024 bytes in all: folders of 200 bytes, then <requestId>/<tileName>/<outputId>.<format>.
    layout_bytes = 36 + 1 + 10 + 1 + len("default.tif")
    folders = "/".join(["f" * 200] * 4)
    filler = "g" * (1024 - layout_bytes - len(folders) - 2)
    path = f"{folders}/{filler}/{LAYOUT}"
    response = client.post(
        "/process", json=request_body(output={"defaultTilePath": f"s3://{BUCKET}/{path}"})
    )
    assert response.status_code == 201, response.text
    longer = f"{folders}/{filler}g/{LAYOUT}"
    body = request_body(output={"defaultTilePath": f"s3://{BUCKET}/{longer}"})
    assert "output->defaultTilePath" in _errors(client.post("/process", json=body))
