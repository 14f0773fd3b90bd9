"""Schemathesis against a running emulator with the provider's published spec: BYOC operations.

The spec is read at test time from ``SH_UPSTREAM_SPEC`` or ``../shared/reference`` beside the
checkout (tests/support/upstream.py); it is never copied into the project. Without it the module
skips, saying how to point at it. Every BYOC operation under ``/byoc/v1`` gets schemathesis's
coverage cases and a bounded number of fuzzed cases, aimed at seeded data as in
`test_schemathesis`. Every answer must be no 5xx, of a documented content type, with documented
headers, and (2xx) of the published response schema.

Where the project's own spec documents a deliberate difference, that is what is checked instead:

- a status code the published spec does not list for an operation (the 400 of a malformed id or
  ``count``, the 404 of an unknown collection's tiles, the 416 of a range outside a file) passes
  when ``openapi/sentinelhub.yaml`` lists it for the same operation;
- error bodies carry ``errors`` as a list of ``{parameter, violation}`` (the published schema
  says object; live answers and our spec say list): an error body is checked against the
  published schema without ``errors``, and against our ``ErrorEnvelope`` whole;
- a band (``BYOCFormat``) need not carry ``bitDepth`` and ``sampleFormat``: the published schema
  requires both, but live collections made long ago lack them (the reference's api-contract
  says to relax it in responses), and the emulator accepts a band without them, which the first
  tile then completes (our ``ByocBand``). Without this, a
  collection that one fuzzed case creates with such a band fails whichever case lists it next,
  depending on the order the cases run in.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sentinelhub_emulator import Emulator

from tests.support.spec import json_schema
from tests.support.upstream import require_upstream_spec

from .test_schemathesis import SPEC_PATH, aim, fill_in_refused
from .test_schemathesis import emulator as emulator  # the module's fixture
from .test_schemathesis import seeded as seeded  # the module's fixture

OFFICIAL = require_upstream_spec()

OFFICIAL_PREFIX = "/byoc/v1"
OUR_PREFIX = "/api/v1/byoc"

#: Fuzzed cases per operation (the coverage cases come on top, a fixed set).
MAX_EXAMPLES = 15

_CONFIG = schemathesis.Config.from_dict({"generation": {"deterministic": True, "database": "none"}})


def _published() -> dict[str, Any]:
    """The published spec, with the one schema difference the module docstring lists."""
    spec: dict[str, Any] = yaml.safe_load(OFFICIAL.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["BYOCFormat"].pop("required", None)
    return spec


schema = schemathesis.openapi.from_dict(_published(), config=_CONFIG).include(
    path_regex=rf"^{OFFICIAL_PREFIX}/"
)


@cache
def _our_statuses() -> dict[tuple[str, str], frozenset[int]]:
    """(method, path relative to the BYOC prefix) -> status codes our spec documents."""
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    found = {}
    for path, item in spec["paths"].items():
        if not path.startswith(OUR_PREFIX + "/"):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                codes = frozenset(int(code) for code in operation["responses"] if code.isdigit())
                found[(method.upper(), path.removeprefix(OUR_PREFIX))] = codes
    return found


def status_code_documented(ctx: Any, response: Response, case: schemathesis.Case) -> None:
    """The published spec's status codes, plus those our spec documents for the operation."""
    relative = case.operation.path.removeprefix(OFFICIAL_PREFIX)
    ours = _our_statuses()[(case.operation.method.upper(), relative)]
    if response.status_code in ours:
        return
    status_code_conformance(ctx, response, case)


def _without_errors(response: Response) -> Response:
    body = json.loads(response.content)
    body["error"].pop("errors", None)
    content = json.dumps(body).encode()
    return Response(
        status_code=response.status_code,
        headers=dict(response.headers),
        content=content,
        request=response.request,
        elapsed=response.elapsed,
        verify=response.verify,
        message=response.message,
        http_version=response.http_version,
        encoding=response.encoding,
    )


def response_schema_documented(ctx: Any, response: Response, case: schemathesis.Case) -> None:
    """2xx: the published schema. Errors: the published schema without ``errors`` (a list on the
    wire, an object in the published spec), and our ErrorEnvelope with it."""
    if response.status_code < 400 or not response.content:
        response_schema_conformance(ctx, response, case)
        return
    body = json.loads(response.content)
    problems = [
        e.message for e in Draft202012Validator(json_schema("ErrorEnvelope")).iter_errors(body)
    ]
    assert not problems, problems
    response_schema_conformance(ctx, _without_errors(response), case)


CHECKS = [
    not_a_server_error,
    status_code_documented,
    content_type_conformance,
    response_headers_conformance,
    response_schema_documented,
]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_published_byoc_operation(
    case: schemathesis.Case, emulator: Emulator, token: str, seeded: dict[str, str]
) -> None:
    aim(case, seeded)
    fill_in_refused(case)
    case.call_and_validate(
        base_url=emulator.base_url,
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
        timeout=30,
    )
