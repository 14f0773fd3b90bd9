"""Request bodies checked against the project's own OpenAPI spec.

The spec is read once, from ``sentinelhub_api/openapi.yaml`` (where the regenerate script puts a
copy) or, in a source checkout, from ``openapi/sentinelhub.yaml``. Its component schemas become
JSON Schema (2020-12) definitions: ``$ref``s are re-pointed, OpenAPI 3.0's ``nullable`` and boolean
``exclusiveMinimum``/``exclusiveMaximum`` are translated, and, because these are *request*
schemas, properties marked ``readOnly`` are dropped, so that a client sending back a whole object
(as sentinelhub-py does on PUT) is not refused for it. Unknown members are left to the spec, which
keeps objects open.

`validate_body` is the one entry point: it raises a 400 ``COMMON_BAD_PAYLOAD`` whose ``errors``
name each offending parameter as a path such as ``additionalData->bands->B1->bitDepth``.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError, Violation

__all__ = ["SpecNotFoundError", "load_spec", "request_schemas", "validate_body"]

_MAX_VIOLATIONS = 20
_MAX_MESSAGE = 200
_REF_PREFIX = "#/components/schemas/"
_DROPPED_KEYWORDS = frozenset({"nullable", "discriminator", "xml", "externalDocs", "example"})


class SpecNotFoundError(RuntimeError):
    """Neither the packaged nor the source-tree copy of the OpenAPI spec exists."""


def _spec_text() -> str:
    try:
        packaged = importlib.resources.files("sentinelhub_api") / "openapi.yaml"
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pass
    source_tree = Path(__file__).resolve().parents[3] / "openapi" / "sentinelhub.yaml"
    if source_tree.is_file():
        return source_tree.read_text(encoding="utf-8")
    raise SpecNotFoundError(
        "the OpenAPI spec is neither in the sentinelhub_api package (openapi.yaml) "
        f"nor at {source_tree}"
    )


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed OpenAPI document."""
    spec = yaml.safe_load(_spec_text())
    if not isinstance(spec, dict):
        raise SpecNotFoundError("the OpenAPI spec is not a YAML mapping")
    return spec


def _convert(node: Any) -> Any:
    """One OpenAPI schema node as a JSON Schema node, for validating requests."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    read_only: set[str] = set()
    for key, value in node.items():
        if key in _DROPPED_KEYWORDS or key.startswith("x-"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
            out["$ref"] = "#/$defs/" + value[len(_REF_PREFIX) :]
        elif key == "properties" and isinstance(value, dict):
            properties = {}
            for name, schema in value.items():
                if isinstance(schema, dict) and schema.get("readOnly") is True:
                    read_only.add(name)
                else:
                    properties[name] = _convert(schema)
            out["properties"] = properties
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in node:
                out[key] = node[bound]
        else:
            out[key] = _convert(value)
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        bound = "minimum" if key == "exclusiveMinimum" else "maximum"
        if node.get(key) is True:
            out.pop(bound, None)
    if read_only and isinstance(out.get("required"), list):
        out["required"] = [name for name in out["required"] if name not in read_only]
    if node.get("nullable") is True:
        out = _nullable(out)
    return out


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema = {**schema, "type": [kind, "null"]}
    elif isinstance(kind, list):
        schema = {**schema, "type": [*kind, "null"] if "null" not in kind else kind}
    else:
        return {"anyOf": [schema, {"type": "null"}]}
    if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


@functools.cache
def request_schemas() -> dict[str, Any]:
    """All component schemas of the spec, as JSON Schema definitions for requests."""
    components = load_spec().get("components", {}).get("schemas", {})
    return {name: _convert(schema) for name, schema in components.items()}


@functools.cache
def _validator(schema_name: str) -> Draft202012Validator:
    definitions = request_schemas()
    if schema_name not in definitions:
        raise KeyError(f"the OpenAPI spec has no schema named {schema_name!r}")
    document = {"$defs": definitions, "$ref": f"#/$defs/{schema_name}"}
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def _parameter(error: ValidationError) -> str:
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            path.append(str(missing[0]))
    elif "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
        # The offending key itself (a band name, say) is the parameter.
        path.append(error.instance)
    return "->".join(path) or "body"


def _deepest(error: ValidationError) -> ValidationError:
    """For an anyOf / oneOf failure, the sub-error that explains it best.

    Alternatives whose own discriminator (an ``enum`` or ``const``, such as a GeoJSON ``type``)
    refused the value are set aside; of the rest, the error that got furthest into the instance
    wins. When every alternative refused the kind, that refusal is the answer.
    """
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        plausible = [
            sub
            for subs in branches.values()
            if not any(e.validator in ("enum", "const") for e in subs)
            for sub in subs
        ]
        if plausible:
            error = max(plausible, key=lambda sub: (len(sub.absolute_path), bool(sub.context)))
        else:
            error = error.context[0]
    return error


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def validate_body(schema_name: str, body: Any) -> None:
    """Raise a 400 COMMON_BAD_PAYLOAD unless ``body`` fits the named request schema."""
    errors = list(_validator(schema_name).iter_errors(body))
    if not errors:
        return
    errors.sort(key=lambda e: [str(part) for part in e.absolute_path])
    violations = []
    for error in errors[:_MAX_VIOLATIONS]:
        leaf = _deepest(error)
        violations.append(Violation(_parameter(leaf), _shorten(leaf.message)))
    summary = "; ".join(f"{v.parameter}: {v.violation}" for v in violations[:3])
    raise ApiError(400, f"Invalid request body: {summary}", BAD_PAYLOAD, violations)
