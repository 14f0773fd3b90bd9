"""Imports go one way inside the facade: ``_core`` imports no service package, and the COG rules
(which the emulator imports) import nothing else of the facade.

Every import statement is read with `ast`: at module level, inside functions and classes, and
under ``if TYPE_CHECKING:`` (a type-only arrow still ties the layers together). Relative imports
are resolved; ``importlib.import_module("...")`` / ``__import__("...")`` with a literal name count
too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import sentinelhub_client

FACADE = Path(sentinelhub_client.__file__).parent
CORE = FACADE / "_core"
RULES = FACADE / "cog" / "rules.py"
#: The service packages (and the CLI) that sit above ``_core``.
SERVICES = ("byoc", "batch", "process", "cog", "s3", "cli")


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = FACADE.parent) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in the file (``root``: the folder that holds
    the top-level package); ``from a import b`` also yields ``a.b`` (``b`` may be a module)."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_service_packages_exist() -> None:
    """The list above names real packages (a rename must not make the checks below vacuous)."""
    for service in SERVICES:
        assert (FACADE / service / "__init__.py").is_file(), service
    assert _core_files()


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: p.name)
def test_core_imports_no_service_package(path: Path) -> None:
    wrong = [
        f"{path.relative_to(FACADE)}:{line}: imports {module}"
        for line, module in _imports(path)
        if any(_in(module, f"sentinelhub_client.{service}") for service in SERVICES)
    ]
    assert not wrong, "_core must not import a service package:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: p.name)
def test_core_imports_only_core_of_the_facade(path: Path) -> None:
    """Nothing above ``_core`` either: not the package root (the public surface), not the hub."""
    wrong = [
        f"{path.relative_to(FACADE)}:{line}: imports {module}"
        for line, module in _imports(path)
        if _in(module, "sentinelhub_client") and not _in(module, "sentinelhub_client._core")
    ]
    assert not wrong, "_core imports only _core of the facade:\n" + "\n".join(wrong)


def test_cog_rules_import_nothing_else_of_the_facade() -> None:
    """The emulator imports ``sentinelhub_client.cog.rules``; anything it pulled in would make
    the emulator depend on the facade."""
    wrong = [
        f"cog/rules.py:{line}: imports {module}"
        for line, module in _imports(RULES)
        if _in(module, "sentinelhub_client") and module != "sentinelhub_client.cog.rules"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_walker_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The checks above are only as good as `_imports`: module level, relative, in a function,
    under TYPE_CHECKING, and by name."""
    package = tmp_path / "sentinelhub_client" / "_core"
    package.mkdir(parents=True)
    sample = package / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sentinelhub_client.batch.models\n"
        "from ..byoc import models\n"
        "from .. import cli\n"
        "from . import retry\n"
        "if TYPE_CHECKING:\n"
        "    from sentinelhub_client.process.geometry import BBox\n"
        "def f() -> None:\n"
        "    from sentinelhub_client.s3 import _plan\n"
        "    importlib.import_module('sentinelhub_client.cog.rules')\n",
        encoding="utf-8",
    )
    found = {module for _, module in _imports(sample, tmp_path)}
    assert {
        "sentinelhub_client.batch.models",
        "sentinelhub_client.byoc.models",
        "sentinelhub_client.cli",
        "sentinelhub_client._core.retry",
        "sentinelhub_client.process.geometry.BBox",
        "sentinelhub_client.s3._plan",
        "sentinelhub_client.cog.rules",
    } <= found
