"""What every command group shares: the state of one run (profile, verbosity, the config), the
one-line error text, logging with secrets redacted, and the table / JSON output."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from sentinelhub_client._core.extras import MissingExtraError, missing_extras, needs_message
from sentinelhub_client._core.logfilter import RewritingFilter

if TYPE_CHECKING:
    from sentinelhub_client._core.config import SHConfig
    from sentinelhub_client._core.ratelimit import Usage
    from sentinelhub_client.batch.client import SentinelHubBatch
    from sentinelhub_client.byoc.client import SentinelHubBYOC
    from sentinelhub_client.catalog.client import SentinelHubCatalog
    from sentinelhub_client.process.client import SentinelHubProcess
    from sentinelhub_client.statistical.client import SentinelHubStatisticalClient

__all__ = [
    "FILE",
    "Opener",
    "RedactingFilter",
    "State",
    "add_action",
    "add_get",
    "add_list",
    "count_progress",
    "emit_object",
    "emit_rows",
    "fail",
    "group",
    "json_option",
    "list_options",
    "max_items_option",
    "needs_extras",
    "one_line_error",
    "option_group",
    "pass_state",
    "poll_options",
    "read_json_object",
    "read_text_file",
    "request_options",
    "require_extras",
    "setup_logging",
    "show_progress",
    "tile_arguments",
    "total_units_line",
    "write_atomically",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Secret values seen in this process (client secret, tokens); logs and errors never show them.
_SECRETS: set[str] = set()
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(
        r"(?i)((?:client_secret|access_token|refresh_token|sh_token)[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,;}]+"
    ),
)


def redact(text: str) -> str:
    """``text`` with every known secret and every token-looking value replaced by ``***``."""
    for secret in _SECRETS:
        text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


def remember_secret(value: str | None) -> None:
    """Have `redact` hide ``value`` from now on (values shorter than 4 characters are kept: they
    would blank out ordinary words)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


class RedactingFilter(RewritingFilter):
    """Rewrites each record's message through `redact` before any handler formats it."""

    rewrite = staticmethod(redact)


class _StderrHandler(logging.Handler):
    """Writes to the stderr of the moment (click's test runner swaps it), secrets redacted."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.addFilter(RedactingFilter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # logging must never break the command
            self.handleError(record)


#: The loggers ``-v`` turns on: the library's notes, and httpx's one INFO line per request
#: (method, URL, status).
_LOGGERS = ("sentinelhub_client", "httpx")


def setup_logging(verbose: int) -> Callable[[], None]:
    """``-v``: one line per request and the library's notes; ``-vv``: everything (debug).

    Returns the function that undoes it (the root group calls it when the run ends).
    """
    if verbose <= 0:
        return lambda: None
    handler = _StderrHandler()
    levels = {"sentinelhub_client": logging.DEBUG if verbose >= 2 else logging.INFO}
    saved = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(levels.get(name, logging.INFO))
        logger.addHandler(handler)

    def undo() -> None:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)

    return undo


def one_line_error(exc: BaseException) -> str:
    """One line for a failure: status, code, message and request id for the service's errors."""
    from sentinelhub_client._core.errors import APIError

    if isinstance(exc, APIError):
        head = str(exc.status) if exc.status is not None else "no answer"
        if exc.code:
            head += f" {exc.code}"
        text = f"{head}: {exc.message or exc.reason or 'no message'}"
        if exc.errors:
            text += " (" + "; ".join(str(v) for v in exc.errors) + ")"
        if exc.method and exc.url:
            text += f" [{exc.method.upper()} {exc.url}]"
        if exc.request_id:
            text += f" (request id {exc.request_id})"
    else:
        text = str(exc) or type(exc).__name__
    return redact(" ".join(text.split()))


def fail(message: str) -> NoReturn:
    """Stop the command with a one-line error and exit code 1."""
    from sentinelhub_client.cli.root import ShcError

    raise ShcError(message)


def require_extras(*extras: str) -> None:
    """Stop the running command unless ``extras`` are installed: one line on stderr naming the
    command, the extras and the pip command, exit code 2 (the modules are looked up, not
    imported)."""
    from sentinelhub_client.cli.root import MissingExtraExit

    missing = missing_extras(extras)
    if missing:
        raise MissingExtraExit(needs_message(click.get_current_context().command_path, missing))


def needs_extras(*extras: str) -> Callable[[F], F]:
    """A command that needs ``extras`` (`sentinelhub_client._core.extras.EXTRA_MODULES`) checks
    them before it runs (`require_extras`), and reports a `MissingExtraError` raised while it
    runs the same way: ``shc cog validate needs the "geo" extra: pip install ...``, exit 2.

    Put it right above the function, below the options."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require_extras(*extras)
            try:
                return function(*args, **kwargs)
            except MissingExtraError as exc:
                from sentinelhub_client.cli.root import MissingExtraExit

                path = click.get_current_context().command_path
                raise MissingExtraExit(needs_message(path, exc.extras)) from exc

        checked.__dict__["shc_extras"] = extras  # what tests/packaging checks every command by
        return cast(F, checked)

    return decorate


@dataclass
class State:
    """What the root group parsed, shared by the commands of one run."""

    profile: str | None = None
    verbose: int = 0
    _config: SHConfig | None = field(default=None, repr=False)

    def config(self) -> SHConfig:
        """The configuration of this run, resolved once (arguments, SH_*, profile, defaults)."""
        if self._config is None:
            from sentinelhub_client._core.config import SHConfig

            self._config = SHConfig(self.profile)
            remember_secret(self._config.sh_client_secret)
            remember_secret(self._config.sh_token)
        return self._config

    def credentials(self) -> SHConfig:
        """This run's configuration, refused in one line when it has no credentials."""
        config = self.config()
        if not config.has_credentials:
            fail(
                "no credentials: set SH_CLIENT_ID and SH_CLIENT_SECRET (or SH_TOKEN), or name a "
                "sentinelhub-py profile with --profile"
            )
        return config

    def byoc(self) -> SentinelHubBYOC:
        """A BYOC client for this run's configuration (use it in a ``with`` block)."""
        from sentinelhub_client.byoc.client import SentinelHubBYOC

        return SentinelHubBYOC(self.credentials())

    def process(self) -> SentinelHubProcess:
        """A Process / Async Process client for this run (use it in a ``with`` block)."""
        from sentinelhub_client.process.client import SentinelHubProcess

        return SentinelHubProcess(self.credentials())

    def catalog(self) -> SentinelHubCatalog:
        """A Catalog client for this run (use it in a ``with`` block)."""
        from sentinelhub_client.catalog.client import SentinelHubCatalog

        return SentinelHubCatalog(self.credentials())

    def statistical(self) -> SentinelHubStatisticalClient:
        """A Statistical API client for this run (use it in a ``with`` block)."""
        from sentinelhub_client.statistical.client import SentinelHubStatisticalClient

        return SentinelHubStatisticalClient(self.credentials())

    def batch(self) -> SentinelHubBatch:
        """A Batch v1 client for this run (use it in a ``with`` block)."""
        from sentinelhub_client.batch.client import SentinelHubBatch

        return SentinelHubBatch(self.credentials())


pass_state = click.make_pass_decorator(State, ensure=True)


def group(name: str, help_text: str | None = None) -> click.Group:
    """The click group of the registered command ``name``; its help, unless given, the summary
    the registry (`sentinelhub_client.cli.root.COMMANDS`) lists it with."""
    from sentinelhub_client.cli.root import COMMANDS

    return click.Group(name, help=help_text or COMMANDS[name][1])


def json_option(function: F) -> F:
    """``--json``: one JSON document for one object, JSON lines for a list."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print JSON: one document for one object, one object per line for lists.",
    )(function)


def max_items_option(function: F) -> F:
    """``--max-items``: stop after this many (pages are fetched only as needed)."""
    return click.option("--max-items", type=click.IntRange(min=1), help="Stop after this many.")(
        function
    )


def option_group(*decorators: Callable[[Any], Any]) -> Callable[[F], F]:
    """The click options and arguments ``decorators`` as one decorator, in the order written (the
    order ``--help`` lists them in), for the commands that share them."""

    def decorate(function: F) -> F:
        for decorator in reversed(decorators):
            function = cast(F, decorator(function))
        return function

    return decorate


#: An existing file (not a folder), as a `Path`.
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def request_options(
    request_help: str, evalscript_help: str, *, required: bool = True
) -> Callable[[F], F]:
    """``--request FILE`` (a JSON request body) and ``--evalscript FILE``, as the Process, Async,
    Batch and Statistical commands take them."""
    return option_group(
        click.option("--request", "request", type=FILE, required=required, help=request_help),
        click.option("--evalscript", type=FILE, help=evalscript_help),
    )


#: ``COLLECTION TILE``: the arguments of a command on one tile of a BYOC collection.
tile_arguments = option_group(click.argument("collection"), click.argument("tile"))

#: ``--max-items`` and ``--json``: the options of a command that lists things.
list_options = option_group(max_items_option, json_option)


def poll_options(interval: float, timeout: float | None) -> Callable[[F], F]:
    """``--interval`` and ``--timeout`` of a command that waits, with these defaults (a
    ``timeout`` of None: no limit)."""
    if timeout is None:
        timeout_option = click.option(
            "--timeout",
            type=float,
            default=None,
            help="Seconds in all (default: no limit; Ctrl-C stops).",
        )
    else:
        timeout_option = click.option(
            "--timeout", type=float, default=timeout, show_default=True, help="Seconds in all."
        )
    return option_group(
        click.option(
            "--interval",
            type=float,
            default=interval,
            show_default=True,
            help="Seconds between polls.",
        ),
        timeout_option,
    )


#: How a command opens the client it talks to (``State.byoc``, ...): used in a ``with`` block.
Opener = Callable[[State], AbstractContextManager[Any]]


def _as_is(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _with_arguments(arguments: Sequence[str]) -> Callable[[F], F]:
    return option_group(*(click.argument(argument) for argument in arguments))


def add_action(
    group: click.Group,
    opener: Opener,
    name: str,
    arguments: Sequence[str],
    method: str,
    done: str,
    help_text: str,
    short_help: str | None = None,
) -> None:
    """Add ``name ARGUMENTS...``: it opens the client, calls the client's ``method`` with the
    arguments in order and prints ``done`` filled in with them (``"deleted tile {tile}"``)."""

    @pass_state
    def action(state: State, /, **values: str) -> None:
        with opener(state) as client:
            getattr(client, method)(*(values[argument] for argument in arguments))
        click.echo(done.format(**values))

    group.command(name, help=help_text, short_help=short_help)(_with_arguments(arguments)(action))


def add_get(
    group: click.Group,
    opener: Opener,
    name: str,
    arguments: Sequence[str],
    method: str,
    help_text: str,
    shown: Callable[[dict[str, Any]], dict[str, Any]] = _as_is,
) -> None:
    """Add ``name ARGUMENTS... [--json]``: it prints the object the client's ``method`` returns
    for the arguments (its ``to_dict()``, through ``shown``)."""

    @json_option
    @pass_state
    def get(state: State, /, as_json: bool, **values: str) -> None:
        with opener(state) as client:
            found = getattr(client, method)(*(values[argument] for argument in arguments))
            emit_object(shown(found.to_dict()), as_json=as_json)

    group.command(name, help=help_text)(_with_arguments(arguments)(get))


def add_list(
    group: click.Group,
    opener: Opener,
    name: str,
    arguments: Sequence[str],
    filters: Mapping[str, str],
    method: str,
    columns: Sequence[str],
    help_text: str,
    short_help: str | None = None,
) -> None:
    """Add ``name ARGUMENTS... [--FILTER TEXT]... [--max-items N] [--json]``: it streams what
    the client's ``method`` lists for the arguments (in order) and the filters (``{"--sort":
    help}``, passed by name), as rows of ``columns`` or JSON lines."""

    @list_options
    @pass_state
    def list_(state: State, /, max_items: int | None, as_json: bool, **values: Any) -> None:
        given = [values.pop(argument) for argument in arguments]
        with opener(state) as client:
            found = getattr(client, method)(*given, **values, max_items=max_items)
            emit_rows((item.to_dict() for item in found), columns, as_json=as_json)

    params = option_group(
        *(click.argument(argument) for argument in arguments),
        *(click.option(option, help=text) for option, text in filters.items()),
    )
    group.command(name, help=help_text, short_help=short_help)(params(list_))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def emit_object(data: Mapping[str, Any], *, as_json: bool) -> None:
    """One object: a JSON document, or ``key  value`` lines."""
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    width = max((len(key) for key in data), default=0)
    for key, value in data.items():
        click.echo(f"{key.ljust(width)}  {_cell(value)}")


#: Rows whose cells size the table's columns (so that a listing of millions streams in bounded
#: memory); a longer cell, later or over ``_MAX_WIDTH``, is printed whole and shifts its line.
_SIZING_ROWS = 100
_MAX_WIDTH = 60


def emit_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, as_json: bool) -> int:
    """A list of objects, streamed: JSON lines (whole objects), or a table of ``columns``.

    Returns the number of rows written.
    """
    count = 0
    if as_json:
        out = sys.stdout
        for row in rows:
            out.write(json.dumps(row, separators=(",", ":"), default=str) + "\n")
            count += 1
        out.flush()
        return count
    iterator: Iterator[Mapping[str, Any]] = iter(rows)
    head = list(islice(iterator, _SIZING_ROWS))
    cells = [[_cell(row.get(c)) for c in columns] for row in head]
    widths = [
        min(_MAX_WIDTH, max([len(c), *(len(r[i]) for r in cells)])) for i, c in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    click.echo(line(list(columns)))
    for values in cells:
        click.echo(line(values))
        count += 1
    for row in iterator:
        click.echo(line([_cell(row.get(c)) for c in columns]))
        count += 1
    return count


# -- files ----------------------------------------------------------------------------------------


def total_units_line(usage: Usage) -> str:
    """The line ``shc process`` and ``shc stats`` end with: the PU of the whole run."""
    if not usage.requests:
        return "total processing units: not reported"
    return f"total processing units: {usage.processing_units:g} ({usage.requests} request(s))"


def read_text_file(path: Path, option: str) -> str:
    """The text of ``path`` (UTF-8), or a one-line error naming ``option``."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{option}: cannot read {path}: {exc}")


def read_json_object(path: Path, option: str) -> dict[str, Any]:
    """The JSON object in ``path``, or a one-line error naming ``option`` and the problem."""
    text = read_text_file(path, option)
    try:
        document = json.loads(text)
    except ValueError as exc:
        fail(f"{option}: {path} is not valid JSON: {exc}")
    if not isinstance(document, dict):
        fail(f"{option}: {path} must hold a JSON object, not {type(document).__name__}")
    return document


def write_atomically(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` all or nothing: a temporary ``.part`` file beside it, renamed
    over ``path`` when complete. Interrupted (Ctrl-C included), it leaves ``path`` as it was and
    no temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- progress -------------------------------------------------------------------------------------


def show_progress() -> bool:
    """Whether to draw progress bars: only when standard error is a terminal (so logs, pipes and
    CI output stay clean)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def count_progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar of ``done / total`` things on standard error while the block runs, fed through the
    yielded ``(done, total)`` callback; nothing is drawn unless `show_progress`."""
    if not show_progress():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr, force_terminal=True),
    )
    with bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
