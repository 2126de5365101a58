"""The database: declarative base, engines and sessions, usable without Flask.

Services in `programs/` only `flush()`; whoever opened the unit of work (the web request, a CLI
command, the tick) commits or rolls back once, through `Database.transaction()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    MetaData,
    create_engine,
    event,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (what we store)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every engine.

    SQLite has no time zones and returns naive datetimes; this type makes both engines give back
    aware UTC datetimes, and refuses naive ones going in (a naive datetime is a bug here).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every model; constraint names follow one convention for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a plain class attribute
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: without this,
    # SAVEPOINT and rollback of DDL do not work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


WRITE = "fengqiao_write"  # an execution option: this transaction is going to write


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes the write lock at once (BEGIN IMMEDIATE), waiting its
    # turn behind the busy timeout. A plain BEGIN would read first and then fail ("database is
    # locked") the moment another writer had committed since its snapshot: with two people
    # booking the last seat, one of them would get a server error instead of an answer.
    immediate = connection.get_execution_options().get(WRITE)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout like PostgreSQL's waits."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Database:
    """An engine and its session factory; one per process (tests may bind one to a connection)."""

    def __init__(self, bind: Engine | Connection, *, savepoints: bool = False) -> None:
        self.bind = bind
        self.engine = bind if isinstance(bind, Engine) else bind.engine
        options: dict[str, Any] = {"expire_on_commit": False}
        if savepoints:
            # Tests bind to one outer transaction; a commit then only releases a savepoint.
            options["join_transaction_mode"] = "create_savepoint"
        self.sessionmaker: Callable[[], Session] = sessionmaker(bind=bind, **options)

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Open the database at `url`."""
        return cls(make_engine(url))

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commit when the block ends normally, roll back on any exception.

        `write`: the work will write, so on SQLite it waits for the write lock at the start
        rather than failing half-way when another writer got there first."""
        session = self.sessionmaker()
        if write:
            session.connection(execution_options={WRITE: True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def insert_for_each(
    session: Session,
    target: type[Base],
    values: dict[str, Any],
    key_column: str,
    source: type[Base],
    ids: Sequence[int],
    *,
    chunk: int = 2000,
) -> None:
    """INSERT … SELECT one `target` row per row of `source` whose id is in `ids`: the same
    `values` in each, the source's id in `key_column`. The values (a decision's facts, say) are
    sent once per statement, not once per row: for batch work over thousands of rows."""
    key = source.__mapper__.primary_key[0]
    columns = target.__table__.c
    constants = [literal(value, type_=columns[name].type) for name, value in values.items()]
    for start in range(0, len(ids), chunk):
        session.execute(
            insert(target).from_select(
                [*values, key_column],
                select(*constants, key).where(key.in_(ids[start : start + chunk])),
            )
        )


NUMBER_ATTEMPTS = 5


def next_number(session: Session, column: Any, prefix: str) -> str:
    """The next number after `prefix` in `column`: TJ-2026-0001 … TJ-2026-9999, TJ-2026-10000 …
    (ordered by length first, so that 10000 comes after 9999)."""
    last = session.scalar(
        select(column)
        .where(column.like(prefix + "%"))
        .order_by(func.length(column).desc(), column.desc())
        .limit(1)
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def insert_numbered(session: Session, record: Any, column: Any, prefix: str) -> bool:
    """Write a new record under the next free number after `prefix` (set on `column`'s
    attribute). Two writers at the same moment may pick the same number; the one that loses
    tries the next instead of failing. False when every attempt lost (the caller says "try
    again"); an IntegrityError of another constraint is raised."""
    attribute = column.key
    for _ in range(NUMBER_ATTEMPTS):
        number = next_number(session, column, prefix)
        setattr(record, attribute, number)
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return True
        except IntegrityError:
            if session.scalar(select(column).where(column == number)) is None:
                raise  # another constraint: not ours to retry
    return False
