"""The rendering entry point shared by Process, Async Process and Batch.

`render` takes a Process API request body (``input`` with ``bounds`` and ``data``, ``evalscript``,
``output`` with ``width``/``height`` or ``resx``/``resy`` and ``responses``) and returns the
encoded responses with the processing units the request costs. Every problem with the request or
the evalscript raises `ApiError` (400), never anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError

__all__ = ["RenderResult", "RenderedOutput", "render"]


@dataclass(frozen=True)
class RenderedOutput:
    """One encoded response: its identifier (``default``, ``userdata``, ...), type and bytes."""

    identifier: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class RenderResult:
    """Every response of a request, in request order, and the processing units spent."""

    outputs: list[RenderedOutput]
    processing_units: float


def render(ctx: EmulatorContext, account_id: str, request: Mapping[str, Any]) -> RenderResult:
    """Render a Process API request body for ``account_id``; ApiError (400) on bad input."""
    raise ApiError(400, "The process engine is not implemented yet.", "RENDERER_EXCEPTION")
