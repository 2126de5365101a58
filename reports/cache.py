"""Figures kept between pages while the records behind them stay as they are.

A value is kept under what it was computed from (the figure, the scope, the day) and under the
stamps of the tables its statement reads (`programs.changes`): any write to one of those tables renews
its stamp, and the next page computes the value afresh. Nothing is served that the records no
longer say; a write elsewhere (a study-tour booking) keeps the Friday figures.

    cache = Cache()                       # one per process (reports.dashboard has it)
    read = cache.reader(session)          # once per page: reads the stamps once
    value = read(("value", key, scope), figure.tables(), lambda: figure.value(session, scope))

A session that has written and not committed reads records that no stamp describes: its reads
are computed and not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from calendars import today
from programs import changes
from programs.changes import tables_read

__all__ = ["Cache", "Reader", "tables_read"]

T = TypeVar("T")


class Cache:
    """Values by what they were computed from; the least recently used go first past `size`."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._held: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def reader(self, session: Session) -> Reader:
        """What one page reads through the cache (the stamps are read once, when first
        needed)."""
        return Reader(self, session)

    def clear(self) -> None:
        with self._lock:
            self._held.clear()

    def read_through(
        self,
        session: Session,
        key: Hashable,
        compute: Callable[[], T],
        also: Iterable[str] = (),
    ) -> T:
        """The value `compute` reads through `session`, kept with the stamps of the tables its
        statements read (found out while it runs) and served while none of them changes.

        For a value whose tables are not declared (a calendar feed gathered from every
        program's sources). The stamps are read before computing: a write committed meanwhile
        makes the kept value look older than it is, never newer. `also`: tables it depends on
        that it may find without a statement (a record already in the session).
        """
        if changes.pending(session):
            return compute()
        now = changes.stamps(session)
        full_key = ("read", key, today())
        found, held = self._get(full_key)
        if found:
            tables, value = held
            if all(now.get(name) == stamp for name, stamp in tables):
                return value
        with changes.reading(session) as read:
            value = compute()
        if changes.pending(session):  # it wrote: what it read is not what the stamps say
            return value
        names = read | set(also) | {changes.WHOLE_DATABASE}
        self._put(full_key, (tuple((name, now.get(name)) for name in sorted(names)), value))
        return value

    def held(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under `key`, computed now if it is not: for values that follow from
        the key alone (a document laid out from the data it shows)."""
        found, value = self._get(key)
        if found:
            return value
        value = compute()
        self._put(key, value)
        return value

    def _get(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                self.hits += 1
                return True, self._held[key]
            self.misses += 1
            return False, None

    def _put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._held[key] = value
            self._held.move_to_end(key)
            while len(self._held) > self.size:
                self._held.popitem(last=False)


class Reader:
    """The cache as one page sees it."""

    def __init__(self, cache: Cache, session: Session) -> None:
        self.cache = cache
        self.session = session
        self._stamps: dict[str, str] | None = None

    def __call__(self, key: Hashable, tables: Iterable[str], compute: Callable[[], T]) -> T:
        """The value computed by `compute` from `tables`, kept under `key`."""
        if changes.pending(self.session):
            return compute()
        if self._stamps is None:
            self._stamps = changes.stamps(self.session)
        stamps = self._stamps
        full_key = (
            key,
            today(),  # some figures count up to today (the study sessions held so far)
            stamps.get(changes.WHOLE_DATABASE),
            tuple((name, stamps.get(name)) for name in sorted(tables)),
        )
        found, value = self.cache._get(full_key)
        if found:
            return value
        value = compute()
        self.cache._put(full_key, value)
        return value
