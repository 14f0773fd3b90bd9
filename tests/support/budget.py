"""A Process-ready emulator for the rate-limit tests: the sample tiles in one BYOC collection."""

from __future__ import annotations

from typing import Any

import httpx
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_samples

from tests.support.emulator import fetch_token

__all__ = ["process_body", "seed_collection"]

EVALSCRIPT = """//VERSION=3
function setup() { return {input: ["B02", "B03", "B04"], output: {bands: 3}}; }
function evaluatePixel(s) { return [s.B04 / 3000, s.B03 / 3000, s.B02 / 3000]; }
"""


def seed_collection(emu: Emulator) -> str:
    """A collection holding the sample tile ``2024/05`` (512 x 512 px of 10 m, UTM 33N, three
    bands), ingested; its id. Seeded with a token of its own, and the stats reset afterwards, so
    the tests count only what they send."""
    bucket = emu.data_dir / "buckets" / "samples"
    write_samples(bucket)
    headers = {"Authorization": f"Bearer {fetch_token(emu)}"}
    with httpx.Client(base_url=emu.base_url + "/api/v1/byoc", headers=headers) as byoc:
        created = byoc.post("/collections", json={"name": "budget", "s3Bucket": "samples"})
        collection_id = str(created.json()["data"]["id"])
        byoc.post(
            f"/collections/{collection_id}/tiles",
            json={"path": "2024/05/tile_(BAND).tif", "sensingTime": "2024-05-01T00:00:00Z"},
        ).raise_for_status()
    emu.wait_for_ingestion()
    emu.reset_stats()
    return collection_id


def process_body(collection_id: str, side: int = 256) -> dict[str, Any]:
    """A PNG of ``side`` x ``side`` px of the three bands: ``(side / 512) ** 2`` PU."""
    return {
        "input": {
            "bounds": {
                "bbox": [500_000, 5_000_000, 500_000 + side * 10, 5_000_000 + side * 10],
                "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
            },
            "data": [{"type": f"byoc-{collection_id}"}],
        },
        "output": {
            "width": side,
            "height": side,
            "responses": [{"identifier": "default", "format": {"type": "image/png"}}],
        },
        "evalscript": EVALSCRIPT,
    }
