"""The demo city: realistic sizes, deterministic, and loading it twice duplicates nothing."""

from collections import Counter

from sqlalchemy import func, select

from programs import demo
from programs.accounts.models import ROLES, User
from programs.directory import credit_code
from programs.directory.models import (
    Chamber,
    Consultant,
    Enterprise,
    School,
    Town,
)
from programs.study_tours.models import Activity


def test_build_is_deterministic():
    assert demo.build_city() == demo.build_city()
    assert demo.build_city(seed=1) != demo.build_city()


def test_sizes_follow_the_domain_description():
    city = demo.build_city()
    levels = Counter(s.level for s in city.schools)
    assert len(city.towns) == 16
    assert 80 <= levels["primary"] <= 100
    assert 30 <= levels["junior"] + levels["nine_year"] <= 40
    assert levels["senior"] == 10
    assert 450 <= len(city.enterprises) <= 550
    assert len(city.chambers) == 6
    assert len(city.consultants) == 30
    bearing = [e for e in city.enterprises if e.sector == "轴承制造"]
    assert len(bearing) >= 100
    assert {e.town_code for e in bearing} == {demo.BEARING_TOWN}


def test_school_sizes_are_realistic():
    city = demo.build_city()
    for level, expected in (("primary", 780), ("junior", 1030), ("senior", 1850)):
        totals = [sum(g[1] for g in s.grades) for s in city.schools if s.level == level]
        average = sum(totals) / len(totals)
        assert 0.8 * expected <= average <= 1.2 * expected, (level, average)


def test_generated_credit_codes_are_valid_and_unique():
    codes = [e.credit_code for e in demo.build_city().enterprises]
    assert len(set(codes)) == len(codes)
    assert all(credit_code.is_valid(c) for c in codes)


def test_names_read_as_chinese():
    city = demo.build_city()
    for consultant in city.consultants:
        assert 2 <= len(consultant.name) <= 3
        assert all("\u4e00" <= ch <= "\u9fff" for ch in consultant.name)
    assert all(e.name.startswith(demo.CITY) for e in city.enterprises)


def _counts(session):
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Town, Enterprise, Chamber, Consultant, School, Activity, User)
    }


def test_loaded_once_and_again_adds_nothing(session):
    # The fixture database already holds the demo city: loading again must add nothing.
    before = _counts(session)
    report = demo.load(session)
    session.flush()
    assert set(report.added.values()) == {0}
    assert _counts(session) == before
    assert before["Town"] == 16
    assert before["Enterprise"] == len(demo.build_city().enterprises)


def test_one_login_per_role(session):
    roles = set(session.scalars(select(User.role).where(User.username.in_([r for r in ROLES]))))
    assert roles == set(ROLES)


def test_pending_signups_wait_for_the_coordinator(session):
    pending = session.scalars(select(User).where(User.status == "pending")).all()
    assert len(pending) == len(demo.build_city().signups)
    assert all(u.organisation is not None for u in pending)


def test_demo_signups_went_through_the_rules(session):
    from programs.decisions.models import DecisionRecord

    pending = session.scalars(select(User).where(User.status == "pending")).all()
    records = session.scalars(
        select(DecisionRecord).where(
            DecisionRecord.subject_type == "users",
            DecisionRecord.subject_id.in_([u.id for u in pending]),
        )
    ).all()
    assert len(records) == len(pending)
    fired = {f["rule"] for r in records for f in r.record["fired"]}
    assert "name_differs_from_directory" in fired
