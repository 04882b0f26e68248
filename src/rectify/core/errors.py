"""Errors raised by services and selectors, shared by pages, API and CLI.

Each carries a stable machine code and a Chinese message that tells the user what to fix.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def with_status(self, status: int) -> DomainError:
        """The same error reported with another HTTP status (e.g. 422 for a file that failed checks)."""
        self.status = status
        return self


class NotFound(DomainError):
    """Missing *or out of the user's scope*: both look the same so that existence does not leak."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """Someone else changed the object first (optimistic locking) or the state moved on."""

    status = 409
    code = "conflict"
