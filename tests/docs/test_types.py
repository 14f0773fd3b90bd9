"""Every Python example of README.md and docs/ type-checks with ``mypy --strict``.

The examples of a page are put one after the other, in the page's order, into one module (as
the reader's session holds them), and every page's module is checked in one run of mypy with
the project's configuration (``pyproject.toml``: ``mypy_path`` generated/facade/emulator and its
overrides), ``--strict``. Errors are reported at the page and line of the example. Examples not
run by the tests are checked too: credentials are not needed to type-check.

One addition to the configuration: sentinelhub-py's package imports its public names into
``sentinelhub/__init__.py`` without an ``__all__``, which strict mode reads as "not exported";
its modules get ``implicit_reexport`` so that ``sentinelhub.DataCollection`` type-checks as its
users write it. Nothing of ours is affected.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.docs.examples import ROOT, examples, markdown_files

_ERROR = re.compile(r"^(?P<file>[^:\n]+\.py):(?P<line>\d+): (?P<kind>error|note): (?P<text>.*)$")


def page_module(page: Path) -> tuple[str, list[int]]:
    """The examples of a page as one module, and the page line of each module line."""
    lines: list[str] = []
    origin: list[int] = []
    for block in examples(page):
        for offset, text in enumerate(block.code.splitlines()):
            lines.append(text)
            origin.append(block.line + offset)
        lines.append("")
        origin.append(origin[-1] if origin else 1)
    return "\n".join(lines) + "\n", origin


def mypy_config(path: Path) -> Path:
    """The project's mypy configuration as an INI file at ``path``, with the one addition above
    (``files`` left out: the examples are the files)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        settings: dict[str, Any] = dict(tomllib.load(file)["tool"]["mypy"])
    overrides = [
        *settings.pop("overrides", []),
        {"module": ["sentinelhub", "sentinelhub.*"], "implicit_reexport": True},
    ]
    settings.pop("files", None)

    def ini(value: object) -> str:
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return str(value)

    lines = ["[mypy]", *(f"{key} = {ini(value)}" for key, value in settings.items())]
    for override in overrides:
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        lines.append(f"[mypy-{','.join(modules)}]")
        lines += [f"{key} = {ini(value)}" for key, value in override.items() if key != "module"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _module_name(page: Path) -> str:
    slug = re.sub(r"\W+", "_", _shown(page.with_suffix("")))
    return f"docs_page_{slug.strip('_').lower()}"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mypy's cache for this module's runs only: mypy reports a module unchanged since the cache
    was written at the path it had then, so runs must not share a cache with earlier ones."""
    return tmp_path_factory.mktemp("mypy-cache")


def type_errors(pages: list[Path], tmp_path: Path, cache: Path) -> list[str]:
    """mypy's findings on the examples of ``pages``, each at its page and line."""
    modules: dict[Path, tuple[Path, list[int]]] = {}
    (tmp_path / "pages").mkdir()
    for page in pages:
        if not examples(page):
            continue
        code, origin = page_module(page)
        path = tmp_path / "pages" / f"{_module_name(page)}.py"
        path.write_text(code, encoding="utf-8")
        modules[path.resolve()] = (page, origin)
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(mypy_config(tmp_path / "mypy.ini")),
            "--strict",
            "--follow-imports=silent",  # report the examples, not the package they import
            "--no-error-summary",
            "--show-error-codes",
            "--cache-dir",
            str(cache),
            *map(str, modules),
        ],
        cwd=ROOT,  # the configuration's mypy_path is relative to it
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    problems = []
    for line in result.stdout.splitlines():
        match = _ERROR.match(line)
        if match is None:
            problems.append(line)
            continue
        page, origin = modules[(ROOT / match.group("file")).resolve()]
        where = f"{_shown(page)}:{origin[int(match.group('line')) - 1]}"
        problems.append(f"{where}: {match.group('kind')}: {match.group('text')}")
    if result.returncode != 0 and not problems:
        problems.append(f"mypy exited with {result.returncode}: {result.stderr}")
    return problems


def _shown(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name


def test_every_example_type_checks_strictly(tmp_path: Path, cache: Path) -> None:
    pages = [page for page in markdown_files() if examples(page)]
    assert len(pages) >= 10
    problems = type_errors(pages, tmp_path, cache)
    assert not problems, "\n".join(problems)


def test_a_type_error_is_reported_at_its_page_line(tmp_path: Path, cache: Path) -> None:
    """The check sees the examples: a wrong call on a page is found, at the page's line."""
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n```python\nfrom sentinelhub_client import SHConfig\n```\n\ntext\n\n"
        '```python\nSHConfig(timeout="slow")\n```\n',
        encoding="utf-8",
    )
    problems = type_errors([page], tmp_path, cache)
    assert len(problems) == 1, problems
    assert problems[0].startswith('page.md:10: error: Argument "timeout" to "SHConfig"')
