"""Errors with messages for people. The CLI prints ``message`` (Chinese) and exits non-zero."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class: every error gongkai raises on purpose carries a message a clerk can act on."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class InputError(GongkaiError):
    """The input cannot be read: wrong encoding, binary data, too large, not a report."""


class NotAReportError(InputError):
    """The input is readable text but holds no annual report."""
