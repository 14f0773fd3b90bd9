"""The documentation site builds in strict mode, documents every public name and shows the
settings table generated from the code."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import sentinelhub_client
import sentinelhub_client.batch
import sentinelhub_client.process
from sentinelhub_client._core.config import SENTINELHUB_PY_UNUSED, SETTINGS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
DIRECTIVE = re.compile(r"^::: +([\w.]+)\s*$", re.MULTILINE)
HEADING = re.compile(r"^#+ +`([\w.]+)`\s*$", re.MULTILINE)


def _hook() -> ModuleType:
    hook = DOCS / "hooks" / "settings_table.py"
    spec = importlib.util.spec_from_file_location("settings_table", hook)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documented() -> dict[str, str]:
    """Every name the reference pages document -> the full path it is documented under."""
    found: dict[str, str] = {}
    for page in REFERENCE.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for path in DIRECTIVE.findall(text):
            found[path.rsplit(".", 1)[-1]] = path
        for name in HEADING.findall(text):
            found[name.rsplit(".", 1)[-1]] = name
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once with ``mkdocs build --strict`` (any warning fails it)."""
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _public_modules() -> list[ModuleType]:
    """The package and its subpackages with their own public names (``cog`` once it exists)."""
    modules = [sentinelhub_client, sentinelhub_client.process, sentinelhub_client.batch]
    for optional in ("sentinelhub_client.cog", "sentinelhub_client.s3"):
        if importlib.util.find_spec(optional) is not None:
            modules.append(importlib.import_module(optional))
    return modules


@pytest.mark.parametrize("module", _public_modules(), ids=lambda module: module.__name__)
def test_every_public_name_is_in_the_reference(module: ModuleType) -> None:
    documented = _documented()
    missing = [name for name in module.__all__ if name not in documented]
    assert missing == [], f"add these names of {module.__name__} to docs/reference/*.md"


def test_reference_directives_name_the_defining_module() -> None:
    """A directive points where the name is defined, and it is the object the package exports."""
    for name, path in _documented().items():
        if name == "__version__":
            continue
        module_name, _, attribute = path.rpartition(".")
        module = importlib.import_module(module_name)
        exported = [getattr(m, name) for m in _public_modules() if name in m.__all__]
        assert exported, f"{path} is not a public name"
        assert all(getattr(module, attribute) is value for value in exported), path


def test_the_site_builds_strictly_with_every_page(site: Path) -> None:
    for page in [
        "index",
        "getting-started",
        "migrating",
        "byoc-ingestion",
        "downloads",
        "process",
        "batch",
        "configuration",
        "errors",
        "emulator",
        "cli",
        "benchmarks",
        "architecture",
        "changelog",
    ]:
        assert (site / f"{page}.html").is_file(), page
    clients = (site / "reference/clients.html").read_text(encoding="utf-8")
    # mkdocstrings rendered the docstrings themselves, not only the headings
    assert "Register a tile for ingestion" in clients
    assert "Send a Process request" in clients
    changelog = (site / "changelog.html").read_text(encoding="utf-8")
    assert "Unreleased" in changelog  # CHANGELOG.md is included, not copied


def test_the_settings_table_is_generated_from_the_code(site: Path) -> None:
    source = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert _hook().TABLE_MARKER in source, "docs/configuration.md lost its settings-table marker"
    page = html.unescape((site / "configuration.html").read_text(encoding="utf-8"))
    for setting in SETTINGS:
        assert f"<code>{setting.name}</code>" in page, setting.name
        if setting.env:
            assert f"<code>{setting.env}</code>" in page, setting.env
        first_words = " ".join(setting.doc.split()[:4])
        assert first_words in page, setting.name


def test_the_refused_settings_are_generated_from_the_code(site: Path) -> None:
    source = (DOCS / "migrating.md").read_text(encoding="utf-8")
    assert _hook().REFUSED_MARKER in source, "docs/migrating.md lost its refused-settings marker"
    page = html.unescape((site / "migrating.html").read_text(encoding="utf-8"))
    for name, reason in SENTINELHUB_PY_UNUSED.items():
        assert f"<code>{name}</code>: {reason.split('(')[0].split(':')[0]}" in page, name


def test_the_table_has_one_row_per_setting() -> None:
    rows = _hook().render_settings_table().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == [s.name for s in SETTINGS]


def _search_tokens(site: Path) -> dict[str, set[str]]:
    """Each search entry's location -> its words, split as the theme's search splits them: the
    text between HTML tags, cut at the configured separator, lower-cased."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    words: dict[str, set[str]] = {}
    for doc in index["docs"]:
        found = words.setdefault(doc["location"], set())
        for section in re.split(r"<[^>]*>", doc["title"] + " " + doc["text"]):
            found.update(word.lower() for word in separator.split(section) if word)
    return words


def test_search_finds_names_written_in_code(site: Path) -> None:
    """Searching ``define_byoc`` finds the migration guide (in its text and tables) and the
    Process guide (in an example), and ``wait_for_job`` the Batch guide."""
    words = _search_tokens(site)

    def pages_with(word: str) -> set[str]:
        return {location.split("#")[0] for location, found in words.items() if word in found}

    assert {"migrating.html", "process.html"} <= pages_with("define_byoc")
    assert "batch.html" in pages_with("wait_for_job")
    assert "datacollection" in words["migrating.html#process"]


_TABLE_ROW = re.compile(r"^\|(?P<cells>.*)\|\s*$")


def _migration_tables() -> dict[str, list[list[str]]]:
    """The rows of the name tables of docs/migrating.md, by section: each row's cells."""
    text = (DOCS / "migrating.md").read_text(encoding="utf-8")
    tables: dict[str, list[list[str]]] = {}
    for section in ("Process", "Async Process", "Batch"):
        body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
        rows = [
            [cell.strip() for cell in match.group("cells").split(" | ")]
            for match in map(_TABLE_ROW.match, body.splitlines())
            if match is not None
        ]
        assert rows[0][1] == "sentinelhub-client", section  # the header row
        tables[section] = rows[2:]  # after the header and its rule
    return tables


def _declared(owner: object) -> set[str]:
    """The fields a class declares (models set them per instance, so they are not attributes)."""
    if not isinstance(owner, type):
        return set()
    return {name for klass in owner.__mro__ for name in vars(klass).get("__annotations__", {})}


def _resolve(dotted: str) -> None:
    """Check that ``Name`` or ``Name.attribute`` exists in the package."""
    first, *rest = dotted.split(".")
    assert first in sentinelhub_client.__all__, f"{first} is not exported by sentinelhub_client"
    found: object = getattr(sentinelhub_client, first)
    for part in rest:
        assert hasattr(found, part) or part in _declared(found), f"{dotted}: no {part}"
        found = getattr(found, part, None)


def test_migration_tables_name_what_the_package_has() -> None:
    """Every name in the "sentinelhub-client" column of the Process, Async Process and Batch
    tables of the migration guide is importable from ``sentinelhub_client`` (with its
    attribute, for ``Class.method``), and every row names at least one."""
    tables = _migration_tables()
    assert {section: len(rows) >= 5 for section, rows in tables.items()} == dict.fromkeys(
        tables, True
    )
    for section, rows in tables.items():
        for row in rows:
            names = re.findall(r"`([^`]+)`", row[1])
            assert names, f"{section}: the row for {row[0]} names nothing of ours"
            for name in names:
                assert re.fullmatch(r"[A-Za-z_][\w.]*", name), f"{section}: {name!r}"
                _resolve(name)
