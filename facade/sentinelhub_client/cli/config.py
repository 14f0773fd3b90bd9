"""``shc config``: the configuration this run resolves, and the sentinelhub-py profiles."""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

import click

from sentinelhub_client.cli import common
from sentinelhub_client.cli.common import State, json_option, pass_state

__all__ = ["command"]


command = common.group(
    "config",
    "Show the configuration and the sentinelhub-py profiles (secrets are never shown).",
)


@command.command("show")
@json_option
@pass_state
def show(state: State, as_json: bool) -> None:
    """The settings this run uses: --profile, SH_* variables, the profile file, defaults."""
    from sentinelhub_client._core.config import config_file_path

    config = state.config()
    data: dict[str, Any] = config.to_dict()
    retry = data.pop("retry")
    data["deployment"] = config.deployment
    data["max_retries"] = config.max_retries
    data["retry"] = {
        k: sorted(v) if isinstance(v, frozenset) else v
        for k, v in dataclasses.asdict(retry).items()
    }
    data["config_file"] = str(config_file_path())
    common.emit_object(data, as_json=as_json)


def _profiles(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        common.fail(f"{path} is not valid TOML: {exc}")
    return {name: table for name, table in document.items() if isinstance(table, dict)}


@command.command("list")
@json_option
@pass_state
def list_(state: State, as_json: bool) -> None:
    """The profiles of the sentinelhub-py file (``*`` marks the one this run reads)."""
    from sentinelhub_client._core.config import DEFAULT_PROFILE, config_file_path

    current = state.profile or os.environ.get("SH_PROFILE", "").strip() or DEFAULT_PROFILE
    rows = (
        {
            "profile": name,
            "current": "*" if name == current else "",
            "sh_client_id": table.get("sh_client_id", ""),
            "sh_base_url": table.get("sh_base_url", ""),
            "secret": "set" if table.get("sh_client_secret") else "",
        }
        for name, table in _profiles(config_file_path()).items()
    )
    common.emit_rows(
        rows, ["current", "profile", "sh_client_id", "sh_base_url", "secret"], as_json=as_json
    )


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return repr(value)


@command.command("create")
@click.argument("name")
@click.option("--client-id", help="OAuth client id (sh_client_id).")
@click.option(
    "--ask-secret",
    is_flag=True,
    help="Ask for the client secret (hidden) and write it into the file; without this flag no "
    "secret is written (give it with SH_CLIENT_SECRET when running).",
)
@click.option("--base-url", help="Where the services are (sh_base_url).")
@click.option("--token-url", help="The OAuth token endpoint (sh_token_url).")
@click.option("--deployment", help="A known deployment by name; sets both URLs.")
@click.option("--timeout", type=float, help="Seconds per request.")
@click.option("--max-retries", type=int, help="Retries after the first attempt.")
def create(
    name: str,
    client_id: str | None,
    ask_secret: bool,
    base_url: str | None,
    token_url: str | None,
    deployment: str | None,
    timeout: float | None,
    max_retries: int | None,
) -> None:
    """Add profile NAME to the sentinelhub-py file (created if missing); existing profiles and
    comments are kept as they are. The file is replaced atomically, so an interruption leaves
    it as it was."""
    from sentinelhub_client._core.config import DEPLOYMENTS, SETTINGS, config_file_path

    given: dict[str, Any] = {
        "sh_client_id": client_id,
        "sh_base_url": base_url,
        "sh_token_url": token_url,
        "timeout": timeout,
        "max_retries": max_retries,
    }
    if deployment is not None:
        chosen = DEPLOYMENTS.get(deployment.strip().lower())
        if chosen is None:
            common.fail(f"--deployment: unknown {deployment!r}; known: {', '.join(DEPLOYMENTS)}")
        given["sh_base_url"] = base_url or chosen.base_url
        given["sh_token_url"] = token_url or chosen.token_url
    if ask_secret:
        given["sh_client_secret"] = click.prompt("client secret", hide_input=True)
    parsers = {s.name: s.parse for s in SETTINGS}
    values = {
        key: parsers[key](value, "--" + key.removeprefix("sh_").replace("_", "-"), "option")
        for key, value in given.items()
        if value is not None
    }
    path = config_file_path()
    if name in _profiles(path):
        common.fail(f"{path} already has a profile {name!r}; edit the file or choose another name")
    lines = [f"[{_toml_value(name)}]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    existing = path.read_text() if path.exists() else ""
    separator = "" if not existing else "\n" if existing.endswith("\n") else "\n\n"
    # The whole file is written beside it and renamed over it: Ctrl-C or a full disk leaves the
    # old file as it was, never half a profile. A new file is private (it may get a secret).
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    text = existing + separator + "\n".join(lines) + "\n"
    common.write_atomically(path, text.encode("utf-8"), mode=mode)
    secret = "with" if "sh_client_secret" in values else "without"
    click.echo(f"wrote profile {name!r} ({secret} a client secret) to {path}")
