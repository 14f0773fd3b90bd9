"""The optional parts of sentinelhub-client and the extra that installs each: the one table.

``pip install sentinelhub-client`` gives the clients and ``shc`` without numpy, rasterio, boto3 or
the emulator's server. A feature that needs more checks for it where it is imported (or, for a
command of ``shc``, before it runs) with `require_extra`, or turns the failing import into
`MissingExtraError` with `translate_missing`; either way the message names the extra and the
exact pip command, and ``shc`` prints it as one line with exit code 2.

The emulator (``sentinelhub_emulator``) never imports this module (layers); it checks its own
modules in ``sentinelhub_emulator._extras``, which lists the modules of `EXTRA_MODULES`'s
``emulator`` row (a test keeps the two equal).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Final

__all__ = [
    "DISTRIBUTION",
    "EXTRA_MODULES",
    "FEATURE_EXTRAS",
    "MissingExtraError",
    "install_command",
    "missing_extras",
    "needs_message",
    "require_extra",
    "translate_missing",
]

#: The name pip installs.
DISTRIBUTION: Final = "sentinelhub-client"

#: Each extra -> the top-level modules our code imports from it (pyproject's
#: ``[project.optional-dependencies]`` says which distributions provide them).
EXTRA_MODULES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "geo": ("numpy", "rasterio", "shapely", "pyproj"),
        "process": ("numpy", "tifffile", "PIL"),
        "s3": ("boto3", "botocore"),
        "dataframe": ("pandas",),
        "dask": ("dask", "distributed"),  # sentinelhub_client.dask with a Dask client
        # The emulator extra pulls geo and process: its ingestion reads COGs, its Process
        # service renders images (and the demo decodes them).
        "emulator": (
            "starlette",
            "uvicorn",
            "jsonschema",
            "yaml",
            "py_mini_racer",
            "numpy",
            "rasterio",
            "shapely",
            "pyproj",
            "tifffile",
            "PIL",
        ),
    }
)

#: Each of our modules (or feature) that needs an extra -> that extra.
FEATURE_EXTRAS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sentinelhub_client.cog": "geo",
        "sentinelhub_client.s3": "s3",
        "sentinelhub_client.process.decoding": "process",
        "sentinelhub_client.demo": "emulator",
        "sentinelhub_emulator": "emulator",
    }
)


def install_command(extras: Iterable[str]) -> str:
    """``pip install "sentinelhub-client[geo,s3]"`` for ``["geo", "s3"]``."""
    return f'pip install "{DISTRIBUTION}[{",".join(sorted(set(extras)))}]"'


def needs_message(what: str, extras: Iterable[str]) -> str:
    """``X needs the "geo" extra: pip install "sentinelhub-client[geo]"`` (one line)."""
    wanted = sorted(set(extras))
    if len(wanted) == 1:
        names = f'the "{wanted[0]}" extra'
    else:
        names = "the " + " and ".join(f'"{extra}"' for extra in wanted) + " extras"
    return f"{what} needs {names}: {install_command(wanted)}"


class MissingExtraError(ImportError):
    """Something needs an extra that is not installed; the message names the extra and the pip
    command. The import that failed is the cause (``__cause__``)."""

    def __init__(self, what: str, extras: Iterable[str], *, missing: str | None = None) -> None:
        self.what = what
        self.extras = tuple(sorted(set(extras)))
        super().__init__(needs_message(what, self.extras), name=missing)

    @property
    def command(self) -> str:
        """The pip command that installs what is missing."""
        return install_command(self.extras)


def _missing_module(modules: Iterable[str]) -> str | None:
    """The first of ``modules`` that cannot be imported (found without importing it)."""
    for module in modules:
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except (ImportError, ValueError):
            return module
    return None


def missing_extras(extras: Iterable[str]) -> dict[str, str]:
    """Each of ``extras`` that is not installed -> the first of its modules that is missing."""
    missing = {}
    for extra in extras:
        module = _missing_module(EXTRA_MODULES[extra])
        if module is not None:
            missing[extra] = module
    return missing


def require_extra(what: str, *extras: str) -> None:
    """Raise `MissingExtraError` naming ``what`` unless every one of ``extras`` is installed.

    Nothing is imported when they are: the check only looks the modules up (cheap enough for an
    ``__init__``).
    """
    missing = missing_extras(extras)
    if not missing:
        return
    module = next(iter(missing.values()))
    try:
        importlib.import_module(module)
    except ImportError as exc:  # the real failure becomes the cause
        raise MissingExtraError(what, missing, missing=module) from exc
    raise MissingExtraError(what, missing, missing=module)  # pragma: no cover - found after all


@contextmanager
def translate_missing(what: str, extra: str) -> Iterator[None]:
    """Turn a `ModuleNotFoundError` for one of ``extra``'s modules, raised in the block, into
    `MissingExtraError` (other import errors, a broken install say, pass unchanged)."""
    try:
        yield
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if top not in EXTRA_MODULES[extra]:
            raise
        raise MissingExtraError(what, [extra], missing=top) from exc
