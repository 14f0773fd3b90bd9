"""Every page of README.md and docs/ runs as written, following only what the page shows.

For each page, in a fresh working folder with a fresh home folder, the test goes through the
page's blocks in the order a reader meets them:

- a shell block (```` ```sh ````) is performed by the strict interpreter of tests/docs/shell.py:
  ``export`` lines set variables, the emulator and the local S3 server are started as real
  background processes and waited for, ``shc`` and ``python -c`` commands run to the end; a
  command the interpreter does not know fails the test, naming the page and line;
- a Python block runs in the test's process, in one namespace for the whole page (a later block
  uses what an earlier one made, as the reader's session would), with the working folder as its
  current folder and, as its whole environment, the page's exports on top of a bare ``PATH`` and
  ``HOME`` (no variable or profile of this machine reaches it).

The one liberty taken with the text: fixed ports the page names (``127.0.0.1:8000``,
``--port 8000``, ``-p 9000``, ...) are rewritten, consistently across the page's shell steps and
Python examples, to free ports of this machine, so that pages run side by side with anything else.

Blocks whose first line is ``# not run by the tests: <reason>`` are skipped (see
tests/docs/examples.py).
Whatever a page started is ended when its run ends, passed or failed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sentinelhub_client import clear_token_cache

from tests.docs.examples import ROOT, Block, blocks, examples, markdown_files
from tests.docs.shell import PageShell, fixed_ports, free_ports, rewrite_ports


def _runnable(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.skip_reason is None]


PAGES = [path for path in markdown_files() if _runnable(path)]


def _ids(page: Path) -> str:
    return str(page.relative_to(ROOT))


def run_page(page: Path, tmp_path: Path) -> PageShell:
    """Perform one page in ``tmp_path``; the shell it used (already closed)."""
    workdir, home = tmp_path / "work", tmp_path / "home"
    workdir.mkdir()
    page_blocks = blocks(page)
    ports = free_ports(fixed_ports(block.code for block in page_blocks))
    shell = PageShell(workdir, home, ports)
    namespace: dict[str, object] = {"__name__": "__docs_example__"}
    saved_environment, saved_folder = dict(os.environ), Path.cwd()
    try:
        os.chdir(workdir)
        for block in page_blocks:
            reason = block.skip_reason
            if reason is not None:
                assert len(reason.split()) >= 3, f"{block.where}: say why this block is not run"
                continue
            code = rewrite_ports(block.code, ports)
            if block.language == "sh":
                shell.run_block(block, code)
                continue
            os.environ.clear()
            os.environ.update(shell.env)
            # padded so that tracebacks give the line of the page
            compiled = compile("\n" * (block.line - 1) + code, _ids(page), "exec")
            exec(compiled, namespace)  # noqa: S102 - our own documentation's examples
    finally:
        os.chdir(saved_folder)
        os.environ.clear()
        os.environ.update(saved_environment)
        clear_token_cache()
        killed = shell.close()
    assert not killed, [f"{server.where}: ignored SIGTERM\n{server.output()}" for server in killed]
    return shell


def test_the_pages_are_found() -> None:
    """The extraction sees the README's examples and steps (a broken parser would run nothing)."""
    readme = blocks(ROOT / "README.md")
    assert len(examples(ROOT / "README.md")) >= 2
    assert sum(1 for block in readme if block.language == "sh") >= 3
    assert all(block.code.strip() for block in readme)
    assert {_ids(page) for page in PAGES} >= {
        "README.md",
        "docs/getting-started.md",
        "docs/process.md",
        "docs/batch.md",
        "docs/byoc-ingestion.md",
        "docs/downloads.md",
        "docs/migrating.md",
    }


def test_no_page_prepares_anything_out_of_sight() -> None:
    """What a page needs, it shows: no hidden setup comments are left in any page."""
    for page in markdown_files():
        assert "test-setup" not in page.read_text(encoding="utf-8"), _ids(page)


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_page_runs_as_written(page: Path, tmp_path: Path) -> None:
    run_page(page, tmp_path)


def test_readme_usage_promise_fits_its_snippet() -> None:
    """The README says how soon the snippet prints INGESTED; the first poll of its wait comes
    after ``interval`` seconds, so the promise must leave room for it (measured: about 0.4 s of
    start-up and ingestion on top of the interval, 1.3 s in all with ``interval=1``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it", 1)[1].split("\n## ", 1)[0]
    promise = re.search(r"within about (\w+)\s+seconds", section)
    assert promise is not None, "README 'Using it' no longer says how soon INGESTED comes"
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
    seconds = int(promise.group(1)) if promise.group(1).isdigit() else words[promise.group(1)]
    interval = re.search(r"wait_for_tiles\([^)]*interval=(\d+(?:\.\d+)?)", section)
    assert interval is not None
    assert float(interval.group(1)) + 0.5 <= seconds
