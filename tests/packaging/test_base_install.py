"""Without extras: every entry point that needs one says which, in one line; the rest works.

Each command runs in a venv holding the base install only (`tests.packaging.baseenv`): numpy,
rasterio, boto3, starlette and the emulator's other modules are not there, as after
``pip install sentinelhub-client``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_client._core.extras import EXTRA_MODULES
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.samples import write_samples

from tests.packaging.baseenv import BaseEnv, Run

GEO = 'needs the "geo" extra: pip install "sentinelhub-client[geo]"'
S3 = 'needs the "s3" extra: pip install "sentinelhub-client[s3]"'
PROCESS = 'needs the "process" extra: pip install "sentinelhub-client[process]"'
EMULATOR = 'needs the "emulator" extra: pip install "sentinelhub-client[emulator]"'
GEO_AND_S3 = 'needs the "geo" and "s3" extras: pip install "sentinelhub-client[geo,s3]"'

#: Commands that need an extra: (argv, the one line expected on stderr). ``{tif}``, ``{folder}``
#: and ``{out}`` are a (fake) GeoTIFF, a folder holding it and a path to write to.
COMMANDS: list[tuple[tuple[str, ...], str]] = [
    (("shc", "cog", "validate", "{tif}"), f"shc cog validate {GEO}"),
    (("shc", "cog", "validate", "--json", "{tif}", "{tif}"), f"shc cog validate {GEO}"),
    (("shc", "cog", "convert", "{tif}", "{out}"), f"shc cog convert {GEO}"),
    (("shc", "cog", "cover", "{tif}"), f"shc cog cover {GEO}"),
    (("shc", "cog", "bands", "{tif}"), f"shc cog bands {GEO}"),
    (("shc", "cog", "urn", "EPSG:4326"), f"shc cog urn {GEO}"),
    (("shc", "cog", "ingest", "{folder}", "--collection", "c"), f"shc cog ingest {GEO}"),
    (
        ("shc", "ingest", "{folder}", "--collection", "c", "--bucket-dir", "{out}"),
        f"shc ingest {GEO}",
    ),
    (
        ("shc", "ingest", "{folder}", "--collection", "c", "--bucket", "s3://bucket/prefix"),
        f"shc ingest {GEO_AND_S3}",
    ),
    (
        ("shc", "ingest", "set-coverage", "c", "--bucket-dir", "{folder}"),
        f"shc ingest set-coverage {GEO}",
    ),
    (("shc", "emulator"), f"shc emulator {EMULATOR}"),
    (("shc", "emulator", "--help"), f"shc emulator {EMULATOR}"),
    (("shc", "emulator", "--data-dir", "{out}", "--port", "0"), f"shc emulator {EMULATOR}"),
    (("shc", "demo"), f"shc demo {EMULATOR}"),
    (("python", "-m", "sentinelhub_client", "demo"), f"shc demo {EMULATOR}"),
    (("shc", "-v", "demo", "--workdir", "{out}"), f"shc demo {EMULATOR}"),
    (("sentinelhub-emulator",), f"sentinelhub-emulator {EMULATOR}"),
    (("sentinelhub-emulator", "--help"), f"sentinelhub-emulator {EMULATOR}"),
    (("sentinelhub-emulator", "--data-dir", "{out}"), f"sentinelhub-emulator {EMULATOR}"),
    (("python", "-m", "sentinelhub_emulator", "--help"), f"sentinelhub-emulator {EMULATOR}"),
]

#: Library imports and calls that need an extra: (code, the ImportError's message).
LIBRARY: list[tuple[str, str]] = [
    ("import sentinelhub_client.cog", f"sentinelhub_client.cog {GEO}"),
    ("from sentinelhub_client.cog import validate_cog", f"sentinelhub_client.cog {GEO}"),
    ("from sentinelhub_client.cog.convert import to_cog", f"sentinelhub_client.cog {GEO}"),
    ("from sentinelhub_client import validate_cog", f"sentinelhub_client.cog {GEO}"),
    ("import sentinelhub_client.s3", f"sentinelhub_client.s3 {S3}"),
    ("from sentinelhub_client import S3Uploader", f"sentinelhub_client.s3 {S3}"),
    (
        "from sentinelhub_client.process.decoding import decode; decode(b'II*\\0', 'image/tiff')",
        f"decoding a TIFF response {PROCESS}",
    ),
    (
        "from sentinelhub_client.process.decoding import decode; decode(b'\\x89PNG', 'image/png')",
        f"decoding a PNG or JPEG response {PROCESS}",
    ),
    (
        "from sentinelhub_client.process.requests import ProcessResponse\n"
        "ProcessResponse(content=b'', mime_type='image/jpeg', url=None).decode()",
        f"decoding a PNG or JPEG response {PROCESS}",
    ),
    ("from sentinelhub_client.demo import run_demo", f"sentinelhub_client.demo {EMULATOR}"),
    ("import sentinelhub_emulator", f"sentinelhub_emulator {EMULATOR}"),
    ("from sentinelhub_emulator import Emulator", f"sentinelhub_emulator {EMULATOR}"),
    ("import sentinelhub_emulator.server", f"sentinelhub_emulator {EMULATOR}"),
]

#: Runs ``code`` and prints what it raised, as JSON.
_PROBE = """
import json, sys
try:
    exec(sys.argv[1])
except ImportError as exc:
    cause = exc.__cause__
    print(json.dumps({
        "type": type(exc).__name__,
        "message": str(exc),
        "cause": type(cause).__name__ if cause is not None else None,
        "cause_is_import_error": isinstance(cause, ImportError),
    }))
else:
    print(json.dumps(None))
"""


@pytest.fixture(scope="module")
def files(base_env: BaseEnv) -> dict[str, Path]:
    folder = base_env.root / "data" / "scenes"
    folder.mkdir(parents=True)
    tif = folder / "scene.tif"
    tif.write_bytes(b"II*\0not really a tiff")
    return {"tif": tif, "folder": folder, "out": base_env.root / "data" / "out"}


def _argv(args: tuple[str, ...], files: dict[str, Path]) -> list[str]:
    return [arg.format(**{k: str(v) for k, v in files.items()}) for arg in args]


def _one_line(run: Run) -> str:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code == 2, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr_lines) == 1, run.stderr
    [line] = run.stderr_lines
    return line


def test_the_venv_holds_no_module_of_any_extra(base_env: BaseEnv) -> None:
    modules = sorted({module for row in EXTRA_MODULES.values() for module in row})
    run = base_env.run(
        "python",
        "-c",
        "import importlib.util, sys; "
        "print([m for m in sys.argv[1:] if importlib.util.find_spec(m)])",
        *modules,
    )
    assert run.code == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(("args", "line"), COMMANDS, ids=lambda value: " ".join(value))
def test_a_command_that_needs_an_extra_says_which_in_one_line(
    base_env: BaseEnv, files: dict[str, Path], args: tuple[str, ...], line: str
) -> None:
    run = base_env.run(*_argv(args, files))
    assert _one_line(run) == line
    assert "pip install" in line


@pytest.mark.parametrize(("code", "message"), LIBRARY, ids=[code for code, _ in LIBRARY])
def test_a_library_import_that_needs_an_extra_raises_import_error(
    base_env: BaseEnv, code: str, message: str
) -> None:
    run = base_env.run("python", "-c", _PROBE, code)
    assert run.code == 0, run.stderr
    raised = json.loads(run.stdout)
    assert raised is not None, f"{code!r} raised nothing"
    assert raised["type"] == "MissingExtraError"
    assert raised["message"] == message
    assert raised["cause"] == "ModuleNotFoundError"  # the import that failed, chained


def test_the_package_imports_without_extras(base_env: BaseEnv) -> None:
    run = base_env.run(
        "python",
        "-c",
        "import sentinelhub_client as s, sentinelhub_client.process, sentinelhub_client.batch; "
        "print(s.__version__, s.SHConfig().sh_base_url)",
    )
    assert run.code == 0, run.stderr
    assert run.stdout.split()[0] == "0.1.0"


@pytest.mark.parametrize(
    "args",
    [
        ("shc", "--help"),
        ("shc", "--version"),
        ("shc", "version"),
        ("shc", "config", "show"),
        ("shc", "config", "show", "--json"),
        ("shc", "cog", "--help"),
        ("shc", "cog", "validate", "--help"),
        ("python", "-m", "sentinelhub_client", "--help"),
        ("shc", "completion", "bash"),
    ],
    ids=" ".join,
)
def test_base_commands_work(base_env: BaseEnv, args: tuple[str, ...]) -> None:
    run = base_env.run(*args)
    assert run.code == 0, run.stderr
    assert run.stdout
    assert "Traceback" not in run.stderr


def test_every_command_module_imports_without_extras(base_env: BaseEnv) -> None:
    """Walk the whole ``shc`` tree there: every command group's module imports (no extra is
    imported at module level), and each command is found."""
    walk = """
import click
from sentinelhub_client.cli.root import cli

def walk(command, ctx):
    yield ctx.command_path
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))

for path in walk(cli, click.Context(cli, info_name="shc")):
    print(path)
"""
    run = base_env.run("python", "-c", walk)
    assert run.code == 0, run.stderr
    paths = run.stdout.split("\n")
    for expected in ("shc cog validate", "shc ingest", "shc tiles list", "shc process run"):
        assert expected in paths


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """An emulator in this (full) environment, for the base install's client to talk to."""
    with Emulator(tmp_path_factory.mktemp("emu")) as emu:
        write_samples(emu.data_dir / "buckets" / "samples")
        yield emu


def test_collections_and_tiles_work_against_the_emulator(
    base_env: BaseEnv, emulator: Emulator
) -> None:
    env = {
        "SH_BASE_URL": emulator.base_url,
        "SH_TOKEN_URL": emulator.token_url,
        "SH_CLIENT_ID": emulator.client_id,
        "SH_CLIENT_SECRET": emulator.client_secret,
    }
    shc = base_env.with_env(env)

    created = shc.run(
        "shc", "collections", "create", "--name", "base", "--bucket", "samples", "--json"
    )
    assert created.code == 0, created.stderr
    collection = json.loads(created.stdout)["id"]
    tile = shc.run("shc", "tiles", "create", collection, "--path", "2024/05/tile_(BAND).tif")
    assert tile.code == 0, tile.stderr
    waited = shc.run("shc", "tiles", "wait", collection, "--interval", "0.2", "--timeout", "60")
    assert waited.code == 0, (waited.stdout, waited.stderr)
    listed = shc.run("shc", "tiles", "list", collection, "--json")
    assert listed.code == 0, listed.stderr
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["status"] == "INGESTED"
    assert "Traceback" not in created.stderr + tile.stderr + waited.stderr + listed.stderr
