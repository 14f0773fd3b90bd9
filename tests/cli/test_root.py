"""The root of ``shc``: the registry, --version, error translation, -v logs with secrets redacted,
and the emulator delegation."""

from __future__ import annotations

import logging

import click
import pytest
from click.testing import CliRunner
from sentinelhub_client import NotFoundError, __version__
from sentinelhub_client.cli import main
from sentinelhub_client.cli.common import one_line_error, redact, remember_secret, setup_logging
from sentinelhub_client.cli.root import COMMANDS, ShcGroup, cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version_flag_and_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"shc, version {__version__}\n"
    result = runner.invoke(cli, ["version"])
    assert result.exit_code == 0
    assert result.output == f"{__version__}\n"


def test_help_lists_every_registered_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, (_, summary) in COMMANDS.items():
        assert f"  {name}" in result.output
        assert summary.split()[0] in result.output
    assert "--profile" in result.output
    assert "--verbose" in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_registered_module_defines_its_command(name: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output or "usage:" in result.output


def test_an_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["nope"])
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.output


def test_main_returns_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out == f"{__version__}\n"
    assert main(["nope"]) == 2
    assert main(["--help"]) == 0


def _group_raising(exc: Exception) -> click.Group:
    @click.command("boom")
    def boom() -> None:
        raise exc

    group = ShcGroup(name="shc", lazy={})
    group.add_command(boom)
    return group


def test_library_errors_become_one_line_and_exit_code_1(runner: CliRunner) -> None:
    error = NotFoundError(
        "Collection not found",
        status=404,
        code="COMMON_NOT_FOUND",
        reason="Not Found",
        request_id="req-42",
        method="get",
        url="http://h/api/v1/byoc/collections/x",
    )
    result = runner.invoke(_group_raising(error), ["boom"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: 404 COMMON_NOT_FOUND: Collection not found "
        "[GET http://h/api/v1/byoc/collections/x] (request id req-42)\n"
    )


def test_bad_input_errors_become_one_line(runner: CliRunner) -> None:
    result = runner.invoke(_group_raising(ValueError("count: must be 1..100,\ngot 500")), ["boom"])
    assert result.exit_code == 1
    assert result.stderr == "error: count: must be 1..100, got 500\n"


def test_other_exceptions_are_not_hidden(runner: CliRunner) -> None:
    result = runner.invoke(_group_raising(KeyError("bug")), ["boom"])
    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)


def test_secrets_are_redacted_from_errors_and_logs() -> None:
    remember_secret("s3cr3t-value")
    text = (
        'client_secret=s3cr3t-value&x=1 Authorization: Bearer eyJabc.def "access_token": "tok123"'
    )
    clean = redact(text)
    assert "s3cr3t-value" not in clean
    assert "eyJabc" not in clean
    assert "tok123" not in clean
    assert clean.count("***") == 3
    assert one_line_error(ValueError("bad s3cr3t-value")) == "bad ***"


def test_verbose_logs_go_to_stderr_redacted_and_are_undone(runner: CliRunner) -> None:
    remember_secret("very-secret-1")

    @click.command("log")
    def log() -> None:
        logging.getLogger("sentinelhub_client.x").info("token very-secret-1 sent")
        logging.getLogger("sentinelhub_client.x").debug("debug line")
        logging.getLogger("httpx").info("HTTP Request: GET http://h/x 200 OK")

    cli.add_command(log)
    try:
        result = runner.invoke(cli, ["-v", "log"])
        assert result.exit_code == 0
        assert "INFO sentinelhub_client.x: token *** sent" in result.stderr
        assert "HTTP Request: GET http://h/x" in result.stderr
        assert "debug line" not in result.stderr
        assert "very-secret-1" not in result.stderr
        result = runner.invoke(cli, ["-vv", "log"])
        assert "DEBUG sentinelhub_client.x: debug line" in result.stderr
        result = runner.invoke(cli, ["log"])
        assert result.stderr == ""
    finally:
        cli.commands.pop("log")
    assert logging.getLogger("sentinelhub_client").handlers == []
    assert setup_logging(0)() is None


def test_shc_emulator_is_sentinelhub_emulator(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["emulator", "--help"])
    assert result.exit_code == 0
    assert "--data-dir" in result.output
    assert "--planet-bucket" in result.output
    result = runner.invoke(cli, ["emulator", "--port", "1"])  # --data-dir is required
    assert result.exit_code == 2
    assert "--data-dir" in result.stderr


def test_a_reader_that_leaves_stops_shc_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # ``shc ... | head -1`` after head exited
    saved = sys.stdout
    sys.stdout = os.fdopen(write_end, "w")
    try:
        code = main(["version"])
    finally:
        broken, sys.stdout = sys.stdout, saved
        broken.close()  # flushes into the null device now, without a second error
    assert code == 141
    assert capsys.readouterr().err == ""


def test_the_emulators_exit_code_reaches_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--port", "1"]) == 2  # --data-dir is required
    assert "--data-dir" in capsys.readouterr().err
