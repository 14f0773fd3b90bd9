"""Talking to the emulator's OAuth endpoint from tests."""

from __future__ import annotations

import httpx
from sentinelhub_emulator import Emulator

__all__ = ["fetch_token", "token_form"]


def token_form(emu: Emulator, **fields: str | None) -> dict[str, str]:
    """The token request form of the emulator's own client; ``fields`` replace (None: drop)."""
    form: dict[str, str | None] = {
        "grant_type": "client_credentials",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        **fields,
    }
    return {name: value for name, value in form.items() if value is not None}


def fetch_token(emu: Emulator, client_id: str | None = None, secret: str | None = None) -> str:
    response = httpx.post(
        emu.token_url,
        data=token_form(
            emu, client_id=client_id or emu.client_id, client_secret=secret or emu.client_secret
        ),
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token
