"""The plan of an ingestion: which local files form which tile, under which path in the bucket,
with which bands, and which tiles are refused before anything is converted or uploaded.

Grouping, in this order of precedence:

- ``file_pattern``: a regular expression searched in each file's path relative to the folder,
  with named groups ``tile`` (which tile the file belongs to), ``band`` (the band name, the text
  that stands for ``(BAND)``) and ``time`` (the sensing time, ISO 8601 or
  ``YYYYMMDD[THHMMSS]``); all optional. Files it does not match are left out (and listed).
- ``band_map``: file name (or a glob such as ``*_B02.tif``) -> band name. Files of one folder that
  it names form one tile (with a file pattern: one tile per ``tile`` group), stored as
  ``<folder>/<band>.tif`` and registered as ``<folder>/(BAND).tif``.
- By default, single-band files of one folder whose names differ only in one part that looks
  like a band name (``scene_B02.tif``, ``scene_B03.tif``; or ``B02.tif``, ``B03.tif`` in a folder
  per scene) form one tile whose path has ``(BAND)`` in place of that part. Every other file is
  a tile on its own (a multi-band file's bands are ``B1``...``Bn``).

A tile path is ``<prefix>/<relative path>``. Files are stored in the bucket under the tile's
path with ``(BAND)`` replaced by each band's name (files converted from another format get the
``.tif`` suffix).

Checks made here, on metadata only (nothing is decoded, converted or sent): the files of a
tile share one CRS and one extent; each band's sample type agrees with the collection's declared
bands, or, for a collection without bands, with the first tile of the plan that has that band.
A tile that fails a check is refused with the file, the band, both types and the fix; the
others go on.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError

__all__ = [
    "BAND_PLACEHOLDER",
    "DeclaredBand",
    "FileInfo",
    "IngestPlan",
    "PlannedFile",
    "PlannedTile",
    "bucket_root",
    "group_files",
    "load_band_map",
    "parse_sensing_time",
    "plan_ingestion",
]

BAND_PLACEHOLDER = "(BAND)"
RASTER_SUFFIXES = (".tif", ".tiff")
_COMPACT = ("%Y%m%dT%H%M%S", "%Y%m%dT%H%M", "%Y%m%d")
_SEPARATORS = re.compile(r"([_\-.])")
_BAND_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$")
#: GDAL's names of the data types, for the fix in a refusal (``gdal_translate -ot``).
_GDAL_TYPES = {
    "uint8": "Byte",
    "int8": "Int8",
    "uint16": "UInt16",
    "int16": "Int16",
    "uint32": "UInt32",
    "int32": "Int32",
    "float32": "Float32",
    "float64": "Float64",
}
_DTYPES = {  # (sample format, bit depth) -> numpy dtype name
    ("UINT", 8): "uint8",
    ("INT", 8): "int8",
    ("UINT", 16): "uint16",
    ("INT", 16): "int16",
    ("UINT", 32): "uint32",
    ("INT", 32): "int32",
    ("FLOAT", 32): "float32",
}


def parse_sensing_time(text: str) -> str:
    """An ISO 8601 UTC time (``...Z``) from ISO or compact text; ValueError if neither."""
    value = text.strip()
    for fmt in _COMPACT:
        try:
            parsed = datetime.strptime(value, fmt).replace(tzinfo=UTC)
            break
        except ValueError:
            continue
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- grouping (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One file of a group: its relative path, the band it holds (None: the tile's only file,
    all its bands), and its name in the bucket relative to the prefix."""

    rel: str
    band: str | None
    target: str


@dataclass(frozen=True)
class Group:
    """Files that form one tile: its path relative to the prefix, and its sensing time text."""

    template: str
    members: tuple[Member, ...]
    time: str | None = None


def _stored_name(rel: str) -> str:
    """A file's name in the bucket: the same, with ``.tif`` for files of another format."""
    path = PurePosixPath(rel)
    return rel if path.suffix.lower() in RASTER_SUFFIXES else str(path.with_suffix(".tif"))


def _folder(rel: str) -> str:
    return rel.rpartition("/")[0]


def _join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


def _default_groups(rels: Sequence[str], single_band: Callable[[str], bool]) -> list[Group]:
    """Single-band files of one folder whose names differ in one band-like part form a tile."""
    candidates: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
    for rel in rels:
        if not single_band(rel):
            continue
        folder, _, name = rel.rpartition("/")
        path = PurePosixPath(name)
        tokens = _SEPARATORS.split(path.stem)
        for index, token in enumerate(tokens):
            if index % 2 == 0 and _BAND_LIKE.match(token):
                key = (folder, *tokens[:index], BAND_PLACEHOLDER, *tokens[index + 1 :], path.suffix)
                candidates[key].append((rel, token))
    # The largest groups first; at equal size the band part nearest the end of the name.
    ordered = sorted(
        (key for key, found in candidates.items() if len(found) >= 2),
        key=lambda key: (-len(candidates[key]), -key.index(BAND_PLACEHOLDER)),
    )
    taken: set[str] = set()
    groups: list[Group] = []
    for key in ordered:
        found = [(rel, band) for rel, band in candidates[key] if rel not in taken]
        if len(found) < 2 or len({band for _, band in found}) != len(found):
            continue
        taken.update(rel for rel, _ in found)
        folder, *stem, suffix = key
        template = _join(folder, "".join(stem) + suffix)
        members = tuple(
            Member(rel, band, _stored_name(template.replace(BAND_PLACEHOLDER, band)))
            for rel, band in sorted(found, key=lambda item: _natural_key(item[1]))
        )
        groups.append(Group(_stored_name(template), members))
    groups.extend(
        Group(_stored_name(rel), (Member(rel, None, _stored_name(rel)),))
        for rel in rels
        if rel not in taken
    )
    return sorted(groups, key=lambda g: _natural_key(g.template))


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def _mapped_band(name: str, band_map: Mapping[str, str]) -> str | None:
    if name in band_map:
        return band_map[name]
    for pattern, band in band_map.items():
        if fnmatch.fnmatchcase(name, pattern):
            return band
    return None


def group_files(
    rels: Sequence[str],
    *,
    file_pattern: str | re.Pattern[str] | None = None,
    band_map: Mapping[str, str] | None = None,
    single_band: Callable[[str], bool] = lambda _rel: True,
) -> tuple[list[Group], list[str]]:
    """Group relative file paths into tiles (see the module docstring); returns the groups and
    the files left out (not matched by ``file_pattern``, or not named by ``band_map``)."""
    pattern = re.compile(file_pattern) if isinstance(file_pattern, str) else file_pattern
    if pattern is None and not band_map:
        return _default_groups(rels, single_band), []
    skipped: list[str] = []
    # tile key -> [(rel, band or None, template of this file, time)]
    keyed: dict[str, list[tuple[str, str | None, str, str | None]]] = defaultdict(list)
    for rel in rels:
        band: str | None = None
        time: str | None = None
        if pattern is not None:
            found = pattern.search(rel)
            if found is None:
                skipped.append(rel)
                continue
            groups = found.groupdict()
            time = groups.get("time")
            if groups.get("band") is not None:
                band = groups["band"]
                start, end = found.span("band")
                own_template = rel[:start] + BAND_PLACEHOLDER + rel[end:]
            else:
                own_template = rel
            key = groups.get("tile") or own_template
        else:
            own_template = rel
            key = _folder(rel)
        if band_map:
            mapped = _mapped_band(PurePosixPath(rel).name, band_map)
            if mapped is None:
                skipped.append(rel)
                continue
            band = mapped
            own_template = _join(_folder(rel), BAND_PLACEHOLDER + ".tif")
        keyed[key].append((rel, band, own_template, time))
    result: list[Group] = []
    for key, files in keyed.items():
        templates = {template for _, _, template, _ in files}
        if len(templates) == 1:
            template = _stored_name(templates.pop())
        else:  # the files' names differ in more than the band: store them as <tile>/<band>.tif
            template = _join(_folder(files[0][0]), _safe(key), BAND_PLACEHOLDER + ".tif")
        members = tuple(
            Member(
                rel,
                band,
                _stored_name(template.replace(BAND_PLACEHOLDER, band) if band else template),
            )
            for rel, band, _, _ in sorted(files, key=lambda f: _natural_key(f[1] or f[0]))
        )
        times = {time for _, _, _, time in files if time}
        result.append(Group(template, members, min(times) if times else None))
    return sorted(result, key=lambda g: _natural_key(g.template)), skipped


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", key).strip("_") or "tile"


def load_band_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """A band map file: a JSON object ``{"file name or glob": "band"}``, or lines ``NAME BAND``
    (``NAME=BAND``, ``NAME,BAND`` and ``NAME: BAND`` too; ``#`` starts a comment)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise SentinelHubValidationError(
                f"{path}: a band map is a JSON object of file name -> band name",
                field="band_map",
            )
        return dict(data)
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p for p in re.split(r"\s*[=,:]\s*|\s+", line) if p]
        if len(parts) != 2:
            raise SentinelHubValidationError(
                f"{path}:{number}: expected 'FILE BAND' (or FILE=BAND), got {line!r}",
                field="band_map",
            )
        mapping[parts[0]] = parts[1]
    return mapping


# -- where the bucket is ----------------------------------------------------------------------


def bucket_root(bucket_dir: str | os.PathLike[str]) -> tuple[Path, str]:
    """The bucket folder and the prefix inside it that ``bucket_dir`` stands for.

    A folder inside an emulator's bucket (``DATA_DIR/buckets/NAME/sub/folder``, recognised by
    the emulator's database in ``DATA_DIR``) is ``(DATA_DIR/buckets/NAME, "sub/folder")``, so
    that tile paths are relative to the bucket; any other folder is the bucket itself.
    """
    folder = Path(bucket_dir).absolute()
    for candidate in (folder, *folder.parents):
        parent = candidate.parent
        if parent.name == "buckets" and (parent.parent / "emulator.sqlite3").is_file():
            return candidate, folder.relative_to(candidate).as_posix().strip(".")
    return folder, ""


# -- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """What planning reads of a file (metadata only)."""

    crs: str
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]
    width: int
    height: int
    dtypes: tuple[str, ...]
    compliant: bool | None = None  # a compliant COG already (structure only); None: not known


@dataclass(frozen=True)
class DeclaredBand:
    """A band as a collection declares it."""

    name: str
    source: str
    band_index: int
    dtype: str


@dataclass
class PlannedFile:
    """One local file of a tile."""

    source: Path
    rel: str
    band: str | None  # the text that replaces (BAND); None: the tile's only file
    key: str  # the object's path in the bucket (prefix included)
    info: FileInfo | None = None


@dataclass
class PlannedTile:
    """One tile: its path in the bucket, files, bands and types, sensing time, and the reason
    when it is refused."""

    path: str
    files: list[PlannedFile]
    sensing_time: str | None = None
    bands: dict[str, str] = field(default_factory=dict)  # band -> dtype
    refused: str = ""
    exists: bool = False

    @property
    def conversions(self) -> int:
        return sum(f.info is not None and f.info.compliant is False for f in self.files)


@dataclass
class IngestPlan:
    """Every tile of a run, the files left out, and where they go."""

    tiles: list[PlannedTile]
    skipped: list[str]
    prefix: str
    destination: str

    @property
    def accepted(self) -> list[PlannedTile]:
        return [t for t in self.tiles if not t.refused]

    @property
    def refused(self) -> list[PlannedTile]:
        return [t for t in self.tiles if t.refused]

    def rows(self) -> list[dict[str, Any]]:
        """One row per tile, for a table or JSON lines."""
        return [
            {
                "path": t.path,
                "bands": ", ".join(f"{b}:{d}" for b, d in t.bands.items()),
                "files": len(t.files),
                "convert": t.conversions,
                "upload": ", ".join(f.key for f in t.files) if not t.refused else "",
                "registration": "" if t.refused else ("existing" if t.exists else "new"),
                "sensing_time": t.sensing_time or "",
                "reason": t.refused,
            }
            for t in self.tiles
        ]

    def summary(self) -> str:
        accepted = self.accepted
        return (
            f"plan: {len(self.tiles)} tiles ({len(self.refused)} refused), "
            f"{sum(len(t.files) for t in accepted)} files to {self.destination}, "
            f"{sum(t.conversions for t in accepted)} to convert, "
            f"{sum(not t.exists for t in accepted)} to register, "
            f"{sum(t.exists for t in accepted)} already registered, "
            f"{len(self.skipped)} files left out"
        )


def read_info(path: Path, *, check: bool = False) -> FileInfo:
    """A file's CRS, extent, resolution and sample types (and, with ``check``, whether it is a
    compliant COG already, from its structure)."""
    from sentinelhub_client.cog.rules import open_raster
    from sentinelhub_client.cog.validate import validate_cog

    with open_raster(path, str(path)) as src:
        crs = src.crs.to_string() if src.crs is not None else ""
        left, bottom, right, top = (float(v) for v in src.bounds)
        info = FileInfo(
            crs=crs,
            bounds=(min(left, right), min(bottom, top), max(left, right), max(bottom, top)),
            res=(abs(float(src.transform.a)), abs(float(src.transform.e))),
            width=int(src.width),
            height=int(src.height),
            dtypes=tuple(str(d) for d in src.dtypes),
        )
    if check:
        compliant = (
            path.suffix.lower() in RASTER_SUFFIXES and validate_cog(path, read_data=False).is_valid
        )
        info = FileInfo(**{**info.__dict__, "compliant": compliant})
    return info


def _kind(dtype: str) -> str:
    from sentinelhub_client.cog.rules import dtype_format

    found = dtype_format(dtype)
    return f"{dtype}" if found is None else f"{dtype} ({found[1]} {found[0]}-bit)"


def _type_refusal(file: PlannedFile, band: str, has: str, wants: str, by: str) -> str:
    return (
        f"{file.source}: band {band} holds {_kind(has)} but {by} {_kind(wants)}; convert it "
        f"(gdal_translate -ot {_GDAL_TYPES.get(wants, wants)} ...) or ingest it into another "
        "collection"
    )


def _tile_bands(tile: PlannedTile) -> list[tuple[str, str, int, PlannedFile, str]]:
    """(band name, source text, band index, file, dtype) of every band of a tile."""
    found = []
    for file in tile.files:
        assert file.info is not None
        for index, dtype in enumerate(file.info.dtypes, start=1):
            if file.band is None:
                found.append((f"B{index}", f"B{index}", index, file, dtype))
            elif len(file.info.dtypes) == 1:
                found.append((file.band, file.band, 1, file, dtype))
            else:
                found.append((f"{file.band}_{index}", file.band, index, file, dtype))
    return found


def _check_grid(tile: PlannedTile) -> str:
    first = tile.files[0]
    assert first.info is not None
    for other in tile.files[1:]:
        assert other.info is not None
        label = f"band {other.band}" if other.band else "its file"
        if other.info.crs != first.info.crs:
            return (
                f"{other.source} ({label}) is in {other.info.crs or 'no CRS'} but {first.source} "
                f"is in {first.info.crs or 'no CRS'}; all bands of a tile share one CRS: "
                "reproject it (shc cog convert --crs, or gdalwarp -t_srs) first"
            )
        tolerance = max(*first.info.res, *other.info.res)
        if any(
            abs(a - b) > tolerance
            for a, b in zip(first.info.bounds, other.info.bounds, strict=True)
        ):
            return (
                f"{other.source} ({label}) covers {other.info.bounds} but {first.source} covers "
                f"{first.info.bounds}; all bands of a tile share one grid (the same extent): "
                "warp it onto the others' grid (gdalwarp -te ...) first"
            )
    return ""


def plan_ingestion(
    folder: str | os.PathLike[str],
    *,
    prefix: str = "",
    destination: str = "",
    file_pattern: str | None = None,
    band_map: Mapping[str, str] | None = None,
    sensing_pattern: str | None = None,
    declared: Sequence[DeclaredBand] = (),
    existing: Iterable[str] = (),
    check_compliance: bool = False,
) -> IngestPlan:
    """Find the tiles under ``folder`` and check them on their metadata (see the module
    docstring). ``declared`` are the collection's bands (empty: a collection without bands),
    ``existing`` the tile paths it has."""
    root = Path(folder)
    if not root.exists():
        raise SentinelHubValidationError(f"{root}: no such file or folder", field="folder")
    pattern = re.compile(file_pattern) if file_pattern else None
    base = root if root.is_dir() else root.parent
    if root.is_file():
        files = [root]
    elif pattern is not None:
        files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".json"))
    else:
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() in RASTER_SUFFIXES)
    rels = [p.relative_to(base).as_posix() for p in files]
    infos: dict[str, FileInfo | str] = {}
    for path, rel in zip(files, rels, strict=True):
        try:
            infos[rel] = read_info(path, check=check_compliance)
        except Exception as exc:  # a file GDAL cannot read: refused, named
            finding = getattr(exc, "finding", None)
            infos[rel] = str(finding.message) if finding is not None else str(exc)

    def single_band(rel: str) -> bool:
        info = infos.get(rel)
        return isinstance(info, FileInfo) and len(info.dtypes) == 1

    groups, skipped = group_files(
        rels, file_pattern=pattern, band_map=band_map, single_band=single_band
    )
    sensing = re.compile(sensing_pattern) if sensing_pattern else None
    known = set(existing)
    by_source = {(d.source, d.band_index): d for d in declared}
    by_index = {d.band_index: d for d in declared}
    first_seen: dict[str, tuple[str, PlannedFile]] = {}  # band -> (dtype, file) for new bands
    tiles: list[PlannedTile] = []
    for group in groups:
        tile = PlannedTile(
            path=_join(prefix, group.template),
            files=[
                PlannedFile(base / m.rel, m.rel, m.band, _join(prefix, m.target))
                for m in group.members
            ],
        )
        tiles.append(tile)
        tile.exists = tile.path in known
        try:
            tile.sensing_time = _sensing_time(tile, group.time, sensing)
        except SentinelHubValidationError as exc:
            tile.refused = str(exc)
            continue
        broken = [(f, infos[f.rel]) for f in tile.files if isinstance(infos[f.rel], str)]
        if broken:
            file, reason = broken[0]
            tile.refused = f"{file.source}: {reason}"
            continue
        for file in tile.files:
            info = infos[file.rel]
            assert isinstance(info, FileInfo)
            file.info = info
        tile.refused = _check_grid(tile)
        if tile.refused:
            continue
        bands = _tile_bands(tile)
        tile.bands = {name: dtype for name, _, _, _, dtype in bands}
        for name, source, index, file, dtype in bands:
            want = (
                by_source.get((source, index))
                if file.band is not None
                else by_index.get(index) or by_source.get((source, index))
            )
            if declared and want is None:
                tile.refused = (
                    f"{file.source}: band {name} is not one of the collection's bands "
                    f"({', '.join(d.name for d in declared)}); rename the file, map it with "
                    "--band-map, or ingest it into another collection"
                )
                break
            if want is not None and want.dtype != dtype:
                tile.refused = _type_refusal(
                    file, name, dtype, want.dtype, f"the collection declares band {want.name} as"
                )
                break
            if not declared:
                seen = first_seen.get(name)
                if seen is not None and seen[0] != dtype:
                    tile.refused = _type_refusal(
                        file,
                        name,
                        dtype,
                        seen[0],
                        f"the first tile of this run ({seen[1].source}) defines the new "
                        "collection's band as",
                    )
                    break
        if not tile.refused and not declared:
            for name, _, _, file, dtype in bands:
                first_seen.setdefault(name, (dtype, file))
    return IngestPlan(tiles, skipped, prefix, destination)


def _sensing_time(
    tile: PlannedTile, matched: str | None, pattern: re.Pattern[str] | None
) -> str | None:
    for file in tile.files:
        sidecar = file.source.with_name(file.source.name + ".json")
        if sidecar.is_file():
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8"))
                return parse_sensing_time(str(data["sensingTime"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise SentinelHubValidationError(
                    f"{sidecar}: expected a JSON object with an ISO 8601 'sensingTime' ({exc})",
                    field="sidecar",
                ) from None
    text = matched
    if text is None and pattern is not None:
        found = pattern.search(tile.files[0].rel)
        if found is not None:
            text = found.group("time") if "time" in pattern.groupindex else found.group(1)
    if text is None:
        return None
    try:
        return parse_sensing_time(text)
    except ValueError:
        raise SentinelHubValidationError(
            f"{tile.files[0].rel}: the sensing time pattern matched {text!r}, which is no ISO "
            "8601 or YYYYMMDD[THHMMSS] time; fix the pattern",
            field="sensing_pattern",
        ) from None


def declared_bands(bands: Mapping[str, Any] | None) -> list[DeclaredBand]:
    """A collection's bands (``ByocCollectionBand`` or wire dicts) as `DeclaredBand`."""
    found = []
    for name, band in (bands or {}).items():
        get = band.get if isinstance(band, Mapping) else lambda k, b=band: getattr(b, k, None)
        source = get("source") or name
        index = get("bandIndex") if isinstance(band, Mapping) else get("band_index")
        depth = get("bitDepth") if isinstance(band, Mapping) else get("bit_depth")
        fmt = get("sampleFormat") if isinstance(band, Mapping) else get("sample_format")
        dtype = _DTYPES.get((str(fmt or "UINT"), int(depth or 8)), f"{fmt} {depth}-bit")
        found.append(DeclaredBand(name, str(source), int(index or 1), dtype))
    return found
