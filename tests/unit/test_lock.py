"""The lock (requirements/constraints.txt) covers pyproject.toml, and this environment follows it.

The lock is what both README commands install with (``pip install -c requirements/constraints.txt
...``); scripts/lock refreshes it. These checks run offline: they read the two files and the
installed distributions, never an index.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "constraints.txt"
PROJECT = "sentinelhub-client"
_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(?:;\s*(?P<marker>.+))?$"
)


def lock_pins() -> dict[str, list[tuple[Version, Marker | None]]]:
    """name -> [(version, marker)]: one package may be pinned per Python version."""
    pins: dict[str, list[tuple[Version, Marker | None]]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _PIN.match(line.strip())
        assert found, f"not a plain pin in the lock: {line!r} (constraints take name==version)"
        marker = Marker(found["marker"]) if found["marker"] else None
        name = canonicalize_name(found["name"])
        pins.setdefault(name, []).append((Version(found["version"]), marker))
    return pins


def pinned_here(pins: dict[str, list[tuple[Version, Marker | None]]], name: str) -> Version | None:
    """The version the lock gives ``name`` on this interpreter and platform."""
    for version, marker in pins.get(canonicalize_name(name), []):
        if marker is None or marker.evaluate():
            return version
    return None


def project_requirements() -> list[tuple[str, Requirement]]:
    """(extra or "core", requirement) for every dependency pyproject.toml declares."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [("core", Requirement(text)) for text in project["dependencies"]]
    for extra, texts in project["optional-dependencies"].items():
        found += [(extra, Requirement(text)) for text in texts]
    return [(extra, req) for extra, req in found if canonicalize_name(req.name) != PROJECT]


def test_every_declared_dependency_is_locked_within_its_range() -> None:
    pins = lock_pins()
    problems = []
    for extra, requirement in project_requirements():
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        version = pinned_here(pins, requirement.name)
        if version is None:
            problems.append(f"{requirement} ({extra}) is not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement} ({extra}) but the lock pins {version}")
    assert problems == [], "run scripts/lock:\n" + "\n".join(problems)


def test_the_lock_pins_a_package_at_most_once_per_environment() -> None:
    for name, entries in lock_pins().items():
        applying = [version for version, marker in entries if marker is None or marker.evaluate()]
        assert len(applying) <= 1, f"{name}: {applying} apply to this interpreter"


def test_the_lock_does_not_pin_the_project_itself() -> None:
    assert PROJECT not in lock_pins(), "users install the project from the checkout, not a pin"


@pytest.mark.skipif(
    os.environ.get("SH_CHECK_LATEST") == "1",
    reason="scripts/check-latest installs the newest versions on purpose, not the lock's",
)
def test_this_environment_has_the_locked_versions() -> None:
    """What `pip install -c requirements/constraints.txt -e ".[dev]"` gives: every installed
    package the lock knows is at the lock's version (a venv upgraded by hand fails here; rerun
    the README's command 2 to go back to the lock)."""
    pins = lock_pins()
    drift = []
    for distribution in metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"])
        wanted = pinned_here(pins, name)
        if wanted is not None and Version(distribution.version) != wanted:
            drift.append(f"{name} {distribution.version} (lock: {wanted})")
    assert drift == [], "this environment left the lock:\n" + "\n".join(sorted(drift))


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\s+(python3 -m venv \.venv && .+)$", text, flags=re.MULTILINE)


def test_both_readme_commands_install_with_the_lock_and_ci_runs_the_second() -> None:
    demo, tests = _readme_commands()[:2]
    for command in (demo, tests):
        assert '-c requirements/constraints.txt -e ".[' in command, command
    assert demo.endswith("shc demo")
    assert tests.endswith("pytest -q")
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests.strip() in [line.strip() for line in ci_lines], ".ci/run must run README command 2"
