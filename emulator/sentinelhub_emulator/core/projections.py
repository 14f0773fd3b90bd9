"""Coordinate transformers for every service, cached per thread.

Building a pyproj ``Transformer`` costs milliseconds (it looks the CRSs up in PROJ's database);
transforming with one costs microseconds. Catalog items, dashboard footprints and batch grids
move many geometries between a few CRSs, so they all ask `transformer`, which builds each pair
once per thread. A transformer is never shared between threads (pyproj's objects are not safe
to use from two threads at once): each thread keeps its own. pyproj is imported on first use,
so that importing the emulator stays cheap.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyproj import CRS, Transformer

__all__ = ["transformer"]

#: Most transformers one thread keeps (a thread that meets more starts its cache again).
MAX_CACHED = 256

_LOCAL = threading.local()


def _crs(value: int | str) -> CRS:
    from pyproj import CRS

    return CRS.from_epsg(value) if isinstance(value, int) else CRS.from_user_input(value)


def transformer(source: int | str, target: int | str) -> Transformer:
    """A ``pyproj.Transformer`` from ``source`` to ``target`` (x/lon first) for this thread,
    built once per pair: an EPSG code or anything ``pyproj.CRS.from_user_input`` reads."""
    from pyproj import Transformer

    cache: dict[tuple[int | str, int | str], Transformer] | None = getattr(_LOCAL, "cache", None)
    if cache is None:
        cache = _LOCAL.cache = {}
    key = (source, target)
    built = cache.get(key)
    if built is None:
        if len(cache) >= MAX_CACHED:
            cache.clear()
        built = cache[key] = Transformer.from_crs(_crs(source), _crs(target), always_xy=True)
    return built
