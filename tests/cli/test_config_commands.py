"""``shc config``: the resolved settings (secrets masked), the profiles of the sentinelhub-py
file, and adding a profile without writing a secret unless asked."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

from click.testing import CliRunner
from sentinelhub_client._core.config import config_file_path
from sentinelhub_client.cli.root import cli

from tests.cli.conftest import column

PROFILES = """# my profiles
[default-profile]
sh_client_id = "file-id"
sh_client_secret = "file-secret"

[work]
sh_client_id = "work-id"
sh_base_url = "https://sh.dataspace.copernicus.eu"
"""


def _write(text: str) -> Path:
    path = config_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_show_masks_secrets_and_follows_the_sources() -> None:
    _write(PROFILES)
    runner = CliRunner()
    result = runner.invoke(cli, ["config", "show", "--json"], env={"SH_TIMEOUT": "9"})
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["sh_client_id"] == "file-id"
    assert shown["sh_client_secret"] == "***"
    assert shown["timeout"] == 9.0
    assert shown["profile"] == "default-profile"
    assert shown["retry"]["max_attempts"] == shown["max_retries"] + 1
    assert "file-secret" not in result.output

    work = runner.invoke(cli, ["--profile", "work", "config", "show"])
    assert work.exit_code == 0
    fields = {(parts := line.split(None, 1))[0]: parts[-1] for line in work.stdout.splitlines()}
    assert fields["sh_client_id"] == "work-id"
    assert fields["deployment"] == "cdse"
    assert fields["profile"] == "work"


def test_a_missing_profile_is_one_line() -> None:
    _write(PROFILES)
    result = CliRunner().invoke(cli, ["--profile", "nope", "config", "show"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: profile: ")
    assert "has no profile 'nope'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_list_shows_profiles_without_secrets() -> None:
    _write(PROFILES)
    result = CliRunner().invoke(cli, ["--profile", "work", "config", "list"])
    assert result.exit_code == 0
    assert column(result.stdout, "profile") == ["default-profile", "work"]
    assert "file-secret" not in result.output
    lines = CliRunner().invoke(cli, ["config", "list", "--json"]).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["profile"], r["current"], r["secret"]) for r in rows] == [
        ("default-profile", "*", "set"),
        ("work", "", ""),
    ]


def test_create_writes_no_secret_unless_asked() -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["config", "create", "lab", "--client-id", "lab-id", "--deployment", "cdse"]
    )
    assert result.exit_code == 0, result.output
    assert "without a client secret" in result.stdout
    path = config_file_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = tomllib.loads(path.read_text())
    assert document["lab"] == {
        "sh_client_id": "lab-id",
        "sh_base_url": "https://sh.dataspace.copernicus.eu",
        "sh_token_url": (
            "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"
        ),
    }

    asked = runner.invoke(
        cli, ["config", "create", "home", "--client-id", "h", "--ask-secret"], input="s3cret\n"
    )
    assert asked.exit_code == 0, asked.output
    assert "s3cret" not in asked.output
    assert tomllib.loads(path.read_text())["home"]["sh_client_secret"] == "s3cret"
    shown = json.loads(runner.invoke(cli, ["--profile", "home", "config", "show", "--json"]).stdout)
    assert shown["sh_client_id"] == "h"
    assert shown["sh_client_secret"] == "***"


def test_create_keeps_the_file_and_refuses_a_duplicate() -> None:
    path = _write(PROFILES)
    runner = CliRunner()
    result = runner.invoke(cli, ["config", "create", "extra", "--timeout", "30"])
    assert result.exit_code == 0
    text = path.read_text()
    assert text.startswith(PROFILES)  # comments and other profiles untouched
    assert tomllib.loads(text)["extra"] == {"timeout": 30.0}
    duplicate = runner.invoke(cli, ["config", "create", "work", "--client-id", "x"])
    assert duplicate.exit_code == 1
    assert "already has a profile 'work'" in duplicate.stderr
    assert path.read_text() == text


def test_create_checks_values_like_shconfig() -> None:
    result = CliRunner().invoke(cli, ["config", "create", "bad", "--base-url", "not-a-url"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --base-url (option): must be an http(s) URL")
    assert not config_file_path().exists()
    assert os.environ.get("SH_CLIENT_SECRET") is None
