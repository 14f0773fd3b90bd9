"""The table of extras (`sentinelhub_client._core.extras`) and how it is used, in this (full)
environment: it agrees with pyproject's extras and with the emulator's own list, its helpers
chain the failed import, and ``shc`` turns a missing extra into one line and exit code 2."""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.util

import click
import pytest
from sentinelhub_client._core import extras
from sentinelhub_client._core.extras import (
    EXTRA_MODULES,
    FEATURE_EXTRAS,
    MissingExtraError,
    install_command,
    needs_message,
    require_extra,
    translate_missing,
)
from sentinelhub_client.cli import common
from sentinelhub_client.cli.root import cli, run
from sentinelhub_emulator import _extras as emulator_extras

from tests.packaging.baseenv import base_closure, normalize
from tests.packaging.test_base_install import COMMANDS


def test_the_emulator_checks_the_modules_of_the_emulator_row() -> None:
    assert EXTRA_MODULES["emulator"] == emulator_extras.MODULES
    assert emulator_extras.EXTRA == "emulator"
    assert install_command(["emulator"]) == emulator_extras.INSTALL


@pytest.mark.parametrize("extra", sorted(EXTRA_MODULES))
def test_each_module_comes_with_its_extra_and_not_with_the_base_install(extra: str) -> None:
    """pyproject's ``[project.optional-dependencies]``, as installed, brings each module of the
    row (directly or through a dependency), and the base install brings none."""
    base = set(base_closure())
    with_extra = set(base_closure(extras=[extra])) - base
    providers = metadata.packages_distributions()
    for module in EXTRA_MODULES[extra]:
        dists = {normalize(name) for name in providers.get(module, [])}
        assert dists & with_extra, f"{module}: not installed by the {extra} extra"
        assert not dists & base, f"{module}: the base install has it already"


def test_each_feature_names_a_known_extra_and_exists() -> None:
    for module, extra in FEATURE_EXTRAS.items():
        assert extra in EXTRA_MODULES
        assert importlib.util.find_spec(module) is not None, module


def test_the_message_names_the_extras_and_the_pip_command() -> None:
    assert (
        needs_message("x", ["geo"])
        == 'x needs the "geo" extra: pip install "sentinelhub-client[geo]"'
    )
    assert needs_message("x", ["s3", "geo", "s3"]) == (
        'x needs the "geo" and "s3" extras: pip install "sentinelhub-client[geo,s3]"'
    )


def test_require_extra_raises_with_the_failed_import_as_cause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(extras, "EXTRA_MODULES", {"fake": ("json", "no_such_module_here")})
    require_extra("nothing", *())
    with pytest.raises(MissingExtraError) as raised:
        require_extra("the thing", "fake")
    error = raised.value
    assert isinstance(error, ImportError)
    assert str(error) == 'the thing needs the "fake" extra: pip install "sentinelhub-client[fake]"'
    assert error.name == "no_such_module_here"
    assert error.extras == ("fake",)
    assert isinstance(error.__cause__, ModuleNotFoundError)
    assert error.__cause__.name == "no_such_module_here"


def test_every_installed_extra_passes() -> None:
    require_extra("everything", *EXTRA_MODULES)


def test_translate_missing_turns_only_the_extras_modules() -> None:
    original = ModuleNotFoundError("No module named 'tifffile'", name="tifffile")
    with pytest.raises(MissingExtraError) as raised, translate_missing("decoding", "process"):
        raise original
    assert raised.value.__cause__ is original
    assert str(raised.value).startswith('decoding needs the "process" extra: pip install')

    other = ModuleNotFoundError("No module named 'elsewhere'", name="elsewhere")
    with pytest.raises(ModuleNotFoundError) as passed, translate_missing("decoding", "process"):
        raise other
    assert passed.value is other


def _leaf_commands() -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, ctx: click.Context) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                # A group's default command runs unnamed (shc ingest FOLDER).
                shown = "" if getattr(command, "default_command", None) == name else name
                walk(sub, click.Context(sub, info_name=shown, parent=ctx))
        else:
            found[ctx.command_path.rstrip()] = command

    walk(cli, click.Context(cli, info_name="shc"))
    return found


def test_every_command_that_needs_an_extra_is_run_without_it_in_the_base_venv() -> None:
    """Commands marked with `needs_extras` are exactly those the base-install test runs."""
    marked = {
        path
        for path, command in _leaf_commands().items()
        if command.callback is not None and "shc_extras" in vars(command.callback)
    }
    tested = {line.partition(" needs ")[0] for _, line in COMMANDS if line.startswith("shc ")}
    assert marked == tested


def test_a_command_stops_before_running_when_an_extra_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(common, "missing_extras", lambda wanted: dict.fromkeys(wanted, "rasterio"))
    assert run(["cog", "urn", "EPSG:4326"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        'shc cog urn needs the "geo" extra: pip install "sentinelhub-client[geo]"\n'
    )


def test_a_missing_extra_met_anywhere_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command("needy")
    def needy() -> None:
        raise MissingExtraError("reading this", ["process"])

    monkeypatch.setitem(cli.commands, "needy", needy)
    assert run(["needy"]) == 2
    assert capsys.readouterr().err == (
        'reading this needs the "process" extra: pip install "sentinelhub-client[process]"\n'
    )
