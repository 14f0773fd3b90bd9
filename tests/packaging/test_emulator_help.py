"""``sentinelhub-emulator --help`` says what runs and where: every service of
`sentinelhub_emulator.services.SERVICES` by name and title, the default bind address and port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sentinelhub_emulator.__main__ import DEFAULT_HOST, DEFAULT_PORT, main, parse_args
from sentinelhub_emulator.services import SERVICES


def _help(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_every_service_has_a_title() -> None:
    assert all(service.title for service in SERVICES)
    assert len({service.name for service in SERVICES}) == len(SERVICES)


def test_help_lists_every_service(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    listed = [line.split(None, 1) for line in text.splitlines() if line.startswith("  ")]
    for service in SERVICES:
        assert [service.name, service.title] in listed
        for path in service.base_paths:
            assert path in text
    for words in ("BYOC", "Process", "Async Process", "Batch Processing"):
        assert words in text


def test_help_names_the_default_bind_address_and_port(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(_help(capsys).split())
    assert f"http://{DEFAULT_HOST}:{DEFAULT_PORT} by default" in text
    assert f"bind address {DEFAULT_HOST}, port {DEFAULT_PORT}" in text
    args = parse_args(["--data-dir", "x"])
    assert (args.host, args.port) == (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 8000)


def test_the_installed_command_prints_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps to the terminal's width otherwise
    script = Path(sys.executable).parent / "sentinelhub-emulator"
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "sentinelhub_emulator"]
    done = subprocess.run(  # noqa: S603 - the project's own command
        [*argv, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _help(capsys)
