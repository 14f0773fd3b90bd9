"""A small, strict interpreter for the shell steps the pages ask the reader to perform.

It knows the few commands the pages use and nothing else; any other command, and any shell
syntax beyond ``A && B``, a trailing ``&``, comments and ``\\`` line continuations, fails naming
the page and line. Programs are taken from the virtual environment the tests run in: ``X`` and
``.venv/bin/X`` both mean ``<venv>/bin/X``.

- ``export K=V ...``: sets the variables for the later steps and examples of the page;
- ``mkdir [-p] DIR ...``: makes the folders in the page's working folder;
- ``sentinelhub-emulator ...`` and ``shc emulator ...``: start it as a real background process
  (with or without ``&``: the pages say to leave it running) and wait until
  ``/_emulator/health`` answers; without ``--port`` it gets the stand-in of its default, 8000;
- ``python -m moto.server -p PORT [&]``: starts the local S3-compatible server the same way and
  waits until it answers;
- ``python -c CODE`` and ``shc ...``: run to the end; an exit status other than 0 fails;
- ``python3 -m venv .venv``: checks that the tests run in a virtual environment (they run in
  the one it made);
- ``.venv/bin/pip install [-q] [-c FILE] [-e] ".[EXTRAS]"``: checks that this project and the
  requirements of each extra are installed (the environment is not rebuilt; FILE must exist);
- ``.venv/bin/pytest ...``: nothing, since the docs tests are part of that very run.

Every process started is put in its own process group and ended with it in `PageShell.close`
(SIGTERM, then SIGKILL after a grace period), which returns only when the group is gone.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from packaging.requirements import Requirement

from tests.docs.examples import ROOT, Block

BIN = Path(sys.executable).parent
DISTRIBUTION = "sentinelhub-client"
READY_TIMEOUT = 60.0  # seconds for a server to answer; two shared cores can be slow
RUN_TIMEOUT = 300.0  # seconds for a command run to the end
STOP_GRACE = 20.0  # seconds between SIGTERM and SIGKILL

# Where a page names a port: a URL on this machine, an option of the emulator or of moto.
_PORT = re.compile(r"(?P<prefix>(?:127\.0\.0\.1|localhost):|--port[ =]|(?<![\w-])-p )(?P<port>\d+)")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SYNTAX = {"&&", "&", "|", "||", ";", ";;", ">", ">>", "<", "<<", "(", ")", "|&", "&>"}


class ShellStepError(AssertionError):
    """A step of a page could not be performed as written."""


def fixed_ports(texts: Iterable[str]) -> list[int]:
    """The port numbers the given texts name, in order of first appearance."""
    found: list[int] = []
    for text in texts:
        for match in _PORT.finditer(text):
            port = int(match.group("port"))
            if port and port not in found:
                found.append(port)
    return found


def free_ports(ports: Iterable[int]) -> dict[int, int]:
    """A free port of this machine for each given port (the OS picks them; all different)."""
    mapping: dict[int, int] = {}
    with contextlib.ExitStack() as stack:
        for port in ports:
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            mapping[port] = sock.getsockname()[1]
    return mapping


def rewrite_ports(text: str, mapping: Mapping[int, int]) -> str:
    """``text`` with every port it names replaced by its free stand-in."""

    def replace(match: re.Match[str]) -> str:
        port = int(match.group("port"))
        return match.group("prefix") + str(mapping.get(port, port))

    return _PORT.sub(replace, text)


def base_environment(home: Path) -> dict[str, str]:
    """What a page's steps start from: a shell's bare minimum, with the venv first on PATH and a
    fresh home folder (so no profile or variable of this machine leaks in)."""
    return {"PATH": f"{BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin", "HOME": str(home)}


@dataclass
class Server:
    """A background process a page started."""

    argv: list[str]
    where: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


@dataclass
class PageShell:
    """Performs the shell steps of one page, in its working folder, and ends what they started."""

    workdir: Path
    home: Path
    ports: Mapping[int, int]
    env: dict[str, str] = field(init=False)
    servers: list[Server] = field(default_factory=list)
    ran: list[tuple[str, str]] = field(default_factory=list)  # (where, output) of each run

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = base_environment(self.home)

    # -- parsing ---------------------------------------------------------------------------

    def run_block(self, block: Block, code: str | None = None) -> None:
        """Perform every command of a shell block (``code``: its text, ports rewritten)."""
        for line, text in logical_lines(block.code if code is None else code):
            self.run_line(text, f"{block.where.rsplit(':', 1)[0]}:{block.line + line}")

    def run_line(self, text: str, where: str) -> None:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError as exc:
            raise ShellStepError(f"{where}: cannot read {text!r}: {exc}") from None
        if not tokens:
            return
        background = tokens[-1] == "&"
        if background:
            tokens = tokens[:-1]
        commands: list[list[str]] = [[]]
        for token in tokens:
            if token == "&&":
                commands.append([])
            elif token in _SYNTAX:
                raise ShellStepError(
                    f"{where}: the docs tests do not interpret {token!r} in {text!r}; "
                    "write the step as plain commands, or mark the block "
                    "'# not run by the tests: <reason>'"
                )
            elif "$" in token or "`" in token:
                raise ShellStepError(f"{where}: no variable expansion here: {token!r}")
            else:
                commands[-1].append(token)
        if any(not command for command in commands):
            raise ShellStepError(f"{where}: an empty command in {text!r}")
        if background and len(commands) > 1:
            raise ShellStepError(f"{where}: '&' after '&&' is not interpreted: {text!r}")
        for argv in commands:
            self.run_command(argv, where, background=background)

    # -- commands --------------------------------------------------------------------------

    def run_command(self, argv: list[str], where: str, *, background: bool = False) -> None:
        program, args = _program(argv[0]), argv[1:]
        if argv[0] == "export":
            self._export(args, where)
        elif argv[0] == "mkdir":
            self._mkdir(args, where)
        elif program == "sentinelhub-emulator":
            self._emulator(["sentinelhub-emulator", *args], where)
        elif program == "shc" and args[:1] == ["emulator"]:
            self._emulator(["shc", *args], where)
        elif program in ("python", "python3") and args[:2] == ["-m", "moto.server"]:
            self._moto(args[2:], where)
        elif background:
            raise ShellStepError(f"{where}: only servers are started with '&': {argv}")
        elif argv[0] == "python3" and args == ["-m", "venv", ".venv"]:
            if sys.prefix == sys.base_prefix:
                raise ShellStepError(f"{where}: the tests are not running in a virtual env")
        elif program == "pip" and args[:1] == ["install"]:
            self._check_installed(args[1:], where)
        elif program == "pytest":
            pass  # the test suite: this test is part of that run
        elif program in ("python", "python3") and args[:1] == ["-c"] and len(args) == 2:
            self._run(["python", *args], where)
        elif program == "shc":
            self._run(["shc", *args], where)
        else:
            raise ShellStepError(
                f"{where}: the docs tests do not know the command {shlex.join(argv)!r}; teach "
                "tests/docs/shell.py, or mark the block '# not run by the tests: <reason>'"
            )

    def _export(self, args: list[str], where: str) -> None:
        if not args:
            raise ShellStepError(f"{where}: export of nothing")
        for arg in args:
            name, sep, value = arg.partition("=")
            if not sep or not _NAME.match(name):
                raise ShellStepError(f"{where}: expected NAME=VALUE after export, got {arg!r}")
            self.env[name] = value

    def _mkdir(self, args: list[str], where: str) -> None:
        parents = "-p" in args
        folders = [arg for arg in args if arg != "-p"]
        if not folders or any(arg.startswith("-") for arg in folders):
            raise ShellStepError(f"{where}: mkdir {args}: only 'mkdir [-p] DIR...' is known")
        for folder in folders:
            (self.workdir / folder).mkdir(parents=parents, exist_ok=parents)

    def _check_installed(self, args: list[str], where: str) -> None:
        extras: list[str] = []
        items = iter(args)
        for arg in items:
            if arg in ("-q", "--quiet", "-U", "--upgrade", "--no-deps", "--require-hashes"):
                continue
            if arg in ("-r", "--requirement", "-c", "--constraint"):
                name = next(items, "")
                if not (ROOT / name).is_file():
                    raise ShellStepError(f"{where}: pip {arg} {name}: no such file in the repo")
                continue
            if arg in ("-e", "--editable"):
                arg = next(items, "")
            elif arg.startswith("-"):
                raise ShellStepError(f"{where}: pip install option {arg!r} is not known here")
            match = re.fullmatch(r"\.(?:\[(?P<extras>[\w,-]+)\])?", arg)
            if match is None:
                raise ShellStepError(f"{where}: pip installs {arg!r}, not this project ('.')")
            extras += (match.group("extras") or "").split(",") if match.group("extras") else []
        distribution = importlib.metadata.distribution(DISTRIBUTION)
        requirements = [Requirement(text) for text in distribution.requires or []]
        known = distribution.metadata.get_all("Provides-Extra") or []
        for extra in extras:
            if extra not in known:
                raise ShellStepError(f"{where}: {DISTRIBUTION} has no extra {extra!r}")
            for requirement in requirements:
                marker = requirement.marker
                if marker is None or not marker.evaluate({"extra": extra}):
                    continue
                try:
                    importlib.metadata.version(requirement.name)
                except importlib.metadata.PackageNotFoundError:
                    raise ShellStepError(
                        f"{where}: extra {extra!r} needs {requirement}, not installed"
                    ) from None

    # -- processes -------------------------------------------------------------------------

    def _resolve(self, argv: list[str], where: str) -> list[str]:
        path = BIN / argv[0]
        if not path.is_file():
            raise ShellStepError(f"{where}: {argv[0]} is not installed in {BIN}")
        return [str(path), *argv[1:]]

    def _run(self, argv: list[str], where: str) -> None:
        process = subprocess.Popen(  # noqa: S603 - a command the page shows, from our venv
            self._resolve(argv, where),
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _end_group(process)
            raise ShellStepError(f"{where}: {shlex.join(argv)} ran over {RUN_TIMEOUT} s") from None
        text = output.decode("utf-8", errors="replace")
        self.ran.append((where, text))
        if _end_group(process, grace=5.0):
            raise ShellStepError(f"{where}: {shlex.join(argv)} left processes running")
        if process.returncode != 0:
            raise ShellStepError(
                f"{where}: {shlex.join(argv)} exited with {process.returncode}:\n{text[-4000:]}"
            )

    def _start(self, argv: list[str], where: str, ready: str, *, ok_statuses: range) -> Server:
        log = self.workdir.parent / f"server-{len(self.servers)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - a server the page starts, from our venv
                self._resolve(argv, where),
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(argv, where, process, log)
        self.servers.append(server)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise ShellStepError(
                    f"{where}: {shlex.join(argv)} exited with {process.returncode} before "
                    f"answering:\n{server.output()}"
                )
            try:
                status = httpx.get(ready, timeout=1.0, trust_env=False).status_code
            except httpx.TransportError:
                status = None
            if status is not None and status in ok_statuses:
                return server
            if time.monotonic() > deadline:
                raise ShellStepError(
                    f"{where}: {shlex.join(argv)} did not answer at {ready} within "
                    f"{READY_TIMEOUT} s:\n{server.output()}"
                )
            time.sleep(0.05)

    def _emulator(self, argv: list[str], where: str) -> None:
        if not any(arg == "--port" or arg.startswith("--port=") for arg in argv):
            argv = [*argv, "--port", str(self.ports.get(8000) or free_ports([8000])[8000])]
        port = _option(argv, "--port", where)
        host = _option(argv, "--host", where, default="127.0.0.1")
        health = f"http://{host}:{port}/_emulator/health"
        self._start(argv, where, health, ok_statuses=range(200, 201))

    def _moto(self, args: list[str], where: str) -> None:
        port = _option(args, "-p", where, default="")
        if not port:
            raise ShellStepError(f"{where}: give moto.server its port with -p PORT")
        argv = ["python", "-m", "moto.server", *args]
        self._start(argv, where, f"http://127.0.0.1:{port}/", ok_statuses=range(100, 600))

    def close(self) -> list[Server]:
        """End every process this page started; the ones that needed SIGKILL."""
        killed = []
        for server in reversed(self.servers):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGTERM)
        for server in reversed(self.servers):
            if _end_group(server.process, grace=STOP_GRACE):
                killed.append(server)
        self.servers.clear()
        return killed


def logical_lines(code: str) -> list[tuple[int, str]]:
    """The commands of a shell block: (offset of the first line, text), continuations joined."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for offset, line in enumerate(code.splitlines()):
        if not pending:
            start = offset
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        text = " ".join(part.strip() for part in pending).strip()
        pending = []
        if text and not text.startswith("#"):
            result.append((start, text))
    if pending:
        result.append((start, " ".join(part.strip() for part in pending)))
    return result


def _program(word: str) -> str:
    return word.removeprefix(".venv/bin/")


def _option(argv: list[str], name: str, where: str, default: str | None = None) -> str:
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    if default is None:
        raise ShellStepError(f"{where}: {name} is missing")
    return default


def _end_group(process: subprocess.Popen[bytes], grace: float = 0.0) -> bool:
    """Wait for a process and then its whole group to end, with SIGKILL after ``grace``
    seconds; True when SIGKILL was needed."""
    killed = False
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        killed = True
        # The emulator's CLI prints its threads' stacks on SIGUSR1: the log shows where it hung.
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGUSR1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1.0)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + grace
    while True:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return killed  # nothing of the group is left
        if time.monotonic() > deadline and not killed:
            killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.02)
