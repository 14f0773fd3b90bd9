"""A virtual environment with sentinelhub-client's base install only, built offline.

`build_base_env` makes a venv without pip and links into its site-packages exactly the files of
the distributions the project needs without extras (the closure of ``sentinelhub-client``'s
requirements, read from the running environment's metadata), the project's own metadata, a
``.pth`` with ``generated/``, ``facade/`` and ``emulator/``, and one small script per entry point
of ``[project.scripts]``. numpy, rasterio, boto3, starlette, ... stay out, as after
``pip install sentinelhub-client``.
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.requirements import Requirement

__all__ = ["PROJECT", "ROOT", "BaseEnv", "Run", "base_closure", "build_base_env", "normalize"]

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "sentinelhub-client"


def normalize(name: str) -> str:
    """A distribution name as pip compares it (``Mini_Racer`` -> ``mini-racer``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def base_closure(
    project: str = PROJECT, extras: Sequence[str] = ()
) -> dict[str, metadata.Distribution]:
    """Every installed distribution ``project`` needs (with ``extras``; none: the base install),
    by normalised name (``project`` itself included), following requirements and the extras they
    ask for."""
    found: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(project, frozenset(extras))]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        key = (normalize(name), extras)
        if key in done:
            continue
        done.add(key)
        dist = found.get(key[0]) or metadata.distribution(name)
        found[key[0]] = dist
        for text in dist.requires or ():
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({"extra": extra}) for extra in (*extras, "")
            ):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return found


@dataclass(frozen=True)
class Run:
    """What one command did: its exit code and its output."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


@dataclass(frozen=True)
class BaseEnv:
    """The venv: its interpreter, its scripts folder and an environment to run them in."""

    root: Path
    python: Path
    bin: Path
    site_packages: Path
    env: Mapping[str, str]

    def with_env(self, extra: Mapping[str, str]) -> BaseEnv:
        """The same venv, run with ``extra`` added to the environment."""
        return replace(self, env={**self.env, **extra})

    def run(self, *args: str | Path, cwd: Path | None = None, timeout: float = 60) -> Run:
        """Run ``args`` (a script of the venv by name, or ``python``) to the end."""
        argv = [str(a) for a in args]
        if argv[0] == "python":
            argv[0] = str(self.python)
        elif "/" not in argv[0]:
            argv[0] = str(self.bin / argv[0])
        done = subprocess.run(  # noqa: S603 - our own scripts
            argv,
            capture_output=True,
            text=True,
            env=dict(self.env),
            cwd=cwd or self.root,
            timeout=timeout,
            check=False,
        )
        return Run(tuple(argv), done.returncode, done.stdout, done.stderr)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.symlink_to(source)


def _link_distribution(dist: metadata.Distribution, site: Path, *, metadata_only: bool) -> int:
    """Link the files of ``dist`` that live in site-packages; the count linked."""
    count = 0
    for file in dist.files or ():
        parts = Path(file).parts
        if not parts or ".." in parts or Path(file).is_absolute():
            continue  # scripts and data outside site-packages: the venv gets its own scripts
        if metadata_only and not parts[0].endswith(".dist-info"):
            continue
        source = Path(str(dist.locate_file(file)))
        if source.is_file():
            _link(source, site / file)
            count += 1
    return count


def _script(python: Path, target: str) -> str:
    module, _, function = target.partition(":")
    return (
        f"#!{python}\n"
        "import sys\n"
        f"from {module} import {function}\n"
        "if __name__ == '__main__':\n"
        f"    sys.exit({function}())\n"
    )


def _scripts() -> dict[str, str]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        scripts: dict[str, str] = tomllib.load(file)["project"]["scripts"]
    return scripts


def _environment(root: Path, bin_dir: Path, home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "SH_", "VIRTUAL_ENV", "AWS_"))
    }
    env.update(
        PATH=os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        VIRTUAL_ENV=str(root),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
        NO_COLOR="1",
        COLUMNS="100",
    )
    return env


def build_base_env(
    root: Path, *, folders: Sequence[str] = ("generated", "facade", "emulator")
) -> BaseEnv:
    """A venv at ``root`` holding the base install of the project (see the module docstring)."""
    subprocess.run(  # noqa: S603 - the running interpreter
        [sys.executable, "-m", "venv", "--without-pip", str(root)], check=True
    )
    bin_dir = root / "bin"
    python = bin_dir / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = root / "lib" / version / "site-packages"
    if not site.is_dir():  # pragma: no cover - another layout: ask the interpreter
        site = Path(
            subprocess.run(  # noqa: S603
                [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    for name, dist in base_closure().items():
        _link_distribution(dist, site, metadata_only=name == PROJECT)
    (site / "_sentinelhub_client_base.pth").write_text(
        "".join(f"{ROOT / folder}\n" for folder in folders)
    )
    for name, target in _scripts().items():
        path = bin_dir / name
        path.write_text(_script(python, target))
        path.chmod(0o755)
    home = root / "home"
    home.mkdir()
    return BaseEnv(root, python, bin_dir, site, _environment(root, bin_dir, home))
