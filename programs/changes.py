"""Which tables changed: a stamp per table, renewed in the transaction of every write, so that a
cache of figures can tell with one small read whether what it holds still says what the records
say.

Every ORM write is seen: the objects a flush inserts, updates or deletes (with the link tables
of their relationships) and the bulk INSERT, UPDATE and DELETE statements run through a
session. A write in plain SQL through a session (`session.execute(text(...))`) renews the stamp
of the whole database, which every cached value depends on. The stamps are renewed once, at
commit, in the order of the tables' names (two writers never wait on each other's stamps in
opposite orders). A stamp is random, never a counter: a transaction rolled back can not leave
behind a stamp that a later write would bring back.

Writes made outside a session (psql, a migration's data step) are not seen; restart the app
after one, which empties the in-memory caches that read these stamps.

    stamps = changes.stamps(session)          # {"friday_visits": "9f1c…", "*": "…", …}
    changes.pending(session)                  # True: this session wrote and has not committed
    with changes.reading(session) as read:    # the tables the block's statements read
        ...
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import String, Table, TextClause, event, insert, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.sql import visitors

from programs.db import Base

WHOLE_DATABASE = "*"  # the stamp every cached value depends on
_CHANGED = "fengqiao.changed_tables"
_READING = "fengqiao.tables_read"


class TableStamp(Base):
    """The stamp of one table's contents (WHOLE_DATABASE: of the database as a whole)."""

    __tablename__ = "table_stamps"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


def new_stamp() -> str:
    return uuid.uuid4().hex


def stamps(session: Session) -> dict[str, str]:
    """Every table's stamp, by name (a table never written since the stamps began has none)."""
    return {
        name: stamp for name, stamp in session.execute(select(TableStamp.name, TableStamp.stamp))
    }


def pending(session: Session) -> bool:
    """Whether this session has written something its transaction has not committed yet (its
    reads then see records that the stamps do not describe)."""
    return bool(session.info.get(_CHANGED) or session.new or session.dirty or session.deleted)


def tables_read(statement: Any) -> frozenset[str]:
    """The names of the tables a statement reads, its subqueries and aliases included."""
    return frozenset(e.name for e in visitors.iterate(statement) if isinstance(e, Table))


@contextmanager
def reading(session: Session) -> Iterator[set[str]]:
    """The names of the tables that the statements run through `session` inside the block read
    (lazy loads included; WHOLE_DATABASE for a statement in plain SQL, whose tables are not
    known): what a value computed in the block depends on."""
    found: set[str] = set()
    readers = session.info.setdefault(_READING, [])
    readers.append(found)
    try:
        yield found
    finally:
        readers.remove(found)


def _note(session: Session, names: set[str]) -> None:
    session.info.setdefault(_CHANGED, set()).update(names)


def _tables_of(instance: Any) -> set[str]:
    mapper = type(instance).__mapper__
    names = {table.name for table in mapper.tables}
    names.update(
        relationship.secondary.name
        for relationship in mapper.relationships
        if relationship.secondary is not None and hasattr(relationship.secondary, "name")
    )
    return names


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    written = {*session.new, *session.deleted}
    written.update(o for o in session.dirty if session.is_modified(o, include_collections=True))
    names = set().union(*(_tables_of(o) for o in written)) if written else set()
    names.discard(TableStamp.__tablename__)
    if names:
        _note(session, names)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    readers = state.session.info.get(_READING)
    if readers:
        plain = isinstance(state.statement, TextClause)
        names = {WHOLE_DATABASE} if plain else set(tables_read(state.statement))
        for found in readers:
            found.update(names or {WHOLE_DATABASE})
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name != TableStamp.__tablename__:
            _note(state.session, {name or WHOLE_DATABASE})
    elif isinstance(state.statement, TextClause) and not _reads(state.statement.text):
        _note(state.session, {WHOLE_DATABASE})


def _reads(sql: str) -> bool:
    return sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "SHOW", "EXPLAIN", "PRAGMA")


@event.listens_for(Session, "before_commit")
def _renew(session: Session) -> None:
    session.flush()  # what is still to be written is written (and noted) now
    names = sorted(session.info.pop(_CHANGED, ()))
    if not names:
        return
    connection = session.connection()
    for name in names:
        stamp = new_stamp()
        renewed = connection.execute(
            update(TableStamp).where(TableStamp.name == name).values(stamp=stamp)
        )
        if renewed.rowcount == 0:
            connection.execute(insert(TableStamp).values(name=name, stamp=stamp))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or not
        session.info.pop(_CHANGED, None)
