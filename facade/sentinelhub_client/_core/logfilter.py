"""A `logging.Filter` that rewrites each record's message before any handler formats it (the
CLI hides the secrets it was given, the S3 extra hides security tokens): the rewriting is the
subclass's ``rewrite``; the filter itself is written once here."""

from __future__ import annotations

import logging

__all__ = ["RewritingFilter"]


class RewritingFilter(logging.Filter):
    """Rewrites each record's message through ``rewrite`` (the record's arguments are merged
    into it when it changes); never drops a record."""

    @staticmethod
    def rewrite(text: str) -> str:
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.rewrite(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
