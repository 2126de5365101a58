"""The check-ups' demo year, as the demo city holds it: about a hundred check-ups graded by the
rules on the Friday visits, their findings fixed, verified, accepted or overdue, the demo firm's
one check-up, and the follow-ups that are not left to go stale."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from calendars import today as shanghai_today
from calendars import working_fridays
from programs.accounts.models import User
from programs.checkups import demo
from programs.checkups.models import SETTLED, Checkup, CheckupItem
from programs.decisions.models import DecisionRecord
from programs.disputes.models import DisputeCase
from programs.friday.models import FridayRequest, FridayVisit
from programs.notifications.models import Notification
from rules.checkups import AREAS, CHECK_ITEMS

GRADE_RULES = {
    "red": {"serious_and_urgent"},
    "orange": {"serious_finding", "medium_findings"},
    "green": {"no_serious_risk"},
}


def _demo_day(session) -> date:
    """The day the fixture loaded the demo on: the fresh requests were filed that day (the run
    may have crossed midnight since)."""
    day = session.scalar(
        select(func.max(Checkup.requested_on)).where(Checkup.source == "coordinator")
    )
    assert day is not None, "the demo city holds no fresh check-up request"
    assert shanghai_today() - timedelta(days=3) <= day <= shanghai_today()
    return day


def _year(session) -> list[Checkup]:
    return list(
        session.scalars(
            select(Checkup)
            .where(Checkup.status.in_(("reported", "closed")))
            .order_by(Checkup.examined_on, Checkup.id)
        )
    )


# --- The plan, without a database ----------------------------------------------------------------


def test_every_item_has_its_texts():
    assert set(demo.TEXTS) == set(CHECK_ITEMS)
    assert set(demo.AREA_NAMES) == set(AREAS)
    for code, texts in demo.TEXTS.items():
        assert 2 <= len(texts.findings) <= 3, code
        assert texts.recommendation and texts.fixed and texts.weight > 0, code


def test_the_courses_of_findings_come_in_the_planned_shares():
    today = date(2026, 11, 27)
    examined = date(2025, 12, 5)  # long enough ago for every course to have run
    rng = random.Random(1)
    ends = Counter()
    returned = 0
    for _ in range(4000):
        due = examined + timedelta(days=rng.choice((15, 30, 90)))
        steps = demo.fate(rng, examined, due, today)
        assert all(s.on < today for s in steps)
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        ends[steps[-1].action if steps else "open"] += 1
        returned += any(s.action == "send_back" for s in steps)
        if steps and steps[-1].action == "verify":
            assert steps[-1].on.weekday() == 4 and steps[-2].action == "fix"
            assert steps[-1].on >= steps[-2].on
    share = {end: n / 4000 for end, n in ends.items()}
    assert share["verify"] == pytest.approx(0.73, abs=0.03)
    assert share["accept"] == pytest.approx(0.07, abs=0.02)
    assert share["open"] == pytest.approx(0.20, abs=0.03)
    assert returned / 4000 == pytest.approx(0.073, abs=0.02)


def test_nothing_happens_on_or_after_today_and_open_follow_ups_hold_the_fixes():
    today = date(2026, 11, 27)
    rng = random.Random(2)
    for _ in range(500):
        examined = today - timedelta(days=rng.randint(1, 40))
        steps = demo.fate(
            rng, examined, examined + timedelta(days=30), today, waits_for_return=True
        )
        assert all(s.on < today for s in steps)
        assert {s.action for s in steps} <= {"fix", "accept"}


def test_an_acceptance_never_comes_last():
    verify = (demo.Step(date(2026, 3, 6), "fix"), demo.Step(date(2026, 3, 13), "verify"))
    late = (demo.Step(date(2026, 4, 1), "accept"),)
    settled = demo.settle_last_by_verification([verify, late])
    assert settled == [verify, (demo.Step(date(2026, 3, 13), "accept"),)]
    # Only acceptances: the last is not made, so the check-up stays open.
    early = (demo.Step(date(2026, 3, 1), "accept"),)
    assert demo.settle_last_by_verification([early, late]) == [early, ()]
    # A finding still open: nothing to move.
    assert demo.settle_last_by_verification([late, ()]) == [late, ()]


# --- The year in the demo city -------------------------------------------------------------------


def test_a_year_of_checkups_with_about_two_and_a_half_findings_each(session):
    today = _demo_day(session)
    year = _year(session)
    assert 90 <= len(year) <= 110
    assert all(today - timedelta(days=364) <= c.examined_on < today for c in year)
    assert len({c.examined_on.strftime("%Y-%m") for c in year}) >= 11  # spread over the year
    assert len({c.enterprise_id for c in year}) == len(year)  # at most one per firm
    assert all(c.visit is not None and c.visit.on == c.examined_on for c in year)
    assert all(c.summary for c in year)
    grades = Counter(c.grade for c in year)
    assert set(grades) == {"red", "orange", "green"}
    findings = [item for c in year for item in c.findings]
    assert 1.5 <= len(findings) / len(year) <= 3.5
    for item in findings:
        assert item.finding and item.recommendation and item.risk
        assert item.fix_due_on is not None and item.fix_due_on > item.checkup.examined_on
    statuses = Counter(item.fix_status for item in findings)
    assert statuses["verified"] >= len(findings) // 3
    assert statuses["accepted"] >= 3
    overdue = [item for item in findings if item.overdue(today)]
    assert len(overdue) >= 5
    assert any(item.returned_note for item in findings)  # some fixes were sent back first
    assert session.scalar(
        select(func.count()).select_from(CheckupItem).where(CheckupItem.result == "not_applicable")
    )


def test_every_grade_was_decided_by_the_rules(session):
    for checkup in _year(session):
        record = session.get(DecisionRecord, checkup.grade_decision_id)
        assert record is not None, checkup.number
        assert record.ruleset == "checkup_grade"
        assert (record.subject_type, record.subject_id) == ("checkups", checkup.id)
        fired = {f["rule"] for f in record.record["fired"]}
        assert fired & GRADE_RULES[checkup.grade], (checkup.number, checkup.grade, fired)
        checklist = session.get(DecisionRecord, checkup.checklist_decision_id)
        assert checklist.ruleset == "checkup_checklist" and checklist.subject_id == checkup.id


def test_closed_means_every_finding_settled_and_the_steps_come_in_order(session):
    today = _demo_day(session)
    for checkup in _year(session):
        settled = all(item.fix_status in SETTLED for item in checkup.findings)
        assert (checkup.status == "closed") == settled, checkup.number
        if checkup.status == "closed":
            assert checkup.examined_on <= checkup.closed_on < today
        for item in checkup.findings:
            if item.fix_status in ("fixed", "verified"):
                assert checkup.examined_on <= item.fixed_on < today
            if item.fix_status == "verified":
                assert item.fixed_on <= item.verified_on < today
                assert item.verified_on.weekday() == 4
            if item.fix_status == "accepted":
                assert len(item.acceptance) >= 10 and item.accepted_signer
                assert checkup.examined_on <= item.accepted_on < today


def test_the_demo_firms_one_checkup(session):
    today = _demo_day(session)
    firm_id = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
    checkups = session.scalars(select(Checkup).where(Checkup.enterprise_id == firm_id)).all()
    assert [c.status for c in checkups] == ["reported"]
    findings = checkups[0].findings
    assert len(findings) == 3
    assert any(item.fix_status == "verified" for item in findings)
    assert any(item.overdue(today) for item in findings)
    assert any(item.fix_status == "open" and item.fix_due_on >= today for item in findings)
    verified = next(item for item in findings if item.fix_status == "verified")
    assert verified.fixed_by_id == session.scalar(
        select(User.id).where(User.username == "enterprise")
    )


def test_follow_ups_do_not_go_stale(session):
    today = _demo_day(session)
    year = _year(session)
    with_follow_up = [c for c in year if c.follow_up_request is not None]
    assert with_follow_up
    assert all(c.grade in ("red", "orange") for c in with_follow_up)
    for checkup in with_follow_up:
        request = checkup.follow_up_request
        if request.status == "open":
            assert checkup.examined_on >= today - timedelta(weeks=8), checkup.number
        if request.status == "done":
            (visit,) = [v for v in request.visits if v.status == "done"]
            assert checkup.examined_on + timedelta(days=14) <= visit.on < today
    done = [c for c in with_follow_up if c.follow_up_request.status == "done"]
    assert len(done) >= len(with_follow_up) // 2
    # The return visits are where the fixes were verified.
    verified_there = session.scalar(
        select(func.count())
        .select_from(CheckupItem)
        .join(FridayVisit, FridayVisit.id == CheckupItem.verify_visit_id)
        .join(FridayRequest, FridayRequest.id == FridayVisit.request_id)
        .where(FridayRequest.source == "checkup")
    )
    assert verified_there >= 20


def test_the_demo_consultant_keeps_the_last_fridays_free(session):
    today = _demo_day(session)
    consultant_id = session.scalar(select(User.consultant_id).where(User.username == "consultant"))
    recent = working_fridays(today - timedelta(days=demo.DEMO_CONSULTANT_FREE_DAYS), today)
    assert not session.scalar(
        select(func.count())
        .select_from(FridayVisit)
        .join(FridayVisit.request)
        .where(
            FridayRequest.source == "checkup",
            FridayVisit.consultant_id == consultant_id,
            FridayVisit.on.in_(recent),
        )
    )


def test_a_few_firms_wait_for_their_checkup(session):
    today = _demo_day(session)
    waiting = session.scalars(select(Checkup).where(Checkup.status == "requested")).all()
    assert 2 <= len(waiting) <= 3
    for checkup in waiting:
        assert checkup.requested_on == today and checkup.items
        assert checkup.friday_request.status == "open"


def test_the_history_is_quiet_and_leaves_the_loop_alone(session):
    """No notifications in the history; no prevention task in the three-end loop (its demo year
    is counted by hand)."""
    assert not session.scalar(
        select(func.count()).select_from(Notification).where(Notification.link.like("/checkups/%"))
    )
    assert not session.scalar(
        select(func.count()).select_from(DisputeCase).where(DisputeCase.source == "checkup")
    )
    assert all(c.prevention_case_id is None for c in _year(session))
