"""Process and Async Process routes, at both path styles.

- ``POST /api/v1/process`` and ``/process/v1``: render now; the body is JSON, or
  ``multipart/form-data`` with a ``request`` part (JSON) and an ``evalscript`` part. ``Accept``
  picks the format: an image type or ``application/json`` overrides the one response's format,
  ``application/tar`` / ``application/x-tar`` packs every response in a tar (also the default when
  there are several), ``application/octet-stream`` returns the one response as raw bytes.
  The ``x-processingunits-spent`` header carries the processing units.
- ``POST /api/v1/async/process`` and ``/async/v1/process``: ``{id, status: RUNNING}``;
  ``GET .../{requestId}``: 200 while it runs (queued or rendering, also after a restart), 404
  afterwards, as the service answers, done or failed (the message says which; a failed request
  has ``error.json`` in its delivery folder).

The routes carry their full paths; the application adds them as they are.
"""

from __future__ import annotations

import email.parser
import email.policy
import functools
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.core.auth import authenticated
from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError, Violation, bad_payload
from sentinelhub_emulator.core.params import parse_json, path_uuid, read_body
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.tokens import Principal
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.encode import encode_tar
from sentinelhub_emulator.process.formats import PROCESS_DEFAULT, process_types
from sentinelhub_emulator.process.request import unsupported
from sentinelhub_emulator.process.state import jobs_for

__all__ = ["ASYNC_PATHS", "PROCESS_PATHS", "routes"]

PROCESS_PATHS = ("/api/v1/process", "/process/v1")
ASYNC_PATHS = ("/api/v1/async/process", "/async/v1/process")
PU_HEADER = "x-processingunits-spent"
TAR_TYPES = ("application/tar", "application/x-tar")
PACKINGS = (*TAR_TYPES, "multipart/mixed", "application/octet-stream")
OCTET_STREAM_FACTOR = 1.4


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        raise bad_payload("body", "is not a valid multipart/form-data body")
    parts: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            try:
                parts[name] = payload.decode("utf-8")
            except UnicodeDecodeError:
                raise bad_payload(name, "is not UTF-8 text") from None
    if "request" not in parts:
        raise bad_payload("request", "the multipart body needs a 'request' part (JSON)")
    body = parse_json(parts["request"].encode("utf-8"))
    if not isinstance(body, dict):
        raise bad_payload("request", "must be a JSON object")
    if "evalscript" in parts:
        body["evalscript"] = parts["evalscript"]
    return body


async def _body(request: Request) -> dict[str, Any]:
    raw = await read_body(request)
    if not raw.strip():
        raise bad_payload("body", "must not be empty", "Request body should be non-empty.")
    content_type = request.headers.get("content-type", "application/json")
    if content_type.lower().startswith("multipart/form-data"):
        return _multipart(raw, content_type)
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_payload("body", "must be a JSON object")
    return body


def _accept(header: str | None) -> str | None:
    """The first media type of the Accept header that the service answers in; None when there
    is no header or it only allows any type (``*/*``, ``image/*``): the request's own format.
    406 when no type it names can be answered."""
    if header is None or not header.strip():
        return None
    answerable = (*process_types(), *PACKINGS)
    wildcard = False
    for item in header.split(","):
        media = item.split(";")[0].strip().lower()
        if media in answerable:
            return media
        if media == "*/*" or (
            media.endswith("/*") and any(t.startswith(media[:-1]) for t in answerable)
        ):
            wildcard = True
    if wildcard:
        return None
    shown = header if len(header) <= 100 else header[:100] + "..."
    allowed = ", ".join(answerable)
    raise ApiError(
        406,
        f"Cannot answer in any media type of the Accept header {shown!r}; ask for one of "
        f"{allowed} (or */*).",
        BAD_PAYLOAD,
        (Violation("Accept", f"must name one of {allowed}"),),
    )


def _apply_accept(body: dict[str, Any], accept: str | None) -> tuple[dict[str, Any], str | None]:
    """The body with the Accept type applied, and the packing: a tar type, octet or None."""
    output = body.get("output")
    responses = output.get("responses") if isinstance(output, Mapping) else None
    count = len(responses) if isinstance(responses, list) else 1
    if accept == "multipart/mixed":
        raise unsupported("Accept", "multipart/mixed (ask for application/x-tar)")
    if accept in TAR_TYPES:
        return body, accept
    if count > 1:
        if accept is not None:
            raise bad_payload(
                "Accept",
                f"{accept} cannot carry {count} responses; use application/tar or "
                "application/x-tar",
            )
        return body, "application/x-tar"
    if accept == "application/octet-stream":
        return body, accept
    if accept in process_types() and isinstance(responses, list) and responses:
        first = dict(responses[0]) if isinstance(responses[0], Mapping) else {}
        first["format"] = {**(first.get("format") or {}), "type": accept}
        body = {**body, "output": {**body["output"], "responses": [first]}}
    elif accept in process_types() and accept != PROCESS_DEFAULT:
        body = {
            **body,
            "output": {
                **(body.get("output") or {}),
                "responses": [{"identifier": "default", "format": {"type": accept}}],
            },
        }
    return body, None


@authenticated
async def process(request: Request, principal: Principal) -> Response:
    body = await _body(request)
    body, packing = _apply_accept(body, _accept(request.headers.get("accept")))
    ctx = context_of(request)
    factor = OCTET_STREAM_FACTOR if packing == "application/octet-stream" else 1.0
    result = await run_in_threadpool(
        functools.partial(engine.render, ctx, principal.account_id, body, format_factor=factor)
    )
    units = result.processing_units
    if packing in TAR_TYPES:
        content = encode_tar([(o.identifier, o.mime_type, o.data) for o in result.outputs])
        media_type = packing
    else:
        [output] = result.outputs
        content, media_type = output.data, output.mime_type
        if packing == "application/octet-stream":
            media_type = packing
    return Response(content, media_type=media_type, headers={PU_HEADER: repr(float(units))})


@authenticated
async def async_process(request: Request, principal: Principal) -> Response:
    raw = await read_body(request)
    if not raw.strip():
        raise bad_payload("body", "must not be empty", "Request body should be non-empty.")
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_payload("body", "must be a JSON object")
    jobs = jobs_for(context_of(request))
    request_id = await run_in_threadpool(jobs.submit, principal.account_id, body)
    return JSONResponse({"id": request_id, "status": "RUNNING"})


@authenticated
async def async_status(request: Request, principal: Principal) -> Response:
    request_id = path_uuid(request, "requestId")
    jobs = jobs_for(context_of(request))
    await run_in_threadpool(jobs.check_running, request_id, principal.account_id)
    return JSONResponse({"id": request_id, "status": "RUNNING"})


def routes() -> list[BaseRoute]:
    """Every route of the service, with its full path."""
    result: list[BaseRoute] = [resource(path, {"POST": process}) for path in PROCESS_PATHS]
    for path in ASYNC_PATHS:
        result.append(resource(path, {"POST": async_process}))
        result.append(resource(path + "/{requestId}", {"GET": async_status}))
    return result
