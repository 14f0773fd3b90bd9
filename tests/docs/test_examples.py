"""Every Python example of README.md and docs/ runs against an emulator, so none can rot.

The examples of one page run in order in one namespace (a later block may use what an earlier one
made, as a reader following the page would), in a fresh working folder, against a fresh
in-process emulator whose data folder is ``./emu`` (what the guides' ``sentinelhub-emulator
--data-dir ./emu`` makes), with the ``SH_*`` variables pointing at it. See tests/docs/examples.py
for the skip and setup conventions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sentinelhub_client import clear_token_cache
from sentinelhub_emulator import Emulator

from tests.docs.examples import ROOT, Example, examples, markdown_files

BANDS = ("B02", "B03", "B04")
PAGES = [path for path in markdown_files() if examples(path)]


def _write_cogs(bucket: Path, tile_path: str) -> None:
    from sentinelhub_emulator.samples import write_cog

    for band in BANDS:
        write_cog(
            bucket / tile_path.replace("(BAND)", band),
            crs_epsg=32633,
            bounds=(500_000.0, 5_000_000.0, 502_560.0, 5_002_560.0),
            width=256,
            height=256,
        )


def _write_profile(emu: Emulator, name: str) -> None:
    """A sentinelhub-py profile with the emulator's settings, in the test's XDG_CONFIG_HOME."""
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "sentinelhub" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(
            f'[{name}]\nsh_client_id = "{emu.client_id}"\n'
            f'sh_client_secret = "{emu.client_secret}"\nsh_base_url = "{emu.base_url}"\n'
            f'sh_token_url = "{emu.token_url}"\nmax_download_attempts = 3\n'
        )


def _start_s3(stack: ExitStack, tmp_path: Path, bucket: str | None) -> str:
    """A local S3-compatible server (moto), with ``bucket`` if given, and the AWS_* variables
    for it; returns its endpoint URL."""
    from tests.support.s3 import (
        ACCESS_KEY_ID,
        REGION,
        SECRET_ACCESS_KEY,
        running_s3_server,
    )

    server = stack.enter_context(running_s3_server(tmp_path))
    if bucket is not None:
        server.client().create_bucket(Bucket=bucket)
    os.environ.update(
        AWS_ENDPOINT_URL=server.endpoint_url,
        AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
    )
    return server.endpoint_url


def _prepare(emu: Emulator, example: Example, stack: ExitStack, tmp_path: Path) -> str:
    """Do what the example's setup comments ask; return its code, ready to run."""
    code = example.code
    for action, *args in example.setup:
        if action == "cogs" and len(args) == 2:
            _write_cogs(emu.data_dir / "buckets" / args[0], args[1])
        elif action == "cogs-many" and len(args) == 3:
            for number in range(int(args[2])):
                _write_cogs(emu.data_dir / "buckets" / args[0], args[1].format(number))
        elif action == "broken" and len(args) == 3:
            from sentinelhub_emulator.samples import write_broken_file

            write_broken_file(emu.data_dir / "buckets" / args[0] / args[1], args[2])
        elif action == "samples" and len(args) == 1:  # what `--samples BUCKET` writes
            from sentinelhub_emulator.samples import write_samples

            write_samples(emu.data_dir / "buckets" / args[0])
        elif action == "s3-server" and len(args) == 1:
            _start_s3(stack, tmp_path, args[0])
        elif action == "s3-endpoint" and len(args) == 1:
            assert args[0] in code, f"{example.where}: the example does not use {args[0]}"
            code = code.replace(args[0], _start_s3(stack, tmp_path, None))
        elif action == "profile" and len(args) == 1:
            _write_profile(emu, args[0])
        elif action == "planet-tile" and len(args) == 2:
            from sentinelhub_client.demo import write_planet_tile

            write_planet_tile(emu.data_dir / "buckets" / args[0], args[1])
        else:
            raise AssertionError(f"{example.where}: unknown test-setup {[action, *args]}")
    return code


@pytest.fixture
def emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    saved_environment = dict(os.environ)  # an example may set variables (OAUTHLIB_...)
    monkeypatch.chdir(tmp_path)
    for name in ("SH_PROFILE", "SH_TOKEN", "SH_DEPLOYMENT", "SH_BYOC_BASE_PATH", "SH_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no profile of the machine
    with Emulator(tmp_path / "emu", planet_buckets=["planet"]) as emu:
        monkeypatch.setenv("SH_CLIENT_ID", emu.client_id)
        monkeypatch.setenv("SH_CLIENT_SECRET", emu.client_secret)
        monkeypatch.setenv("SH_BASE_URL", emu.base_url)
        monkeypatch.setenv("SH_TOKEN_URL", emu.token_url)
        monkeypatch.setenv("SH_RETRY_ZERO_BACKOFF", "1")
        yield emu
    clear_token_cache()
    os.environ.clear()
    os.environ.update(saved_environment)


def test_examples_are_found() -> None:
    """The extraction sees the README's examples (a broken parser would silently run nothing)."""
    readme = examples(ROOT / "README.md")
    assert len(readme) >= 2
    assert all(example.code.strip() for example in readme)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: Path, emulator: Emulator, tmp_path: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs_example__"}
    with ExitStack() as stack:
        for example in examples(page):
            reason = example.skip_reason
            if reason is not None:
                assert len(reason) > 10, f"{example.where}: say why this example is not run"
                continue
            code = compile(_prepare(emulator, example, stack, tmp_path), example.where, "exec")
            exec(code, namespace)  # noqa: S102 - our own documentation's examples
