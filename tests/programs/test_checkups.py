"""Legal check-ups through the real services and database: request, examination on a Friday
visit, grading and its follow-ups, fixes, verification, closing, reminders, access."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from programs.accounts.models import User
from programs.checkups import daily, services
from programs.checkups.models import Checkup, CheckupItem
from programs.checkups.services import ExamInput, ItemResult, RequestInput, Upload
from programs.decisions.models import DecisionRecord
from programs.directory.models import Enterprise
from programs.disputes.models import DisputeCase
from programs.errors import Conflict, DomainError, NotFound
from programs.friday import services as friday
from programs.friday.models import FridayRequest
from programs.notifications.models import Notification

THURSDAY = date(2026, 12, 3)
FRIDAY = date(2026, 12, 4)  # a working Friday
PDF = b"%PDF-1.4\n% a scanned policy\n"


@pytest.fixture
def users(session):
    return {u.username: u for u in session.scalars(select(User))}


@pytest.fixture
def firm(session, users):
    """The demo firm the "enterprise" account is bound to, with no check-up under way."""
    firm = session.get(Enterprise, users["enterprise"].enterprise_id)
    for checkup in session.scalars(select(Checkup).where(Checkup.enterprise_id == firm.id)):
        if checkup.status in ("requested", "examining"):
            checkup.status = "cancelled"
    session.flush()
    return firm


def _request(session, users, firm, **extra):
    return services.request_checkup(
        session,
        users["enterprise"],
        RequestInput(enterprise_id=firm.id, note="新版劳动合同", **extra),
        today=FRIDAY - timedelta(days=20),
    )


def _visit(session, users, checkup):
    """The firm's Friday visit by its paired consultant, booked before the day."""
    return friday.book_visit(
        session,
        users["consultant"],
        checkup.friday_request_id,
        checkup.consultant_id,
        FRIDAY,
        today=FRIDAY - timedelta(days=14),
    )


def _results(checkup, findings):
    """Every item compliant, except the codes in `findings` (code -> (risk, urgent))."""
    out = []
    for item in checkup.items:
        if item.code in findings:
            risk, urgent = findings[item.code]
            out.append(
                ItemResult(
                    item.id,
                    "finding",
                    risk=risk,
                    urgent=urgent,
                    finding=f"{item.code}：发现问题",
                    recommendation="建议整改",
                )
            )
        else:
            out.append(ItemResult(item.id, "compliant"))
    return tuple(out)


def _examine(session, users, checkup, visit, findings, *, finish=True):
    return services.record_examination(
        session,
        users["consultant"],
        checkup.id,
        ExamInput(visit.id, _results(checkup, findings), summary="总体良好", finish=finish),
        today=FRIDAY,
    )


def test_a_firm_asks_and_the_rules_choose_its_checklist(session, users, firm):
    checkup = _request(session, users, firm)
    assert checkup.number.startswith("TJ-2026-") and checkup.status == "requested"
    codes = [item.code for item in checkup.items]
    assert "contract_templates" in codes and len(codes) == len(set(codes))
    assert [item.position for item in checkup.items] == list(range(1, len(codes) + 1))
    record = session.get(DecisionRecord, checkup.checklist_decision_id)
    assert record.ruleset == "checkup_checklist"
    assert record.subject_type == "checkups" and record.subject_id == checkup.id
    assert record.record["facts"][0]["employees"] == firm.employee_count
    request = session.get(FridayRequest, checkup.friday_request_id)
    assert request.enterprise_id == firm.id and checkup.number in request.description
    # The demo firm is paired with the demo consultant, who takes the check-up.
    assert checkup.consultant_id == users["consultant"].consultant_id
    told = session.scalars(
        select(Notification).where(Notification.user_id == users["consultant"].id)
    ).all()
    assert any(n.params.get("number") == checkup.number for n in told)


def test_the_checklist_follows_the_profile(session, users, firm):
    firm.exports, firm.processes_personal_data, firm.personal_data_subjects = True, True, 5000
    firm.industry, firm.employee_count = "manufacturing", 300
    exporter = _request(session, users, firm)
    codes = {i.code for i in exporter.items}
    assert {"export_control", "cross_border", "pi_rules", "work_safety"} <= codes
    services.cancel_checkup(session, users["enterprise"], exporter.id, "重新申请")
    firm.exports, firm.processes_personal_data = False, False
    firm.industry, firm.employee_count, firm.holds_ip = "services", 5, False
    session.flush()
    small = {i.code for i in _request(session, users, firm).items}
    assert "work_safety" not in small and "export_control" not in small
    assert "pi_rules" not in small and "written_contract" in small


def test_a_second_request_while_one_is_under_way_is_refused(session, users, firm):
    first = _request(session, users, firm)
    with pytest.raises(Conflict) as refused:
        _request(session, users, firm)
    assert refused.value.params == {"number": first.number}


def test_a_firm_cannot_ask_for_another_firm(session, users, firm):
    other = session.scalar(
        select(Enterprise).where(Enterprise.id != firm.id, Enterprise.status == "active")
    )
    with pytest.raises(NotFound):
        services.request_checkup(
            session, users["enterprise"], RequestInput(enterprise_id=other.id), today=THURSDAY
        )
    with pytest.raises(NotFound):
        services.request_checkup(
            session, users["mediator"], RequestInput(enterprise_id=firm.id), today=THURSDAY
        )


def test_a_holiday_friday_is_refused_in_words(session, users, firm):
    before = session.scalar(select(func.count()).select_from(Checkup))
    with pytest.raises(DomainError) as refused:
        services.request_checkup(
            session,
            users["enterprise"],
            RequestInput(enterprise_id=firm.id, preferred_fridays=(date(2027, 1, 1),)),
            today=date(2026, 12, 1),
        )
    assert refused.value.field == "preferred_fridays"
    assert refused.value.params["date"] == "2027-01-01" or "2027" in str(refused.value.params)
    # Refused whole: no check-up, no items are left behind.
    assert session.scalar(select(func.count()).select_from(Checkup)) == before


def test_the_examination_is_recorded_on_the_visit_and_graded_red(session, users, firm):
    firm.employee_count = max(firm.employee_count, 10)
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    with pytest.raises(DomainError) as early:
        services.record_examination(
            session,
            users["consultant"],
            checkup.id,
            ExamInput(visit.id, _results(checkup, {}), finish=True),
            today=THURSDAY,  # the day before the visit
        )
    assert early.value.field == "visit_id"
    _examine(
        session,
        users,
        checkup,
        visit,
        {"written_contract": ("high", True), "contract_templates": ("medium", False)},
    )
    assert checkup.status == "reported" and checkup.grade == "red"
    assert checkup.examined_on == FRIDAY and checkup.visit_id == visit.id
    graded = session.get(DecisionRecord, checkup.grade_decision_id)
    fired = [f["rule"] for f in graded.record["fired"]]
    assert "serious_and_urgent" in fired and "red_labour_finding" in fired
    # Red: a Friday follow-up request and a labour prevention task in the loop.
    follow_up = session.get(FridayRequest, checkup.follow_up_request_id)
    assert follow_up.source == "checkup" and "labour" in follow_up.topics
    task = session.get(DisputeCase, checkup.prevention_case_id)
    assert task.case_type == "prevention" and task.subject == "labour"
    assert task.source == "checkup" and task.enterprise_id == firm.id
    # Findings get the rules' default fix period when none was given.
    written = next(i for i in checkup.findings if i.code == "written_contract")
    assert written.fix_status == "open" and written.fix_due_on == FRIDAY + timedelta(days=15)
    templates = next(i for i in checkup.findings if i.code == "contract_templates")
    assert templates.fix_due_on == FRIDAY + timedelta(days=30)


def test_orange_opens_a_follow_up_but_no_prevention_task(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    _examine(session, users, checkup, visit, {"contract_templates": ("high", False)})
    assert checkup.grade == "orange" and checkup.follow_up_request_id is not None
    assert checkup.prevention_case_id is None


def test_no_finding_is_green_and_closes_at_once(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    _examine(session, users, checkup, visit, {})
    assert checkup.grade == "green" and checkup.status == "closed"
    assert checkup.closed_on == FRIDAY and checkup.follow_up_request_id is None


def test_finishing_needs_every_item_and_the_finding_fields(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    partial = tuple(ItemResult(i.id, "compliant") for i in checkup.items[1:])
    with pytest.raises(DomainError) as refused:
        services.record_examination(
            session,
            users["consultant"],
            checkup.id,
            ExamInput(visit.id, partial, finish=True),
            today=FRIDAY,
        )
    assert refused.value.field == f"result_{checkup.items[0].id}"
    # Saved as a draft, the same answers are kept and nothing is graded.
    services.record_examination(
        session, users["consultant"], checkup.id, ExamInput(visit.id, partial), today=FRIDAY
    )
    assert checkup.status == "examining" and checkup.grade is None
    assert checkup.items[1].result == "compliant" and checkup.items[0].result == "pending"
    first = checkup.items[0]
    no_text = (ItemResult(first.id, "finding", risk="low"), *partial)
    with pytest.raises(DomainError) as refused:
        services.record_examination(
            session,
            users["consultant"],
            checkup.id,
            ExamInput(visit.id, no_text, finish=True),
            today=FRIDAY,
        )
    assert refused.value.field == f"finding_{first.id}"
    urgent_low = (
        ItemResult(first.id, "finding", risk="low", urgent=True, finding="x", recommendation="y"),
        *partial,
    )
    with pytest.raises(DomainError) as refused:
        services.record_examination(
            session,
            users["consultant"],
            checkup.id,
            ExamInput(visit.id, urgent_low, finish=True),
            today=FRIDAY,
        )
    assert refused.value.field == f"urgent_{first.id}"


def test_only_its_consultant_examines(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    with pytest.raises(NotFound):
        services.record_examination(
            session,
            users["enterprise"],
            checkup.id,
            ExamInput(visit.id, _results(checkup, {}), finish=True),
            today=FRIDAY,
        )


def test_fixes_verification_and_closing(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    codes = [i.code for i in checkup.items[:3]]
    _examine(
        session,
        users,
        checkup,
        visit,
        {codes[0]: ("medium", False), codes[1]: ("low", False), codes[2]: ("low", False)},
    )
    first, second, third = checkup.findings
    later = FRIDAY + timedelta(days=7)
    with pytest.raises(DomainError) as refused:
        services.mark_fixed(session, users["enterprise"], first.id, "  ", today=later)
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as refused:
        services.mark_fixed(
            session,
            users["enterprise"],
            first.id,
            "",
            today=later,
            upload=Upload("a.pdf", "application/pdf", b"not a pdf"),
        )
    assert refused.value.field == "document"
    services.mark_fixed(
        session,
        users["enterprise"],
        first.id,
        "已修订",
        today=later,
        upload=Upload("制度.pdf", "application/pdf", PDF),
    )
    assert first.fix_status == "fixed" and first.documents[0].size == len(PDF)
    with pytest.raises(NotFound):
        services.verify_fix(
            session,
            users["enterprise"],
            first.id,
            confirmed=True,
            visited_on=later,
            note="",
            today=later,
        )
    # Sent back: open again, with what is missing.
    services.verify_fix(
        session,
        users["consultant"],
        first.id,
        confirmed=False,
        visited_on=later,
        note="缺少签字页",
        today=later,
    )
    assert first.fix_status == "open" and first.returned_note == "缺少签字页"
    services.mark_fixed(session, users["enterprise"], first.id, "补签", today=later)
    services.verify_fix(
        session,
        users["consultant"],
        first.id,
        confirmed=True,
        visited_on=later,
        note="",
        today=later,
    )
    assert first.fix_status == "verified" and checkup.status == "reported"
    with pytest.raises(DomainError) as refused:
        services.accept_risk(session, users["enterprise"], second.id, "接受", "王总", today=later)
    assert refused.value.field == "statement"
    services.accept_risk(
        session,
        users["enterprise"],
        second.id,
        "本企业知悉该风险并自愿承担。",
        "王某 总经理",
        today=later,
    )
    assert second.fix_status == "accepted" and checkup.status == "reported"
    services.mark_fixed(session, users["enterprise"], third.id, "已整改", today=later)
    services.verify_fix(
        session,
        users["consultant"],
        third.id,
        confirmed=True,
        visited_on=later,
        note="",
        today=later,
    )
    assert checkup.status == "closed" and checkup.closed_on == later
    with pytest.raises(Conflict):
        services.mark_fixed(session, users["enterprise"], third.id, "again", today=later)


def test_overdue_fixes_are_reminded_once_a_week(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    code = checkup.items[0].code
    _examine(session, users, checkup, visit, {code: ("low", False)})
    item = checkup.findings[0]
    due = item.fix_due_on

    def told():
        return session.scalar(
            select(func.count()).where(
                Notification.link == f"/checkups/{checkup.id}",
                Notification.subject_msgid.contains("past their fix date"),
            )
        )

    daily.tick(session, due)
    assert item.reminded_on is None and told() == 0  # due today is not overdue yet
    first = daily.tick(session, due + timedelta(days=1))
    assert first.reminded_findings >= 1 and item.reminded_on == due + timedelta(days=1)
    assert told() == 2  # the firm's account and the consultant's, once each
    daily.tick(session, due + timedelta(days=2))
    assert item.reminded_on == due + timedelta(days=1) and told() == 2
    daily.tick(session, due + timedelta(days=8))
    assert item.reminded_on == due + timedelta(days=8) and told() == 4
    services.mark_fixed(session, users["enterprise"], item.id, "改好了", today=due)
    daily.tick(session, due + timedelta(days=20))
    assert item.reminded_on == due + timedelta(days=8) and told() == 4


def test_a_consultant_starts_one_on_a_visit(session, users, firm):
    checkup = _request(session, users, firm)
    visit = _visit(session, users, checkup)
    taken = services.start_on_visit(session, users["consultant"], visit.id, today=FRIDAY)
    assert taken.id == checkup.id and taken.status == "examining" and taken.visit_id == visit.id
    checkup.status = "cancelled"
    session.flush()
    fresh = services.start_on_visit(session, users["consultant"], visit.id, today=FRIDAY)
    assert fresh.id != checkup.id and fresh.source == "visit" and fresh.items
    with pytest.raises(NotFound):
        services.start_on_visit(session, users["enterprise"], visit.id, today=FRIDAY)


def test_who_sees_a_checkup(session, users, firm):
    checkup = _request(session, users, firm)
    assert services.get_checkup(session, users["coordinator"], checkup.id) is checkup
    assert services.get_checkup(session, users["consultant"], checkup.id) is checkup
    for name in ("mediator", "chamber", "school", "instructor"):
        with pytest.raises(NotFound):
            services.get_checkup(session, users[name], checkup.id)
    stranger = session.scalar(
        select(User).where(User.role == "enterprise", User.enterprise_id != firm.id)
    )
    if stranger is not None:
        with pytest.raises(NotFound):
            services.get_checkup(session, stranger, checkup.id)
    listed = services.checkup_list(session, users["enterprise"], services.CheckupFilter(), THURSDAY)
    assert checkup in listed and all(c.enterprise_id == firm.id for c in listed)


def test_cancelling(session, users, firm):
    checkup = _request(session, users, firm)
    with pytest.raises(DomainError):
        services.cancel_checkup(session, users["enterprise"], checkup.id, " ")
    services.cancel_checkup(session, users["enterprise"], checkup.id, "暂不需要")
    assert checkup.status == "cancelled"
    assert session.get(FridayRequest, checkup.friday_request_id).status == "cancelled"
    assert session.scalar(
        select(func.count()).select_from(CheckupItem).where(CheckupItem.checkup_id == checkup.id)
    ) == len(checkup.items)


def test_the_rules_know_the_directorys_codes():
    """rules/ cannot import programs/: its copies of the directory's codes must stay equal."""
    from programs.directory.categories import PROBLEM_CATEGORIES
    from programs.directory.models import INDUSTRIES, LEGAL_FORMS
    from rules.checkups import AREA_TOPICS, INDUSTRY_CODES, LEGAL_FORM_CODES

    assert set(INDUSTRY_CODES) == set(INDUSTRIES)
    assert set(LEGAL_FORM_CODES) == set(LEGAL_FORMS)
    assert set(AREA_TOPICS.values()) <= set(PROBLEM_CATEGORIES)
