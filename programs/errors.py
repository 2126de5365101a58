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


class Refused(DomainError):
    """The rules said no. Carries every refusing rule with its reason, so the user sees them all.

    `reasons` holds (rule name, message id, parameters); `full` says the only problem is a full
    session, so the user can be offered the waiting list instead.
    """

    def __init__(self, reasons: list[tuple[str, str, dict]], *, full: bool = False) -> None:
        _rule, msgid, params = reasons[0]
        super().__init__(msgid, params)
        self.reasons = reasons
        self.full = full

    @classmethod
    def from_decisions(cls, *decisions: object) -> Refused | None:
        """A Refused for the refusals of some rules.Decision objects, or None if none refused."""
        reasons = [
            (f.rule, f.reason.msgid, dict(f.reason.params))
            for d in decisions
            for f in d.refusals  # type: ignore[attr-defined]
        ]
        if not reasons:
            return None
        full = all(
            f.outcome.get("full")
            for d in decisions
            for f in d.refusals  # type: ignore[attr-defined]
        )
        return cls(reasons, full=full)
