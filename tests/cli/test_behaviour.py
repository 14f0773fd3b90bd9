"""What every ``shc`` command promises: one-line errors for a bad id, listings streamed in bounded
memory, progress bars only on a terminal's standard error, nothing half written after Ctrl-C,
no secret or token in ``-v`` / ``-vv`` logs, and shell completion."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client._core import auth
from sentinelhub_client._core.config import config_file_path
from sentinelhub_client.cli import main

from tests.cli.conftest import MOCK_SECRET, PLANET_BUCKET, MockedShc, Shc

COLLECTION = "6f0b1e7a-2c4d-4e8f-9a1b-3c5d7e9f1a2b"
MISSING = str(uuid.UUID(int=7))


def _create_collection(shc: Shc, name: str, bucket: str = "bucket") -> str:
    result = shc("collections", "create", "--name", name, "--bucket", bucket, "--json")
    return str(json.loads(result.stdout)["id"])


# -- a bad id -------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("as_json", [False, True])
def test_a_bad_id_is_one_line_with_status_code_and_message(shc: Shc, as_json: bool) -> None:
    collection_id = _create_collection(shc, f"bad-{uuid.uuid4().hex[:8]}")
    flags = ["--json"] if as_json else []
    for args, noun in (
        (["collections", "get", MISSING], "Collection"),
        (["tiles", "get", collection_id, MISSING], "Tile"),
        (["files", "list", collection_id, MISSING], "Tile"),
    ):
        result = shc(*args, *flags, ok=False)
        assert result.exit_code == 1, args
        assert result.stdout == ""
        assert re.fullmatch(
            rf"error: 404 COMMON_NOT_FOUND: {noun} {MISSING} not found\. "
            r"\[GET http://127\.0\.0\.1:\d+/api/v1/byoc/collections/\S+\] "
            r"\(request id [0-9a-f-]{36}\)\n",
            result.stderr,
        ), result.stderr


# -- streaming ------------------------------------------------------------------------------------


def _tile(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i + 1)),
        "path": f"big/{i:05d}/(BAND).tif",
        "status": "INGESTED",
        "sensingTime": "2024-05-01T10:07:06Z",
        "created": "2024-05-02T00:00:00Z",
        "coverGeometry": {
            "type": "Polygon",
            "coordinates": [[[i, 0.5], [i + 1, 0.5], [i + 1, 1.5], [i, 1.5], [i, 0.5]]],
        },
        "additionalData": {"bands": {f"B{b:02d}": {"bitDepth": 16} for b in range(1, 13)}},
    }


def _list_tiles(
    api: respx.MockRouter, tmp_path: Path, total: int, *flags: str, trace: bool = False
) -> tuple[int, Path, list[int]]:
    """``shc tiles list`` of ``total`` tiles served 100 a page, standard output in a file; returns
    the peak of traced memory (with ``trace``), the output file and its size when each page
    was asked for."""
    out_path = tmp_path / f"out-{total}-{'-'.join(flags)}.txt"
    sizes: list[int] = []

    def serve(request: httpx.Request) -> httpx.Response:
        # respx keeps every answer (the CLI must not, and neither may the test), and answers in
        # reference cycles wait for the collector: measure what is alive, not when gc runs.
        api.calls.clear()
        route.calls.clear()
        gc.collect()
        sys.stdout.flush()
        sizes.append(out_path.stat().st_size)
        start = int(request.url.params.get("viewtoken") or 0)
        stop = min(start + 100, total)
        links = {"nextToken": str(stop)} if stop < total else {}
        return httpx.Response(
            200, json={"data": [_tile(i) for i in range(start, stop)], "links": links}
        )

    route = api.get(f"/api/v1/byoc/collections/{COLLECTION}/tiles").mock(side_effect=serve)
    saved = sys.stdout
    peak = 0
    with out_path.open("w") as out:
        sys.stdout = out
        gc.collect()
        gc.freeze()  # the collections in `serve` walk only what this run made
        if trace:
            tracemalloc.start()
        try:
            code = main(["tiles", "list", COLLECTION, *flags])
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            gc.unfreeze()
            sys.stdout = saved
    assert code == 0
    assert len(sizes) == (total + 99) // 100
    return peak, out_path, sizes


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SH_CLIENT_ID", "client-id")
    monkeypatch.setenv("SH_CLIENT_SECRET", MOCK_SECRET)


@pytest.mark.usefixtures("credentials")
@pytest.mark.parametrize("flags", [("--json",), ()], ids=["json-lines", "table"])
def test_a_listing_of_2500_tiles_is_written_while_it_is_fetched(
    api: respx.MockRouter, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    _, out_path, sizes = _list_tiles(api, tmp_path, 2500, *flags)
    lines = out_path.read_text().splitlines()
    if flags:
        assert [json.loads(line) for line in lines] == [_tile(i) for i in range(2500)]
    else:
        assert lines[0].split() == ["id", "path", "status", "sensingTime", "created"]
        assert [line.split()[1] for line in lines[1:]] == [_tile(i)["path"] for i in range(2500)]
    # When the last page was asked for, the 24 pages before it were already written out.
    assert len(sizes) == 25
    assert sizes[0] == 0
    assert sizes[-1] > out_path.stat().st_size * 0.9


@pytest.mark.usefixtures("credentials")
def test_a_listing_of_2500_tiles_as_json_lines_runs_in_bounded_memory(
    api: respx.MockRouter, tmp_path: Path
) -> None:
    _list_tiles(api, tmp_path, 100, "--json", trace=True)  # imports and first-use caches
    small_peak, _, _ = _list_tiles(api, tmp_path, 200, "--json", trace=True)
    big_peak, _, _ = _list_tiles(api, tmp_path, 2500, "--json", trace=True)
    # 2,500 tiles need no more memory than 200: each is ~0.6 KB of JSON (~1.5 MB for all, and
    # several times that as Python objects); holding them would add megabytes.
    whole = sum(len(json.dumps(_tile(i))) for i in range(2500))
    assert big_peak - small_peak < whole / 10, (small_peak, big_peak, whole)


# -- progress on a terminal only ------------------------------------------------------------------


def _planet_tile(shc: Shc, size: int) -> tuple[str, str, bytes]:
    folder = f"orders/{uuid.uuid4().hex[:8]}"
    root = shc.bucket(PLANET_BUCKET) / folder
    root.mkdir(parents=True)
    data = os.urandom(size)
    (root / "analytic.tif").write_bytes(data)
    collection_id = _create_collection(shc, "planet", PLANET_BUCKET)
    created = shc("tiles", "create", collection_id, "--path", folder, "--json")
    return collection_id, json.loads(created.stdout)["id"], data


@pytest.mark.integration
def test_download_progress_only_when_stderr_is_a_terminal(
    shc: Shc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection_id, tile_id, data = _planet_tile(shc, 300_000)
    plain = shc("files", "download", collection_id, tile_id, str(tmp_path / "a"), "--json")
    assert plain.stderr == ""
    assert (tmp_path / "a" / "analytic.tif").read_bytes() == data

    from click import testing

    monkeypatch.setattr(testing._NamedTextIOWrapper, "isatty", lambda self: self.name == "<stderr>")
    drawn = shc("files", "download", collection_id, tile_id, str(tmp_path / "b"), "--json")
    assert "Downloading" in drawn.stderr
    assert "\x1b[" in drawn.stderr  # drawn as on a terminal
    assert "293.0/293.0 KiB" in drawn.stderr
    assert [json.loads(line) for line in drawn.stdout.splitlines()] == [
        {"path": str(tmp_path / "b" / "analytic.tif")}
    ]
    assert (tmp_path / "b" / "analytic.tif").read_bytes() == data


# -- Ctrl-C ---------------------------------------------------------------------------------------


@pytest.mark.integration
def test_ctrl_c_during_a_download_leaves_only_the_part_file_and_resumes(
    shc: Shc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection_id, tile_id, data = _planet_tile(shc, 3 * 1024 * 1024 + 17)
    from sentinelhub_client.progress import ProgressBar

    real_call = ProgressBar.__call__
    seen: list[int] = []

    def interrupt_midway(self: ProgressBar, done: int, total: int) -> None:
        # Ctrl-C as the terminal sends it: SIGINT, which Python turns into KeyboardInterrupt in
        # the main thread, wherever it is (the bytes arrive in a worker thread).
        real_call(self, done, total)
        if 0 < done < total and not seen:
            seen.append(done)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(ProgressBar, "__call__", interrupt_midway)
    for key, value in shc.env.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out"
    args = ["files", "download", collection_id, tile_id, str(out), "--concurrency", "1"]
    assert main(args) == 130, seen
    assert seen
    names = sorted(p.name for p in out.iterdir())
    if "analytic.tif" in names:
        # The worker had already received the last bytes when the main thread took the signal:
        # the file was completed, verified and renamed; still nothing half written.
        assert names == ["analytic.tif"]
        assert (out / "analytic.tif").read_bytes() == data
    else:
        assert "analytic.tif.part" in names  # nothing half written under the real name
        assert set(names) <= {"analytic.tif.part", "analytic.tif.part.json"}
        assert 0 < (out / "analytic.tif.part").stat().st_size <= len(data)

    monkeypatch.setattr(ProgressBar, "__call__", real_call)
    assert main(args) == 0
    assert (out / "analytic.tif").read_bytes() == data
    assert sorted(p.name for p in out.iterdir()) == ["analytic.tif"]


def test_ctrl_c_while_writing_the_config_file_leaves_it_as_it_was(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_file_path()
    path.parent.mkdir(parents=True)
    before = '# mine\n[default-profile]\nsh_client_id = "a"\n'
    path.write_text(before)

    def interrupted(source: Any, target: Any) -> None:
        raise KeyboardInterrupt

    real_replace = os.replace
    monkeypatch.setattr(os, "replace", interrupted)
    assert main(["config", "create", "lab", "--client-id", "lab-id"]) == 130
    assert capsys.readouterr().err.endswith("interrupted\n")
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left
    monkeypatch.setattr(os, "replace", real_replace)
    assert main(["config", "create", "lab", "--client-id", "lab-id"]) == 0
    assert path.read_text().startswith(before)
    assert 'sh_client_id = "lab-id"' in path.read_text()


# -- logs -----------------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("verbosity", ["-v", "-vv"])
def test_verbose_logs_never_show_the_secret_or_the_token(shc: Shc, verbosity: str) -> None:
    auth.clear_token_cache()
    name = f"logs-{uuid.uuid4().hex[:8]}"
    created = shc(verbosity, "collections", "create", "--name", name, "--bucket", "b", "--json")
    missing = shc(verbosity, "collections", "get", MISSING, ok=False)
    tokens = [e.token.access_token for e in auth._CACHE.values() if e.token is not None]
    assert tokens  # the runs fetched a token, which the logs must not show
    for result in (created, missing):
        assert "HTTP Request:" in result.stderr  # the logs are there
        assert shc.emu.client_secret not in result.output
        for token in tokens:
            assert token not in result.output
    if verbosity == "-vv":
        assert "DEBUG sentinelhub_client" in created.stderr


def test_a_given_token_is_never_logged(mocked: MockedShc, api: respx.MockRouter) -> None:
    mocked.env = {"SH_TOKEN": "given-token-abcdef", "SH_RETRY_ZERO_BACKOFF": "1"}
    route = api.get(f"/api/v1/byoc/collections/{COLLECTION}").respond(
        401, json={"error": {"status": 401, "message": "token given-token-abcdef expired"}}
    )
    result = mocked("-vv", "collections", "get", COLLECTION, ok=False)
    assert route.calls.last.request.headers["authorization"] == "Bearer given-token-abcdef"
    assert result.exit_code == 1
    assert "given-token-abcdef" not in result.output
    assert "token *** expired" in result.stderr


# -- shell completion -----------------------------------------------------------------------------


def _complete(mocked: MockedShc, words: str) -> list[str]:
    env = {"_SHC_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    from sentinelhub_client.cli.root import cli

    result = mocked.runner.invoke(cli, [], env=env, prog_name="shc")
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_bash_completion_of_commands_and_options(mocked: MockedShc) -> None:
    assert _complete(mocked, "shc co") == ["cog", "collections", "completion", "config"]
    assert _complete(mocked, "shc batch ") == [
        "analyse", "cancel", "create", "delete", "get", "grids", "list", "restart", "start",
        "tiles", "wait",
    ]  # fmt: skip
    assert _complete(mocked, "shc process async s") == ["status", "submit"]
    assert _complete(mocked, "shc tiles list x --m") == ["--max-items"]
    assert _complete(mocked, "shc completion ") == ["bash", "zsh", "fish"]


def test_the_completion_script_is_clicks(mocked: MockedShc) -> None:
    from sentinelhub_client.cli.root import cli

    source = mocked.runner.invoke(cli, [], env={"_SHC_COMPLETE": "bash_source"}, prog_name="shc")
    assert source.exit_code == 0
    assert "complete -o nosort -F _shc_completion shc" in source.stdout
    assert "_SHC_COMPLETE=bash_complete" in source.stdout
    printed = mocked("completion", "bash")
    assert printed.stdout.strip() == source.stdout.strip()
    assert "compdef _shc_completion shc" in mocked("completion", "zsh").stdout
    assert "complete --no-files --command shc" in mocked("completion", "fish").stdout


def test_bash_completes_through_the_script(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None, "bash is needed for this test"
    shc = Path(sys.executable).parent / "shc"
    assert shc.exists(), "the shc entry point is installed with the package"
    script = (
        'eval "$(shc completion bash)"\n'
        "COMP_WORDS=(shc batch gr); COMP_CWORD=2; _shc_completion shc\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {"PATH": f"{shc.parent}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - bash and our own entry point
        [bash, "--norc", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["grids"]
