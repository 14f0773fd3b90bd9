"""``POST /api/v1/statistics`` (also ``/statistics/v1``): statistics of an evalscript's outputs.

The body is JSON, checked against the spec's ``StatisticalRequest`` (null members count as absent),
then by `runner`. The answer carries the processing units in ``x-processingunits-spent``.
"""

from __future__ import annotations

import functools

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.core.auth import authenticated
from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.params import json_body
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.tokens import Principal
from sentinelhub_emulator.process.request import unsupported
from sentinelhub_emulator.statistical import runner

__all__ = ["PATHS", "PU_HEADER", "routes"]

PATHS = ("/api/v1/statistics", "/statistics/v1")
PU_HEADER = "x-processingunits-spent"


@authenticated
async def statistics(request: Request, principal: Principal) -> Response:
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/"):
        raise unsupported("body", "a multipart/form-data Statistical request (send JSON)")
    body = await json_body(request, "StatisticalRequest")
    result = await run_in_threadpool(
        functools.partial(runner.run, context_of(request), principal.account_id, body)
    )
    return JSONResponse(result.body, headers={PU_HEADER: repr(float(result.processing_units))})


def routes() -> list[BaseRoute]:
    """Every route of the service, with its full path."""
    return [resource(path, {"POST": statistics}) for path in PATHS]
