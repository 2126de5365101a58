"""The audit trail, readable by coordinators only: filtered in the database, days counted in
Shanghai time, every action the programs record named in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from programs import audit_log
from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.i18n import translate

ROOT = Path(__file__).resolve().parents[2]


def test_every_action_the_programs_record_has_words():
    recorded = set()
    for path in (ROOT / "programs").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"audit\.record(?:_many)?\((.{0,200})", source, re.S):
            recorded |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', call.group(1)))
        for chosen in re.finditer(r"\baction = (.{0,120})", source):  # chosen before the call
            recorded |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', chosen.group(1)))
    assert len(recorded) > 40
    assert {"school.created", "school.updated"} <= recorded
    assert recorded - audit_log.ACTIONS.keys() == set()


def test_a_coordinator_reads_and_narrows_the_trail(login, session):
    client = login("coordinator")
    everything = client.get("/admin/audit")
    assert everything.status_code == 200
    assert "审计日志" in everything.get_data(as_text=True)
    total = session.scalar(select(func.count()).select_from(AuditEntry))
    assert audit_log.entries(session, audit_log.AuditFilter()).total == total
    opened = client.get("/admin/audit?action=dispute_case.opened")
    html = opened.get_data(as_text=True)
    label = translate(audit_log.ACTIONS["dispute_case.opened"], "zh_Hans")
    assert label != "Dispute case opened" and html.count(label) > 1  # the filter and the rows
    expected = session.scalar(
        select(func.count()).where(AuditEntry.action == "dispute_case.opened")
    )
    page = audit_log.entries(session, audit_log.AuditFilter(action="dispute_case.opened"))
    assert page.total == expected > 0
    assert {row.entry.action for row in page.rows} == {"dispute_case.opened"}


def test_days_are_shanghai_days(session):
    user = session.scalar(select(User).where(User.username == "coordinator"))
    late = AuditEntry(
        at=datetime(2031, 3, 4, 17, 30, tzinfo=UTC),  # 5 March 01:30 in Shanghai
        actor_id=user.id,
        action="closure.added",
        subject_type="closures",
        subject_id=1,
        data={"reason": "测试"},
    )
    session.add(late)
    session.flush()
    on_the_5th = audit_log.AuditFilter(start_on=date(2031, 3, 5), end_on=date(2031, 3, 5))
    assert [r.entry.id for r in audit_log.entries(session, on_the_5th).rows] == [late.id]
    on_the_4th = audit_log.AuditFilter(start_on=date(2031, 3, 4), end_on=date(2031, 3, 4))
    assert audit_log.entries(session, on_the_4th).total == 0
    by_name = audit_log.entries(session, audit_log.AuditFilter(actor="coordin", subject_id=1))
    assert late.id in [r.entry.id for r in by_name.rows]


def test_only_coordinators_and_bad_dates_come_back_explained(login):
    assert login("mediator").get("/admin/audit").status_code == 403
    client = login("coordinator")
    wrong = client.get("/admin/audit?start_on=2026-11-20&end_on=2026-11-01&actor=张")
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert 'value="张"' in html and 'value="2026-11-20"' in html  # what was typed is kept
    assert "早于" in html  # the reason beside the field, in Chinese


def test_details_are_said_in_words(login, session):
    """The details of an entry are named in the reader's language, and the codes they hold
    (a stage, a role, a check item) are said in words, not shown as keys."""
    moved = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "dispute_case.moved").limit(1)
    ).one()
    source, target = moved.data["source"], moved.data["target"]
    said = dict(audit_log.details(moved, "zh_Hans"))
    assert said == {
        translate(audit_log.DETAILS_OF_ACTION[moved.action, "source"], "zh_Hans"): translate(
            audit_log.DETAIL_VALUES["source"][source], "zh_Hans"
        ),
        translate(audit_log.DETAILS["target"], "zh_Hans"): translate(
            audit_log.DETAIL_VALUES["target"][target], "zh_Hans"
        ),
    }
    assert not any(re.search("[a-z]", name + value) for name, value in said.items())
    in_english = dict(audit_log.details(moved, "en"))
    assert in_english["Moved to"] == translate(audit_log.DETAIL_VALUES["target"][target], "en")

    html = login("coordinator").get("/admin/audit?action=dispute_case.moved").get_data(True)
    assert f"{translate(audit_log.DETAILS['target'], 'zh_Hans')}: " in html
    assert f">{target}<" not in html and f": {target}" not in html


def test_every_detail_the_demo_city_records_has_a_name(session):
    keys = set()
    for data in session.scalars(select(AuditEntry.data)):
        keys |= set(data or {})
    assert len(keys) > 10
    assert keys - audit_log.DETAILS.keys() == set()
