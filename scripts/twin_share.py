#!/usr/bin/env python3
"""How much the sync and async twins share, line by line, once ``async``/``await`` are stripped.

Usage: ``scripts/twin_share.py [--root DIR]`` (default: this checkout). For each pair (the two
transport classes of ``_core/transport.py``, the two download shells of ``byoc/files``) it prints
the lines of each side, the lines they have in common (difflib's matching blocks) and difflib's
ratio, with and without docstrings (they are written once, on the sync side); then it lists
the retry loops (functions with a ``while`` loop that asks a `RetryState`
what to do). Blank lines and comment-only lines are left out; indentation is ignored.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
from pathlib import Path

PACKAGE = Path("facade/sentinelhub_client")
#: (label, sync file[:class], async file[:class]), relative to the package.
PAIRS = [
    ("transport", "_core/transport.py:SyncTransport", "_core/transport.py:AsyncTransport"),
    ("downloads", "byoc/files/sync.py", "byoc/files/aio.py"),
]
#: What a retry loop calls to decide: `RetryState`'s methods, and the helpers that call them
#: (``decide`` of the download core before, the transport's ``_decide`` after).
ASKS = {"on_status", "on_exception", "decide", "_decide"}
_STRIP = re.compile(r"\b(async|await)\s+")


def source_of(root: Path, spec: str) -> str:
    """The text of ``file`` or of one class of it (``file:Class``)."""
    name, _, cls = spec.partition(":")
    text = (root / PACKAGE / name).read_text()
    if not cls:
        return text
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            return "\n".join(text.splitlines()[node.lineno - 1 : node.end_lineno])
    raise SystemExit(f"no class {cls} in {name}")


def without_docstrings(text: str) -> str:
    """``text`` with the docstrings of its module, classes and functions blanked out."""
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
            and first.end_lineno is not None
        ):
            for number in range(first.lineno - 1, first.end_lineno):
                lines[number] = ""
    return "\n".join(lines)


def normalised(text: str) -> list[str]:
    """Lines without indentation, blanks, comments, ``async`` and ``await``."""
    out = []
    for line in text.splitlines():
        stripped = _STRIP.sub("", line.strip())
        if stripped and not stripped.startswith("#"):
            out.append(stripped)
    return out


def compare(
    root: Path, sync_spec: str, async_spec: str, *, code_only: bool = False
) -> tuple[int, int, int, float]:
    """(sync lines, async lines, identical lines, ratio); ``code_only`` leaves docstrings out."""
    a_text, b_text = source_of(root, sync_spec), source_of(root, async_spec)
    if code_only:
        a_text, b_text = without_docstrings(a_text), without_docstrings(b_text)
    a, b = normalised(a_text), normalised(b_text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return len(a), len(b), same, matcher.ratio()


def retry_loops(root: Path) -> list[str]:
    """Functions holding a ``while`` loop that asks a `RetryState` (``on_status``,
    ``on_exception``) or ``decide`` what to do: the hand-written retry loops."""
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            loops = [n for n in ast.walk(node) if isinstance(n, ast.While)]
            asks = any(
                isinstance(n, ast.Call)
                and (
                    (isinstance(n.func, ast.Attribute) and n.func.attr in ASKS)
                    or (isinstance(n.func, ast.Name) and n.func.id in ASKS)
                )
                for loop in loops
                for n in ast.walk(loop)
            )
            if asks:
                found.append(f"{path.relative_to(root / PACKAGE)}:{node.name}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    print(f"{'pair':<26} {'sync':>5} {'async':>5} {'same':>5} {'ratio':>6}")
    for code_only in (False, True):
        for label, sync_spec, async_spec in PAIRS:
            sync_lines, async_lines, same, ratio = compare(
                args.root, sync_spec, async_spec, code_only=code_only
            )
            name = label + (" (no docstrings)" if code_only else "")
            print(f"{name:<26} {sync_lines:>5} {async_lines:>5} {same:>5} {ratio:>6.3f}")
    loops = retry_loops(args.root)
    print(f"\nretry loops: {len(loops)}")
    for name in loops:
        print(f"  {name}")


if __name__ == "__main__":
    main()
