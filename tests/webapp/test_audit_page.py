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
    assert len(recorded) > 40
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
