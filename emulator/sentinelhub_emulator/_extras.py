"""What the emulator needs beyond the base install, checked before anything imports it.

``pip install sentinelhub-client`` leaves out the emulator's server, V8 and raster stack; they
come with the ``emulator`` extra. ``import sentinelhub_emulator`` then raises `MissingExtraError`
(an `ImportError` naming the extra and the pip command, the failed import as its cause), and the
``sentinelhub-emulator`` command (or ``python -m sentinelhub_emulator``) prints that as one line
on stderr and exits with code 2.

The facade keeps the table of every extra (``sentinelhub_client._core.extras``); the emulator
never imports the facade, so it lists its own modules here (a test keeps both equal).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Final

__all__ = [
    "COMMAND",
    "EXTRA",
    "MODULES",
    "MissingExtraError",
    "require_emulator_extra",
]

EXTRA: Final = "emulator"
INSTALL: Final = 'pip install "sentinelhub-client[emulator]"'
COMMAND: Final = "sentinelhub-emulator"

#: The top-level modules of the ``emulator`` extra (and of the geo and process extras it pulls).
MODULES: Final = (
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
)


class MissingExtraError(ImportError):
    """The emulator's extra is not installed; the message names it and the pip command."""


def _missing_module() -> str | None:
    for module in MODULES:
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except (ImportError, ValueError):
            return module
    return None


def _run_as_command() -> bool:
    """True when this process is the ``sentinelhub-emulator`` command or
    ``python -m sentinelhub_emulator`` (the package is imported on the way to ``main``)."""
    if Path(sys.argv[0]).name.startswith(COMMAND):
        return True
    argv = sys.orig_argv
    if sys.argv[0] == "-m" and "-m" in argv[:-1]:
        return argv[argv.index("-m") + 1] in (
            "sentinelhub_emulator",
            "sentinelhub_emulator.__main__",
        )
    return False


def require_emulator_extra(what: str = "sentinelhub_emulator") -> None:
    """Raise `MissingExtraError` naming ``what`` unless the emulator's modules are installed;
    run as the command, print that in one line on stderr and exit with code 2 instead."""
    module = _missing_module()
    if module is None:
        return
    if _run_as_command():
        print(f'{COMMAND} needs the "{EXTRA}" extra: {INSTALL}', file=sys.stderr)
        raise SystemExit(2)
    message = f'{what} needs the "{EXTRA}" extra: {INSTALL}'
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(message, name=module) from exc
    raise MissingExtraError(message, name=module)  # pragma: no cover - found after all
