"""Finding the Python examples of the Markdown files, and what a page asks to have prepared.

A fenced block whose info string is ``python`` is an example. Two conventions, both visible in
the Markdown source:

- A block whose first line is ``# not run by the tests: <reason>`` is not run; the reason is
  shown to the reader with the code (e.g. it needs real credentials).
- HTML comments right above a block, ``<!-- test-setup: ACTION ARGS -->``, prepare what the
  example assumes exists in the emulator's buckets (the reader has their own files there):
  ``cogs BUCKET PATH`` writes one small COG per band B02, B03, B04 for a tile path with
  ``(BAND)``; ``samples BUCKET`` writes what ``sentinelhub-emulator --samples BUCKET`` writes;
  ``cogs-many BUCKET PATTERN N`` does so for ``PATTERN.format(i)``, i < N;
  ``broken BUCKET PATH KIND`` writes one file that breaks one ingestion rule
  (``sentinelhub_emulator.samples.write_broken_file``); ``profile NAME`` adds a sentinelhub-py
  profile with the emulator's settings to the test's configuration file; ``s3-server BUCKET``
  starts a local S3-compatible server with that bucket and sets ``AWS_ENDPOINT_URL`` and the
  ``AWS_*`` credentials for it; ``s3-endpoint URL`` does the same without a bucket for an
  example written for a store at ``URL`` (such as ``http://127.0.0.1:9000``), and points that
  URL in the code at the server; ``planet-tile BUCKET
  FOLDER`` writes the files of a Planet tile into a folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_PREFIX = "# not run by the tests:"
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>[^\n`]*)$")
_SETUP = re.compile(r"^\s*<!--\s*test-setup:\s*(?P<action>.+?)\s*-->\s*$")


@dataclass
class Example:
    path: Path
    line: int  # of the first code line, 1-based
    code: str
    setup: list[list[str]] = field(default_factory=list)

    @property
    def skip_reason(self) -> str | None:
        first = self.code.lstrip("\n").splitlines()[0] if self.code.strip() else ""
        if first.startswith(SKIP_PREFIX):
            return first[len(SKIP_PREFIX) :].strip()
        return None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def markdown_files() -> list[Path]:
    """README.md and every page of docs/ (generated pages included: they may hold examples)."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def examples(path: Path) -> list[Example]:
    """The ``python`` blocks of one Markdown file, in order, with their setup comments."""
    found: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: list[list[str]] = []
    index = 0
    while index < len(lines):
        setup = _SETUP.match(lines[index])
        if setup:
            pending.append(setup.group("action").split())
            index += 1
            continue
        fence = _FENCE.match(lines[index])
        if not fence:
            if lines[index].strip():
                pending = []
            index += 1
            continue
        indent, marker = len(fence.group("indent")), fence.group("fence")
        language = fence.group("info").strip().split(" ")[0].lower()
        body: list[str] = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(marker):
            body.append(
                lines[index][indent:] if lines[index][:indent].strip() == "" else lines[index]
            )
            index += 1
        if language in ("python", "py"):
            start = index - len(body) + 1
            found.append(Example(path, start, "\n".join(body) + "\n", pending))
        pending = []
        index += 1
    return found
