"""Report types: what the application can produce, looked up by name.

Like pretix's exporters and CTFd's challenge types, each report type is a subclass of `ReportType`
registered under a stable name; the web app offers and serves them without knowing how each one
is made. A report type turns plain data (dataclasses from `programs/` queries) into
`(filename, mimetype, bytes)`.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar, TypeVar

# Modules that register the built-in report types when imported.
BUILTIN_MODULES = (
    "reports.study_tours",
    "reports.friday",
    "reports.disputes",
    "reports.checkups",
    "reports.program_report",
)


class ReportType:
    """Base class of a report type.

    Hooks for subclasses:
    - `name`: the stable identifier used in addresses and the CLI ("study_tour_plan").
    - `title`: a message id for menus and headings (translate it with `programs.i18n`).
    - `render(data, locale)`: the file, as `(filename, mimetype, bytes)`.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def render(self, data: Any, locale: str) -> tuple[str, str, bytes]:
        """Produce the report for `data` in `locale`."""
        raise NotImplementedError


_TYPES: dict[str, ReportType] = {}
T = TypeVar("T", bound=type[ReportType])


def register(cls: T) -> T:
    """Class decorator: register one instance of a report type under its `name`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    existing = _TYPES.get(cls.name)
    if existing is not None and type(existing) is not cls:
        raise ValueError(f"report type {cls.name!r} is already registered by {type(existing)}")
    _TYPES[cls.name] = cls()
    return cls


def _load_builtin() -> None:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)


def get(name: str) -> ReportType:
    """The registered report type called `name` (KeyError if there is none)."""
    _load_builtin()
    return _TYPES[name]


def all_types() -> list[ReportType]:
    """Every registered report type, by name."""
    _load_builtin()
    return [_TYPES[name] for name in sorted(_TYPES)]
