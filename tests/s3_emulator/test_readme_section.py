"""The README's section on S3-backed emulator buckets names flags that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner
from sentinelhub_client.cli.root import cli
from sentinelhub_emulator.__main__ import parse_args

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _section() -> str:
    return README.split("### Emulator buckets on an S3-compatible server", 1)[1].split("\n## ")[0]


def _commands(program: str) -> list[list[str]]:
    [block] = re.findall(r"```sh\n(.*?)```", _section(), flags=re.DOTALL)
    joined = block.replace("\\\n", " ")
    lines = [
        line.split("#", 1)[0] if not line.startswith(program) else line
        for line in joined.splitlines()
    ]
    return [shlex.split(line)[1:] for line in lines if line.strip().startswith(program)]


def test_the_emulator_command_parses() -> None:
    [argv] = _commands(".venv/bin/sentinelhub-emulator")
    args = parse_args(argv)
    assert dict(args.bucket) == {"tiles": "s3://tiles"}
    assert args.s3_endpoint == "http://127.0.0.1:9000"


def test_the_ingest_command_names_existing_options() -> None:
    [argv] = _commands("shc ingest")
    help_text = CliRunner().invoke(cli, ["ingest", "--help"]).output
    for option in (a for a in argv if a.startswith("--")):
        assert option in help_text, option
