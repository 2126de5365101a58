"""The study base's and the check-ups' figures, against a hand count on a small fixed data set
in a town of the test's own (so the demo city's records do not count): period edges, the town
filter, cancelled and draft records, groups, the records behind each figure and their CSV."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from calendars import TZ, today
from programs.checkups.models import Checkup, CheckupItem
from programs.directory.models import Consultant, School, Town
from programs.study_tours.models import Activity, StudyBase, StudySession, Visit
from reports import figures
from reports.figures import Scope
from tests.helpers import make_firm

OCT = (date(2026, 10, 1), date(2026, 10, 31))
MOCK, TRAFFIC = "测试模拟法庭", "测试交通安全"  # activity codes t-mock < t-traffic
BOTH = f"{MOCK}、{TRAFFIC}"


@pytest.fixture
def town(session):
    town = Town(code="T-FSC", name="研学测试镇", kind="town")
    other = Town(code="T-FSC2", name="研学对照镇", kind="town")
    session.add_all([town, other])
    session.flush()
    town.other = other
    return town


def _value(session, key, scope):
    value = figures.get(key).value(session, scope)
    return value.total, value.groups


# --- The study base ---------------------------------------------------------------------------


@pytest.fixture
def study(session, town):
    """Schools, a base of the test's own and its sessions in and around October 2026:

    - S1 primary, S2 junior, S4 nine-year: active, in the town; S3 pending, in the town;
      S5 primary, active, in the other town
    - X1 base, 1 Oct (first day): S1 published, came 78 + 4 of 80 + 4 booked, mock court;
      S5 published, 60 + 3 booked, traffic (other town)
    - X2 base, 31 Oct (last day): S2 published, 100 + 5 booked, no attendance, both
      activities; S1 cancelled, 50 + 2
    - X3 base, 30 Sep (the day before): S2 published, came 90 + 5
    - X4 base, 1 Nov (the day after): S1 published, 40 + 2
    - X5 base, 15 Oct am: S4 draft, 60 + 3 (never confirmed: not held)
    - X6 base, 15 Oct pm: S4 cancelled, 60 + 3 (not held)
    - X7 base, 20 Oct: S4 published, attendance recorded: nobody came (not held)
    - T1 touring at S1, 22 Oct: S1 published, came 45 + 3 of 50 + 3, traffic
    - T2 touring at S5, 22 Oct (other town): S5 published, 30 + 2, traffic
    - T3 touring at S2, 29 Oct, session cancelled: S2 published, 70 + 3
    """
    s1 = School(name="测试第一小学", town_id=town.id, level="primary")
    s2 = School(name="测试第二中学", town_id=town.id, level="junior")
    s3 = School(name="测试待审小学", town_id=town.id, level="primary", status="pending")
    s4 = School(name="测试九年一贯制学校", town_id=town.id, level="nine_year")
    s5 = School(name="对照小学", town_id=town.other.id, level="primary")
    session.add_all([s1, s2, s3, s4, s5])
    session.flush()
    base = StudyBase(name="测试研学基地", town_id=town.id)
    session.add(base)
    session.flush()
    mock = Activity(
        base_id=base.id,
        code="t-mock",
        name=MOCK,
        grade_min=4,
        grade_max=9,
        group_min=20,
        group_max=120,
    )
    traffic = Activity(
        base_id=base.id,
        code="t-traffic",
        name=TRAFFIC,
        grade_min=1,
        grade_max=12,
        group_min=20,
        group_max=120,
    )
    session.add_all([mock, traffic])
    session.flush()

    def held(on, slot="am", *, touring=None, status="open"):
        row = StudySession(
            base_id=base.id,
            kind="touring" if touring else "base",
            touring_school_id=touring.id if touring else None,
            on=on,
            slot=slot,
            starts_at=datetime.combine(on, time(9), tzinfo=TZ),
            ends_at=datetime.combine(on, time(11, 30), tzinfo=TZ),
            seats=120,
            status=status,
        )
        session.add(row)
        session.flush()
        return row

    def visit(row, school, students, teachers, activities, status="published", came=None):
        v = Visit(
            session_id=row.id,
            school_id=school.id,
            school_year=2026,
            grade=5,
            students=students,
            teachers=teachers,
            status=status,
        )
        if came is not None:
            v.actual_students, v.actual_teachers = came
            v.attendance_recorded_at = datetime.combine(row.on, time(17), tzinfo=TZ)
        v.activities = list(activities)
        session.add(v)
        session.flush()
        return v

    x1 = held(date(2026, 10, 1))
    visit(x1, s1, 80, 4, [mock], came=(78, 4))
    visit(x1, s5, 60, 3, [traffic])
    x2 = held(date(2026, 10, 31), "pm")
    visit(x2, s2, 100, 5, [traffic, mock])
    visit(x2, s1, 50, 2, [traffic], status="cancelled")
    visit(held(date(2026, 9, 30)), s2, 90, 5, [mock], came=(90, 5))
    visit(held(date(2026, 11, 1)), s1, 40, 2, [mock])
    visit(held(date(2026, 10, 15)), s4, 60, 3, [mock], status="draft")
    visit(held(date(2026, 10, 15), "pm"), s4, 60, 3, [mock], status="cancelled")
    visit(held(date(2026, 10, 20)), s4, 60, 3, [mock], came=(0, 0))
    t1 = held(date(2026, 10, 22), touring=s1)
    visit(t1, s1, 50, 3, [traffic], came=(45, 3))
    visit(held(date(2026, 10, 22), "pm", touring=s5), s5, 30, 2, [traffic])
    visit(held(date(2026, 10, 29), touring=s2, status="cancelled"), s2, 70, 3, [traffic])
    return {"s1": s1, "s2": s2, "s4": s4, "s5": s5, "base": base, "held": held, "visit": visit}


def test_study_figures_by_hand(session, town, study):
    scope = Scope(*OCT, town_id=town.id)
    # Visits that took place: S1 on 1 Oct (78 + 4), S2 on 31 Oct (100 + 5), S1 on 22 Oct (45 + 3).
    assert _value(session, "study.sessions", scope) == (3, {"base": 2, "touring": 1})
    assert _value(session, "study.student_visits", scope) == (
        78 + 100 + 45,
        {MOCK: 78, BOTH: 100, TRAFFIC: 45},
    )
    assert _value(session, "study.teacher_visits", scope) == (
        4 + 5 + 3,
        {MOCK: 4, BOTH: 5, TRAFFIC: 3},
    )
    assert _value(session, "study.schools_covered", scope) == (2, {town.name: 2})  # S1, S2
    assert _value(session, "study.schools_total", scope) == (3, {town.name: 3})  # S1, S2, S4
    assert _value(session, "study.touring_sessions", scope) == (1, {town.name: 1})


def test_study_period_edges_and_the_other_town(session, town, study):
    # Without the first and the last day, 1 Oct and 31 Oct drop out: only the touring session.
    inner = Scope(date(2026, 10, 2), date(2026, 10, 30), town_id=town.id)
    assert _value(session, "study.sessions", inner) == (1, {"touring": 1})
    assert _value(session, "study.student_visits", inner) == (45, {TRAFFIC: 45})
    # The day before and the day after count in periods of their own.
    before = Scope(date(2026, 9, 30), date(2026, 9, 30), town_id=town.id)
    assert _value(session, "study.student_visits", before) == (90, {MOCK: 90})
    after = Scope(date(2026, 11, 1), date(2026, 11, 1), town_id=town.id)
    assert _value(session, "study.teacher_visits", after) == (2, {MOCK: 2})
    # The other town: its group in X1 and its touring session; X1 counts in both towns.
    other = Scope(*OCT, town_id=town.other.id)
    assert _value(session, "study.sessions", other) == (2, {"base": 1, "touring": 1})
    assert _value(session, "study.student_visits", other) == (90, {TRAFFIC: 90})
    assert _value(session, "study.schools_covered", other) == (1, {town.other.name: 1})
    assert _value(session, "study.schools_total", other) == (1, {town.other.name: 1})
    assert _value(session, "study.touring_sessions", other) == (1, {town.other.name: 1})
    # The schools to cover do not depend on the period.
    assert _value(session, "study.schools_total", before) == (3, {town.name: 3})


def test_a_visit_to_come_has_not_taken_place(session, town, study):
    now = today()
    yesterday = study["held"](now - timedelta(days=1))
    study["visit"](yesterday, study["s4"], 40, 2, [])
    coming = study["held"](now + timedelta(days=7))
    study["visit"](coming, study["s4"], 60, 3, [])
    scope = Scope(now - timedelta(days=1), now + timedelta(days=30), town_id=town.id)
    assert _value(session, "study.student_visits", scope)[0] == 40
    assert _value(session, "study.sessions", scope) == (1, {"base": 1})
    assert figures.get("study.student_visits").table(session, scope).column("on") == [
        now - timedelta(days=1)
    ]


def test_the_records_behind_the_study_figures_and_their_csv(session, town, study):
    scope = Scope(*OCT, town_id=town.id)
    table = figures.get("study.student_visits").table(session, scope)
    assert [(row[0], row[3]) for row in table.rows] == [
        (date(2026, 10, 1), "测试第一小学"),
        (date(2026, 10, 22), "测试第一小学"),
        (date(2026, 10, 31), "测试第二中学"),
    ]
    assert table.column("students") == [78, 45, 100]
    assert [bool(r) for r in table.column("recorded")] == [True, True, False]
    assert table.column("activities") == [MOCK, TRAFFIC, BOTH]
    text = table.csv("zh_Hans").decode("utf-8-sig").splitlines()
    assert text[0].split(",")[:5] == ["日期", "半天", "类型", "学校", "镇街"]
    assert len(text) == 1 + 3 and "在基地" in text[1] and "送教进校" in text[2]
    sessions = figures.get("study.sessions").table(session, scope)
    assert sessions.column("place") == ["测试研学基地", "测试第一小学", "测试研学基地"]
    assert sessions.column("visits") == [1, 1, 1]
    schools = figures.get("study.schools_total").table(session, scope)
    assert sorted(schools.column("school")) == sorted(
        ["测试第一小学", "测试第二中学", "测试九年一贯制学校"]
    )


# --- Legal check-ups --------------------------------------------------------------------------


def _firm(session, town, name):
    return make_firm(session, town, name)


@pytest.fixture
def checkup_data(session, town):
    """Check-ups of the test's firms F1, F2 (the town) and F3 (the other town):

    - TJ-T-01 F1 requested 1 Oct (first day), examined 9 Oct, green, closed
    - TJ-T-02 F1 requested 30 Sep (the day before), examined 31 Oct (last day), red, reported:
      written_contract open due 20 Oct (overdue), social_insurance open due 15 Nov
    - TJ-T-03 F2 requested 31 Oct (last day), cancelled
    - TJ-T-04 F2 requested 1 Nov (the day after), requested
    - TJ-T-05 F2 requested 15 Oct, being examined
    - TJ-T-06 F3 (other town) requested 10 Oct, examined 16 Oct, orange: written_contract open
      due 20 Oct
    - TJ-T-07 F2 requested 1 Aug, examined 30 Sep (the day before), orange, reported:
      written_contract verified 9 Oct (fixed 5 Oct); social_insurance fixed 3 Nov, due 10 Oct
      (open on 31 Oct: overdue); probation accepted 20 Oct, due 15 Oct (settled by then);
      contract_templates open due 31 Oct (not past on the last day); working_hours fixed 25
      Oct, verified 1 Nov (the day after), due 28 Oct; wage_payment verified 1 Oct (first day),
      fixed 28 Sep; seal_control fixed 2 Nov and verified 6 Nov, due 1 Oct (overdue); trademarks
      accepted 2 Nov, due 2 Oct (overdue)
    - TJ-T-08 F1 requested 2 Oct, examined 1 Nov (the day after), red: written_contract open
      due 25 Oct (cannot happen through the services, but the check-up was not done by 31 Oct)
    - TJ-T-09 F2 requested 3 Oct, examined 20 Oct, orange: written_contract open due 30 Nov
    - TJ-T-10 F2 requested 1 Sep, cancelled, with an examination day 12 Oct (cannot happen
      through the services; the status keeps it out all the same)
    """
    consultant = session.scalar(select(Consultant).order_by(Consultant.id))
    f1, f2 = _firm(session, town, "体检测试甲公司"), _firm(session, town, "体检测试乙公司")
    f3 = _firm(session, town.other, "体检对照丙公司")

    def checkup(n, firm, requested_on, status, examined_on=None, grade=None, items=()):
        row = Checkup(
            number=f"TJ-T-{n:02d}",
            enterprise_id=firm.id,
            consultant_id=consultant.id,
            status=status,
            requested_on=requested_on,
            examined_on=examined_on,
            grade=grade,
        )
        session.add(row)
        session.flush()
        for position, (code, result, fields) in enumerate(items, 1):
            session.add(
                CheckupItem(
                    checkup_id=row.id,
                    position=position,
                    code=code,
                    result=result,
                    risk="high" if result == "finding" else None,
                    **fields,
                )
            )
        session.flush()
        return row

    def finding(code, due, fix_status="open", **fields):
        return (code, "finding", {"fix_due_on": due, "fix_status": fix_status, **fields})

    d = date
    checkup(
        1,
        f1,
        d(2026, 10, 1),
        "closed",
        d(2026, 10, 9),
        "green",
        [("written_contract", "compliant", {})],
    )
    checkup(
        2,
        f1,
        d(2026, 9, 30),
        "reported",
        d(2026, 10, 31),
        "red",
        [
            finding("written_contract", d(2026, 10, 20)),
            finding("social_insurance", d(2026, 11, 15)),
            ("probation", "compliant", {}),
        ],
    )
    checkup(3, f2, d(2026, 10, 31), "cancelled")
    checkup(4, f2, d(2026, 11, 1), "requested")
    checkup(5, f2, d(2026, 10, 15), "examining")
    checkup(
        6,
        f3,
        d(2026, 10, 10),
        "reported",
        d(2026, 10, 16),
        "orange",
        [finding("written_contract", d(2026, 10, 20))],
    )
    checkup(
        7,
        f2,
        d(2026, 8, 1),
        "reported",
        d(2026, 9, 30),
        "orange",
        [
            finding(
                "written_contract",
                d(2026, 10, 20),
                "verified",
                fixed_on=d(2026, 10, 5),
                verified_on=d(2026, 10, 9),
            ),
            finding("social_insurance", d(2026, 10, 10), "fixed", fixed_on=d(2026, 11, 3)),
            finding("probation", d(2026, 10, 15), "accepted", accepted_on=d(2026, 10, 20)),
            finding("contract_templates", d(2026, 10, 31)),
            finding(
                "working_hours",
                d(2026, 10, 28),
                "verified",
                fixed_on=d(2026, 10, 25),
                verified_on=d(2026, 11, 1),
            ),
            finding(
                "wage_payment",
                d(2026, 10, 20),
                "verified",
                fixed_on=d(2026, 9, 28),
                verified_on=d(2026, 10, 1),
            ),
            finding(
                "seal_control",
                d(2026, 10, 1),
                "verified",
                fixed_on=d(2026, 11, 2),
                verified_on=d(2026, 11, 6),
            ),
            finding("trademarks", d(2026, 10, 2), "accepted", accepted_on=d(2026, 11, 2)),
        ],
    )
    checkup(
        8,
        f1,
        d(2026, 10, 2),
        "reported",
        d(2026, 11, 1),
        "red",
        [finding("written_contract", d(2026, 10, 25))],
    )
    checkup(
        9,
        f2,
        d(2026, 10, 3),
        "reported",
        d(2026, 10, 20),
        "orange",
        [finding("written_contract", d(2026, 11, 30))],
    )
    checkup(10, f2, d(2026, 9, 1), "cancelled", d(2026, 10, 12), "orange")
    return consultant


def test_checkup_figures_by_hand(session, town, checkup_data):
    scope = Scope(*OCT, town_id=town.id)
    # Requested in October in the town: 01 (closed), 03 (cancelled), 05, 08, 09.
    assert _value(session, "checkups.requested", scope) == (
        5,
        {"cancelled": 1, "closed": 1, "examining": 1, "reported": 2},
    )
    # Examined in October: 01 green, 02 red, 09 orange (not 07: 30 Sep; 08: 1 Nov; 10 cancelled).
    by_grade = (3, {"green": 1, "orange": 1, "red": 1})
    assert _value(session, "checkups.done", scope) == by_grade
    assert _value(session, "checkups.grades", scope) == by_grade
    # Their findings: 02's two, 09's one.
    assert _value(session, "checkups.findings", scope) == (
        3,
        {"social_insurance": 1, "written_contract": 2},
    )
    # Verified in October: 07's written_contract (9 Oct) and wage_payment (1 Oct).
    assert _value(session, "checkups.fixes_verified", scope) == (
        2,
        {"wage_payment": 1, "written_contract": 1},
    )
    # Open on 31 Oct past their day: 02 written_contract; 07 social_insurance, seal_control,
    # trademarks (fixed or accepted only in November).
    assert _value(session, "checkups.fixes_overdue", scope) == (
        4,
        {"seal_control": 1, "social_insurance": 1, "trademarks": 1, "written_contract": 1},
    )


def test_checkup_period_edges_and_the_other_town(session, town, checkup_data):
    inner = Scope(date(2026, 10, 2), date(2026, 10, 30), town_id=town.id)
    assert _value(session, "checkups.requested", inner)[0] == 3  # 05, 08, 09
    assert _value(session, "checkups.done", inner) == (2, {"green": 1, "orange": 1})  # 01, 09
    assert _value(session, "checkups.fixes_verified", inner) == (1, {"written_contract": 1})
    before = Scope(date(2026, 9, 30), date(2026, 9, 30), town_id=town.id)
    assert _value(session, "checkups.requested", before) == (1, {"reported": 1})  # 02
    assert _value(session, "checkups.done", before) == (1, {"orange": 1})  # 07
    assert _value(session, "checkups.findings", before)[0] == 8  # 07's findings
    after = Scope(date(2026, 11, 1), date(2026, 11, 1), town_id=town.id)
    assert _value(session, "checkups.requested", after) == (1, {"requested": 1})  # 04
    assert _value(session, "checkups.done", after) == (1, {"red": 1})  # 08
    assert _value(session, "checkups.fixes_verified", after) == (1, {"working_hours": 1})
    # On 1 Nov, 08's finding (due 25 Oct, examined that day) and 07's contract_templates (due
    # 31 Oct) are overdue too; 02's social_insurance (due 15 Nov) is not yet.
    assert _value(session, "checkups.fixes_overdue", after) == (
        6,
        {
            "contract_templates": 1,
            "seal_control": 1,
            "social_insurance": 1,
            "trademarks": 1,
            "written_contract": 2,
        },
    )
    other = Scope(*OCT, town_id=town.other.id)
    assert _value(session, "checkups.requested", other) == (1, {"reported": 1})
    assert _value(session, "checkups.done", other) == (1, {"orange": 1})
    assert _value(session, "checkups.findings", other) == (1, {"written_contract": 1})
    assert _value(session, "checkups.fixes_overdue", other) == (1, {"written_contract": 1})


def test_the_records_behind_the_checkup_figures_and_their_csv(session, town, checkup_data):
    scope = Scope(*OCT, town_id=town.id)
    done = figures.get("checkups.done").table(session, scope)
    assert done.column("number") == ["TJ-T-01", "TJ-T-02", "TJ-T-09"]
    assert done.column("firm") == ["体检测试甲公司", "体检测试甲公司", "体检测试乙公司"]
    text = done.csv("zh_Hans").decode("utf-8-sig").splitlines()
    assert text[0].split(",") == [
        "编号",
        "企业",
        "镇街",
        "法律咨询专家",
        "状态",
        "检查日期",
        "体检评级",
    ]
    assert len(text) == 1 + 3 and text[1].endswith(",2026-10-09,绿色")
    overdue = figures.get("checkups.fixes_overdue").table(session, scope)
    assert [(row[0], row[6]) for row in overdue.rows] == [
        ("TJ-T-02", "written_contract"),
        ("TJ-T-07", "social_insurance"),
        ("TJ-T-07", "seal_control"),
        ("TJ-T-07", "trademarks"),
    ]
    lines = overdue.csv("zh_Hans").decode("utf-8-sig").splitlines()
    assert "书面劳动合同" in lines[1] and "待整改" in lines[1]


def test_a_visit_that_took_place_without_attendance_is_a_data_problem(session, town, study):
    """Of the October visits in the town, only S2's on 31 October took place (published, its
    session held) with no attendance recorded; drafts, cancelled ones and those recorded are
    fine, and one still to come is not yet a problem."""
    from reports import quality

    check = next(c for c in quality.CHECKS if c.key == "session_without_attendance")
    october = Scope(date(2026, 10, 1), date(2026, 10, 31), town.id)
    rows = check.table(session, october, date(2026, 12, 10)).rows
    assert [(row[0], row[1]) for row in rows] == [(date(2026, 10, 31), "测试第二中学")]
    assert check.table(session, october, date(2026, 10, 31)).rows == []  # the day itself
