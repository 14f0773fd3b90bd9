"""One cache of coordinate transformers for every service.

Building a pyproj ``Transformer`` costs milliseconds (it looks the CRSs up in PROJ's database);
transforming with one costs microseconds. Catalog items, dashboard footprints and batch grids all
move many geometries between a few CRSs, so they share `transformer`, which builds each pair
once. pyproj is imported on first use, so that importing the emulator stays cheap.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["transformer"]


@functools.lru_cache(maxsize=256)
def transformer(source: int | str, target: int | str) -> Any:
    """A ``pyproj.Transformer`` from ``source`` to ``target`` (x/lon first), built once per
    pair: an EPSG code or anything ``pyproj.CRS.from_user_input`` reads."""
    from pyproj import CRS, Transformer

    def crs(value: int | str) -> CRS:
        return CRS.from_epsg(value) if isinstance(value, int) else CRS.from_user_input(value)

    return Transformer.from_crs(crs(source), crs(target), always_xy=True)
