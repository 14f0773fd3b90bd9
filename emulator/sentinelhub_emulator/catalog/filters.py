"""CQL2 filters: parsed by the ``cql2`` package, checked here, evaluated by ``cql2`` per item.

``cql2``'s own ``Expr.validate`` (JSON Schema) and its text parser take time exponential in the
nesting of some inputs (a chain ``a = b = c = d = e`` takes seconds to validate, twenty unclosed
parentheses seconds to parse), so the emulator never calls ``validate`` and checks the parsed
expression with a linear walk instead (operators, their arity, literals, queryable names), and
refuses (400) a cql2-text filter longer than `MAX_TEXT` characters or with parentheses nested
deeper than `MAX_PARENS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import cql2
import shapely
from shapely.geometry import shape

from sentinelhub_emulator.core.errors import ApiError, bad_payload
from sentinelhub_emulator.core.times import parse_timestamp

from .stac import QUERYABLE_NAMES

__all__ = ["FILTER_LANGS", "MAX_PARENS", "MAX_TEXT", "Filter", "parse_filter"]

FILTER_LANGS = ("cql2-text", "cql2-json")
#: Longest cql2-text filter accepted, in characters.
MAX_TEXT = 4096
#: Deepest nesting of parentheses accepted in a cql2-text filter.
MAX_PARENS = 8

_BOOLEAN = {"and": (2, None), "or": (2, None), "not": (1, 1)}
_COMPARISON = {"=", "<>", "<", ">", "<=", ">=", "like"}
_SPATIAL = {
    "s_intersects",
    "s_equals",
    "s_disjoint",
    "s_touches",
    "s_within",
    "s_overlaps",
    "s_crosses",
    "s_contains",
}
_TEMPORAL = {
    "t_after",
    "t_before",
    "t_contains",
    "t_disjoint",
    "t_during",
    "t_equals",
    "t_finishedby",
    "t_finishes",
    "t_intersects",
    "t_meets",
    "t_metby",
    "t_overlappedby",
    "t_overlaps",
    "t_startedby",
    "t_starts",
}
_ARRAY = {"a_equals", "a_contains", "a_containedby", "a_overlaps"}
_ARITHMETIC = {"+", "-", "*", "/", "%", "^", "div"}
_TEXT_FUNCTIONS = {"casei", "accenti"}


def _fail(violation: str) -> ApiError:
    return bad_payload("filter", violation)


@dataclass(frozen=True)
class Filter:
    """A checked filter and the queryables it names."""

    expr: cql2.Expr
    names: frozenset[str]

    def matches(self, item: dict[str, Any]) -> bool:
        try:
            return bool(self.expr.matches(item))
        except Exception as exc:  # cql2 raises a bare Exception when it cannot reduce
            properties = item.get("properties") or {}
            if any(item.get(n, properties.get(n)) is None for n in self.names):
                return False  # a property this item lacks (a null datetime): no match
            raise _fail(f"cannot be evaluated ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300] or type(exc).__name__


# ---------------------------------------------------------------------- the walk


class _Checker:
    def __init__(self) -> None:
        self.names: set[str] = set()

    def args(self, node: dict[str, Any], low: int, high: int | None) -> list[Any]:
        args = node.get("args")
        op = node["op"]
        if not isinstance(args, list) or len(args) < low or (high is not None and len(args) > high):
            count = (
                f"{low}" if high == low else f"{low} or more" if high is None else f"{low}-{high}"
            )
            raise _fail(f"operator {op!r} takes {count} arguments")
        return args

    def property(self, node: Any) -> bool:
        if isinstance(node, dict) and set(node) == {"property"}:
            name = node["property"]
            if not isinstance(name, str):
                raise _fail("a property name must be a string")
            name = name.removeprefix("properties.")
            if name not in QUERYABLE_NAMES:
                raise _fail(
                    f"names {name!r}, which is not queryable; "
                    f"queryables: {', '.join(sorted(QUERYABLE_NAMES))}"
                )
            self.names.add(name)
            return True
        return False

    def boolean(self, node: Any) -> None:
        if isinstance(node, bool) or self.property(node):
            return
        if not isinstance(node, dict) or not isinstance(node.get("op"), str):
            raise _fail("expected a condition (a comparison, and/or/not, a spatial test...)")
        op = node["op"].lower()
        if op in _BOOLEAN:
            for arg in self.args(node, *_BOOLEAN[op]):
                self.boolean(arg)
        elif op in _COMPARISON:
            for arg in self.args(node, 2, 2):
                self.scalar(arg)
        elif op == "between":
            for arg in self.args(node, 3, 3):
                self.scalar(arg)
        elif op == "in":
            value, options = self.args(node, 2, 2)
            self.scalar(value)
            if not isinstance(options, list):
                raise _fail("the second argument of 'in' must be a list")
            for option in options:
                self.scalar(option)
        elif op == "isnull":
            self.scalar(self.args(node, 1, 1)[0])
        elif op in _SPATIAL:
            for arg in self.args(node, 2, 2):
                self.geometry(arg)
        elif op in _TEMPORAL:
            for arg in self.args(node, 2, 2):
                self.temporal(arg)
        elif op in _ARRAY:
            for arg in self.args(node, 2, 2):
                self.array(arg)
        else:
            raise _fail(f"operator {node['op']!r} is not supported")

    def scalar(self, node: Any) -> None:
        if isinstance(node, str | int | float | bool) or self.property(node):
            return
        if isinstance(node, dict) and set(node) in ({"timestamp"}, {"date"}):
            self.instant(node)
            return
        if isinstance(node, dict) and isinstance(node.get("op"), str):
            op = node["op"].lower()
            if op in _TEXT_FUNCTIONS:
                self.scalar(self.args(node, 1, 1)[0])
                return
            if op in _ARITHMETIC:
                for arg in self.args(node, 2, 2):
                    self.scalar(arg)
                return
            if op in _BOOLEAN or op in _COMPARISON or op in ("between", "in", "isnull"):
                raise _fail(f"a condition ({node['op']!r}) cannot be compared as a value")
            raise _fail(f"function {node['op']!r} is not supported")
        raise _fail(f"{json.dumps(node)[:80]} is not a value")

    def instant(self, node: dict[str, Any]) -> None:
        [(kind, value)] = node.items()
        check: Callable[[str], object] = (
            parse_timestamp if kind == "timestamp" else date.fromisoformat
        )
        try:
            if not isinstance(value, str):
                raise TypeError(value)
            check(value)
        except (ValueError, TypeError, OverflowError):
            raise _fail(f"{kind} {value!r} is not an RFC 3339 {kind}") from None

    def temporal(self, node: Any) -> None:
        if self.property(node):
            return
        if isinstance(node, dict) and set(node) in ({"timestamp"}, {"date"}):
            self.instant(node)
            return
        if isinstance(node, dict) and set(node) == {"interval"}:
            ends = node["interval"]
            if not isinstance(ends, list) or len(ends) != 2:
                raise _fail("an interval has two ends")
            for end in ends:
                if end == "..":
                    continue
                if isinstance(end, str):
                    self.instant({"timestamp" if "T" in end.upper() else "date": end})
                else:
                    self.temporal(end)
            return
        raise _fail("expected a time: a property, TIMESTAMP, DATE or INTERVAL")

    def geometry(self, node: Any) -> None:
        if self.property(node):
            return
        if isinstance(node, dict) and set(node) == {"bbox"}:
            box = node["bbox"]
            numbers = isinstance(box, list) and all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in box
            )
            if not numbers or len(box) not in (4, 6):
                raise _fail("a BBOX has 4 or 6 numbers")
            return
        try:
            if not isinstance(node, dict) or "type" not in node:
                raise TypeError(node)
            shape(node)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            raise _fail("expected a geometry: a property, a GeoJSON geometry or BBOX") from None
        except shapely.errors.GEOSException:
            raise _fail("expected a geometry: a property, a GeoJSON geometry or BBOX") from None

    def array(self, node: Any) -> None:
        if self.property(node):
            return
        if not isinstance(node, list):
            raise _fail("expected an array: a property or a list of values")
        for item in node:
            if isinstance(item, list):
                self.array(item)
            else:
                self.scalar(item)


def _unwrap(node: Any) -> Any:
    """``node`` with every ``and`` / ``or`` of a single argument replaced by that argument.

    sentinelhub-py wraps a cql2-json filter as ``{"op": "and", "args": [filter]}``, which the
    CQL2 schema forbids (two arguments at least) but the service accepts.
    """
    if isinstance(node, list):
        return [_unwrap(item) for item in node]
    if not isinstance(node, dict):
        return node
    args = node.get("args")
    if node.get("op") in ("and", "or") and isinstance(args, list) and len(args) == 1:
        return _unwrap(args[0])
    return {key: _unwrap(item) for key, item in node.items()}


def _check_text(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise _fail(f"is longer than {MAX_TEXT} characters")
    depth = 0
    quoted = False
    for char in text:
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
            if depth > MAX_PARENS:
                raise _fail(f"nests parentheses more than {MAX_PARENS} deep")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise _fail("has a ')' without its '('")
    if depth:
        raise _fail("has a '(' without its ')'")
    if quoted:
        raise _fail("has a string without its closing quote")


def parse_filter(value: Any, lang: str) -> Filter:
    """A filter in ``lang`` (one of `FILTER_LANGS`) checked; 400 naming ``filter`` if bad."""
    try:
        if lang == "cql2-text":
            if not isinstance(value, str):
                raise _fail("with filter-lang cql2-text must be a string")
            _check_text(value)
            expr = cql2.parse_text(value)
        else:
            if not isinstance(value, dict):
                raise _fail("with filter-lang cql2-json must be a JSON object")
            expr = cql2.parse_json(json.dumps(_unwrap(value)))
    except cql2.ParseError as exc:
        raise _fail(f"is not valid {lang}: {_short(exc)}") from None
    except ValueError as exc:
        raise _fail(f"is not valid {lang}: {_short(exc)}") from None
    checker = _Checker()
    checker.boolean(_unwrap(expr.to_json()))
    return Filter(expr, frozenset(checker.names))
