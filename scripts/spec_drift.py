"""Report how the project's OpenAPI spec and an upstream copy of Sentinel Hub's spec differ.

    scripts/spec_drift UPSTREAM [--ours openapi/sentinelhub.yaml] [--json] [--fail-on-missing]

UPSTREAM is a file path or an http(s) URL. Upstream paths in the ``/byoc/v1/...``,
``/process/v1``, ``/async/v1/...``, ``/batch/v2/...``, ``/catalog/v1/...`` and
``/statistics/v1`` style are mapped onto ours (``/api/v1/byoc/...``, ``/api/v1/process``,
``/api/v1/async/process``, ``/api/v2/batch/...``, ``/api/v1/catalog/1.0.0/...``,
``/api/v1/statistics``)
before comparing. For every BYOC, Process, Async Process and Batch Processing v2 operation the
report lists:

* operations that one side has and the other lacks;
* parameters (by location and name) that one side lacks;
* request and response fields that one side lacks, as dotted paths from the body
  (``data.additionalData.bands.*.bitDepth``; ``[]`` marks array items and ``*`` map values);
* which schema of one side stands for which schema of the other, and schemas with no counterpart.

Schemas are compared by the fields the operations carry, not by their names, so renaming a schema on
our side is not drift. This is how the client is brought up to date when the provider changes the
API: run the report, edit ``openapi/sentinelhub.yaml``, run ``scripts/regenerate``.

``--fail-on-missing`` exits 1 when an upstream BYOC or Batch v2 field is missing from ours and is
not in ``ALLOWED_MISSING`` below (each entry says why it is left out).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "openapi" / "sentinelhub.yaml"
METHODS = ("get", "put", "post", "delete", "head", "patch", "options")

# Upstream prefix -> our prefix. Only operations whose path maps are compared.
PATH_STYLES: tuple[tuple[str, str], ...] = (
    ("/byoc/v1/", "/api/v1/byoc/"),
    ("/process/v1", "/api/v1/process"),
    ("/async/v1/", "/api/v1/async/"),
    ("/batch/v2/", "/api/v2/batch/"),
    ("/catalog/v1/", "/api/v1/catalog/1.0.0/"),
    ("/statistics/v1", "/api/v1/statistics"),
    ("/api/v1/byoc/", "/api/v1/byoc/"),
    ("/api/v1/process", "/api/v1/process"),
    ("/api/v1/async/", "/api/v1/async/"),
    ("/api/v2/batch/", "/api/v2/batch/"),
    ("/api/v1/catalog/1.0.0/", "/api/v1/catalog/1.0.0/"),
    ("/api/v1/statistics", "/api/v1/statistics"),
)

# The services whose missing fields fail ``--fail-on-missing``: BYOC and Batch Processing v2.
BLOCKING_PREFIXES: tuple[str, ...] = ("/api/v1/byoc/", "/api/v2/batch/")

# Upstream BYOC and Batch v2 fields we deliberately do not carry, with the reason. Keys are
# "<METHOD> <our path> <request|response NNN> <field path>".
ALLOWED_MISSING: Mapping[str, str] = {}


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    parameters: set[str] = field(default_factory=set)
    bodies: dict[str, set[str]] = field(
        default_factory=dict
    )  # "request" / "response 200" -> fields
    schemas: dict[str, str | None] = field(default_factory=dict)  # body slot -> top schema name


def load(source: str) -> dict[str, Any]:
    if re.match(r"^https?://", source):
        with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 - user-given URL
            text = response.read().decode("utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or "paths" not in doc:
        raise SystemExit(f"spec_drift: {source} is not an OpenAPI document (no 'paths')")
    return doc


def normalise_path(path: str) -> str | None:
    for upstream, ours in PATH_STYLES:
        if path == upstream.rstrip("/") or path.startswith(upstream):
            mapped = ours + path[len(upstream) :]
            # Path parameter names are not part of the contract; compare shapes only.
            return re.sub(r"\{[^}]+\}", "{}", mapped)
    return None


class Resolver:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc

    def ref(self, node: Any) -> tuple[Any, str | None]:
        name = None
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                break
            seen.add(ref)
            name = ref.rsplit("/", 1)[-1]
            target: Any = self.doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node, name

    def fields(self, schema: Any, prefix: str = "", stack: tuple[str, ...] = ()) -> Iterator[str]:
        """Yield every field path reachable from ``schema``."""
        schema, name = self.ref(schema)
        if not isinstance(schema, Mapping):
            return
        if name is not None:
            if name in stack:  # recursive schema: stop here
                return
            stack = (*stack, name)
        for key in ("allOf", "oneOf", "anyOf"):
            for part in schema.get(key, ()):
                yield from self.fields(part, prefix, stack)
        for prop, sub in (schema.get("properties") or {}).items():
            path = f"{prefix}.{prop}" if prefix else prop
            yield path
            yield from self.fields(sub, path, stack)
        if "items" in schema:
            yield from self.fields(schema["items"], f"{prefix}[]", stack)
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra:
            yield from self.fields(extra, f"{prefix}.*" if prefix else "*", stack)

    def schema_names(
        self, schema: Any, prefix: str = "", stack: tuple[str, ...] = ()
    ) -> Iterator[tuple[str, str]]:
        """Yield (field path, schema name) for every named schema reachable from ``schema``."""
        resolved, name = self.ref(schema)
        if not isinstance(resolved, Mapping):
            return
        if name is not None:
            if name in stack:
                return
            stack = (*stack, name)
            yield prefix or "(body)", name
        for key in ("allOf", "oneOf", "anyOf"):
            for part in resolved.get(key, ()):
                yield from self.schema_names(part, prefix, stack)
        for prop, sub in (resolved.get("properties") or {}).items():
            yield from self.schema_names(sub, f"{prefix}.{prop}" if prefix else prop, stack)
        if "items" in resolved:
            yield from self.schema_names(resolved["items"], f"{prefix}[]", stack)
        extra = resolved.get("additionalProperties")
        if isinstance(extra, Mapping) and extra:
            yield from self.schema_names(extra, f"{prefix}.*" if prefix else "*", stack)


def json_schema_of(content: Any) -> Any:
    if not isinstance(content, Mapping):
        return None
    for media, body in content.items():
        if "json" in media and isinstance(body, Mapping):
            return body.get("schema")
    return None


def operations(doc: Mapping[str, Any]) -> tuple[dict[tuple[str, str], Operation], Resolver]:
    resolver = Resolver(doc)
    found: dict[tuple[str, str], Operation] = {}
    for raw_path, item in (doc.get("paths") or {}).items():
        path = normalise_path(raw_path)
        if path is None or not isinstance(item, Mapping):
            continue
        shared = list(item.get("parameters") or [])
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            entry = Operation(method.upper(), path, str(op.get("operationId", "")))
            for param in shared + list(op.get("parameters") or []):
                param, _ = resolver.ref(param)
                if param.get("in") != "path":
                    entry.parameters.add(f"{param.get('in')}:{param.get('name')}")
            slots: list[tuple[str, Any]] = []
            body, _ = resolver.ref(op.get("requestBody"))
            if isinstance(body, Mapping):
                slots.append(("request", json_schema_of(body.get("content"))))
            for status, response in (op.get("responses") or {}).items():
                if str(status).startswith("2"):
                    response, _ = resolver.ref(response)
                    slots.append((f"response {status}", json_schema_of(response.get("content"))))
            for slot, schema in slots:
                if schema is None:
                    continue
                entry.bodies[slot] = set(resolver.fields(schema))
                names = dict(resolver.schema_names(schema))
                for where, schema_name in names.items():
                    entry.schemas[f"{slot} {where}"] = schema_name
            found[(entry.method, path)] = entry
    return found, resolver


@dataclass
class Report:
    only_upstream_ops: list[str] = field(default_factory=list)
    only_ours_ops: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)  # upstream has, ours lacks
    extra_fields: list[str] = field(default_factory=list)  # ours has, upstream lacks
    schema_pairs: dict[str, set[str]] = field(default_factory=dict)  # upstream name -> our names
    unmatched_upstream_schemas: list[str] = field(default_factory=list)

    def blocking(self) -> list[str]:
        return [
            f
            for f in self.missing_fields
            if any(prefix in f for prefix in BLOCKING_PREFIXES)
            and f.split(" (")[0] not in ALLOWED_MISSING
        ]


def compare(upstream: Mapping[str, Any], ours: Mapping[str, Any]) -> Report:
    theirs_ops, _ = operations(upstream)
    our_ops, _ = operations(ours)
    report = Report()
    for key in sorted(set(theirs_ops) - set(our_ops)):
        report.only_upstream_ops.append(f"{key[0]} {key[1]} ({theirs_ops[key].operation_id})")
    for key in sorted(set(our_ops) - set(theirs_ops)):
        report.only_ours_ops.append(f"{key[0]} {key[1]} ({our_ops[key].operation_id})")
    for key in sorted(set(theirs_ops) & set(our_ops)):
        theirs, mine = theirs_ops[key], our_ops[key]
        label = f"{key[0]} {key[1]}"
        for param in sorted(theirs.parameters - mine.parameters):
            report.parameters.append(f"{label}: parameter {param} only upstream")
        for param in sorted(mine.parameters - theirs.parameters):
            report.parameters.append(f"{label}: parameter {param} only ours")
        for slot in sorted(set(theirs.bodies) | set(mine.bodies)):
            a, b = theirs.bodies.get(slot, set()), mine.bodies.get(slot, set())
            if slot not in mine.bodies and a:
                report.missing_fields.append(
                    f"{label} {slot} (whole body: ours has no JSON schema)"
                )
                continue
            for name in sorted(a - b):
                report.missing_fields.append(f"{label} {slot} {name} ({theirs.operation_id})")
            for name in sorted(b - a):
                report.extra_fields.append(f"{label} {slot} {name}")
        for where, name in theirs.schemas.items():
            if name is None:
                continue
            counterpart = mine.schemas.get(where)
            if counterpart:
                report.schema_pairs.setdefault(name, set()).add(counterpart)
    used = {name for op in theirs_ops.values() for name in op.schemas.values() if name}
    report.unmatched_upstream_schemas = sorted(used - set(report.schema_pairs))
    return report


def render(report: Report) -> str:
    out: list[str] = []

    def section(title: str, rows: list[str]) -> None:
        out.append(f"## {title} ({len(rows)})")
        out.extend(f"  {row}" for row in rows) if rows else out.append("  none")

    section("Operations only upstream", report.only_upstream_ops)
    section("Operations only ours", report.only_ours_ops)
    section("Parameters on one side only", report.parameters)
    section("Fields upstream that ours lacks", report.missing_fields)
    section("Fields ours has that upstream lacks", report.extra_fields)
    pairs = [f"{k} -> {', '.join(sorted(v))}" for k, v in sorted(report.schema_pairs.items())]
    section("Schema counterparts (upstream -> ours)", pairs)
    section("Upstream schemas with no counterpart in ours", report.unmatched_upstream_schemas)
    blocking = report.blocking()
    allowed = [f for f in report.missing_fields if f.split(" (")[0] in ALLOWED_MISSING]
    section(
        "Allowed (reasoned) BYOC and Batch v2 omissions",
        [f"{f}: {ALLOWED_MISSING[f.split(' (')[0]]}" for f in allowed],
    )
    section("BYOC and Batch v2 fields missing from ours (blocking)", blocking)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", help="path or URL of the upstream OpenAPI document")
    parser.add_argument(
        "--ours", default=str(OURS), help="our spec (default: openapi/sentinelhub.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--fail-on-missing",
        action="store_true",
        help="exit 1 on blocking BYOC or Batch v2 omissions",
    )
    args = parser.parse_args(argv)
    report = compare(load(args.upstream), load(args.ours))
    if args.json:
        data = {k: (sorted(v) if isinstance(v, set) else v) for k, v in report.__dict__.items()}
        data["schema_pairs"] = {k: sorted(v) for k, v in report.schema_pairs.items()}
        data["blocking"] = report.blocking()
        print(json.dumps(data, indent=2))
    else:
        print(render(report))
    return 1 if args.fail_on_missing and report.blocking() else 0


if __name__ == "__main__":
    sys.exit(main())
