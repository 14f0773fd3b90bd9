"""``docs/cli.md`` is what ``scripts/cli_reference.py`` writes from the command tree: this fails
when a command, argument, option or help text changed and the reference was not regenerated."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import click
import pytest
from sentinelhub_client.cli.root import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts" / "cli_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_cli_md_is_up_to_date() -> None:
    expected = _script().render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is stale: run scripts/cli_reference.py"


def test_the_reference_holds_every_command_option_and_argument() -> None:
    script = _script()
    text = script.render()
    paths = [ctx.command_path for ctx, _ in script.walk(cli)]
    for name in COMMANDS:
        assert f"shc {name}" in paths
    for path in ("shc process async wait", "shc batch create", "shc tiles list"):
        assert path in paths
    for ctx, command in script.walk(cli):
        assert f"`{ctx.command_path}`" in text
        for param in command.params:
            if isinstance(param, click.Option):
                assert f"`{param.opts[-1]}`" in text, (ctx.command_path, param.opts)
            else:
                assert f"`{(param.name or '').upper()}`" in text
    assert "`--data-dir`" in text  # the emulator's own flags


def test_check_fails_on_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    target = tmp_path / "cli.md"
    monkeypatch.setattr(script, "TARGET", target)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    assert script.main(["--check"]) == 1
    assert script.main([]) == 0
    assert script.main(["--check"]) == 0
    target.write_text(target.read_text().replace("shc batch wait", "shc batch sleep"))
    assert script.main(["--check"]) == 1
