"""The dashboard's figures kept between pages: served again while their tables are unchanged,
computed afresh after a write to one of them, never kept from a session's uncommitted writes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from programs.directory.models import Consultant
from programs.friday.models import FridayRequest, FridayVisit
from reports import dashboard as board
from reports.cache import Cache, tables_read
from reports.figures import Scope, get

NOV = Scope(date(2026, 11, 1), date(2026, 11, 30))


def _visits(db):
    with db.transaction() as session:
        return board._Values(session)("friday.visits", NOV).total


def _add_visit(session, on=date(2026, 11, 6)):
    first = session.scalar(select(FridayVisit).where(FridayVisit.status == "done"))
    request = session.get(FridayRequest, first.request_id)
    consultant = session.scalar(select(Consultant).order_by(Consultant.id))
    session.add(
        FridayVisit(request_id=request.id, consultant_id=consultant.id, on=on, status="done")
    )
    session.flush()


def test_a_figure_is_served_again_until_its_tables_change(db):
    first = _visits(db)
    misses = board.CACHE.misses
    assert _visits(db) == first
    assert board.CACHE.misses == misses  # served, not computed
    with db.transaction() as session:
        _add_visit(session)
    assert _visits(db) == first + 1
    assert board.CACHE.misses == misses + 1


def test_a_write_elsewhere_keeps_the_figure(db):
    with db.transaction() as session:
        board._Values(session)("study.sessions", NOV)
    misses = board.CACHE.misses
    with db.transaction() as session:
        _add_visit(session)
    with db.transaction() as session:
        board._Values(session)("study.sessions", NOV)
    assert board.CACHE.misses == misses


def test_uncommitted_writes_are_read_but_not_kept(db):
    first = _visits(db)
    session = db.sessionmaker()
    _add_visit(session)
    assert board._Values(session)("friday.visits", NOV).total == first + 1
    session.rollback()
    session.close()
    assert _visits(db) == first


def test_the_dashboard_page_is_the_same_from_the_cache(db):
    from reports.periods import parse_period

    period = parse_period("2026-11")
    with db.transaction() as session:
        fresh = board.dashboard(session, period, None, "zh_Hans")
    with db.transaction() as session:
        again = board.dashboard(session, period, None, "zh_Hans")
    assert board.CACHE.hits > 0
    assert again.sections == fresh.sections
    assert again.charts == fresh.charts


def test_the_tables_a_figure_reads():
    assert get("disputes.days_per_stage").tables() == {"case_transitions", "dispute_cases", "towns"}
    assert get("disputes.recovered").tables() == {"dispute_cases", "enterprises", "towns"}
    assert tables_read(select(FridayVisit.id)) == {"friday_visits"}


def test_the_least_recently_used_go_first():
    cache = Cache(size=2)
    for key in ("a", "b", "a", "c"):
        found, _ = cache._get(key)
        if not found:
            cache._put(key, key.upper())
    assert cache._get("a") == (True, "A")
    assert cache._get("b") == (False, None)


def test_reading_names_the_tables_a_block_reads_lazy_loads_included(db):
    from sqlalchemy import text

    from programs import changes

    with db.transaction() as session:
        with changes.reading(session) as read:
            visit = session.scalar(select(FridayVisit).limit(1))
            visit.request  # a lazy load  # noqa: B018
        assert read == {"friday_visits", "friday_requests"}
        with changes.reading(session) as read:
            session.execute(text("SELECT 1"))
        assert read == {changes.WHOLE_DATABASE}


def test_a_value_read_through_is_kept_until_a_table_it_read_changes(db):
    cache = Cache()
    made = []

    def count(session):
        made.append(1)
        return len(session.scalars(select(FridayVisit.id)).all())

    def read(db):
        with db.transaction() as session:
            return cache.read_through(session, "visits", lambda: count(session))

    first = read(db)
    assert read(db) == first and len(made) == 1  # kept
    with db.transaction() as session:  # a write to a table it never read
        session.add(FridayRequest(**_request_like(session)))
    assert read(db) == first and len(made) == 1
    with db.transaction() as session:
        _add_visit(session)
    assert read(db) == first + 1 and len(made) == 2  # its table changed: made again
    with db.transaction() as session:  # a session that wrote reads its own writes, not kept
        _add_visit(session, on=date(2026, 11, 13))
        assert cache.read_through(session, "visits", lambda: count(session)) == first + 2
        session.rollback()
    assert read(db) == first + 1


def _request_like(session):
    row = session.scalar(select(FridayRequest).limit(1))
    skip = {"id", "created_at", "updated_at", "number"}
    return {
        c.key: getattr(row, c.key)
        for c in FridayRequest.__mapper__.column_attrs
        if c.key not in skip and getattr(row, c.key) is not None
    }
