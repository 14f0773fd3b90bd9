"""``shc process``: run Process API requests, and submit and follow Async Process requests.

A request is a JSON file holding the Process API body (``input``, ``output``, optionally
``evalscript``; a sentinelhub-py ``request.json`` record with its ``payload`` works too) and an
evalscript file, which replaces any evalscript of the JSON.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]


def _body(request: Path, evalscript: Path | None) -> dict[str, Any]:
    """The request body of ``--request``, with the evalscript of ``--evalscript`` in it."""
    body = common.read_json_object(request, "--request")
    payload = body.get("payload")
    if "input" not in body and isinstance(payload, dict):  # sentinelhub-py's saved request.json
        body = payload
    if evalscript is not None:
        body["evalscript"] = common.read_text_file(evalscript, "--evalscript")
        body.pop("evalscriptReference", None)
    elif "evalscript" not in body and "evalscriptReference" not in body:
        common.fail(
            f"--evalscript: {request} has no evalscript; give the script with --evalscript FILE"
        )
    return body


def _outputs(content: bytes, mime: Any, body: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The files of one answer: the members of a tar (several responses), else one file named
    after the response's identifier (``default.tif``)."""
    from sentinelhub_client.process.builders import MimeType

    if mime is MimeType.TAR:
        files = []
        with tarfile.open(fileobj=io.BytesIO(content)) as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts or not name.parts:
                    common.fail(
                        f"the answer holds a file named {member.name!r}, outside the folder"
                    )
                extracted = archive.extractfile(member)
                assert extracted is not None  # a regular file
                files.append((str(name), extracted.read()))
        return files
    responses = (body.get("output") or {}).get("responses") or [{}]
    identifier = str(responses[0].get("identifier") or "default")
    if "/" in identifier or identifier in ("", ".", ".."):
        common.fail(f"output.responses[0].identifier: {identifier!r} cannot be a file name")
    return [(f"{identifier}.{mime.extension}", content)]


def _expected_names(body: dict[str, Any]) -> list[str]:
    """The files an answer to ``body`` will hold (checked against --overwrite before sending)."""
    from sentinelhub_client.process.builders import MimeType

    responses = (body.get("output") or {}).get("responses") or [{}]
    names = []
    for response in responses:
        if not isinstance(response, dict):
            continue
        fmt = (response.get("format") or {}).get("type", MimeType.PNG.value)
        try:
            extension = MimeType.parse(fmt).extension
        except ValueError:
            continue  # the library refuses it, naming the field
        names.append(f"{response.get('identifier') or 'default'}.{extension}")
    return names


command = common.group("process")


@command.command(
    "run", short_help="Run a Process request from JSON and evalscript files; save outputs."
)
@common.request_options(
    "The request body (JSON).",
    "The evalscript file (replaces the JSON's evalscript; needed when the JSON has none).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Where the outputs are written (created if missing).",
)
@click.option("--overwrite", is_flag=True, help="Replace output files that exist.")
@json_option
@pass_state
def run(
    state: State,
    request: Path,
    evalscript: Path | None,
    output_dir: Path,
    overwrite: bool,
    as_json: bool,
) -> None:
    """Send a Process API request and save what it renders into --output-dir: one file per
    response, ``<identifier>.<ext>`` (``default.tif``; the tar's members when there are several
    responses, ``userdata.json`` included). Files are written whole or not at all."""
    body = _body(request, evalscript)
    if not overwrite:
        taken = [name for name in _expected_names(body) if (output_dir / name).exists()]
        if taken:
            common.fail(
                f"{output_dir / taken[0]} exists; pass --overwrite or choose another --output-dir"
            )
    with state.process() as process:
        response = process.process(body)
        usage = process.usage()
    files = _outputs(response.content, response.mime_type, body)
    if not overwrite:
        for name, _ in files:
            if (output_dir / name).exists():
                common.fail(f"{output_dir / name} exists; pass --overwrite or another --output-dir")
    rows = []
    for name, data in files:
        path = output_dir / name
        common.write_atomically(path, data)
        rows.append({"path": str(path), "bytes": len(data)})
    units = response.processing_units
    if as_json:
        common.emit_object(
            {
                "outputs": rows,
                "processingUnits": units,
                "totalProcessingUnits": usage.processing_units,
            },
            as_json=True,
        )
        return
    common.emit_rows(rows, ("path", "bytes"), as_json=False)
    click.echo(f"processing units: {units if units is not None else 'not reported'}", err=True)
    click.echo(common.total_units_line(usage), err=True)


@command.group("async")
def async_() -> None:
    """Submit Async Process requests, check them and wait for them."""


@async_.command("submit", short_help="Start an Async Process request; print its id.")
@common.request_options(
    "The request body (JSON).",
    "The evalscript file (replaces the JSON's evalscript; needed when the JSON has neither "
    "evalscript nor evalscriptReference).",
)
@click.option(
    "--delivery",
    metavar="S3_URL",
    help="Where the outputs go (s3://bucket/prefix); sets output.delivery.s3.url, keeping the "
    "JSON's other delivery settings.",
)
@json_option
@pass_state
def submit(
    state: State, request: Path, evalscript: Path | None, delivery: str | None, as_json: bool
) -> None:
    """Start an Async Process request; prints its id and status (RUNNING)."""
    body = _body(request, evalscript)
    if delivery is not None:
        output = body.setdefault("output", {})
        if not isinstance(output, dict):
            common.fail(f"--request: output in {request} must be an object")
        target = output.setdefault("delivery", {})
        if not isinstance(target, dict):
            common.fail(f"--request: output.delivery in {request} must be an object")
        s3 = target.setdefault("s3", {})
        if not isinstance(s3, dict):
            common.fail(f"--request: output.delivery.s3 in {request} must be an object")
        s3["url"] = delivery
    with state.process() as process:
        status = process.submit(body)
    common.emit_object(status.to_dict(), as_json=as_json)


def _status_rows(statuses: Mapping[str, bool | None]) -> list[dict[str, Any]]:
    """RUNNING, or FINISHED: the service said so, or no longer knows the id (it answers 404
    once a request has ended, so an unknown id reads the same)."""
    return [
        {"id": key, "status": "RUNNING" if running else "FINISHED", "running": bool(running)}
        for key, running in statuses.items()
    ]


@async_.command("status", short_help="Whether Async Process requests still run.")
@click.argument("ids", nargs=-1, required=True)
@json_option
@pass_state
def status(state: State, ids: tuple[str, ...], as_json: bool) -> None:
    """Whether each Async Process request of IDS still runs (RUNNING) or has ended (FINISHED:
    look for its outputs, or error.json, at its delivery location). The service forgets a
    request once it has ended, so an id it never knew also shows as FINISHED."""
    with state.process() as process:
        statuses = process.get_async_running_status(list(ids))
    common.emit_rows(_status_rows(statuses), ("id", "status"), as_json=as_json)


@async_.command("wait", short_help="Wait until Async Process requests finish.")
@click.argument("ids", nargs=-1, required=True)
@common.poll_options(interval=10.0, timeout=3600.0)
@json_option
@pass_state
def wait(
    state: State, ids: tuple[str, ...], interval: float, timeout: float, as_json: bool
) -> None:
    """Wait until no request of IDS runs (a progress bar on standard error when it is a
    terminal); exit code 1 on timeout."""
    with state.process() as process, common.count_progress("async requests") as progress:
        statuses = process.wait_for_async(
            list(ids), interval=interval, timeout=timeout, progress=progress
        )
    common.emit_rows(_status_rows(statuses), ("id", "status"), as_json=as_json)
