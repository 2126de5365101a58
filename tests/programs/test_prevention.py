"""Hotline and petition records: imported all or nothing, bad rows reported by line, a file sent
twice kept once; the seasonal analysis over them and the dispute cases, on the city's data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from calendars import today
from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.directory.models import Town
from programs.errors import DomainError
from programs.i18n import translate
from programs.prevention import importing, services
from programs.prevention.models import HotlineRecord

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 29)


def _coordinator(session) -> User:
    return session.scalar(select(User).where(User.username == "coordinator"))


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(HotlineRecord))


def _town(session) -> str:
    return session.scalar(select(Town.name).order_by(Town.id).limit(1))


def test_a_good_file_is_imported_once(session):
    town = _town(session)
    before = _count(session)
    data = (
        "日期,镇街,类别,内容,渠道,是否企业来电\n"
        f"2026-01-05,{town},欠薪,反映拖欠工资,12345热线,否\n"
        f"2026/1/6,{town},商事纠纷,货款逾期,信访,是\n"
        f"2026年1月7日,{town},work_injury,工伤待遇,,\n"
    ).encode("gb18030")
    result = importing.import_records(session, _coordinator(session), data, today=TODAY)
    assert result.ok and (result.added, result.already) == (3, 0)
    assert _count(session) == before + 3
    rows = session.scalars(select(HotlineRecord).order_by(HotlineRecord.id.desc()).limit(3)).all()
    assert {(r.category, r.channel, r.from_enterprise) for r in rows} == {
        ("wage_arrears", "hotline", False),
        ("commercial", "petition", True),
        ("work_injury", "hotline", False),
    }
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "hotline.imported")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.data == {"count": 3, "already": 0}

    again = importing.import_records(session, _coordinator(session), data, today=TODAY)
    assert again.ok and (again.added, again.already) == (0, 3)
    assert _count(session) == before + 3


def test_one_bad_line_imports_nothing_and_each_problem_names_its_line(session):
    town = _town(session)
    before = _count(session)
    data = (
        "date,town,category,text\n"
        f"2026-01-05,{town},wage arrears,ok\n"
        f"2026-02-30,{town},欠薪,不存在的日子\n"
        "2026-01-05,火星镇,欠薪,不存在的镇\n"
        f"2026-01-05,{town},天气,不是类别\n"
        f",{town},欠薪,没有日期\n"
        f"2027-01-05,{town},欠薪,未来的日子\n"
    ).encode()
    result = importing.import_records(session, _coordinator(session), data, today=TODAY)
    assert not result.ok and result.added == 0
    assert sorted((p.line, p.column) for p in result.problems) == [
        (3, "date"),
        (4, "town"),
        (5, "category"),
        (6, "date"),
        (7, "date"),
    ]
    said = [translate(p.msgid, "zh_Hans", p.params) for p in result.problems]
    assert any("火星镇" in s and "4" in s for s in said), said
    assert _count(session) == before


def test_a_file_without_its_columns_is_refused_whole(session):
    result = importing.import_records(
        session, _coordinator(session), "日期,镇街\n2026-01-01,x\n".encode(), today=TODAY
    )
    assert not result.ok and {p.line for p in result.problems} == {1}


def _plant(session):
    """A new town with its own calls: steady all year, and three times as many wage-arrears
    calls every January; a second new town, as many calls spread evenly."""
    planted = Town(code="990001", name="测试季节镇", kind="town")
    flat = Town(code="990002", name="测试平稳镇", kind="town")
    session.add_all([planted, flat])
    session.flush()
    rows = []
    for year in range(2021, 2026):
        for month in range(1, 13):
            n = 9 if month == 1 else 3
            rows += [(planted, date(year, month, d + 1)) for d in range(n)]
            rows += [(flat, date(year, month, d + 1)) for d in range(3 if month != 1 else 4)]
        rows += [(flat, date(year, m, 20)) for m in (2, 4, 6, 8, 10, 12)]
    session.add_all(
        HotlineRecord(
            received_on=day,
            town_id=town.id,
            category="wage_arrears",
            summary="",
            fingerprint=f"t{town.id}-{day}-{i}",
        )
        for i, (town, day) in enumerate(rows)
    )
    session.flush()
    return planted, flat


def test_the_analysis_finds_a_season_planted_in_one_towns_records(session):
    """The planted town's January is found; the flat town of the same volume shows none."""
    planted, flat = _plant(session)
    found = services.seasons(session, TODAY)
    assert found.analysis.enough_history
    mine = [p for p in found.analysis.patterns if p.town in (planted.name, flat.name)]
    assert [(p.town, p.category, p.month) for p in mine] == [(planted.name, "wage_arrears", 1)]
    assert mine[0].counts == dict.fromkeys(range(2021, 2026), 9)
    rows = services.evidence_rows(found, planted.name, "wage_arrears")
    assert [year for year, _ in rows] == list(found.analysis.years)
    assert rows[-1][1] == [9] + [3] * 11
    coming = services.coming_peaks(found)
    assert (date(2027, 1, 1), mine[0]) in coming


def test_the_demo_city_shows_its_seasons(session):
    """The demo's history holds wage arrears before the Spring Festival in its most industrial
    town: the analysis finds it, and finds no season in the demo's consumer complaints (which
    have none)."""
    found = services.seasons(session, today())
    seen = {(p.town, p.category, p.month) for p in found.analysis.patterns}
    assert ("烟庄镇", "wage_arrears", 12) in seen
    assert not any(category == "consumer" for _t, category, _m in seen)


def test_the_hotline_figure_counts_firms_calls_by_hand(session):
    """Enterprise calls to the 12345 hotline: the firms' hotline calls of the period (not the
    petitions, not the people's calls), by category, and the same months last year."""
    from reports import figures
    from reports.figures import Scope

    town = session.scalar(select(Town).order_by(Town.id).limit(1))
    data = (
        "日期,镇街,类别,内容,渠道,是否企业来电\n"
        f"2031-03-02,{town.name},欠薪,甲,12345热线,是\n"
        f"2031-03-03,{town.name},商事纠纷,乙,12345热线,是\n"
        f"2031-03-04,{town.name},商事纠纷,丙,信访,是\n"
        f"2031-03-05,{town.name},商事纠纷,丁,12345热线,否\n"
        f"2031-04-01,{town.name},欠薪,戊,12345热线,是\n"
    ).encode()
    assert importing.import_records(session, _coordinator(session), data, today=date(2031, 5, 1)).ok
    figure = figures.get("disputes.hotline_enterprise_calls")
    march = Scope(date(2031, 3, 1), date(2031, 3, 31), town.id)
    value = figure.value(session, march)
    assert (value.total, value.groups) == (2, {"commercial": 1, "wage_arrears": 1})
    assert figure.value_of(figure.table(session, march)) == value
    assert figure.value(session, Scope(date(2031, 3, 1), date(2031, 4, 30), town.id)).total == 3


def test_a_coming_peak_gets_preventive_work_filed_through_its_programs(session):
    """January's wage arrears in the planted town: a Friday session on labour law on the
    Fridays before it, and check-ups for the town's factories; filed only when approved, through
    the Friday and check-up operations (their rules decide), and said in the audit trail."""
    from programs.checkups.models import Checkup
    from programs.friday.models import FridayRequest
    from programs.prevention import actions
    from tests.helpers import make_firm

    planted, _flat = _plant(session)
    factories = [make_firm(session, planted, f"测试季节镇{n}号厂") for n in range(3)]
    make_firm(session, planted, "测试季节镇商店", industry="wholesale_retail")
    coordinator = _coordinator(session)
    found = services.seasons(session, TODAY)

    proposed = [p for p in actions.propose(session, found) if p.action.town_id == planted.id]
    assert {(p.action.kind, p.action.peak_starts_on) for p in proposed} == {
        ("friday_session", date(2027, 1, 1)),
        ("checkup_campaign", date(2027, 1, 1)),
    }
    assert all(p.action.status == "proposed" for p in proposed)
    again = [p for p in actions.propose(session, found) if p.action.town_id == planted.id]
    assert {p.action.id for p in again} == {p.action.id for p in proposed}  # proposed once
    requests_before = session.scalar(select(func.count()).select_from(FridayRequest))
    assert requests_before == session.scalar(select(func.count()).select_from(FridayRequest))

    by_kind = {p.action.kind: p.action for p in proposed}
    session_action = actions.approve(session, coordinator, by_kind["friday_session"].id, TODAY)
    request = session.get(FridayRequest, session_action.outcome["friday_request"])
    assert (request.kind, request.town_id, request.topics) == ("village", planted.id, ["labour"])
    assert [str(d) for d in request.preferred_fridays] == [
        "2026-12-11",
        "2026-12-18",
        "2026-12-25",
    ]

    campaign = actions.approve(session, coordinator, by_kind["checkup_campaign"].id, TODAY)
    made = session.scalars(select(Checkup).where(Checkup.id.in_(campaign.outcome["checkups"])))
    assert sorted(c.enterprise_id for c in made) == sorted(f.id for f in factories)
    with pytest.raises(DomainError):
        actions.approve(session, coordinator, campaign.id, TODAY)  # decided once
    trail = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.subject_type == "seasonal_actions",
            AuditEntry.subject_id.in_([a.id for a in by_kind.values()]),
        )
    ).all()
    assert sorted(trail) == ["seasonal_action.approved", "seasonal_action.approved"]


def test_only_a_coordinator_decides_and_a_dismissed_proposal_stays_dismissed(session):
    from programs.errors import NotFound
    from programs.prevention import actions

    planted, _flat = _plant(session)
    found = services.seasons(session, TODAY)
    action = next(
        p.action for p in actions.propose(session, found) if p.action.town_id == planted.id
    )
    mediator = session.scalar(select(User).where(User.username == "mediator"))
    with pytest.raises(NotFound):
        actions.dismiss(session, mediator, action.id)
    actions.dismiss(session, _coordinator(session), action.id)
    again = [p.action for p in actions.propose(session, found) if p.action.id == action.id]
    assert [a.status for a in again] == ["dismissed"]


def test_fridays_before_a_peak_skip_days_off_and_the_too_soon():
    from programs.prevention import actions

    # The five weeks before October 2026 (the National Day holiday): Friday 25 September is
    # the Mid-Autumn Festival, a day off; a Friday less than a week ahead is too soon.
    assert actions.fridays_before(date(2026, 10, 1), date(2026, 8, 20)) == (
        date(2026, 8, 28),
        date(2026, 9, 4),
        date(2026, 9, 11),
        date(2026, 9, 18),
    )
    assert actions.fridays_before(date(2026, 10, 1), date(2026, 9, 1)) == (
        date(2026, 9, 11),
        date(2026, 9, 18),
    )
    # The Fridays before February 2027 include none of the Spring Festival's days off.
    before_festival = actions.fridays_before(date(2027, 2, 1), date(2026, 12, 1))
    assert before_festival and all(d.weekday() == 4 for d in before_festival)


def test_a_summer_peak_puts_the_towns_middle_schools_into_the_spring_plan(session):
    """Work injuries every July in a town: from November a class at the study base before the
    summer holidays is proposed; approving it puts the town's middle schools without a visit
    that year into the spring term's plan wishing for May or June (the primary school is left),
    and the planner then sees them with those wishes."""
    from programs.directory.models import School, SchoolGrade
    from programs.prevention import actions
    from programs.study_tours import planner
    from programs.study_tours.models import SchoolPlan
    from programs.study_tours.terms import Term

    town = Town(code="990003", name="测试暑期镇", kind="town")
    session.add(town)
    session.flush()
    session.add_all(
        HotlineRecord(
            received_on=date(year, month, day + 1),
            town_id=town.id,
            category="work_injury",
            summary="",
            fingerprint=f"s{town.id}-{year}-{month}-{day}",
        )
        for year in range(2021, 2026)
        for month in range(1, 13)
        for day in range(12 if month == 7 else 2)
    )
    schools = {}
    for name, level, grade in (
        ("测试暑期镇初级中学", "junior", 8),
        ("测试暑期镇九年制学校", "nine_year", 8),
        ("测试暑期镇小学", "primary", 5),
    ):
        school = School(name=name, town_id=town.id, level=level)
        school.grades = [SchoolGrade(grade=grade, students=90, classes=2)]
        session.add(school)
        schools[level] = school
    session.flush()
    coordinator = _coordinator(session)
    found = services.seasons(session, TODAY)
    assert (town.name, "work_injury", 7) in {
        (p.town, p.category, p.month) for p in found.analysis.patterns
    }

    proposed = [p.action for p in actions.propose(session, found) if p.action.town_id == town.id]
    # July is eight months ahead: too far for a Friday session or check-ups, not for the class.
    assert [(a.kind, a.peak_starts_on) for a in proposed] == [("study_class", date(2027, 7, 1))]

    done = actions.approve(session, coordinator, proposed[0].id, TODAY)
    plans = session.scalars(
        select(SchoolPlan).where(SchoolPlan.id.in_(done.outcome["school_plans"]))
    )
    assert sorted((p.school_id, p.term, sorted(p.preferred_months)) for p in plans) == sorted(
        (schools[level].id, "spring", [5, 6]) for level in ("junior", "nine_year")
    )
    assert done.outcome["school_year"] == 2026
    spring = Term(2026, "spring")
    due = {d.school.id: d for d in planner.schools_due(session, spring)}
    assert {schools["junior"].id, schools["nine_year"].id} <= due.keys()
    seen = planner.planning_input(session, spring, TODAY)
    wishes = {s.id: s.preferred_months for s in seen.schools}
    assert wishes[schools["junior"].id] == frozenset({5, 6})
    with pytest.raises(DomainError):
        actions.approve(session, coordinator, done.id, TODAY)
