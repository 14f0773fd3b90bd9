"""Who may see the dashboard.

The dashboard is read only and shows no secret, but it shows every account's collections, tiles,
jobs and requests. It answers without a password to requests from the loopback interface (the
emulator listens on 127.0.0.1 unless ``--host`` says otherwise, so by default only this machine
reaches it). A request from any other address (an emulator started with ``--host 0.0.0.0``, in a
container, say) must give the emulator's admin token as the password of HTTP Basic
authentication (any user name): the browser asks for it once.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from sentinelhub_emulator.core.admin import from_loopback
from sentinelhub_emulator.core.context import context_of

__all__ = ["denied"]

_REALM = 'Basic realm="sentinelhub-emulator dashboard (password: the admin token)"'


def _basic_password(header: str) -> str | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


def denied(request: Request) -> Response | None:
    """None when ``request`` may see the dashboard, else the answer to send (401)."""
    if from_loopback(request):
        return None
    expected = context_of(request).settings.admin_token
    given = _basic_password(request.headers.get("authorization", ""))
    if expected and given is not None and hmac.compare_digest(given.encode(), expected.encode()):
        return None
    return PlainTextResponse(
        "The dashboard answers the loopback interface freely; from elsewhere give the "
        "emulator's admin token as the password.",
        status_code=401,
        headers={"WWW-Authenticate": _REALM},
    )
