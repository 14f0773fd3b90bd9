"""Finding the runnable blocks of the Markdown pages: Python examples and shell steps.

A fenced block whose info string is ``python`` (or ``py``) is an example; one whose info string is
``sh``, ``bash`` or ``shell`` is a shell step the reader is asked to perform. Nothing else runs
(``text``, ``toml`` and the like are for reading). One convention, visible in the page as the
reader sees it:

- A block whose first line is ``# not run by the tests: <reason>`` is not run; the reason is
  shown to the reader with the code (it needs real credentials, it stands for the reader's own
  files, it is a summary of commands with placeholders, ...).

There are no hidden comments: whatever an example needs, the same page shows the reader how to
make it, in a shell step or in an earlier example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_PREFIX = "# not run by the tests:"
PYTHON = ("python", "py")
SHELL = ("sh", "bash", "shell")
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: ``language`` is ``"python"`` or ``"sh"``."""

    path: Path
    line: int  # of the first code line, 1-based
    language: str
    code: str

    @property
    def skip_reason(self) -> str | None:
        lines = [line for line in self.code.splitlines() if line.strip()]
        first = lines[0].strip() if lines else ""
        if first.startswith(SKIP_PREFIX):
            return first[len(SKIP_PREFIX) :].strip()
        return None

    @property
    def where(self) -> str:
        return f"{_shown(self.path)}:{self.line}"


# The name of the Python examples' block type, as earlier tests knew it.
Example = Block


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def markdown_files() -> list[Path]:
    """README.md and every page of docs/ (generated pages included: they may hold examples)."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    """The Python and shell blocks of one Markdown file, in the order of the page."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        indent, marker = len(fence.group("indent")), fence.group("fence")
        info = fence.group("info").strip().split(" ")[0].lower()
        body: list[str] = []
        index += 1
        while index < len(lines) and not lines[index].strip().startswith(marker):
            text = lines[index]
            body.append(text[indent:] if text[:indent].strip() == "" else text)
            index += 1
        start = index - len(body) + 1
        language = "python" if info in PYTHON else "sh" if info in SHELL else None
        if language is not None:
            found.append(Block(path, start, language, "\n".join(body) + "\n"))
        index += 1
    return found


def examples(path: Path) -> list[Block]:
    """The Python examples of one Markdown file, in order."""
    return [block for block in blocks(path) if block.language == "python"]


def shell_steps(path: Path) -> list[Block]:
    """The shell blocks of one Markdown file, in order."""
    return [block for block in blocks(path) if block.language == "sh"]
