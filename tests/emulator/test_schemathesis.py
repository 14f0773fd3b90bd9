"""Schemathesis against a running emulator with the project's spec: the BYOC operations.

Every BYOC operation of ``openapi/sentinelhub.yaml`` (paths under ``/api/v1/byoc``) gets
schemathesis's coverage cases (boundary and invalid values, positive and negative; a fixed set)
and a bounded number of fuzzed cases; a stateful run then chains operations along the links
schemathesis infers (the spec declares none), such as creating a collection and then listing,
updating or deleting it and its tiles. Every response must pass `CHECKS`: no 5xx, a documented
status code and content type, the declared headers, and a body that fits the response schema.

Most generated ids name nothing, so each operation's test first seeds fresh data (a collection
with an ingested tile, an empty target for copyTiles, a Planet collection whose tile has files)
and `aim` points most cases with well-formed ids at it, so that the 200 / 201 / 204 / 206 / 416
answers get checked too. `fill_in_refused` replaces the empty names and paths (and odd bucket
names) that the spec allows and the emulator refuses, for the same reason. Both decide from a hash
of the generated values, so that a replayed or shrunk case is changed the same way.

Generation is deterministic (derandomized, no example database): every run sends the same cases.
"""

from __future__ import annotations

import itertools
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.context import BUCKET_NAME
from sentinelhub_emulator.samples import write_cog

from tests.support.emulator import fetch_token

from .conftest import PLANET_BUCKET, new_collection

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "sentinelhub.yaml"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: Fuzzed cases per operation (the coverage cases come on top, a fixed set).
MAX_EXAMPLES = 25
#: Stateful scenarios and the steps each may take.
STATEFUL_EXAMPLES = 20
STATEFUL_STEPS = 6

DATA_BUCKET = "schemathesis"
TILE_PATH = "scene/(BAND).tif"
PLANET_TILE_PATH = "order/item"
PLANET_FILES = {"a.bin": bytes(range(256)) * 4, "sub/b.json": b'{"b": 1}', "empty.dat": b""}

_CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"deterministic": True, "database": "none"},
        "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
    }
)

schema = schemathesis.openapi.from_path(SPEC_PATH, config=_CONFIG).include(
    path_regex=r"^/api/v1/byoc/"
)

_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


# ------------------------------------------------------------------ seeded data


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """The module's own emulator, with the files the seeded tiles need in its buckets."""
    with Emulator(tmp_path_factory.mktemp("emulator"), planet_buckets=[PLANET_BUCKET]) as emu:
        buckets = emu.data_dir / "buckets"
        write_cog(
            buckets / DATA_BUCKET / "scene" / "B02.tif",
            crs_epsg=32633,
            bounds=(500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0),
            width=512,
            height=512,
        )
        for name, content in PLANET_FILES.items():
            target = buckets / PLANET_BUCKET / PLANET_TILE_PATH / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        yield emu


@pytest.fixture
def seeded(emulator: Emulator, api: httpx.Client) -> dict[str, str]:
    """Fresh ids for one test: the operations under test may update or delete them."""
    collection = new_collection(api, name="seeded", s3Bucket=DATA_BUCKET)
    response = api.post(
        f"/collections/{collection['id']}/tiles",
        json={"path": TILE_PATH, "sensingTime": "2024-05-01T10:00:00Z"},
    )
    assert response.status_code == 201, response.text
    tile = response.json()["data"]
    target = new_collection(api, name="copy target", s3Bucket=DATA_BUCKET)
    planet = new_collection(api, name="planet", s3Bucket=PLANET_BUCKET)
    [planet_tile] = emulator.store.create_tiles(
        planet["id"], [(PLANET_TILE_PATH, None, None)], status="INGESTED"
    )
    emulator.wait_for_ingestion()
    ingested = api.get(f"/collections/{collection['id']}/tiles/{tile['id']}").json()["data"]
    assert ingested["status"] == "INGESTED", ingested
    return {
        "collection": collection["id"],
        "tile": tile["id"],
        "target": target["id"],
        "planet": planet["id"],
        "planet_tile": planet_tile.id,
    }


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def digest(case: schemathesis.Case) -> int:
    """A stable hash of what was generated, so that a replayed or shrunk case is aimed alike."""
    generated = (case.method, case.path_parameters, case.query, case.headers, case.body)
    return zlib.crc32(repr(generated).encode())


#: Range headers for the seeded files: a prefix, a suffix, an open end, one past the end (416).
RANGES = ("bytes=0-99", "bytes=-10", "bytes=100-", "bytes=5000-")


def aim(case: schemathesis.Case, ids: dict[str, str]) -> None:
    """Point three in four cases whose ids are well-formed at the seeded resources.

    Malformed ids are left alone (they exercise the 400 / 404 answers), as is one case in four
    (unknown ids: 404). Routes with files go to the Planet tile, most of the time to one of its
    files, and a download mostly asks for a range that exists or one that does not (416); the
    other routes go to the ingested tile, or now and then to the Planet tile as well. copyTiles
    copies into the empty target, and a PUT collection mostly keeps the bucket (a move is a 400).
    """
    params = case.path_parameters if case.path_parameters is not None else {}
    query = case.query if case.query is not None else {}
    ids_in_path = [params[name] for name in ("collectionId", "tileId") if name in params]
    if not ids_in_path and "toCollection" not in query:
        return
    if not all(_is_uuid(value) for value in ids_in_path):
        return
    hashed = digest(case)
    pick, more = hashed % 4, hashed >> 2
    if pick == 0:
        return
    planet = "/files" in case.path or pick == 3
    collection, tile = ("planet", "planet_tile") if planet else ("collection", "tile")
    if "collectionId" in params:
        params["collectionId"] = ids[collection]
    if "tileId" in params:
        params["tileId"] = ids[tile]
    names = sorted(PLANET_FILES)
    if "path" in params and more % (len(names) + 1) < len(names):
        params["path"] = names[more % (len(names) + 1)]
    ranged = (more >> 3) % (len(RANGES) + 2)
    if "{path}" in case.path and case.method == "GET" and ranged < len(RANGES):
        case.headers = {**(case.headers or {}), "Range": RANGES[ranged]}
    if _is_uuid(query.get("toCollection")):
        query["toCollection"] = ids["target"]
    body = case.body
    collection_put = case.method == "PUT" and "{tileId}" not in case.path and more % 2 == 1
    if collection_put and isinstance(body, dict) and isinstance(body.get("s3Bucket"), str):
        body["s3Bucket"] = PLANET_BUCKET if planet else DATA_BUCKET  # not moved: a 204


def fill_in_refused(case: schemathesis.Case) -> None:
    """Replace body values that the spec allows but the emulator refuses.

    Schemathesis's simplest string is "", and the spec lets ``name``, ``s3Bucket`` and a tile's
    ``path`` be empty (or ``s3Bucket`` any text), so without this nearly every body for POST / PUT
    collection and POST tile is a 400, their 201 / 204 answers go unchecked, and stateful chains
    stop at their first step. Blank names and paths get some text; half of the buckets that are
    no bucket name become the seeded bucket (the other half keep exercising the 400). An empty
    ``sensingTime`` is no date-time (the spec's ``format`` says so; schemathesis does not always
    honour it) and becomes null. Everything else is sent as generated.
    """
    body = case.body
    if not isinstance(body, dict):
        return
    hashed = digest(case)
    for field, text in (("name", "schemathesis"), ("path", "tiles/t")):
        value = body.get(field)
        if isinstance(value, str) and not value.strip():
            body[field] = f"{text}-{hashed:08x}"
    bucket = body.get("s3Bucket")
    if isinstance(bucket, str) and not BUCKET_NAME.match(bucket) and hashed % 2 == 0:
        body["s3Bucket"] = DATA_BUCKET
    if body.get("sensingTime") == "":
        body["sensingTime"] = None


# ------------------------------------------------------------------ the tests


@schema.parametrize()
@_SETTINGS
def test_byoc_operation_conforms(
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


@pytest.fixture(scope="module")
def still_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """An emulator whose tiles stay WAITING: no answer depends on how fast ingestion runs."""
    with Emulator(tmp_path_factory.mktemp("still"), ingestion_delay=3600) as emu:
        yield emu


def test_stateful_links_conform(still_emulator: Emulator) -> None:
    """Chains of operations along the inferred links, each scenario in an account of its own.

    Hypothesis replays a scenario's prefix when it explores or shrinks, and what a step may draw
    depends on earlier answers (how many collections a list returned, say). A fresh account per
    scenario and tiles that never leave WAITING make those answers depend only on the scenario's
    own requests, so a replay sees the same answers.
    """
    emu = still_emulator
    base_url = emu.base_url
    scenarios = itertools.count()

    class ByocStateMachine(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            client_id = f"stateful-{next(scenarios)}"
            emu.add_client(client_id, "secret")
            self.headers = {"Authorization": f"Bearer {fetch_token(emu, client_id, 'secret')}"}

        def before_call(self, case: schemathesis.Case) -> None:
            fill_in_refused(case)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": base_url, "headers": self.headers, "timeout": 30}

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case,
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    ByocStateMachine.run(
        settings=settings(
            _SETTINGS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS
        )
    )
