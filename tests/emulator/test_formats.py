"""The one table of output formats (`sentinelhub_emulator.process.formats`) drives Process, Async
Process and Batch: every registered format is accepted (or refused) by each service's validation
as its row says, encodes, and names its files; a format added to the table alone is taken
everywhere."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from sentinelhub_emulator.batch import parsing as batch_parsing
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process import formats, routes
from sentinelhub_emulator.process.encode import encode_image, encode_tar
from sentinelhub_emulator.process.formats import FORMATS, OutputFormat
from sentinelhub_emulator.process.request import MAX_ASYNC_SIZE, Grid, parse_request

EVALSCRIPT = "//VERSION=3\nfunction setup() { return {input: ['B01'], output: {bands: 1}}; }"
COLLECTION = "byoc-00000000-0000-0000-0000-000000000000"
BUCKET = "formats-bucket"


def _identifier(fmt: OutputFormat) -> str:
    return "userdata" if fmt.userdata else "default"


def _process_body(mime: str, identifier: str) -> dict[str, Any]:
    return {
        "input": {
            "bounds": {
                "bbox": [500000.0, 5000000.0, 500640.0, 5000640.0],
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": COLLECTION}],
        },
        "output": {
            "width": 64,
            "height": 64,
            "responses": [{"identifier": identifier, "format": {"type": mime}}],
        },
        "evalscript": EVALSCRIPT,
    }


def _batch_body(mime: str, identifier: str) -> dict[str, Any]:
    return {
        "processRequest": {
            "input": {
                "bounds": {
                    "bbox": [500000.0, 5000000.0, 510000.0, 5010000.0],
                    "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
                },
                "data": [{"type": COLLECTION}],
            },
            "output": {"responses": [{"identifier": identifier, "format": {"type": mime}}]},
            "evalscript": EVALSCRIPT,
        },
        "tilingGrid": {"id": 1, "resolution": 20.0},
        "output": {"defaultTilePath": f"s3://{BUCKET}/out"},
    }


@pytest.fixture
def settings(tmp_path: Path) -> EmulatorSettings:
    (tmp_path / BUCKET).mkdir()
    return EmulatorSettings(data_dir=tmp_path, buckets={BUCKET: tmp_path / BUCKET})


def _grid() -> Grid:
    return Grid(
        crs=CRS.from_epsg(32633),
        epsg=32633,
        transform=Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 5000640.0),
        width=8,
        height=8,
        bounds=(500000.0, 5000560.0, 500080.0, 5000640.0),
        area=None,
    )


def _encode(mime: str, count: int = 1) -> bytes:
    bands = np.arange(count * 64, dtype=np.uint8).reshape(count, 8, 8)
    return encode_image(
        bands,
        mime,
        grid=_grid(),
        identifier="default",
        sample_type="UINT8",
        quality=90,
        nodata=None,
        parameter="output->responses->0->format->type",
    )


@pytest.mark.parametrize("mime", list(FORMATS))
def test_process_and_async_validation_follow_the_table(mime: str) -> None:
    fmt = FORMATS[mime]
    body = _process_body(mime, _identifier(fmt))
    if fmt.process:
        for parsed in (
            parse_request(body),
            parse_request(body, max_size=MAX_ASYNC_SIZE, schema=None),  # as Async checks it
        ):
            assert [r.mime_type for r in parsed.responses] == [mime]
        assert routes._accept(f"text/html, {mime};q=0.9") == mime
    else:
        with pytest.raises(ApiError) as caught:
            parse_request(body)
        assert caught.value.status == 400
        assert routes._accept(mime) is None


@pytest.mark.parametrize("mime", list(FORMATS))
def test_batch_validation_follows_the_table(mime: str, settings: EmulatorSettings) -> None:
    fmt = FORMATS[mime]
    body = _batch_body(mime, _identifier(fmt))
    if fmt.batch:
        parsed, _ = batch_parsing.parse_request(body, settings)
        [output] = parsed.outputs
        assert (output.mime_type, output.extension) == (mime, fmt.extension)
    else:
        with pytest.raises(ApiError) as caught:
            batch_parsing.parse_request(body, settings)
        assert caught.value.status == 400
        assert " or ".join(formats.batch_types()) in caught.value.message


@pytest.mark.parametrize("mime", [m for m, f in FORMATS.items() if f.encode is not None])
def test_every_format_with_bands_encodes(mime: str) -> None:
    data = _encode(mime)
    assert data
    with tarfile.open(fileobj=io.BytesIO(encode_tar([("default", mime, data)]))) as archive:
        assert archive.getnames() == [f"default.{FORMATS[mime].extension}"]


def test_the_table_is_consistent() -> None:
    assert formats.PROCESS_DEFAULT in formats.process_types()
    assert formats.BATCH_DEFAULT in formats.batch_types()
    assert formats.userdata_types()
    for mime, fmt in FORMATS.items():
        assert fmt.mime_type == mime
        assert fmt.extension
        assert "." not in fmt.extension
        assert (fmt.encode is None) == fmt.userdata


def test_a_format_added_to_the_table_is_taken_everywhere(
    monkeypatch: pytest.MonkeyPatch, settings: EmulatorSettings
) -> None:
    mime = "image/x-emulator-test"
    tiff = FORMATS["image/tiff"]
    monkeypatch.setitem(
        FORMATS,
        mime,
        OutputFormat(mime, "xet", process=True, batch=True, geotiff=True, encode=tiff.encode),
    )
    assert parse_request(_process_body(mime, "default")).responses[0].mime_type == mime
    assert routes._accept(mime) == mime
    parsed, _ = batch_parsing.parse_request(_batch_body(mime, "default"), settings)
    assert parsed.outputs[0].extension == "xet"
    data = _encode(mime, count=2)
    assert data == _encode("image/tiff", count=2)
    with tarfile.open(fileobj=io.BytesIO(encode_tar([("default", mime, data)]))) as archive:
        assert archive.getnames() == ["default.xet"]
