"""The reading of the pages: which blocks run, which are skipped, and how shell steps are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.examples import ROOT, blocks, examples, markdown_files
from tests.docs.shell import (
    PageShell,
    ShellStepError,
    fixed_ports,
    free_ports,
    logical_lines,
    rewrite_ports,
)

PAGE = """\
# A page

```sh
export A=1 B="two words"   # a comment
```

```python
x = 1
```

```text
not run: text
```

1. In a list:

   ```python
   y = x + 1
   ```

```python
# not run by the tests: it needs real credentials
z = 3
```

```bash
# not run by the tests: a summary with placeholders
shc tiles wait COLLECTION
```
"""


def test_blocks_in_page_order_with_skips(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    found = blocks(page)
    assert [(block.language, block.code.splitlines()[0]) for block in found] == [
        ("sh", 'export A=1 B="two words"   # a comment'),
        ("python", "x = 1"),
        ("python", "y = x + 1"),
        ("python", "# not run by the tests: it needs real credentials"),
        ("sh", "# not run by the tests: a summary with placeholders"),
    ]
    assert [block.skip_reason for block in found] == [
        None,
        None,
        None,
        "it needs real credentials",
        "a summary with placeholders",
    ]
    assert [example.code for example in examples(page)][:2] == ["x = 1\n", "y = x + 1\n"]
    assert found[1].line == 8  # the first code line, for tracebacks that point into the page
    assert PAGE.splitlines()[found[2].line - 1].strip() == "y = x + 1"


def test_every_skip_in_the_docs_says_why() -> None:
    for page in markdown_files():
        for block in blocks(page):
            if block.skip_reason is not None:
                assert len(block.skip_reason.split()) >= 3, block.where


def test_logical_lines_join_continuations_and_drop_comments() -> None:
    code = "# a comment\n\nshc a \\\n    --b c\nexport D=1\n"
    assert logical_lines(code) == [(2, "shc a --b c"), (4, "export D=1")]


def test_ports_are_rewritten_consistently() -> None:
    texts = [
        "sentinelhub-emulator --port 8000 && curl http://127.0.0.1:8000/x",
        "python -m moto.server -p 9000 &",
        'endpoint_url="http://localhost:9000"; mkdir -p emu',
    ]
    assert fixed_ports(texts) == [8000, 9000]
    mapping = {8000: 41001, 9000: 41002}
    assert [rewrite_ports(text, mapping) for text in texts] == [
        "sentinelhub-emulator --port 41001 && curl http://127.0.0.1:41001/x",
        "python -m moto.server -p 41002 &",
        'endpoint_url="http://localhost:41002"; mkdir -p emu',
    ]


@pytest.fixture
def shell(tmp_path: Path) -> PageShell:
    (tmp_path / "work").mkdir()
    return PageShell(tmp_path / "work", tmp_path / "home", {})


def test_exports_and_mkdir(shell: PageShell) -> None:
    shell.run_line('export A=1 B="two words"  # why', "page.md:3")
    shell.run_line("mkdir -p out/deep && mkdir other", "page.md:4")
    assert shell.env["A"] == "1"
    assert shell.env["B"] == "two words"
    assert shell.env["HOME"] == str(shell.home)
    assert (shell.workdir / "out" / "deep").is_dir()
    assert (shell.workdir / "other").is_dir()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("curl http://example.com", "page.md:7: the docs tests do not know the command"),
        ("shc tiles list X | jq .", "do not interpret '|'"),
        ("export A=$HOME", "no variable expansion"),
        ("export 1A=2", "expected NAME=VALUE"),
        ("shc version &", "only servers are started with '&'"),
        (".venv/bin/pip install requests", "not this project"),
        (".venv/bin/pip install -e '.[nonsense]'", "has no extra 'nonsense'"),
    ],
)
def test_unknown_or_unsupported_steps_fail_naming_the_line(
    shell: PageShell, line: str, message: str
) -> None:
    with pytest.raises(ShellStepError, match=message.replace("|", r"\|").replace("$", r"\$")):
        shell.run_line(line, "page.md:7")


def test_known_steps(shell: PageShell) -> None:
    """The install commands are checked against this environment; a command's failure fails."""
    install = '.venv/bin/pip install -q -c requirements/constraints.txt -e ".[dev]"'
    shell.run_line(f"python3 -m venv .venv && {install}", "README.md:18")
    shell.run_line('.venv/bin/python -c "print(42)"', "page.md:1")
    assert shell.ran[-1][1].strip() == "42"
    with pytest.raises(ShellStepError, match="exited with 3"):
        shell.run_line(".venv/bin/python -c 'raise SystemExit(3)'", "page.md:2")


def test_a_server_is_started_waited_for_and_ended(tmp_path: Path) -> None:
    """An emulator without --port gets the stand-in of the default port 8000; it answers before
    the step returns, and ends, with its process group, on SIGTERM."""
    (tmp_path / "work").mkdir()
    ports = free_ports([8000])
    shell = PageShell(tmp_path / "work", tmp_path / "home", ports)
    shell.run_line(".venv/bin/sentinelhub-emulator --data-dir ./emu &", "page.md:1")
    [server] = shell.servers
    assert server.process.poll() is None
    assert server.argv[-2:] == ["--port", str(ports[8000])]
    assert shell.close() == []  # it ended on SIGTERM, SIGKILL was not needed
    assert server.process.returncode is not None


def test_the_pages_exist() -> None:
    assert (ROOT / "README.md") in markdown_files()
