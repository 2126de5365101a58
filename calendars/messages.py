"""Messages for users, as data: calendars/ cannot translate, so it says what to say, not how.

A `Message` carries an English message id with `{name}` placeholders and the values to fill in.
The application translates the id (the ids are extracted by pybabel with the keyword `N_`) and
renders the values for the reader: `programs.i18n.translate` writes dates the reader's way and
translates a parameter that is itself a `{"msgid": ..., "params": ...}` mapping. That is why a
nested message (a weekday name, a closure kind, a duration) is passed as such a mapping here, and
never as a `Message` object.

Proper names the `holidays` package already knows in both languages (国庆节 / National Day) are
not in our catalog; they travel as two parameters, `holiday` (English) and `holiday_zh`, so the
Chinese translation of a message can simply use `{holiday_zh}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


def N_(s: str) -> str:
    """Mark a message id for extraction by pybabel without translating it here."""
    return s


@dataclass(frozen=True)
class Message:
    """A sentence for a user, still untranslated, with the values to fill into it.

    Not hashable (params is a dict); compare with ==.
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_param(self) -> dict[str, Any]:
        """This message as a parameter of another one, in the shape the renderer translates."""
        return {"msgid": self.msgid, "params": dict(self.params)}

    def render(self, gettext: Callable[[str], str] = N_) -> str:
        """Fill in the message the way the application would, for logs, the CLI and tests.

        The application uses `programs.i18n.translate`, which also writes dates the reader's way;
        this plain version writes ISO dates and is enough to read a message in English.
        """
        return _render(self.msgid, self.params, gettext)


def nested(msgid: str, **params: Any) -> dict[str, Any]:
    """A message used as a parameter of another message (see the module docstring)."""
    return {"msgid": msgid, "params": params}


# Weekday names, Monday first like date.weekday().
WEEKDAY_NAMES: tuple[str, ...] = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def weekday_param(on: date) -> dict[str, Any]:
    """The weekday of a date as a translatable message parameter."""
    return nested(WEEKDAY_NAMES[on.weekday()])


def _render_value(value: Any, gettext: Callable[[str], str]) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping) and "msgid" in value:
        return _render(value["msgid"], value.get("params") or {}, gettext)
    if isinstance(value, Message):
        return value.render(gettext)
    if isinstance(value, list | tuple):
        return ", ".join(str(_render_value(v, gettext)) for v in value)
    return value


def _render(msgid: str, params: Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    text = gettext(msgid)
    return text.format(**{k: _render_value(v, gettext) for k, v in params.items()})
