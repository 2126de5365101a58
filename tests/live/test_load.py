"""A short load against the real server (gunicorn on PostgreSQL, the development server on
SQLite): a few seconds of the mixed workload of the load bench (`bench/load.py`: bookings, case
moves, each role's dashboard, calendar feeds, check-up report PDFs) from a handful of clients at
once. Every request is served as it should be — no error, no server error — and the writes are
all in the database. Outcomes only; speeds are the bench's (`make bench`)."""

from __future__ import annotations

from sqlalchemy import func, select

from bench import load
from programs.disputes.models import DisputeCase
from programs.friday.models import FridayRequest

CLIENTS = 4
EACH = 12  # every kind at least once per client, some twice


def test_a_mixed_load_is_served_without_an_error(real_server):
    work = load.prepare(real_server.database, real_server.url, cases=CLIENTS * EACH)
    kinds = list(load.WEIGHTS)
    # Each client starts at another kind and goes round them all: every kind is played, and
    # by several clients at once.
    lists = [[kinds[(n * 5 + i) % len(kinds)] for i in range(EACH)] for n in range(CLIENTS)]
    with real_server.database.transaction() as session:
        requests_before = session.scalar(select(func.count()).select_from(FridayRequest))

    run = load.play(real_server.url, lists, work.call)

    assert set(run.results) == set(kinds)
    problems = {k: r.samples for k, r in run.results.items() if r.errors}
    assert run.errors == 0 and run.server_errors == 0, problems
    booked = run.results[load.BOOKING].requests
    moved = run.results[load.CASE_UPDATE].requests
    with real_server.database.transaction() as session:
        requests_after = session.scalar(select(func.count()).select_from(FridayRequest))
        in_mediation = session.scalar(
            select(func.count()).where(
                DisputeCase.stage == "mediation",
                DisputeCase.id.in_(work.case_ids[:moved]),
            )
        )
    assert requests_after - requests_before == booked > 0
    assert in_mediation == moved > 0


def test_the_same_firm_booked_by_many_at_once_gets_one_pairing(real_server):
    """Many requests for one firm with no consultant yet, at the same moment: each is filed and
    the firm is paired once (the pairings of one firm are decided one after the other)."""
    from programs.directory.models import Enterprise
    from programs.friday.models import Pairing

    with real_server.database.transaction() as session:
        paired = select(Pairing.enterprise_id).where(Pairing.ended_on.is_(None))
        firm = session.scalar(
            select(Enterprise.id)
            .where(Enterprise.status == "active", Enterprise.id.not_in(paired))
            .order_by(Enterprise.id)
            .limit(1)
        )
    assert firm is not None
    work = load.prepare(real_server.database, real_server.url, cases=0)
    work.firms = [firm]
    run = load.play(real_server.url, [[load.BOOKING]] * 6, work.call)

    assert run.errors == 0, run.results[load.BOOKING].samples
    with real_server.database.transaction() as session:
        pairings = session.scalar(
            select(func.count()).where(Pairing.enterprise_id == firm, Pairing.ended_on.is_(None))
        )
        filed = session.scalar(select(func.count()).where(FridayRequest.enterprise_id == firm))
    assert pairings == 1
    assert filed >= 6
