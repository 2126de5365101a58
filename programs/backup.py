"""Backing the database up to one file and restoring it, the same way on SQLite and PostgreSQL.

A backup is a zip archive: `manifest.json` (the format, the schema revision, when, and how many
rows each table holds) and one `tables/<name>.jsonl` per table, a JSON object per row. It is
read inside one transaction (a snapshot: REPEATABLE READ on PostgreSQL, one read transaction on
SQLite), so it is whole even while people work; it is written to a temporary file and renamed
into place, so a backup cut short leaves no file that looks whole.

Restoring goes into a database at the same schema revision (an empty one is migrated to it
first), in one transaction: every row of every table, then the sequences set past the highest
id, then the counts checked against the manifest. Anything wrong — an archive cut short, a row
the constraints refuse, a count that does not match — rolls it all back: the database is as it
was. A database that already holds records is only replaced when asked (`replace=True`).

Because the archive is plain JSON, a backup of the embedded SQLite database restores into
PostgreSQL: that is also how a city moves from one to the other.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import LargeBinary, TypeDecorator

import programs.models  # noqa: F401  (every table in the metadata)
from programs import schema
from programs.changes import WHOLE_DATABASE, TableStamp, new_stamp
from programs.db import Base
from programs.errors import DomainError
from programs.i18n import N_

FORMAT = "fengqiao-backup/1"
MANIFEST = "manifest.json"
BATCH = 1000
# Kept out of a backup: the stamps of the figure cache describe one running server's memory.
SKIPPED = frozenset({TableStamp.__tablename__})


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what a restore wrote."""

    path: Path
    revision: str
    created_at: str
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def tables() -> list[Table]:
    """Every table, parents before the tables that refer to them."""
    return [table for table in Base.metadata.sorted_tables if table.name not in SKIPPED]


# --- Values to JSON and back ----------------------------------------------------------------------


def _kind(column: Any) -> str:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, LargeBinary):
        return "bytes"
    try:
        python = kind.python_type
    except NotImplementedError:
        return "plain"
    return {datetime: "datetime", date: "date", time: "time", Decimal: "decimal"}.get(
        python, "plain"
    )


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


_DECODE = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
}


def _decoders(table: Table) -> dict[str, Any]:
    return {c.name: _DECODE[k] for c in table.columns if (k := _kind(c)) in _DECODE}


# --- Backup ---------------------------------------------------------------------------------------


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result.mappings():
        yield dict(row)


def backup(engine: Engine, path: Path) -> Summary:
    """Write the whole database to the archive `path` (replaced only once it is complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    counts: dict[str, int] = {}
    handle, temporary = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=path.parent)
    os.close(handle)
    try:
        with _snapshot(engine) as connection, connection.begin():
            revision = schema.current_revision(connection)
            if revision is None:
                raise DomainError(N_("The database is empty: there is nothing to back up."))
            with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for table in tables():
                    count = 0
                    with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                        for row in _rows(connection, table):
                            line = json.dumps(row, default=_encode, ensure_ascii=False)
                            out.write(line.encode("utf-8") + b"\n")
                            count += 1
                    counts[table.name] = count
                manifest = {
                    "format": FORMAT,
                    "revision": revision,
                    "created_at": created_at,
                    "dialect": engine.dialect.name,
                    "tables": counts,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Summary(path, revision, created_at, counts)


# --- Restore --------------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The archive's manifest, or a DomainError saying why it is not a Fengqiao backup."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise DomainError(N_("This file is not a Fengqiao backup (it has no manifest).")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DomainError(N_("This file is not a Fengqiao backup of a format this version reads."))
    return manifest


def _has_records(connection: Connection) -> bool:
    return any(
        connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in tables()
    )


def _empty(connection: Connection) -> None:
    for table in reversed(tables()):
        connection.execute(delete(table))


def _load(connection: Connection, archive: zipfile.ZipFile, table: Table) -> int:
    decoders = _decoders(table)
    count = 0
    batch: list[dict[str, Any]] = []
    try:
        source = archive.open(f"tables/{table.name}.jsonl")
    except KeyError:
        raise DomainError(
            N_("The backup has no rows file for the table {table}: it is incomplete."),
            {"table": table.name},
        ) from None
    with source:
        for line in source:
            row = json.loads(line)
            for name, decode in decoders.items():
                if row.get(name) is not None:
                    row[name] = decode(row[name])
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(insert(table), batch)
                count, batch = count + len(batch), []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: each id sequence past the highest id restored (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or _kind(key[0]) != "plain":
            continue
        if key[0].type.python_type is not int:
            continue
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{key[0].name}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name, "column": key[0].name},
        )


def restore(engine: Engine, path: Path, *, replace: bool = False) -> Summary:
    """Put the archive's records into the database, all or nothing."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise DomainError(
            N_("{path} cannot be read as a backup archive."), {"path": str(path)}
        ) from None
    with archive:
        manifest = read_manifest(archive)
        revision = manifest["revision"]
        current = schema.current_revision(engine)
        if current is None:
            schema.upgrade(engine, revision)
        elif current != revision:
            raise DomainError(
                N_(
                    "The backup is of schema {backup} but this database is at {current}. "
                    "Restore into an empty database; then run `fengqiao db upgrade`."
                ),
                {"backup": revision, "current": current},
            )
        counts: dict[str, int] = {}
        try:
            with engine.begin() as connection:
                if _has_records(connection):
                    if not replace:
                        raise DomainError(
                            N_(
                                "This database already holds records. Restore into an empty "
                                "database, or say --replace to replace everything in it."
                            )
                        )
                    _empty(connection)
                expected = {name: int(n) for name, n in manifest["tables"].items()}
                if set(expected) != {table.name for table in tables()}:
                    raise DomainError(
                        N_("The backup's tables are not this schema's tables: it is incomplete.")
                    )
                for table in tables():
                    counts[table.name] = _load(connection, archive, table)
                    if counts[table.name] != expected[table.name]:
                        raise DomainError(
                            N_(
                                "The backup holds {found} rows of the table {table}, its "
                                "manifest says {expected}: it is incomplete."
                            ),
                            {
                                "found": counts[table.name],
                                "table": table.name,
                                "expected": expected[table.name],
                            },
                        )
                _reset_sequences(connection)
                # Every figure a running server keeps was counted from other records.
                connection.execute(delete(TableStamp))
                connection.execute(
                    insert(TableStamp), {"name": WHOLE_DATABASE, "stamp": new_stamp()}
                )
        except DBAPIError as error:
            raise DomainError(
                N_("The database refused a row of the backup ({problem}); nothing was restored."),
                {"problem": str(error.orig).splitlines()[0][:200]},
            ) from None
        except (zipfile.BadZipFile, EOFError, ValueError, KeyError) as error:
            raise DomainError(
                N_("The backup cannot be read whole ({problem}); nothing was restored."),
                {"problem": type(error).__name__},
            ) from None
    return Summary(path, revision, str(manifest.get("created_at", "")), counts)
