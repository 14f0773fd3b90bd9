"""The extraction of examples from Markdown: what runs, what is skipped, what is prepared."""

from __future__ import annotations

from pathlib import Path

from tests.docs.examples import ROOT, examples

PAGE = """\
# A page

<!-- test-setup: cogs my-bucket a/(BAND).tif -->
<!-- test-setup: profile emulator -->
```python
x = 1
```

<!-- test-setup: samples lost -->
Some prose in between: the setup above belongs to no block.

```sh
echo not python
```

1. In a list:

   ```python
   y = x + 1
   ```

```python
# not run by the tests: it needs real credentials
z = 3
```
"""


def test_blocks_setups_and_skips(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    found = examples(page)
    assert [example.code for example in found] == [
        "x = 1\n",
        "y = x + 1\n",
        "# not run by the tests: it needs real credentials\nz = 3\n",
    ]
    assert found[0].setup == [["cogs", "my-bucket", "a/(BAND).tif"], ["profile", "emulator"]]
    assert found[1].setup == []  # the comment before the prose does not carry over
    assert [example.skip_reason for example in found] == [
        None,
        None,
        "it needs real credentials",
    ]
    assert found[0].line == 6  # the first code line, for tracebacks that point into the page
    assert PAGE.splitlines()[found[1].line - 1].strip() == "y = x + 1"


def test_every_skip_in_the_docs_says_why() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        for example in examples(page):
            if example.skip_reason is not None:
                assert len(example.skip_reason.split()) >= 3, example.where
