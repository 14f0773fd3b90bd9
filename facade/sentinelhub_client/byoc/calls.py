"""Everything the BYOC clients do that is not I/O: argument checks, request building, answer
parsing (`ByocCalls`). The decisions of waiting for ingestion (`IngestionWatch`,
`IngestionSummary`) are in `sentinelhub_client.byoc.waiting`; they stay importable from here.

Requests are built with the generated operations (``sentinelhub_api.api.byoc_*``: paths, query
parameters); bodies come from the facade's models. Answers are parsed straight from the dict
``json.loads`` made into the facade's models (`ByocTile._from_wire`), never through the generated
models, so a listing costs little more than ``json.loads``.

Collections and tiles can be given as a model, a dict with an ``id`` (as sentinelhub-py returned),
an id string or `UUID`, or any object with a ``collection_id`` / ``tile_id`` attribute
(sentinelhub-py's ``DataCollection`` and models). Anything else is refused before sending, naming
the argument (``collection: expected a ByocCollection, a collection id or a dict, got ByocTile``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar, cast
from uuid import UUID

import httpx
from sentinelhub_api import Client as ApiClient
from sentinelhub_api.api.byoc_collection import (
    copy_byoc_collection_tiles,
    create_byoc_collection,
    delete_byoc_collection_by_id,
    get_byoc_collection_by_id,
    get_byoc_collections,
    update_byoc_collection_by_id,
)
from sentinelhub_api.api.byoc_tile import (
    create_byoc_collection_tile,
    delete_byoc_collection_tile_by_id,
    get_byoc_collection_tile_by_id,
    get_byoc_collection_tiles,
    reingest_byoc_collection_tile_by_id,
    update_byoc_collection_tile_by_id,
)
from sentinelhub_api.models.byoc_tile_status import ByocTileStatus as GenTileStatus
from sentinelhub_api.models.get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
from sentinelhub_api.types import UNSET

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.config import DEFAULT_BYOC_BASE_PATH
from sentinelhub_client._core.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    ConflictError,
    RateLimitError,
    ResponseTooLargeError,
    SentinelHubValidationError,
    ServerError,
)
from sentinelhub_client._core.models import as_uuid
from sentinelhub_client._core.pagination import Page, PageRequest
from sentinelhub_client._core.transport import Call, rebase
from sentinelhub_client.byoc.models import ByocCollection, ByocTile, TileStatus, _WireModel

if TYPE_CHECKING:
    from sentinelhub_client.byoc.waiting import PENDING_STATUSES as PENDING_STATUSES
    from sentinelhub_client.byoc.waiting import IngestionSummary, IngestionWatch

__all__ = [
    "MAX_TILE_NAME_BYTES",
    "MAX_TILE_PATH_CHARS",
    "ByocCalls",
    "CollectionRef",
    "ForeignTile",
    "IngestionSummary",
    "IngestionWatch",
    "TileRef",
    "check_destination",
    "check_file_list",
    "check_tile_path",
    "collection_id_of",
    "is_transient",
    "tile_id_of",
]

logger = logging.getLogger(__name__)


class HasCollectionId(Protocol):
    """Anything with a ``collection_id`` (sentinelhub-py's ``DataCollection``, say)."""

    @property
    def collection_id(self) -> str | UUID | None: ...


class HasTileId(Protocol):
    """Anything with a ``tile_id``."""

    @property
    def tile_id(self) -> str | UUID | None: ...


#: A collection: a model, a dict with ``id``, an id, or an object with ``collection_id``.
CollectionRef: TypeAlias = ByocCollection | Mapping[str, Any] | str | UUID | HasCollectionId
#: A tile: a model, a dict with ``id``, an id, or an object with ``tile_id``.
TileRef: TypeAlias = ByocTile | Mapping[str, Any] | str | UUID | HasTileId

#: The BYOC path prefix of the generated operations (the spec's path style).
SPEC_PREFIX = DEFAULT_BYOC_BASE_PATH
#: Values of the ``sort`` parameter of the tile listing.
TILE_SORTS = ("created:asc", "created:desc")
#: The longest tile path, in characters (the emulator's limit; an object key is at most 1,024).
MAX_TILE_PATH_CHARS = 1024
#: The longest folder or file name in a tile path, in UTF-8 bytes (what file systems allow).
MAX_TILE_NAME_BYTES = 255
#: How much earlier than this client's clock a tile's ``created`` may be and still count as made
#: by this call when a create is recovered (clocks of client and service differ a little).
CLOCK_SKEW = dt.timedelta(seconds=2)
#: Members a create sends; the others are read-only (the service sets them).
_COLLECTION_SENT = ("name", "s3Bucket", "noData", "additionalData")
_TILE_SENT = ("path", "coverGeometry", "sensingTime")
#: Members of the collection's ``additionalData`` that the service computes.
_COLLECTION_DATA_READ_ONLY = (
    "maxMetersPerPixel",
    "maxMetersPerPixelOverride",
    "extent",
    "hasSensingTimes",
    "fromSensingTime",
    "toSensingTime",
)
#: Query parameters the typed keywords own (not accepted through ``**params``).
_TYPED_PARAMS = frozenset({"count", "viewtoken", "search", "sort", "path", "status"})


# -- argument checks (before anything is sent) -----------------------------------------------


def _refuse(argument: str, expected: str, value: object) -> SentinelHubValidationError:
    return SentinelHubValidationError(
        f"{argument}: expected {expected}, got {type(value).__name__}"
        + (f" {value!r}" if isinstance(value, int | float) else ""),
        field=argument,
    )


def _as_uuid(value: object, what: str, argument: str) -> UUID:
    found = as_uuid(value)
    if found is not None:
        return found
    raise SentinelHubValidationError(
        f"{argument}: {value!r} is not a valid {what} id; pass a {what} id (a UUID such as "
        f"'3fa85f64-5717-4562-b3fc-2c963f66afa6'), a model or a dict with its 'id'",
        field=argument,
    )


def _looks_like_tile(data: Mapping[str, Any]) -> bool:
    return "path" in data and "s3Bucket" not in data and "name" not in data


def _looks_like_collection(data: Mapping[str, Any]) -> bool:
    return "s3Bucket" in data and "path" not in data


_M = TypeVar("_M", ByocCollection, ByocTile)


@dataclass(frozen=True)
class _IdRule(Generic[_M]):
    """How a collection or a tile is given (one rule for each, read by `collection_id_of`,
    `tile_id_of` and the model checks of the calls): its model and id attribute, and the dicts
    that are the other kind."""

    what: str
    model: type[_M]
    attribute: str
    other: str
    looks_like_other: Callable[[Mapping[str, Any]], bool]

    @property
    def expected(self) -> str:
        return f"a {self.model.__name__}, a {self.what} id or a dict"

    def model_of(self, value: object, argument: str) -> _M:
        """``value`` as the model: the model itself, or a dict parsed (not the other kind)."""
        if isinstance(value, self.model):
            return value
        if isinstance(value, _WireModel) or not isinstance(value, Mapping):
            raise _refuse(argument, f"a {self.model.__name__} or a dict", value)
        if self.looks_like_other(value):
            raise _refuse(
                argument, f"a {self.model.__name__} or a dict (this dict is a {self.other})", value
            )
        return self.model.from_dict(value)

    def id_of(self, ref: object, argument: str) -> UUID:
        value: object
        if isinstance(ref, self.model):
            value = getattr(ref, self.attribute)
        elif isinstance(ref, _WireModel | bool):
            raise _refuse(argument, self.expected, ref)
        elif isinstance(ref, Mapping):
            if self.looks_like_other(ref):
                raise _refuse(argument, f"{self.expected} (this dict is a {self.other})", ref)
            value = ref.get("id")
        elif isinstance(ref, str | UUID):
            value = ref
        elif hasattr(ref, self.attribute):
            value = getattr(ref, self.attribute)
        else:
            raise _refuse(argument, self.expected, ref)
        if value is None:
            raise SentinelHubValidationError(
                f"{argument}: the {self.what} has no id; create it first or pass its id",
                field=argument,
            )
        return _as_uuid(value, self.what, argument)


_COLLECTION_ID = _IdRule("collection", ByocCollection, "collection_id", "tile", _looks_like_tile)
_TILE_ID = _IdRule("tile", ByocTile, "tile_id", "collection", _looks_like_collection)


def collection_id_of(collection: CollectionRef, argument: str = "collection") -> UUID:
    """The id of a collection given as a model, a dict, an id, or an object with
    ``collection_id``; a tile (or anything else) is refused naming ``argument``."""
    return _COLLECTION_ID.id_of(collection, argument)


def tile_id_of(tile: TileRef, argument: str = "tile") -> UUID:
    """The id of a tile given as a model, a dict, an id, or an object with ``tile_id``; a
    collection (or anything else) is refused naming ``argument``."""
    return _TILE_ID.id_of(tile, argument)


def check_tile_path(path: object, argument: str = "path") -> str:
    """``path`` if the service would accept it as a tile path, by the rule the emulator applies:
    not empty, at most `MAX_TILE_PATH_CHARS` characters and `MAX_TILE_NAME_BYTES` UTF-8 bytes a
    name, no NUL or backslash, not absolute (no leading ``/`` nor drive letter), no ``..``
    folder, no empty folder (``//`` or a trailing ``/``). A test holds it to the emulator's
    rule on random paths."""
    if not isinstance(path, str):
        raise _refuse(argument, "a tile path (a string)", path)

    def bad(problem: str) -> SentinelHubValidationError:
        return SentinelHubValidationError(
            f"{argument}: {path!r} is not a valid tile path: {problem}", field=argument
        )

    if not path:
        raise bad("it is empty; give a path inside the bucket")
    if len(path) > MAX_TILE_PATH_CHARS:
        raise SentinelHubValidationError(
            f"{argument}: the tile path is {len(path)} characters long; at most "
            f"{MAX_TILE_PATH_CHARS} are allowed",
            field=argument,
        )
    if "\x00" in path or "\\" in path:
        raise bad("it contains a backslash or NUL character; separate folders with '/'")
    if re.match(r"^[A-Za-z]:", path):
        raise bad("it is absolute (a drive letter); give it relative to the bucket root")
    parts = path.split("/")
    if ".." in parts:
        raise bad("it contains '..' and could point outside the bucket")
    if "" in parts:
        fixed = "/".join(part for part in parts if part)
        raise bad(f"it must not start or end with '/' nor contain '//' (did you mean {fixed!r}?)")
    for part in parts:
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_TILE_NAME_BYTES:
            raise bad(
                f"the name {part[:40]!r}... is {size} bytes long; at most {MAX_TILE_NAME_BYTES} "
                "bytes are allowed per folder or file name"
            )
    return path


def check_sort(sort: str | None) -> str | None:
    """``sort`` if it is None or a value the tile listing accepts."""
    if sort is None or (isinstance(sort, str) and sort in TILE_SORTS):
        return sort
    raise SentinelHubValidationError(
        f"sort: {sort!r} is not supported; use one of {', '.join(map(repr, TILE_SORTS))}",
        field="sort",
    )


def check_status(status: TileStatus | str | None) -> str | None:
    """The wire value of a tile status filter (known statuses only, any letter case)."""
    if status is None:
        return None
    if not isinstance(status, str):
        raise _refuse("status", "a TileStatus or its name", status)
    text = status.strip().upper()
    if text not in TileStatus.__members__:
        known = ", ".join(s.value for s in TileStatus)
        raise SentinelHubValidationError(
            f"status: {status!r} is not a tile status; use one of {known}", field="status"
        )
    return text


def check_search(search: str | None) -> str | None:
    """``search`` if it is None or a string."""
    if search is None or isinstance(search, str):
        return search
    raise _refuse("search", "a string of words (or None)", search)


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Further query parameters of a listing (sentinelhub-py's ``**kwargs``): scalar values or
    lists of them; the typed keywords stay the way to set ``count``, ``sort``, ``path``, ..."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name in _TYPED_PARAMS:
            raise SentinelHubValidationError(
                f"{name}: pass it as the keyword argument {name}=, not as an extra parameter",
                field=name,
            )
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, float) and not math.isfinite(item):
                raise _refuse(name, "a finite number", item)
            if item is not None and not isinstance(item, str | int | float):
                raise _refuse(name, "a query value (a string, a number or a list of them)", item)
        if value is None:
            continue
        out[name] = (
            [_query_value(item) for item in values]
            if isinstance(value, list | tuple)
            else _query_value(value)
        )
    return out


def _query_value(value: str | int | float) -> str | int | float:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def check_file_list(files: object, argument: str = "files") -> list[str] | None:
    """``files`` of ``download_tile`` as a list of file paths (None: every file). A single string
    is refused: it is one path, not a list of them."""
    if files is None:
        return None
    if isinstance(files, str | bytes):
        raise SentinelHubValidationError(
            f"{argument}: a string is not a list of files; pass [{files!r}] for a single file",
            field=argument,
        )
    if isinstance(files, Mapping) or not isinstance(files, Iterable):
        raise _refuse(argument, "a list of file paths (or None for all)", files)
    out = list(files)
    for item in out:
        if not isinstance(item, str):
            raise _refuse(argument, "a list of file paths (strings)", item)
    return out


def check_destination(destination: object, argument: str = "destination") -> str | os.PathLike[str]:
    """``destination`` (or ``directory``) of a download if it is a path: a string or an
    `os.PathLike`, not empty."""
    if isinstance(destination, str) and destination:
        return destination
    if isinstance(destination, os.PathLike) and not isinstance(destination, bytes):
        return cast("os.PathLike[str]", destination)
    raise _refuse(argument, "a file path (a str or a pathlib.Path)", destination)


def _finite(value: Any, where: str) -> None:
    """Refuse NaN and infinite numbers anywhere in a JSON body, naming where."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SentinelHubValidationError(
                f"{where}: {value!r} is not a finite number and cannot be sent as JSON",
                field=where.split(".")[-1].split("[")[0],
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _finite(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _finite(item, f"{where}[{index}]")


def _tile_model(tile: ByocTile | Mapping[str, Any], argument: str = "tile") -> ByocTile:
    return _TILE_ID.model_of(tile, argument)


def _collection_model(
    collection: ByocCollection | Mapping[str, Any], argument: str = "collection"
) -> ByocCollection:
    return _COLLECTION_ID.model_of(collection, argument)


def _sent(
    model: _WireModel, keys: Iterable[str], argument: str, *, unknown: bool = True
) -> dict[str, Any]:
    """The members ``keys`` of a model (and its unknown members if ``unknown``), checked and
    without nulls, as a JSON body."""
    body: dict[str, Any] = {}
    wire = model._wire()
    for key in keys:
        field_ = model._by_key[key]
        value = getattr(model, field_.attr)  # converts the stored value: a bad one raises here
        if value is None:
            continue
        if isinstance(value, _WireModel):
            value.validate()
        else:
            field_.converter.check(value, f"{argument}.{field_.attr}", field_.attr)
        body[key] = wire[key]
    for key, value in cast(Any, model).other_data.items() if unknown else ():
        if value is not None:
            body[key] = value
    body = json.loads(json.dumps(body, default=_no_json(argument)))
    _finite(body, argument)
    return body


def _no_json(argument: str) -> Callable[[Any], Any]:
    def refuse(value: Any) -> Any:
        raise _refuse(argument, "JSON values only", value)

    return refuse


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


# -- parsing -----------------------------------------------------------------------------------


class _Json:
    """A request body for the generated operations, which only call ``to_dict()`` on it."""

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    def to_dict(self) -> dict[str, Any]:
        return self._body


def _body(response: httpx.Response) -> dict[str, Any]:
    data = jsonload.loads(response.content)
    if not isinstance(data, dict):
        raise TypeError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _envelope(response: httpx.Response) -> dict[str, Any]:
    data = _body(response).get("data")
    if not isinstance(data, dict):
        raise TypeError(f"expected an object under 'data', got {type(data).__name__}")
    return data


def _page_of(response: httpx.Response, token: str | None) -> Page[dict[str, Any]]:
    """A listing page as the dicts ``json.loads`` made (models are made by the paginator)."""
    body = _body(response)
    items = body["data"]
    if not isinstance(items, list):
        raise TypeError(f"expected a list under 'data', got {type(items).__name__}")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise TypeError(f"expected an object at 'data[{index}]', got {type(item).__name__}")
    links = body.get("links")
    next_token = links.get("nextToken") if isinstance(links, dict) else None
    if next_token and not isinstance(next_token, str):
        raise TypeError(f"'links.nextToken' is {type(next_token).__name__}, not a string")
    return Page(items, next_token=next_token or None, token=token)


def _no_content(api: ApiClient, response: httpx.Response) -> None:
    return None


@dataclass(frozen=True)
class ForeignTile:
    """What the recovery of a create found at the tile's path: a tile this call did not make
    (made before it, or with other fields). `ByocCalls.created_tile` turns it into a
    `ConflictError`."""

    tile: ByocTile
    reason: str


def _same_instant(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    """The same sensing time, up to the service keeping fewer digits of a second."""
    if a is None or b is None:
        return a is b
    return abs(a - b) < dt.timedelta(seconds=1)


def _same_geometry(found: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    """The same shape: type and coordinates; ``crs`` only when the service returned one."""
    if found.get("type") != sent.get("type") or found.get("coordinates") != sent.get("coordinates"):
        return False
    return "crs" not in found or found.get("crs") == sent.get("crs", found.get("crs"))


class ByocCalls:
    """Every BYOC request, built with the generated operations, and its parsing; no I/O.

    Args:
        base_path: the BYOC path on the host (``/api/v1/byoc`` or ``/byoc/v1``).
    """

    def __init__(self, base_path: str = DEFAULT_BYOC_BASE_PATH) -> None:
        self.base_path = base_path

    def _request(
        self, op: ModuleType, *args: Any, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        request = rebase(op._get_kwargs(*args, **kwargs), SPEC_PREFIX, self.base_path)
        if params:
            request["params"] = {**request.get("params", {}), **params}
        return request

    # -- listings: checked once, then one call per page ------------------------------------------

    def collection_listing(
        self, search: str | None, params: Mapping[str, Any]
    ) -> Callable[[PageRequest], Call[Page[dict[str, Any]]]]:
        """The page calls of ``iter_collections`` (arguments checked now, before any page)."""
        search, extra = check_search(search), check_params(params)
        return lambda page: self.list_collections(search, page, extra)

    def tile_listing(
        self,
        collection: CollectionRef,
        sort: str | None,
        path: str | None,
        status: TileStatus | str | None,
        params: Mapping[str, Any],
    ) -> Callable[[PageRequest], Call[Page[dict[str, Any]]]]:
        """The page calls of ``iter_tiles`` (arguments checked now, before any page)."""
        collection_id = collection_id_of(collection)
        sort, status_value = check_sort(sort), check_status(status)
        path = None if path is None else check_tile_path(path)
        extra = check_params(params)
        return lambda page: self.list_tiles(
            collection_id, page, sort=sort, path=path, status=status_value, params=extra
        )

    # -- collections -------------------------------------------------------------------------

    def list_collections(
        self, search: str | None, page: PageRequest, params: Mapping[str, Any] | None = None
    ) -> Call[Page[dict[str, Any]]]:
        """One page of ``GET /collections``, as dicts (wrap them with `ByocCollection`)."""
        request = self._request(
            get_byoc_collections,
            count=page.count,
            viewtoken=UNSET if page.viewtoken is None else page.viewtoken,
            search=UNSET if search is None else search,
            params=params,
        )
        return Call(request=request, parse=lambda api, r: _page_of(r, page.viewtoken))

    def get_collection(self, collection: CollectionRef) -> Call[ByocCollection]:
        """``GET /collections/{id}``."""
        return Call(
            request=self._request(get_byoc_collection_by_id, collection_id_of(collection)),
            parse=lambda api, r: ByocCollection._from_wire(_envelope(r)),
        )

    def _collection_body(self, collection: ByocCollection | Mapping[str, Any]) -> dict[str, Any]:
        model = _collection_model(collection)
        body = _sent(model, _COLLECTION_SENT, "collection")
        data = body.get("additionalData")
        if isinstance(data, dict):
            for key in _COLLECTION_DATA_READ_ONLY:
                data.pop(key, None)
            bands = data.get("bands")
            if isinstance(bands, dict):
                for band in bands.values():
                    if isinstance(band, dict):
                        band.pop("aliases", None)
            body["additionalData"] = _drop_nulls(data)
        return body

    def create_collection(
        self, collection: ByocCollection | Mapping[str, Any]
    ) -> Call[ByocCollection]:
        """``POST /collections`` with the collection minus its read-only members."""
        body = self._collection_body(collection)
        return Call(
            request=self._request(create_byoc_collection, body=_Json(body)),
            parse=lambda api, r: ByocCollection._from_wire(_envelope(r)),
            create=True,
        )

    def update_collection(self, collection: ByocCollection | Mapping[str, Any]) -> Call[None]:
        """``PUT /collections/{id}`` with name, s3Bucket, noData, additionalData (and unknown
        members); the service deletes ``noData`` when it is left out."""
        model = _collection_model(collection)
        collection_id = collection_id_of(model)
        body = self._collection_body(model)
        request = self._request(update_byoc_collection_by_id, collection_id, body=_Json(body))
        return Call(request=request, parse=_no_content)

    def delete_collection(self, collection: CollectionRef) -> Call[None]:
        """``DELETE /collections/{id}``."""
        request = self._request(delete_byoc_collection_by_id, collection_id_of(collection))
        return Call(request=request, parse=_no_content)

    def copy_tiles(
        self, from_collection: CollectionRef, to_collection: CollectionRef
    ) -> Call[None]:
        """``POST /collections/{from}/copyTiles?toCollection={to}`` (no body)."""
        request = self._request(
            copy_byoc_collection_tiles,
            collection_id_of(from_collection, "from_collection"),
            to_collection=collection_id_of(to_collection, "to_collection"),
        )
        return Call(request=request, parse=_no_content)

    # -- tiles -------------------------------------------------------------------------------

    def list_tiles(
        self,
        collection_id: UUID,
        page: PageRequest,
        *,
        sort: str | None = None,
        path: str | None = None,
        status: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Call[Page[dict[str, Any]]]:
        """One page of ``GET /collections/{id}/tiles`` as dicts (arguments already checked)."""
        request = self._request(
            get_byoc_collection_tiles,
            collection_id,
            count=page.count,
            viewtoken=UNSET if page.viewtoken is None else page.viewtoken,
            sort=UNSET if sort is None else GetByocCollectionTilesSort(sort),
            path=UNSET if path is None else path,
            status=UNSET if status is None else GenTileStatus(status),
            params=params,
        )
        return Call(request=request, parse=lambda api, r: _page_of(r, page.viewtoken))

    def get_tile(self, collection: CollectionRef, tile: TileRef) -> Call[ByocTile]:
        """``GET /collections/{id}/tiles/{tileId}``."""
        request = self._request(
            get_byoc_collection_tile_by_id, collection_id_of(collection), tile_id_of(tile)
        )
        return Call(request=request, parse=lambda api, r: ByocTile._from_wire(_envelope(r)))

    def create_tile(
        self,
        collection: CollectionRef,
        tile: ByocTile | Mapping[str, Any],
        *,
        now: dt.datetime | None = None,
    ) -> Call[ByocTile | ForeignTile]:
        """``POST /collections/{id}/tiles`` with path, coverGeometry and sensingTime.

        After an ambiguous failure the tile is looked up by path before any retry; what is found
        counts as this call's tile only if it was created after ``now`` (this call's start, minus
        `CLOCK_SKEW`) with the fields sent; else it is a `ForeignTile` (see `created_tile`).
        """
        collection_id = collection_id_of(collection)
        model = _tile_model(tile)
        check_tile_path(model.path, "tile.path")
        body = _sent(model, _TILE_SENT, "tile")
        started = now if now is not None else dt.datetime.now(dt.UTC)
        sent = ByocTile._from_wire(dict(body))
        return Call(
            request=self._request(create_byoc_collection_tile, collection_id, body=_Json(body)),
            parse=lambda api, r: ByocTile._from_wire(_envelope(r)),
            create=True,
            recover=self._recover_tile(collection_id, sent, started),
        )

    def _recover_tile(
        self, collection_id: UUID, sent: ByocTile, started: dt.datetime
    ) -> Call[ByocTile | ForeignTile | None]:
        listing = self.list_tiles(collection_id, PageRequest(None, 1), path=sent.path)

        def parse(api: ApiClient, response: httpx.Response) -> ByocTile | ForeignTile | None:
            for item in listing.parse(api, response).items:
                found = ByocTile._from_wire(item)
                if found.path == sent.path:
                    return self._judge(found, sent, started)
            return None

        return Call(request=listing.request, parse=parse)

    @staticmethod
    def _judge(found: ByocTile, sent: ByocTile, started: dt.datetime) -> ByocTile | ForeignTile:
        """``found`` if it is provably the tile ``sent`` by a call started at ``started``."""
        if found.created is None:
            return ForeignTile(found, "it has no creation time, so it may predate this call")
        if found.created < started - CLOCK_SKEW:
            return ForeignTile(
                found, f"it was created at {found.created.isoformat()}, before this call"
            )
        if not _same_instant(found.sensing_time, sent.sensing_time):
            return ForeignTile(found, "it has another sensingTime")
        if sent.cover_geometry is not None and not _same_geometry(
            found.cover_geometry or {}, sent.cover_geometry
        ):
            return ForeignTile(found, "it has another coverGeometry")
        return found

    def created_tile(self, result: ByocTile | ForeignTile, collection: CollectionRef) -> ByocTile:
        """The result of `create_tile`: the tile, or `ConflictError` for a `ForeignTile`."""
        if isinstance(result, ForeignTile):
            raise ConflictError(
                f"A tile with path '{result.tile.path}' already exists in collection "
                f"{collection_id_of(collection)} and was not made by this call: {result.reason}.",
                status=409,
                code="UNIQUE_KEY_VIOLATION",
                note="found while checking whether an interrupted create had succeeded",
            )
        return result

    def update_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> Call[None]:
        """``PUT /collections/{id}/tiles/{tileId}`` with path, coverGeometry and sensingTime."""
        collection_id = collection_id_of(collection)
        model = _tile_model(tile)
        check_tile_path(model.path, "tile.path")
        body = _sent(model, _TILE_SENT, "tile", unknown=False)
        request = self._request(
            update_byoc_collection_tile_by_id, collection_id, tile_id_of(model), body=_Json(body)
        )
        return Call(request=request, parse=_no_content)

    def delete_tile(self, collection: CollectionRef, tile: TileRef) -> Call[None]:
        """``DELETE /collections/{id}/tiles/{tileId}``."""
        request = self._request(
            delete_byoc_collection_tile_by_id, collection_id_of(collection), tile_id_of(tile)
        )
        return Call(request=request, parse=_no_content)

    def reingest_tile(self, collection: CollectionRef, tile: TileRef) -> Call[None]:
        """``POST /collections/{id}/tiles/{tileId}/reingest`` (no body)."""
        request = self._request(
            reingest_byoc_collection_tile_by_id, collection_id_of(collection), tile_id_of(tile)
        )
        return Call(request=request, parse=_no_content)


# -- failures worth trying again (bulk registration, waiting) ---------------------------------


def is_transient(exc: BaseException) -> bool:
    """Whether a call that raised ``exc`` may succeed if tried again later (429, 408, 5xx,
    connection failures and timeouts, a truncated answer)."""
    if isinstance(exc, RateLimitError | ServerError | APIConnectionError):
        return True
    if isinstance(exc, ResponseTooLargeError):
        return False  # the same answer would come again
    if isinstance(exc, APIResponseValidationError):
        return True
    return isinstance(exc, APIError) and exc.status == 408


#: Names that moved to `sentinelhub_client.byoc.waiting` (which imports this module, so they are
#: looked up on first use rather than imported here).
_MOVED = {"IngestionSummary", "IngestionWatch", "PENDING_STATUSES"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from sentinelhub_client.byoc import waiting

        return getattr(waiting, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
