"""The stamps of changed tables: renewed at commit by every kind of write a session makes, kept
by a rollback, untouched for the tables not written."""

from __future__ import annotations

from sqlalchemy import select, text, update

from programs import changes
from programs.directory.models import Town
from programs.friday.models import FridayVisit


def _committed(db, write):
    before = _stamps(db)
    with db.transaction() as session:
        write(session)
        assert changes.pending(session)
    with db.transaction() as session:
        assert not changes.pending(session)
    after = _stamps(db)
    return {name for name in after.keys() | before.keys() if after.get(name) != before.get(name)}


def _stamps(db):
    with db.transaction() as session:
        return changes.stamps(session)


def test_every_table_has_a_stamp_after_migrating(db):
    stamps = _stamps(db)
    assert {changes.WHOLE_DATABASE, "towns", "friday_visits", "case_transitions"} <= set(stamps)
    assert len(set(stamps.values())) == len(stamps)  # each its own


def test_an_object_written_renews_its_table_only(db):
    def rename(session):
        town = session.scalar(select(Town).order_by(Town.id))
        town.name = town.name + "（改）"

    assert _committed(db, rename) == {"towns"}


def test_a_bulk_update_renews_its_table(db):
    def shift(session):
        session.execute(update(FridayVisit).where(FridayVisit.id < 0).values(minutes=1))

    assert _committed(db, shift) == {"friday_visits"}


def test_plain_sql_writes_renew_the_whole_database(db):
    def raw(session):
        session.execute(text("UPDATE towns SET name = name WHERE id < 0"))

    assert _committed(db, raw) == {changes.WHOLE_DATABASE}


def test_reading_renews_nothing(db):
    def read(session):
        session.scalar(select(Town).order_by(Town.id))
        session.execute(text("SELECT 1"))

    before = _stamps(db)
    with db.transaction() as session:
        read(session)
        assert not changes.pending(session)
    assert _stamps(db) == before


def test_a_rolled_back_write_keeps_the_stamps(db):
    before = _stamps(db)
    session = db.sessionmaker()
    town = session.scalar(select(Town).order_by(Town.id))
    town.name = "改名"
    session.flush()
    assert changes.pending(session)
    session.rollback()
    assert not changes.pending(session)
    session.close()
    assert _stamps(db) == before
