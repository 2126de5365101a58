"""`fengqiao backup` and `fengqiao restore`: the round trip loses nothing, on either engine and
from SQLite into PostgreSQL; a restore that cannot be whole changes nothing; a backup cut short
leaves no archive."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from programs import backup, schema
from programs.db import make_engine
from programs.errors import DomainError
from tests.conftest import ENGINES, empty_database
from webapp.cli import main


def contents(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in key order, values as Python reads them."""
    out = {}
    with engine.connect() as connection:
        for table in backup.tables():
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [
                tuple(row) for row in connection.execute(select(table).order_by(*order))
            ]
    return out


def row_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return sum(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in backup.tables()
        )


@pytest.fixture(scope="module")
def archive(db_engine, tmp_path_factory) -> tuple[Engine, Path]:
    """A backup of the demo city on this engine."""
    path = tmp_path_factory.mktemp("backup") / "city.zip"
    backup.backup(db_engine, path)
    return db_engine, path


@pytest.mark.parametrize("target", ENGINES)
def test_the_round_trip_loses_nothing(archive, target, tmp_path):
    source, path = archive
    before = contents(source)
    assert sum(len(rows) for rows in before.values()) > 10_000  # the demo city, not an empty one
    with empty_database(target, tmp_path) as engine:
        done = backup.restore(engine, path)
        assert schema.current_revision(engine) == schema.current_revision(source)
        after = contents(engine)
    assert done.counts == {name: len(rows) for name, rows in before.items()}
    different = [name for name in before if before[name] != after[name]]
    assert different == []


def test_a_restored_database_takes_new_records_after_the_old(archive, tmp_path):
    """The id sequences continue past the restored rows (PostgreSQL); SQLite needs nothing."""
    from programs.db import Database
    from programs.directory.models import Town

    source, path = archive
    with empty_database(source.dialect.name, tmp_path) as engine:
        backup.restore(engine, path)
        database = Database(engine)
        with database.transaction() as session:
            highest = session.scalar(select(func.max(Town.id)))
            town = Town(code="999999", name="新设街道", kind="subdistrict")
            session.add(town)
            session.flush()
            assert town.id > highest


def test_a_database_with_records_is_replaced_only_when_asked(archive, tmp_path):
    source, path = archive
    with empty_database(source.dialect.name, tmp_path) as engine:
        backup.restore(engine, path)
        with pytest.raises(DomainError, match="already holds records"):
            backup.restore(engine, path)
        backup.restore(engine, path, replace=True)
        assert contents(engine) == contents(source)


def _rewritten(path: Path, out: Path, change) -> Path:
    """A copy of the archive with its members passed through `change(name, data)`."""
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = change(info.filename, original.read(info.filename))
            if data is not None:
                copy.writestr(info.filename, data)
    return out


def _cut_table(name: str, data: bytes) -> bytes:
    if name == "tables/dispute_cases.jsonl":
        return b"\n".join(data.splitlines()[:10]) + b"\n"
    return data


def _missing_table(name: str, data: bytes) -> bytes | None:
    return None if name == "tables/case_transitions.jsonl" else data


def _broken_row(name: str, data: bytes) -> bytes:
    if name == "tables/schools.jsonl":
        lines = data.splitlines()
        row = json.loads(lines[3])
        row["town_id"] = 999_999  # refers to no town: the database refuses it
        lines[3] = json.dumps(row).encode()
        return b"\n".join(lines) + b"\n"
    return data


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_cut_table, "its manifest says"),
        (_missing_table, "no rows file"),
        (_broken_row, "refused a row"),
    ],
    ids=["rows cut short", "a table missing", "a row the database refuses"],
)
def test_a_restore_that_cannot_be_whole_changes_nothing(archive, tmp_path, change, says):
    source, path = archive
    bad = _rewritten(path, tmp_path / "bad.zip", change)
    with empty_database(source.dialect.name, tmp_path) as engine:
        with pytest.raises(DomainError) as refused:
            backup.restore(engine, bad)
        assert says in refused.value.msgid.format(**refused.value.params)
        assert row_count(engine) == 0
        # And over a database with records: they are all still there, as they were.
        backup.restore(engine, path)
        with pytest.raises(DomainError):
            backup.restore(engine, bad, replace=True)
        assert contents(engine) == contents(source)


def test_what_is_not_a_backup_is_refused_with_a_reason(archive, tmp_path):
    source, path = archive
    text_file = tmp_path / "notes.zip"
    text_file.write_text("不是备份文件", encoding="utf-8")
    other_zip = _rewritten(
        path, tmp_path / "other.zip", lambda n, d: None if n == "manifest.json" else d
    )
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with empty_database(source.dialect.name, tmp_path) as engine:
        for wrong in (text_file, other_zip, cut):
            with pytest.raises(DomainError):
                backup.restore(engine, wrong)
        assert schema.current_revision(engine) is None  # not even migrated


def test_a_backup_cut_short_leaves_no_archive(db_engine, tmp_path, monkeypatch):
    rows = backup._rows

    def failing(connection, table):
        if table.name == "dispute_cases":
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the process killed
        return rows(connection, table)

    monkeypatch.setattr(backup, "_rows", failing)
    target = tmp_path / "backups" / "tonight.zip"
    with pytest.raises(KeyboardInterrupt):
        backup.backup(db_engine, target)
    assert list(target.parent.iterdir()) == []


def test_the_commands_back_up_and_restore(archive, tmp_path, monkeypatch):
    """`fengqiao restore` and `fengqiao backup` on SQLite, as the README shows them."""
    _source, path = archive
    runner = CliRunner()

    def use(folder: Path) -> Engine:
        monkeypatch.setenv("FENGQIAO_INSTANCE_PATH", str(folder))
        url = f"sqlite:///{folder / 'fengqiao.sqlite3'}"
        monkeypatch.setenv("FENGQIAO_DATABASE_URL", url)
        return make_engine(url)

    city = use(tmp_path / "city")
    restored = runner.invoke(main, ["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    made = runner.invoke(main, ["backup"])
    assert made.exit_code == 0, made.output
    archives = sorted((tmp_path / "city" / "backups").glob("fengqiao-*.zip"))
    assert len(archives) == 1
    refused = runner.invoke(main, ["restore", str(archives[0])])
    assert refused.exit_code == 2 and "--replace" in refused.output
    copy = use(tmp_path / "copy")
    assert runner.invoke(main, ["restore", str(archives[0])]).exit_code == 0
    assert contents(copy) == contents(city)
    city.dispose()
    copy.dispose()
