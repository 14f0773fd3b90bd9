"""Keep session tokens out of botocore's debug logs.

botocore never logs the secret key (it only signs with it), but at ``DEBUG`` level it logs the
canonical request and the request headers, and both carry ``X-Amz-Security-Token``: the session
token of temporary credentials, a secret. Making an uploader installs, once, a filter on the
botocore loggers that write those records; it replaces the token's value with ``***``.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final

from sentinelhub_client._core.logfilter import RewritingFilter

__all__ = ["BOTOCORE_REQUEST_LOGGERS", "TokenRedactingFilter", "install", "redact"]

#: The botocore loggers whose records may hold request headers.
BOTOCORE_REQUEST_LOGGERS: Final = (
    "botocore.auth",
    "botocore.endpoint",
    "botocore.awsrequest",
    "botocore.httpsession",
    "botocore.hooks",
)

# A header name, then a separator (``:`` in the canonical request, ``': '`` or ``': b'`` in a
# repr'd dict) and the value up to a quote, a comma, whitespace or a brace.
_TOKEN = re.compile(r"""(?i)(x-amz-security-token['"]?\s*[:=]\s*b?['"]?)([^'"\s,}]+)""")
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """``text`` with every security-token value replaced by ``***``."""
    return _TOKEN.sub(r"\1***", text)


class TokenRedactingFilter(RewritingFilter):
    """Rewrites a record's message through `redact` before any handler sees it."""

    rewrite = staticmethod(redact)


def install() -> None:
    """Put the filter on the botocore request loggers (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        for name in BOTOCORE_REQUEST_LOGGERS:
            logging.getLogger(name).addFilter(TokenRedactingFilter())
        _installed = True
