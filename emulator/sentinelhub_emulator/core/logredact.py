"""Keep AWS secrets out of the emulator's log.

At ``DEBUG`` level botocore logs the canonical request it signs and the headers it sends (both
carry ``X-Amz-Security-Token``, the session token of temporary credentials), and rasterio logs
the GDAL options it sets (``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``). `RedactingFilter`
rewrites a record's message before any handler formats it: every value of those names becomes
``***``, and so does every secret the emulator registered (`install` with the credentials an S3
bucket signs with), wherever it appears. The SDK does the same for its S3 uploads
(``sentinelhub_client.s3._redact``); the emulator does not import the SDK, hence this module.

`install` puts the filter on the loggers that write such records (once per process) and adds
secrets; the ``sentinelhub-emulator`` command also puts it on its log handler, which sees every
record of every logger.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Final

__all__ = ["SECRET_LOGGERS", "RedactingFilter", "install", "redact"]

#: The loggers whose records may hold request headers, signing material or GDAL's AWS options.
SECRET_LOGGERS: Final = (
    "botocore.auth",
    "botocore.endpoint",
    "botocore.awsrequest",
    "botocore.httpsession",
    "botocore.hooks",
    "botocore.parsers",
    "botocore.credentials",
    "botocore.utils",
    "botocore.retryhandler",
    "urllib3.connectionpool",
    "rasterio.env",
    "rasterio._env",
    "rasterio.session",
)
#: What replaces a secret.
MASK: Final = "***"

# A secret's name, a separator (':' in the canonical request, "': '" or "': b'" in a repr'd
# dict, '=' in a query string or a GDAL option) and its value, up to a quote, '&', a comma,
# whitespace or a brace.
_NAMED = re.compile(
    r"""(?i)((?:x-amz-security-token|aws_session_token|aws_secret_access_key|"""
    r"""secret_access_key|secretaccesskey|x-amz-credential-token)['"]?\s*[:=]\s*b?['"]?)"""
    r"""([^'"\s,&}]+)"""
)
_lock = threading.Lock()
_installed = False
_secrets: set[str] = set()


def redact(text: str) -> str:
    """``text`` with every named secret value and every registered secret replaced by ``***``."""
    text = _NAMED.sub(rf"\1{MASK}", text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message through `redact` (its arguments merged in when it changes);
    never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install(secrets: Iterable[str | None] = ()) -> None:
    """Put the filter on `SECRET_LOGGERS` (once per process) and redact ``secrets`` from now on
    (values shorter than 8 characters are not taken: they would mask ordinary words)."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 8)
        if _installed:
            return
        for name in SECRET_LOGGERS:
            logging.getLogger(name).addFilter(RedactingFilter())
        _installed = True
