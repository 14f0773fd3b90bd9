"""The service registry: the core imports no service, and a service is one `Service` entry."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import httpx
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.context import EmulatorContext, context_of
from sentinelhub_emulator.core.db import DATABASE_FILENAME
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.services import SERVICES, Service
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from tests.support.emulator import fetch_token

PACKAGE = Path(__file__).resolve().parents[2] / "emulator" / "sentinelhub_emulator"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_core_imports_no_service() -> None:
    services = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    services.discard("core")
    assert "byoc" in services
    offending = []
    for module in sorted((PACKAGE / "core").glob("*.py")):
        for name in _imported_modules(module):
            parts = name.split(".")
            if (
                parts[0] == "sentinelhub_emulator"
                and len(parts) > 1
                and (parts[1] in services or parts[1] in ("services", "server", "samples"))
            ):
                offending.append(f"{module.name}: {name}")
    assert offending == []


def test_byoc_is_registered() -> None:
    [byoc] = [service for service in SERVICES if service.name == "byoc"]
    assert byoc.base_paths == ("/api/v1/byoc", "/byoc/v1")
    assert "CREATE TABLE IF NOT EXISTS tiles" in byoc.schema


class _Counter:
    def __init__(self) -> None:
        self.events: list[str] = []


async def _hello(request: Request) -> Response:
    context = context_of(request)
    counter = context.state("hello", _Counter)
    counter.events.append("request")
    rows = context.db.connection().execute("SELECT word FROM hello_words").fetchall()
    return JSONResponse({"words": [row["word"] for row in rows], "events": counter.events})


def _hello_routes() -> list[BaseRoute]:
    return [resource("/words", {"GET": _hello})]


def _start(context: EmulatorContext) -> None:
    context.state("hello", _Counter).events.append("start")
    with context.db.transaction() as conn:
        conn.execute("INSERT INTO hello_words (word) VALUES ('hi')")


STOPPED: list[_Counter] = []


def _stop(context: EmulatorContext) -> None:
    counter = context.state("hello", _Counter)
    counter.events.append("stop")
    STOPPED.append(counter)


HELLO = Service(
    name="hello",
    base_paths=("/api/v1/hello", "/hello/v1"),
    routes=_hello_routes,
    schema="CREATE TABLE IF NOT EXISTS hello_words (word TEXT NOT NULL);",
    state=lambda context: _Counter(),
    start=_start,
    stop=_stop,
)


def test_a_service_is_one_entry(tmp_path: Path) -> None:
    """Routes under each base path, its table in the database, its state, its start/stop hooks;
    the core's token and BYOC's routes keep working beside it."""
    with Emulator(tmp_path, services=[*SERVICES, HELLO]) as emu:
        token = fetch_token(emu)
        headers = {"Authorization": f"Bearer {token}"}
        first = httpx.get(emu.base_url + "/api/v1/hello/words", headers=headers)
        second = httpx.get(emu.base_url + "/hello/v1/words", headers=headers)
        byoc = httpx.get(emu.base_url + "/api/v1/byoc/collections", headers=headers)
    assert first.json() == {"words": ["hi"], "events": ["start", "request"]}
    assert second.json()["events"] == ["start", "request", "request"]
    assert byoc.status_code == 200
    assert STOPPED[-1].events[-1] == "stop"
    with sqlite3.connect(tmp_path / DATABASE_FILENAME) as conn:
        assert conn.execute("SELECT word FROM hello_words").fetchall() == [("hi",)]


def test_without_byoc_its_routes_are_gone(tmp_path: Path) -> None:
    with Emulator(tmp_path, services=[HELLO]) as emu:
        token = fetch_token(emu)
        headers = {"Authorization": f"Bearer {token}"}
        byoc = httpx.get(emu.base_url + "/api/v1/byoc/collections", headers=headers)
        hello = httpx.get(emu.base_url + "/api/v1/hello/words", headers=headers)
    assert byoc.status_code == 404
    assert byoc.json()["error"]["code"] == "COMMON_NOT_FOUND"
    assert hello.status_code == 200
