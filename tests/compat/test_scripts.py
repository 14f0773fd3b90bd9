"""A sentinelhub-py 3.12 script runs on the emulator twice: as written, and with only its import
line pointing at sentinelhub_client; the two runs give equal pixels, sizes, statuses, search
results and statistics (tests/compat/script_s2py.py.txt)."""

from __future__ import annotations

import gc
import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_samples

pytestmark = pytest.mark.integration

SCRIPT = (Path(__file__).parent / "script_s2py.py.txt").read_text(encoding="utf-8")
NAMES = (
    "AsyncProcessRequest, BatchProcessClient, BBox, ByocCollection, ByocTile, CRS, "
    "DataCollection, MimeType, SentinelHubBYOC, SentinelHubCatalog, SentinelHubRequest, "
    "SentinelHubStatistical, SHConfig, bbox_to_dimensions, get_async_running_status"
)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    root = tmp_path_factory.mktemp("compat")
    with Emulator(root) as emu:
        write_samples(emu.data_dir / "buckets" / "samples")
        (emu.data_dir / "buckets" / "out").mkdir(parents=True, exist_ok=True)
        yield emu


def run(emu: Emulator, package: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    run_id = f"{package.replace('_', '')}{uuid.uuid4().hex[:6]}"
    for key, value in {
        "SH_CLIENT_ID": emu.client_id,
        "SH_CLIENT_SECRET": emu.client_secret,
        "SH_BASE_URL": emu.base_url,
        "SH_TOKEN_URL": emu.token_url,
        "OAUTHLIB_INSECURE_TRANSPORT": "1",
        "COMPAT_RUN": run_id,
    }.items():
        monkeypatch.setenv(key, value)
    code = SCRIPT.replace("IMPORT_LINE", f"from {package} import {NAMES}")
    namespace: dict[str, Any] = {"__name__": f"compat_{package}"}
    exec(compile(code, f"script_s2py[{package}]", "exec"), namespace)  # noqa: S102 - our test script
    result: dict[str, Any] = namespace.pop("RESULT")
    result["run"] = run_id
    with warnings.catch_warnings():
        if package == "sentinelhub":
            # sentinelhub-py's sessions leave their sockets to the garbage collector; ours close
            # their pools when the script's clients are collected (checked: no warning then).
            warnings.simplefilter("ignore", ResourceWarning)
        namespace.clear()
        gc.collect()
    return result


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_script_gives_the_same_results_with_either_import(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = run(emulator, "sentinelhub", monkeypatch)
    ours = run(emulator, "sentinelhub_client", monkeypatch)
    for result in (theirs, ours):
        assert result["tile_status"] == "INGESTED"
        assert result["batch_status"] == "DONE"
        assert not result["async_running"]  # finished (False) or unknown (None): not running
        assert result["catalog_ids"] == [result["tile_id"]]
        assert result["stats"], "the statistics have no interval"
    assert theirs["async_running"] is False  # sentinelhub-py reads its 404 as finished
    assert ours["size"] == theirs["size"] == (128, 128)
    np.testing.assert_array_equal(np.asarray(ours["image"]), np.asarray(theirs["image"]))
    assert ours["image"].shape == (128, 128, 3)
    assert ours["stats"] == theirs["stats"]
    buckets = emulator.data_dir / "buckets" / "out"
    for result in (theirs, ours):
        assert list((buckets / f"async-{result['run']}").rglob("*.tif")), "no async output"
        assert list((buckets / f"batch-{result['run']}").rglob("default.tif")), "no batch output"
    assert os.environ["COMPAT_RUN"] == ours["run"]
