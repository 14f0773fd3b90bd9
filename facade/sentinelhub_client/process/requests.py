"""Process and Async Process requests: `SentinelHubRequest` and `AsyncProcessRequest`.

Both are built and checked without I/O (what the service's reference constrains is refused with a
`SentinelHubValidationError` naming the field, before anything is sent). They keep
sentinelhub-py's names and static helpers, so a migration is an import change::

    request = SentinelHubRequest(
        evalscript=EVALSCRIPT,
        input_data=[
            SentinelHubRequest.input_data(collection, time_interval=("2024-05-01", "2024-05-31"))
        ],
        responses=[SentinelHubRequest.output_response("default", MimeType.TIFF)],
        bbox=BBox((12.44, 41.87, 12.52, 41.93)),
        size=(512, 512),
    )
    [image] = request.get_data()          # a numpy array, (height, width, bands)
    request.processing_units              # what it cost, from x-processingunits-spent

``get_data`` / ``save_data`` open a client for the call; to send many requests over one
connection pool, or from asyncio, use `SentinelHubProcess` / `AsyncSentinelHubProcess`, whose
``get_data(request)`` / ``save_data(request)`` / ``submit(request)`` do the same.

Also here: `ProcessCalls`, the I/O-free `Call` objects both clients run, and the result types.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

import httpx
from sentinelhub_api import Client as ApiClient

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.models import OTHER, STRING, WireModel, wire
from sentinelhub_client._core.transport import Call
from sentinelhub_client.process import builders
from sentinelhub_client.process.builders import MimeType, S3Specification, check_payload
from sentinelhub_client.process.decoding import decode

if TYPE_CHECKING:
    import os

__all__ = [
    "AsyncProcessRequest",
    "AsyncProcessStatus",
    "ProcessCalls",
    "ProcessResponse",
    "SentinelHubRequest",
    "process_paths",
]

logger = logging.getLogger(__name__)

#: The response header carrying the processing units a request cost.
PU_HEADER = "x-processingunits-spent"


def process_paths(config: SHConfig) -> tuple[str, str]:
    """The Process and Async Process paths on the host, in the path style of the configuration.

    The legacy style (``/api/v1/process``, ``/api/v1/async/process``) is the default, as in
    sentinelhub-py; a configuration whose BYOC path uses the new style (``/byoc/v1``) gets
    ``/process/v1`` and ``/async/v1/process``.
    """
    if config.byoc_base_path.startswith("/byoc/"):
        return "/process/v1", "/async/v1/process"
    return "/api/v1/process", "/api/v1/async/process"


def _config(config: SHConfig | None) -> SHConfig:
    if config is not None and not isinstance(config, SHConfig):
        raise TypeError(f"config must be an SHConfig, got {type(config).__name__}")
    return config if config is not None else SHConfig()


def _input_list(input_data: Any) -> list[dict[str, Any]]:
    """The inputs as dicts: an element may also be a collection (`builders.input_data` applies)."""
    if (
        isinstance(input_data, Mapping)
        or not isinstance(input_data, Sequence)
        or isinstance(input_data, str | bytes)
    ):
        items: Sequence[Any] = [input_data] if input_data is not None else []
    else:
        items = input_data
    result: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and "type" in item:
            result.append(dict(item))
        else:
            try:
                result.append(builders.input_data(item))
            except SentinelHubValidationError as exc:
                raise SentinelHubValidationError(
                    f"input_data[{index}]: {exc}", field=f"input_data[{index}]"
                ) from exc
    return result


def _response_list(responses: Any) -> list[dict[str, Any]]:
    if isinstance(responses, Mapping):
        responses = [responses]
    if isinstance(responses, str | bytes) or not isinstance(responses, Sequence) or not responses:
        raise SentinelHubValidationError(
            "responses: give at least one response (SentinelHubRequest.output_response)",
            field="responses",
        )
    return [dict(item) if isinstance(item, Mapping) else item for item in responses]


def accept_of(responses: Sequence[Mapping[str, Any]]) -> MimeType:
    """The ``Accept`` of a Process request: the one response's format, or tar for several."""
    if len(responses) > 1:
        return MimeType.TAR
    fmt = responses[0].get("format") or {}
    return MimeType.parse(fmt.get("type", MimeType.PNG.value), "responses[0].format.type")


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessResponse:
    """One Process API answer, undecoded.

    Attributes:
        content: the body.
        mime_type: its format (from ``Content-Type``, else what was asked for).
        headers: the response headers.
        status_code: the HTTP status.
        url: where the request went.
    """

    content: bytes
    mime_type: MimeType
    headers: Mapping[str, str] = field(default_factory=dict)
    status_code: int = 200
    url: str | None = None

    @property
    def processing_units(self) -> float | None:
        """Processing units the request cost (``x-processingunits-spent``), if sent."""
        lowered = {key.lower(): value for key, value in self.headers.items()}
        try:
            return float(lowered[PU_HEADER])
        except (KeyError, ValueError):
            return None

    def decode(self) -> Any:
        """The body as a Python value (numpy array, dict, or a dict of tar members)."""
        return decode(self.content, self.mime_type)

    def __repr__(self) -> str:
        return (
            f"ProcessResponse({self.mime_type.value}, {len(self.content)} bytes, "
            f"processing_units={self.processing_units})"
        )


class AsyncProcessStatus(WireModel):
    """What Async Process answers on submit (and while the request runs): its id and status.

    A model on the shared wire-field base: readable like the dict sentinelhub-py returned
    (``status["id"]``); members this version does not know are kept in ``other_data``.
    """

    id: str = wire("id", STRING)
    status: str | None = wire("status", STRING, default=None)
    other_data: dict[str, Any] = wire(None, OTHER, default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Parse ``{"id": ..., "status": ...}`` (the id is required)."""
        if not isinstance(data, Mapping):
            raise SentinelHubValidationError(
                f"AsyncProcessStatus: expected an object with an 'id', got {data!r}", field="id"
            )
        return super().from_dict(data)

    @property
    def processing_units(self) -> float | None:
        """What the request cost (``x-processingunits-spent``), when the submit answer said;
        None when the service charges it later, once rendered (the emulator does)."""
        value = self.__dict__.get("_processing_units")
        return value if isinstance(value, float) else None

    def __repr__(self) -> str:
        return f"AsyncProcessStatus(id={self.id!r}, status={self.status!r})"


def _async_status(response: httpx.Response) -> AsyncProcessStatus:
    status = AsyncProcessStatus.from_dict(response.json())
    spent = response.headers.get(PU_HEADER)
    if spent is not None:
        with contextlib.suppress(ValueError):
            status.__dict__["_processing_units"] = float(spent)
    return status


# -- the calls both clients run -----------------------------------------------------------------


class ProcessCalls:
    """Every Process / Async Process request as a `Call`, and its parsing; no I/O."""

    def __init__(self, config: SHConfig) -> None:
        self.config = config
        self.process_path, self.async_path = process_paths(config)

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.config.sh_base_url.rstrip("/") + path

    def process(self, payload: Mapping[str, Any], accept: MimeType) -> Call[ProcessResponse]:
        """``POST /api/v1/process`` with ``Accept`` set."""
        url = self.url(self.process_path)

        def parse(api: ApiClient, response: httpx.Response) -> ProcessResponse:
            content_type = response.headers.get("content-type", "")
            try:
                mime = MimeType.parse(content_type)
            except ValueError:
                mime = accept
            result = ProcessResponse(
                content=response.content,
                mime_type=mime,
                headers=dict(response.headers),
                status_code=response.status_code,
                url=url,
            )
            logger.debug(
                "Process request rendered %d bytes of %s for %s processing units",
                len(result.content),
                mime.value,
                result.processing_units,
            )
            return result

        request = {
            "method": "post",
            "url": self.process_path,
            "json": payload,
            "headers": {"Accept": accept.value, "Content-Type": "application/json"},
        }
        # An image (or a tar of them) is read whole and not limited; a JSON answer is limited
        # to max_json_bytes like every other JSON answer.
        return Call(request=request, parse=parse, capped=accept is MimeType.JSON)

    def submit(self, payload: Mapping[str, Any]) -> Call[AsyncProcessStatus]:
        """``POST /api/v1/async/process``; not replayed after an ambiguous failure."""
        request = {
            "method": "post",
            "url": self.async_path,
            "json": payload,
            "headers": {"Accept": MimeType.JSON.value, "Content-Type": "application/json"},
        }
        return Call(
            request=request,
            parse=lambda api, response: _async_status(response),
            create=True,
        )

    def status(self, request_id: str) -> Call[bool]:
        """``GET /api/v1/async/process/{id}``: True while the request runs (200 with a JSON
        object whose ``status`` is ``RUNNING``, or no ``status`` at all), False on a 200 that says
        it ended (``DONE``, ``FAILED``, ...). A finished or unknown request answers 404, which
        the transport raises as `NotFoundError`. A 200 that is not such an object (cut short,
        garbled) is never taken as running: `APIResponseValidationError`."""
        if not isinstance(request_id, str) or not request_id.strip():
            raise SentinelHubValidationError(
                f"ids: {request_id!r} is not an Async Process request id", field="ids"
            )
        request = {
            "method": "get",
            "url": f"{self.async_path}/{quote(request_id.strip(), safe='')}",
        }
        return Call(request=request, parse=lambda api, response: running_of(response))


#: ``status`` values of an Async Process request that has ended (a 200 that carries one).
ENDED_STATUSES = frozenset({"DONE", "FINISHED", "SUCCEEDED", "FAILED", "CANCELED", "CANCELLED"})


def running_of(response: httpx.Response) -> bool:
    """Whether a 200 answer of the Async Process status says the request runs (see
    `ProcessCalls.status`); raises `ValueError` / `TypeError` on a body that is not a JSON
    object with a string ``status`` (the transport turns them into
    `APIResponseValidationError`)."""
    body = jsonload.loads(response.content)
    if not isinstance(body, dict):
        raise TypeError(
            f"expected a JSON object with the request's status, got {type(body).__name__}"
        )
    status = body.get("status")
    if status is None:
        return True
    if not isinstance(status, str):
        raise TypeError(f"'status' is {type(status).__name__}, not a string")
    return status.strip().upper() not in ENDED_STATUSES


def check_ids(ids: Any) -> list[str]:
    """Async request ids as a list without repeats (one id may be given as a string)."""
    if isinstance(ids, str):
        ids = [ids]
    try:
        values = list(ids)
    except TypeError as exc:
        raise SentinelHubValidationError(
            f"ids: expected a list of request ids, got {ids!r}", field="ids"
        ) from exc
    result: list[str] = []
    for value in values:
        text = value if isinstance(value, str) else str(value)
        if not text.strip():
            raise SentinelHubValidationError(f"ids: {value!r} is not a request id", field="ids")
        if text not in result:
            result.append(text)
    return result


# -- the requests -------------------------------------------------------------------------------


class _RequestHelpers:
    """The static helpers both request classes share (as in sentinelhub-py)."""

    input_data = staticmethod(builders.input_data)
    bounds = staticmethod(builders.bounds)
    output_response = staticmethod(builders.output_response)


class SentinelHubRequest(_RequestHelpers):
    """A Process API request: render an evalscript over an area, synchronously.

    Args:
        evalscript: the evalscript's source (V3).
        input_data: the inputs, each from `input_data` (or a collection: a ``ByocCollection``,
            a collection id, ``"byoc-<id>"``, sentinelhub-py's ``DataCollection``).
        responses: the outputs to return, each from `output_response`; several come as a tar.
        bbox: the area as a `BBox` (or sentinelhub-py's).
        geometry: the area as a `Geometry` (or GeoJSON, WKT, shapely, sentinelhub-py's); with a
            bbox, only pixels inside it are rendered.
        size: ``(width, height)`` in pixels, 1..2500 each.
        resolution: ``(resx, resy)`` in units of the CRS (not with ``size``).
        config: settings; ``SHConfig()`` by default.
        data_folder: where `save_data` writes (and `get_data` reads a saved answer back).

    Attributes:
        payload: the request body.
        mime_type: what is asked for (``Accept``): the one response's format, or tar.
        processing_units: what the last `get_data` cost (None before, or when read from disk).
    """

    def __init__(
        self,
        evalscript: str,
        input_data: Sequence[Any],
        responses: Sequence[Mapping[str, Any]],
        bbox: Any = None,
        geometry: Any = None,
        size: Any = None,
        resolution: Any = None,
        config: SHConfig | None = None,
        data_folder: str | os.PathLike[str] | None = None,
    ) -> None:
        if not isinstance(evalscript, str) or not evalscript.strip():
            raise SentinelHubValidationError(
                "evalscript: expected the evalscript's source as a non-empty string",
                field="evalscript",
            )
        self.config = _config(config)
        self.data_folder = None if data_folder is None else Path(data_folder)
        response_list = _response_list(responses)
        self.payload = self.body(
            request_bounds=self.bounds(bbox=bbox, geometry=geometry),
            request_data=_input_list(input_data),
            evalscript=evalscript,
            request_output=self.output(response_list, size=size, resolution=resolution),
        )
        check_payload(self.payload)
        self.mime_type = accept_of(response_list)
        self.processing_units: float | None = None

    @staticmethod
    def body(
        request_bounds: Mapping[str, Any],
        request_data: Sequence[Mapping[str, Any]],
        evalscript: str,
        request_output: Mapping[str, Any] | None = None,
        other_args: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The whole Process request body."""
        return builders.body(request_bounds, request_data, evalscript, request_output, other_args)

    @staticmethod
    def output(
        responses: Sequence[Mapping[str, Any]],
        size: Any = None,
        resolution: Any = None,
        other_args: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``output``: the responses, and ``size`` or ``resolution`` (not both)."""
        return builders.output(responses, size, resolution, other_args)

    @property
    def responses(self) -> list[dict[str, Any]]:
        """The requested responses."""
        result: list[dict[str, Any]] = self.payload["output"]["responses"]
        return result

    def storage_folder(self) -> Path | None:
        """The folder of this request under ``data_folder`` (a hash of URL and body, the name
        sentinelhub-py gives it), or None without a ``data_folder``."""
        if self.data_folder is None:
            return None
        url = self.config.sh_base_url.rstrip("/") + process_paths(self.config)[0]
        hashable = json.dumps({"url": url, "payload": self.payload})
        name = hashlib.md5(hashable.encode("utf-8"), usedforsecurity=False).hexdigest()
        return self.data_folder / name

    def response_path(self) -> Path | None:
        """Where `save_data` writes the answer: ``<storage_folder>/response.<ext>``."""
        folder = self.storage_folder()
        return None if folder is None else folder / f"response.{self.mime_type.extension}"

    def get_data(
        self, *, save_data: bool = False, redownload: bool = False, decode_data: bool = True
    ) -> list[Any]:
        """Send the request and return ``[result]``, as sentinelhub-py does.

        The result is a numpy array for TIFF / PNG / JPEG (``(height, width[, bands])`` in the
        output's sample type), a dict for JSON, and for several responses a dict
        ``{"<identifier>.<ext>": decoded}``. With ``decode_data=False`` it is the
        `ProcessResponse`. With a ``data_folder``, ``save_data=True`` writes the answer there,
        and a saved answer is read back instead of sending again unless ``redownload``.
        """
        from sentinelhub_client.process.client import SentinelHubProcess

        with SentinelHubProcess(self.config) as client:
            return client.get_data(
                self, save_data=save_data, redownload=redownload, decode_data=decode_data
            )

    def save_data(self, *, redownload: bool = False) -> list[Path]:
        """Send the request (unless already saved) and write the answer under ``data_folder``;
        returns the paths of the saved responses."""
        from sentinelhub_client.process.client import SentinelHubProcess

        with SentinelHubProcess(self.config) as client:
            return client.save_data(self, redownload=redownload)

    def __repr__(self) -> str:
        types = [item.get("type") for item in self.payload["input"]["data"]]
        return (
            f"{type(self).__name__}(inputs={types}, mime_type={self.mime_type.value!r}, "
            f"crs={self.payload['input']['bounds']['properties']['crs']!r})"
        )


class AsyncProcessRequest(_RequestHelpers):
    """An Async Process API request: rendered in the background, delivered to a bucket.

    (Async here is the service's Async Process API; for asyncio, see `AsyncSentinelHubProcess`.)

    Args:
        evalscript: the evalscript's source, or
        evalscript_reference: where it is stored (`s3_specification`); exactly one of the two.
        input_data, responses, bbox, geometry, resolution, config: as for `SentinelHubRequest`.
        delivery: where results go (`s3_specification`, with a key pair or an IAM role);
            the URL may hold ``<REQUEST_ID>`` and ``<OUTPUT>``.
        size: ``(width, height)`` in pixels, 1..10000 each.

    Neither ``repr`` nor logs show the secret access key.
    """

    s3_specification = staticmethod(builders.s3_specification)

    def __init__(
        self,
        *,
        evalscript: str | None = None,
        evalscript_reference: Mapping[str, Any] | None = None,
        input_data: Sequence[Any],
        responses: Sequence[Mapping[str, Any]],
        delivery: Mapping[str, Any],
        bbox: Any = None,
        geometry: Any = None,
        size: Any = None,
        resolution: Any = None,
        config: SHConfig | None = None,
    ) -> None:
        if (evalscript is None) == (evalscript_reference is None):
            raise SentinelHubValidationError(
                "evalscript: give either evalscript or evalscript_reference (exactly one)",
                field="evalscript",
            )
        self.config = _config(config)
        reference = (
            None
            if evalscript_reference is None
            else builders.storage(evalscript_reference, "evalscript_reference")
        )
        self.payload = self.body(
            request_bounds=self.bounds(bbox=bbox, geometry=geometry),
            request_data=_input_list(input_data),
            evalscript=evalscript,
            evalscript_reference=reference,
            request_output=self.output(
                _response_list(responses),
                builders.storage(delivery, "delivery"),
                size=size,
                resolution=resolution,
            ),
        )
        check_payload(self.payload, asynchronous=True)
        self.mime_type = MimeType.JSON

    @staticmethod
    def body(
        request_bounds: Mapping[str, Any],
        request_data: Sequence[Mapping[str, Any]],
        evalscript: str | None,
        evalscript_reference: Mapping[str, Any] | None,
        request_output: Mapping[str, Any] | None = None,
        other_args: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The whole Async Process request body."""
        return builders.body(
            request_bounds,
            request_data,
            evalscript,
            request_output,
            other_args,
            evalscript_reference=evalscript_reference,
        )

    @staticmethod
    def output(
        responses: Sequence[Mapping[str, Any]],
        delivery: Mapping[str, Any],
        size: Any = None,
        resolution: Any = None,
        other_args: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``output``: the responses, the delivery location, and ``size`` or ``resolution``."""
        return builders.output(responses, size, resolution, other_args, delivery=delivery)

    def submit(self) -> AsyncProcessStatus:
        """Start the request; returns its id and status (``RUNNING``).

        A 429 (too many concurrent Async Process requests) is retried per the retry policy,
        then raised as `RateLimitError` with ``retry_after``.
        """
        from sentinelhub_client.process.client import SentinelHubProcess

        with SentinelHubProcess(self.config) as client:
            return client.submit(self)

    def get_data(self) -> list[dict[str, Any]]:
        """Start the request and return ``[{"id": ..., "status": ...}]``, as sentinelhub-py."""
        return [self.submit().to_dict()]

    def __repr__(self) -> str:
        types = [item.get("type") for item in self.payload["input"]["data"]]
        delivery = self.payload["output"]["delivery"]
        shown = delivery if isinstance(delivery, S3Specification) else S3Specification(delivery)
        return f"{type(self).__name__}(inputs={types}, delivery={shown!r})"
