"""`bands_from_files`: a collection's band definitions, read from a tile's files."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client.cog.rules import (
    MAX_BANDS,
    dtype_format,
    is_band_name,
    js_identifier,
    open_raster,
)

__all__ = ["BAND_PLACEHOLDER", "bands_from_files"]

#: The placeholder in a tile path that each band's ``source`` replaces.
BAND_PLACEHOLDER = "(BAND)"


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def _matches(pattern: str) -> list[tuple[str, Path]]:
    """(text standing for ``(BAND)``, file) for every local file matching ``pattern``."""
    folder, _, name = pattern.rpartition("/")
    if BAND_PLACEHOLDER in folder:
        raise SentinelHubValidationError(
            f"{pattern}: '{BAND_PLACEHOLDER}' may only appear in the file name here",
            field="files",
        )
    base = Path(folder or ".")
    pieces = [re.escape(piece) for piece in name.split(BAND_PLACEHOLDER)]
    regex = re.compile(
        "(?P<band>.+?)".join(pieces[:2]) + "".join("(?P=band)" + piece for piece in pieces[2:])
    )
    found = []
    if base.is_dir():
        for candidate in base.iterdir():
            match = regex.fullmatch(candidate.name)
            if match and candidate.is_file():
                found.append((match.group("band"), candidate))
    return sorted(found, key=lambda item: _natural_key(item[0]))


def _unique(raw_names: Sequence[str]) -> list[str]:
    """Valid, distinct identifiers for ``raw_names`` (valid names kept, clashes numbered)."""
    valid = {raw for raw in raw_names if is_band_name(raw)}
    used: set[str] = set()
    names = []
    for raw in raw_names:
        name = base = js_identifier(raw)
        suffix = 2
        while name in used or (name != raw and name in valid):
            name, suffix = f"{base}_{suffix}", suffix + 1
        used.add(name)
        names.append(name)
    return names


def bands_from_files(
    files: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> dict[str, dict[str, Any]]:
    """Band definitions (``additionalData.bands`` of a collection) inferred from a tile's files.

    ``files`` is one of:

    - a local path pattern with ``(BAND)`` in the file name (``scene/T33_(BAND).tif``): each
      matching file is a band source, named after the text that stands for ``(BAND)``
      (``<text>_1``..``<text>_n`` for a multi-band file);
    - one multi-band file: bands ``B1``..``Bn``;
    - a list of files: as for a pattern, each file's stem is its band's source.

    Each band gets ``bitDepth``, ``sampleFormat``, ``bandIndex``, ``source`` (when the tile path
    has ``(BAND)``) and ``noData`` (when the file declares one). Names are made valid
    JavaScript identifiers. Raises `SentinelHubValidationError` when nothing matches, a data
    type is not supported, or there would be more than 100 bands.
    """
    entries: list[tuple[str | None, Path]]
    if isinstance(files, str | os.PathLike):
        text = os.fspath(files)
        if BAND_PLACEHOLDER in text:
            entries = [(value, path) for value, path in _matches(text)]
            if not entries:
                raise SentinelHubValidationError(
                    f"no file matches {text} ('{BAND_PLACEHOLDER}' stands for each band's name)",
                    field="files",
                )
        else:
            entries = [(None, Path(text))]
    else:
        entries = [(Path(f).stem, Path(f)) for f in files]
        if not entries:
            raise SentinelHubValidationError("files is empty; give band files", field="files")
    raw: list[tuple[str, dict[str, Any]]] = []
    for source, path in entries:
        if not path.is_file():
            raise SentinelHubValidationError(f"{path}: no such file", field="files")
        with open_raster(path, str(path)) as src:
            dtypes = [str(d) for d in src.dtypes]
            nodata = src.nodatavals
        for index, dtype in enumerate(dtypes, start=1):
            fmt = dtype_format(dtype)
            if fmt is None:
                raise SentinelHubValidationError(
                    f"{path}: band {index} is {dtype}, which BYOC does not support; convert it "
                    "to 8, 16 or 32-bit integers or 32-bit floats",
                    field="files",
                )
            spec: dict[str, Any] = {"bitDepth": fmt[0], "sampleFormat": fmt[1], "bandIndex": index}
            if source is not None:
                spec["source"] = source
            if nodata[index - 1] is not None:
                spec["noData"] = float(nodata[index - 1])
            if source is None:
                name = f"B{index}"
            else:
                name = source if len(dtypes) == 1 else f"{source}_{index}"
            raw.append((name, spec))
    if len(raw) > MAX_BANDS:
        raise SentinelHubValidationError(
            f"the files hold {len(raw)} bands, more than the {MAX_BANDS} a collection may have",
            field="files",
        )
    names = _unique([name for name, _ in raw])
    return {name: spec for name, (_, spec) in zip(names, raw, strict=True)}
