"""The figures the city answers for, counted from the records, each traceable to its records.

A `Figure` is declared by the statement that selects the records behind it (one row per
record, its columns named and labelled) and by how its value follows from those rows: counted,
counted distinct, summed, averaged or the 90th percentile of a column, in all and per group.
The value is computed from the very rows the trace page lists and the CSV export holds, so a
figure and its records can never disagree.

    figure = figures.get("friday.problems")
    value = figure.value(session, Scope(date(2026, 11, 1), date(2026, 11, 30), town_id=3))
    value.total, value.groups          # 61, {"labour": 20, "contracts": 17, ...}
    figure.table(session, scope)       # the problems, one row each: what a coordinator checks

Figures are registered by program modules in this package (friday, checkups, disputes, study);
`all_figures()` lists them in the order a report shows them.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, distinct, func, literal, select
from sqlalchemy.orm import Session

from programs.i18n import translate
from reports.cache import tables_read

Aggregate = Literal["count", "distinct", "sum", "mean", "p90"]
Unit = Literal["count", "yuan", "days", "hours", "score", "percent"]


@dataclass(frozen=True)
class Scope:
    """What a figure counts over: the days of a period (both ends included) and, optionally,
    one town."""

    start_on: date
    end_on: date
    town_id: int | None = None

    def __post_init__(self) -> None:
        if self.end_on < self.start_on:
            raise ValueError(f"a period ends after it starts: {self.start_on}..{self.end_on}")

    def with_dates(self, start_on: date, end_on: date) -> Scope:
        """The same town over other days."""
        return Scope(start_on, end_on, self.town_id)


@dataclass(frozen=True)
class Column:
    """A column of a figure's records: its name in the statement, its heading (a message id),
    and how to show it."""

    name: str
    label: str
    kind: Literal["text", "date", "number", "yuan", "bool", "code"] = "text"
    # For kind "code": the message ids of the codes, shown translated.
    names: dict[str, str] | None = None


@dataclass(frozen=True)
class Table:
    """A figure's records: the rows the value was computed from."""

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]

    def column(self, name: str) -> list[Any]:
        """The values of one column."""
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]

    def csv(self, locale: str = "zh_Hans") -> bytes:
        """The records as CSV (UTF-8 with a byte-order mark, which Excel needs to read Chinese):
        translated headings, codes shown by their names, dates as YYYY-MM-DD."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([translate(c.label, locale) for c in self.columns])
        for row in self.rows:
            writer.writerow([_cell(c, v, locale) for c, v in zip(self.columns, row, strict=True)])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(column: Column, value: Any, locale: str) -> str:
    if value is None:
        return ""
    if column.kind == "code" and column.names is not None:
        return translate(column.names.get(value, str(value)), locale)
    if column.kind == "bool":
        return translate("Yes" if value else "No", locale)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


Number = int | float | Decimal


@dataclass(frozen=True)
class FigureValue:
    """A figure's value in all and per group (empty when the figure has no groups)."""

    total: Number | None
    groups: dict[str, Number] = field(default_factory=dict)
    records: int = 0


def _aggregate(kind: Aggregate, values: Sequence[Any], weights: Sequence[Any] = ()) -> Any:
    present = [v for v in values if v is not None]
    if kind == "count":
        return len(values)
    if kind == "distinct":
        return len(set(present))
    if kind == "sum":
        return (
            sum(present, Decimal(0))
            if any(isinstance(v, Decimal) for v in present)
            else (sum(present))
        )
    if kind == "mean":
        return sum(present) / len(present) if present else None
    if kind == "p90":
        return percentile(present, 90) if present else None
    raise ValueError(f"unknown aggregate {kind!r}")


def percentile(values: Sequence[Number], p: float) -> float:
    """The p-th percentile by the nearest-rank method (the value at rank ⌈p/100 × n⌉ of the
    sorted values): always one of the values, easy to check by hand."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass(frozen=True)
class Figure:
    """One figure: where its records come from and how its value follows from them."""

    key: str
    program: str
    label: str  # message id
    unit: Unit
    columns: tuple[Column, ...]
    query: Callable[[Scope], Select[Any]]
    aggregate: Aggregate = "count"
    of: str | None = None  # the column aggregated (not for "count")
    group_by: str | None = None  # a column whose values split the figure
    help: str = ""  # message id: how it is counted

    def tables(self) -> frozenset[str]:
        """The tables the figure's records are read from (the same for every scope)."""
        if self.key not in _TABLES:
            _TABLES[self.key] = tables_read(self.query(_ANY_SCOPE))
        return _TABLES[self.key]

    def table(self, session: Session, scope: Scope) -> Table:
        """The records behind the figure, in the statement's order."""
        rows = [tuple(row) for row in session.execute(self.query(scope))]
        return Table(self.columns, rows)

    def value(self, session: Session, scope: Scope) -> FigureValue:
        """The figure, aggregated by the database over the figure's own statement: the value
        `value_of(table(...))` gives, without carrying every record to Python (p90 excepted,
        which reads the one column it ranks)."""
        rows = self.query(scope).order_by(None).subquery()
        measured = rows.c[self.of] if self.of else None
        if self.aggregate == "p90":
            return self._p90(session, rows)
        parts = _parts(self.aggregate, measured)
        if not self.group_by:
            found = session.execute(select(*parts).select_from(rows)).one()
            return FigureValue(_finish(self.aggregate, found), {}, found[0])
        key = rows.c[self.group_by]
        split = {
            str(row[0]): tuple(row[1:])
            for row in session.execute(select(key, *parts).select_from(rows).group_by(key))
        }
        groups = {k: _finish(self.aggregate, split[k]) for k in sorted(split)}
        records = sum(part[0] for part in split.values())
        if self.aggregate == "distinct":  # a value may fall in several groups: count it once
            total = session.execute(select(*parts).select_from(rows)).one()
            return FigureValue(_finish(self.aggregate, total), groups, records)
        summed = tuple(_add(column) for column in zip(*split.values(), strict=True))
        total = _finish(self.aggregate, summed) if split else _finish(self.aggregate, _EMPTY)
        return FigureValue(total, groups, records)

    def _p90(self, session: Session, rows: Any) -> FigureValue:
        measured = rows.c[self.of]
        key = rows.c[self.group_by] if self.group_by else literal(None)
        pairs = session.execute(select(key, measured).select_from(rows)).all()
        values = [v for _, v in pairs]
        groups: dict[str, Any] = {}
        if self.group_by:
            split: dict[str, list[Any]] = defaultdict(list)
            for group, value in pairs:
                split[str(group)].append(value)
            groups = {k: _aggregate("p90", v) for k, v in sorted(split.items())}
        return FigureValue(_aggregate("p90", values), groups, len(pairs))

    def value_of(self, table: Table) -> FigureValue:
        """The figure from records already read."""
        values = table.column(self.of) if self.of else [1] * len(table.rows)
        total = _aggregate(self.aggregate, values)
        groups: dict[str, Any] = {}
        if self.group_by:
            split: dict[str, list[Any]] = defaultdict(list)
            for key, value in zip(table.column(self.group_by), values, strict=True):
                split[str(key)].append(value)
            groups = {k: _aggregate(self.aggregate, v) for k, v in sorted(split.items())}
        return FigureValue(total, groups, len(table.rows))


# What the database adds up for each aggregate: always the rows first, then what the value
# needs. Every part adds across groups, so the total of a grouped figure is the groups' parts
# added (except a distinct count, read again over all rows).
_EMPTY = (0, None, 0)


def _parts(kind: Aggregate, measured: Any) -> list[Any]:
    rows = func.count()
    if kind == "count":
        return [rows]
    if kind == "distinct":
        return [rows, func.count(distinct(measured))]
    if kind == "sum":
        return [rows, func.sum(measured)]
    if kind == "mean":
        return [rows, func.sum(measured), func.count(measured)]
    raise ValueError(f"unknown aggregate {kind!r}")


def _add(values: Iterable[Any]) -> Any:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _finish(kind: Aggregate, parts: Sequence[Any]) -> Any:
    if kind == "count":
        return parts[0]
    if kind == "distinct":
        return parts[1] or 0
    if kind == "sum":
        return 0 if parts[1] is None else parts[1]
    if kind == "mean":
        return parts[1] / parts[2] if parts[2] else None
    raise ValueError(f"unknown aggregate {kind!r}")


_FIGURES: dict[str, Figure] = {}
_TABLES: dict[str, frozenset[str]] = {}
_ANY_SCOPE = Scope(date(2000, 1, 1), date(2000, 12, 31), town_id=1)
PROGRAMS = ("friday", "checkups", "disputes", "study")


def register(*figures: Figure) -> None:
    """Add figures (a program module does this on import)."""
    for figure in figures:
        if figure.program not in PROGRAMS:
            raise ValueError(f"{figure.key}: unknown program {figure.program!r}")
        if figure.key in _FIGURES and _FIGURES[figure.key] is not figure:
            raise ValueError(f"figure {figure.key!r} is registered twice")
        names = [c.name for c in figure.columns]
        for wanted in (figure.of, figure.group_by):
            if wanted is not None and wanted not in names:
                raise ValueError(f"{figure.key}: no column {wanted!r}")
        if figure.aggregate != "count" and figure.of is None:
            raise ValueError(f"{figure.key}: {figure.aggregate} needs a column (of=...)")
        _FIGURES[figure.key] = figure


def _load() -> None:
    from reports.figures import checkups, disputes, friday, study  # noqa: F401


def get(key: str) -> Figure:
    """A figure by its key (KeyError if there is none)."""
    _load()
    return _FIGURES[key]


def all_figures(program: str | None = None) -> list[Figure]:
    """Every figure (of one program), in the order they were declared."""
    _load()
    chosen = [f for f in _FIGURES.values() if program is None or f.program == program]
    return sorted(chosen, key=lambda f: PROGRAMS.index(f.program))  # stable: declared order


def in_town(statement: Select[Any], town_column: Any, scope: Scope) -> Select[Any]:
    """`statement` limited to the scope's town, if it has one."""
    if scope.town_id is None:
        return statement
    return statement.where(town_column == scope.town_id)


def values(session: Session, figures: Iterable[Figure], scope: Scope) -> dict[str, FigureValue]:
    """Several figures over one scope, by key."""
    return {f.key: f.value(session, scope) for f in figures}
