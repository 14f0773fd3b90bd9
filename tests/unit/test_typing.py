"""What a user's type checker says about the BYOC API: refs are typed without ``Any``, so a
wrong argument is an error before the program runs; the model tables give typed fields."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

USER_SCRIPT = """
from sentinelhub_client import ByocTile, SentinelHubBYOC

byoc = SentinelHubBYOC()
byoc.get_collection(12345)
byoc.get_collection("0b9a2c67-3c3e-4f5c-9a51-6a4f1f2d8e01")
byoc.delete_tile({"id": "x"}, 3.5)
tile = ByocTile("a/b.tif")
tile.sensing_time = None
reveal_type(ByocTile("a").created)
reveal_type(byoc.iter_tiles("x").as_dicts())
ByocTile(path=3)
"""


def test_mypy_refuses_wrong_refs_and_types_the_models(tmp_path: Path) -> None:
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT)
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--explicit-package-bases",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"MYPYPATH": f"{ROOT / 'generated'}:{ROOT / 'facade'}", "PATH": ""},
        check=False,
    )
    lines = [line.split(": ", 1)[1] for line in result.stdout.splitlines() if ": " in line]
    by_line = {int(line.split(":")[1]): line for line in result.stdout.splitlines()}
    assert 'incompatible type "int"; expected "ByocCollection' in by_line[5], lines
    assert 6 not in by_line
    assert 'incompatible type "float"; expected "ByocTile' in by_line[7], lines
    assert 'Revealed type is "datetime.datetime | None"' in by_line[10]
    assert (
        'Revealed type is "sentinelhub_client._core.pagination.SyncPaginator[dict[str, Any]]"'
        in (by_line[11])
    )
    assert (
        'Argument "path" to "ByocTile" has incompatible type "int"; expected "str"' in by_line[12]
    )
    assert set(by_line) == {5, 7, 10, 11, 12}, lines
