"""Errors a person can act on: each carries a message id, its parameters, and maybe a field."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An operation refused for a reason the user can fix; views show it beside the form.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(
        self, msgid: str, params: dict[str, Any] | None = None, *, field: str | None = None
    ):
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params or {}
        self.field = field


class NotFound(DomainError):
    """The record does not exist, or the user may not know it exists (both look the same)."""


class Conflict(DomainError):
    """Somebody else changed the record first; reload and try again."""
