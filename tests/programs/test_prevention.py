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


def test_the_analysis_finds_a_season_planted_in_one_towns_records(session):
    """A new town with its own calls: steady all year, and three times as many wage-arrears
    calls every January; a second new town, as many calls spread evenly, shows no season."""
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
