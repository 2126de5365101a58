"""Enterprise legal check-ups: request, examine on a Friday visit, grade, and follow the fixes.

- `request_checkup`: a firm (or a coordinator for it) asks; the rules choose the checklist from
  the firm's profile (checkup_checklist) and a Friday request brings its paired consultant.
- `start_on_visit`: the paired consultant starts one on a Friday visit (or takes up the firm's
  request there).
- `record_examination`: the consultant marks every item; on finishing, the rules grade the
  check-up (checkup_grade); red or orange opens a Friday follow-up request, a serious and
  urgent labour finding a prevention task in the labour loop.
- `mark_fixed`, `accept_risk`, `verify_fix`: the fixes, until the check-up closes.

Who sees a check-up: the firm's own accounts, its consultant, and coordinators; to anyone else
it does not exist (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from programs import audit, db
from programs.accounts.models import User
from programs.checkups.models import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    SETTLED,
    Checkup,
    CheckupItem,
    FixDocument,
)
from programs.decisions import services as decisions
from programs.directory.models import Enterprise
from programs.disputes.models import DisputeCase
from programs.errors import Conflict, DomainError, NotFound
from programs.friday import services as friday
from programs.friday.models import FridayRequest, FridayVisit
from programs.i18n import N_
from programs.notifications.services import notify
from rules.checkups import (
    AREA_TOPICS,
    CHECK_ITEMS,
    RISK_LEVELS,
    checklist,
    grade_facts,
    grade_of,
    needs_follow_up,
    needs_prevention,
)

NOTE_MAX = 500
TEXT_MAX = 2000
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
ACCEPTANCE_MIN = 10  # characters of the firm's written statement
REMIND_EVERY_DAYS = 7


def _not_found() -> NotFound:
    return NotFound(N_("The page you asked for does not exist."))


# --- Who may do what ------------------------------------------------------------------------------


def visible_filter(user: User) -> Any:
    """The WHERE clause of the check-ups `user` may see."""
    if user.role == "coordinator":
        return Checkup.id.isnot(None)
    if user.role == "enterprise" and user.enterprise_id:
        return Checkup.enterprise_id == user.enterprise_id
    if user.role == "consultant" and user.consultant_id:
        return Checkup.consultant_id == user.consultant_id
    return Checkup.id.is_(None)


def can_view(user: User, checkup: Checkup) -> bool:
    """The firm's own accounts, its consultant, coordinators."""
    return (
        user.role == "coordinator"
        or (user.role == "enterprise" and user.enterprise_id == checkup.enterprise_id)
        or (
            user.role == "consultant"
            and user.consultant_id is not None
            and user.consultant_id == checkup.consultant_id
        )
    )


def can_examine(user: User, checkup: Checkup) -> bool:
    """The check-up's consultant and coordinators examine and verify."""
    return user.role == "coordinator" or (
        user.role == "consultant"
        and user.consultant_id is not None
        and user.consultant_id == checkup.consultant_id
    )


def is_the_firm(user: User, checkup: Checkup) -> bool:
    """One of the firm's own accounts (they mark fixes and accept risks)."""
    return user.role == "enterprise" and user.enterprise_id == checkup.enterprise_id


def get_checkup(
    session: Session, actor: User, checkup_id: int, *, for_update: bool = False
) -> Checkup:
    """A check-up the actor may see, or NotFound. `for_update` locks its row until the commit
    (PostgreSQL; SQLite writes one at a time anyway), so that two people finishing or
    cancelling it at the same moment act one after the other and the second sees the first."""
    checkup = session.get(
        Checkup, checkup_id, with_for_update=for_update, populate_existing=for_update
    )
    if checkup is None or not can_view(actor, checkup):
        raise _not_found()
    return checkup


def get_item(session: Session, actor: User, item_id: int) -> CheckupItem:
    """One checklist item of a check-up the actor may see, or NotFound."""
    item = session.get(CheckupItem, item_id)
    if item is None or not can_view(actor, item.checkup):
        raise _not_found()
    return item


def get_document(session: Session, actor: User, document_id: int) -> FixDocument:
    """A fix document the actor may see, or NotFound."""
    document = session.get(FixDocument, document_id)
    if document is None or not can_view(actor, document.item.checkup):
        raise _not_found()
    return document


# --- The checklist --------------------------------------------------------------------------------


def profile_fact(session: Session, enterprise: Enterprise, today: date) -> dict[str, Any]:
    """What the checklist rules look at: the firm's profile and its recent disputes."""
    window = decisions.parameter_values(session, "checkup_checklist")["past_dispute_days"]
    since = today - timedelta(days=window)
    counts = dict(
        session.execute(
            select(DisputeCase.case_type, func.count())
            .where(
                DisputeCase.enterprise_id == enterprise.id,
                DisputeCase.case_type.in_(("labour", "commercial")),
                DisputeCase.opened_on.between(since, today),
            )
            .group_by(DisputeCase.case_type)
        ).all()
    )
    return {
        "kind": "profile",
        "employees": enterprise.employee_count,
        "industry": enterprise.industry,
        "legal_form": enterprise.legal_form,
        "exports": enterprise.exports,
        "holds_ip": enterprise.holds_ip,
        "processes_personal_data": enterprise.processes_personal_data,
        "personal_data_subjects": enterprise.personal_data_subjects or 0,
        "incorporated_on": enterprise.incorporated_on,
        "past_labour_disputes": counts.get("labour", 0),
        "past_commercial_disputes": counts.get("commercial", 0),
    }


def _new_checkup(
    session: Session,
    actor: User,
    enterprise: Enterprise,
    *,
    today: date,
    source: str,
    note: str = "",
) -> Checkup:
    """A check-up with the checklist the rules choose for the firm, under the next number."""
    chosen = decisions.decide(
        session, "checkup_checklist", [profile_fact(session, enterprise, today)], actor=actor
    )
    checkup = Checkup(
        enterprise_id=enterprise.id,
        status="requested",
        source=source,
        note=note.strip()[:NOTE_MAX],
        requested_on=today,
        requested_by_id=actor.id,
        checklist_decision_id=chosen.record.id,
    )
    if not db.insert_numbered(session, checkup, Checkup.number, f"{NUMBER_PREFIX}-{today.year}-"):
        raise Conflict(N_("Many check-ups are being filed at this moment; please submit again."))
    chosen.record.subject_type, chosen.record.subject_id = Checkup.__tablename__, checkup.id
    for position, code in enumerate(checklist(chosen.decision), start=1):
        checkup.items.append(CheckupItem(position=position, code=code))
    session.flush()
    return checkup


def _open_checkup(session: Session, enterprise_id: int) -> Checkup | None:
    return session.scalar(
        select(Checkup)
        .where(Checkup.enterprise_id == enterprise_id, Checkup.status.in_(OPEN_STATUSES))
        .order_by(Checkup.id)
        .limit(1)
    )


def firm_users(session: Session, enterprise_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User).where(
                User.role == "enterprise",
                User.enterprise_id == enterprise_id,
                User.status == "active",
            )
        )
    )


def consultant_users(session: Session, consultant_id: int | None) -> list[User]:
    if consultant_id is None:
        return []
    return list(
        session.scalars(
            select(User).where(
                User.role == "consultant",
                User.consultant_id == consultant_id,
                User.status == "active",
            )
        )
    )


def _tell(
    session: Session,
    users: list[User],
    checkup: Checkup,
    subject: str,
    params: dict[str, Any] | None = None,
    *,
    skip: User | None = None,
) -> None:
    for user in users:
        if skip is None or user.id != skip.id:
            notify(
                session,
                user,
                subject,
                "",
                {"number": checkup.number, "firm": checkup.enterprise.name, **(params or {})},
                link=f"/checkups/{checkup.id}",
            )


def _topics(session: Session, enterprise_id: int, topics: set[str]) -> tuple[str, ...]:
    """The topics of a check-up's Friday request. One-to-one help keeps the firm's paired
    consultant where it can: the topics they cover, if any; otherwise all of them, and the
    pairing rules choose who covers them."""
    pairing = friday.current_pairing(session, enterprise_id)
    if pairing is not None:
        covered = topics & set(pairing.consultant.expertise)
        if covered:
            return tuple(sorted(covered))
    return tuple(sorted(topics))


# --- Requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """A firm's request: what it wants looked at, and up to four Fridays that suit it."""

    enterprise_id: int | None
    note: str = ""
    preferred_fridays: tuple[date, ...] = ()


def as_requester(actor: User, data: RequestInput) -> RequestInput:
    """The request as its asker may make it: a firm asks for itself, whatever firm the form or
    the API call named; a coordinator for the firm chosen."""
    if actor.role == "enterprise":
        return replace(data, enterprise_id=actor.enterprise_id)
    return data


def request_checkup(
    session: Session, actor: User, data: RequestInput, *, today: date, announce: bool = True
) -> Checkup:
    """A firm asks for a check-up (a coordinator may file it for the firm). The rules choose
    the checklist; a Friday request on its topics brings the firm's paired consultant."""
    if actor.role == "enterprise":
        if data.enterprise_id != actor.enterprise_id:
            raise _not_found()
    elif actor.role != "coordinator":
        raise _not_found()
    enterprise = session.get(Enterprise, data.enterprise_id) if data.enterprise_id else None
    if enterprise is None:
        raise DomainError(N_("Choose the firm from the list."), field="enterprise_id")
    if enterprise.status != "active":
        raise DomainError(N_("This firm's sign-up has not been approved yet."))
    if len(data.note.strip()) > NOTE_MAX:
        raise DomainError(
            N_("Keep the description to {max} characters; you wrote {count}."),
            {"max": NOTE_MAX, "count": len(data.note.strip())},
            field="note",
        )
    under_way = _open_checkup(session, enterprise.id)
    if under_way is not None:
        raise Conflict(
            N_("This firm's check-up {number} is under way; it is examined on its Friday visit."),
            {"number": under_way.number},
        )
    source = "firm" if actor.role == "enterprise" else "coordinator"
    with session.begin_nested():  # a refused Friday request leaves no check-up behind
        checkup = _new_checkup(
            session, actor, enterprise, today=today, source=source, note=data.note
        )
        areas = {CHECK_ITEMS[item.code].area for item in checkup.items}
        request = friday.submit_request(
            session,
            actor,
            friday.RequestInput(
                kind="enterprise",
                topics=_topics(session, enterprise.id, {AREA_TOPICS[a] for a in areas}),
                description=f"{checkup.number}: {checkup.note}".strip(": ")[
                    : friday.DESCRIPTION_MAX
                ],
                preferred_fridays=data.preferred_fridays,
                enterprise_id=enterprise.id,
            ),
            today=today,
            announce=announce,
        )
    checkup.friday_request_id = request.id
    pairing = friday.current_pairing(session, enterprise.id)
    checkup.consultant_id = pairing.consultant_id if pairing is not None else None
    session.flush()
    audit.record(session, "checkup.requested", checkup, actor_id=actor.id, number=checkup.number)
    if announce:
        _tell(
            session,
            consultant_users(session, checkup.consultant_id),
            checkup,
            N_("{firm} asked for a legal check-up ({number})"),
            skip=actor,
        )
    return checkup


def cancel_checkup(session: Session, actor: User, checkup_id: int, reason: str) -> Checkup:
    """The firm or a coordinator withdraws a check-up that has not been reported yet."""
    checkup = get_checkup(session, actor, checkup_id, for_update=True)
    if not (is_the_firm(actor, checkup) or actor.role == "coordinator"):
        raise _not_found()
    if checkup.status not in OPEN_STATUSES:
        raise Conflict(N_("Only a check-up that has not been reported can be cancelled."))
    if not reason.strip():
        raise DomainError(N_("Say why, in a few words."), field="reason")
    checkup.status = "cancelled"
    checkup.cancel_reason = reason.strip()[:200]
    request = checkup.friday_request
    if request is not None and request.status == "open":
        request.status = "cancelled"
    audit.record(session, "checkup.cancelled", checkup, actor_id=actor.id, reason=reason)
    return checkup


# --- The examination ------------------------------------------------------------------------------


def _may_start(actor: User, visit: FridayVisit) -> None:
    if actor.role == "coordinator":
        return
    if actor.role == "consultant" and actor.consultant_id == visit.consultant_id:
        return
    raise _not_found()


def start_on_visit(session: Session, actor: User, visit_id: int, *, today: date) -> Checkup:
    """The consultant of a firm's Friday visit starts a check-up there, or takes up the firm's
    requested one (which then belongs to this visit and this consultant)."""
    visit = session.get(FridayVisit, visit_id)
    if visit is None:
        raise _not_found()
    _may_start(actor, visit)
    if visit.status not in ("published", "done"):
        raise DomainError(N_("A check-up is done on a published Friday visit."))
    enterprise = visit.request.enterprise
    if enterprise is None:
        raise DomainError(N_("A check-up is for one firm; this visit is a group session."))
    checkup = _open_checkup(session, enterprise.id)
    if checkup is None:
        checkup = _new_checkup(session, actor, enterprise, today=today, source="visit")
        audit.record(session, "checkup.started", checkup, actor_id=actor.id, visit=visit.id)
    checkup.visit_id = visit.id
    checkup.consultant_id = visit.consultant_id
    checkup.status = "examining"
    session.flush()
    return checkup


def on_visit(session: Session, visit: FridayVisit) -> Checkup | None:
    """The check-up a firm's visit is for: the one examined on it, or the firm's open one."""
    if visit.request.enterprise_id is None:
        return None
    return session.scalar(
        select(Checkup).where(Checkup.visit_id == visit.id).order_by(Checkup.id.desc()).limit(1)
    ) or _open_checkup(session, visit.request.enterprise_id)


def exam_visits(session: Session, checkup: Checkup, today: date) -> list[FridayVisit]:
    """The Friday visits to the firm an examination may be recorded on: published or recorded,
    on or before today, by the check-up's consultant (any consultant's, if none is set yet);
    the latest first."""
    query = (
        select(FridayVisit)
        .join(FridayVisit.request)
        .where(
            FridayRequest.enterprise_id == checkup.enterprise_id,
            FridayVisit.status.in_(("published", "done")),
            FridayVisit.on <= today,
        )
        .order_by(FridayVisit.on.desc(), FridayVisit.id.desc())
    )
    if checkup.consultant_id is not None:
        query = query.where(FridayVisit.consultant_id == checkup.consultant_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ItemResult:
    """What the consultant marks for one item. `fix_due_on` None: the rules' default period."""

    item_id: int
    result: str
    risk: str | None = None
    urgent: bool = False
    finding: str = ""
    recommendation: str = ""
    fix_due_on: date | None = None


@dataclass(frozen=True)
class ExamInput:
    """The examination: the visit it was made on, the items, the overall opinion."""

    visit_id: int | None
    items: tuple[ItemResult, ...]
    summary: str = ""
    finish: bool = False


def _item_error(
    item: CheckupItem, msgid: str, params: dict[str, Any] | None = None, *, part: str = "result"
) -> DomainError:
    """An error beside one field of one item on the examination form (`part`_`item id`)."""
    return DomainError(
        msgid,
        {
            "n": item.position,
            "item": {"msgid": CHECK_ITEMS[item.code].title, "params": {}},
            **(params or {}),
        },
        field=f"{part}_{item.id}",
    )


def _check_result(item: CheckupItem, result: ItemResult, finish: bool, visit_on: date) -> None:
    if result.result not in ("pending", "compliant", "finding", "not_applicable"):
        raise _item_error(item, N_("Item {n} ({item}): choose a result from the list."))
    if finish and result.result == "pending":
        raise _item_error(
            item,
            N_(
                "Item {n} ({item}) is not checked yet: mark it compliant, a finding, or not "
                "applicable."
            ),
        )
    if len(result.finding) > TEXT_MAX or len(result.recommendation) > TEXT_MAX:
        raise _item_error(
            item,
            N_("Item {n} ({item}): keep each text to {max} characters."),
            {"max": TEXT_MAX},
            part="finding",
        )
    if result.result != "finding":
        return
    if result.risk is not None and result.risk not in RISK_LEVELS:
        raise _item_error(
            item, N_("Item {n} ({item}): choose the risk level from the list."), part="risk"
        )
    if not finish:
        return
    if result.risk is None:
        raise _item_error(
            item, N_("Item {n} ({item}) is a finding: choose its risk level."), part="risk"
        )
    if not result.finding.strip():
        raise _item_error(
            item, N_("Item {n} ({item}) is a finding: describe what was found."), part="finding"
        )
    if not result.recommendation.strip():
        raise _item_error(
            item,
            N_("Item {n} ({item}) is a finding: write the recommendation to fix it."),
            part="recommendation",
        )
    if result.fix_due_on is not None and result.fix_due_on <= visit_on:
        raise _item_error(
            item,
            N_("Item {n} ({item}): the day to fix it by must come after the visit ({date})."),
            {"date": visit_on},
            part="due",
        )
    if result.urgent and result.risk != "high":
        raise _item_error(
            item, N_("Item {n} ({item}): only a high risk can be marked urgent."), part="urgent"
        )


def _exam_visit(
    session: Session, checkup: Checkup, visit_id: int | None, today: date
) -> FridayVisit:
    visits = {v.id: v for v in exam_visits(session, checkup, today)}
    if visit_id is None or visit_id not in visits:
        if not visits:
            raise DomainError(
                N_(
                    "A check-up is recorded on the Friday visit it was made on, on the day or "
                    "after; this firm has no such visit yet. Book the visit first."
                ),
                field="visit_id",
            )
        raise DomainError(N_("Choose the Friday visit from the list."), field="visit_id")
    return visits[visit_id]


def record_examination(
    session: Session,
    actor: User,
    checkup_id: int,
    data: ExamInput,
    *,
    today: date,
    announce: bool = True,
) -> Checkup:
    """Save what the consultant found; on `finish`, every item must be marked, the rules grade
    the check-up and open its follow-ups, and the firm is told its report is ready."""
    checkup = get_checkup(session, actor, checkup_id, for_update=True)
    if not can_examine(actor, checkup):
        raise _not_found()
    if checkup.status not in OPEN_STATUSES:
        raise Conflict(N_("This check-up has been reported; its findings are followed as fixes."))
    if len(data.summary) > TEXT_MAX:
        raise DomainError(
            N_("Keep the overall opinion to {max} characters."), {"max": TEXT_MAX}, field="summary"
        )
    visit = _exam_visit(session, checkup, data.visit_id, today)
    items = {item.id: item for item in checkup.items}
    given = {result.item_id: result for result in data.items}
    if set(given) - set(items):
        raise DomainError(N_("The checklist changed meanwhile; open the check-up again."))
    if data.finish and set(items) - set(given):
        missing = min((items[i] for i in set(items) - set(given)), key=lambda i: i.position)
        raise _item_error(
            missing,
            N_(
                "Item {n} ({item}) is not checked yet: mark it compliant, a finding, or not "
                "applicable."
            ),
        )
    for item_id, result in given.items():
        _check_result(items[item_id], result, data.finish, visit.on)
    days = decisions.parameter_values(session, "checkup_grade")
    for item_id, result in given.items():
        item = items[item_id]
        item.result = result.result
        finding = result.result == "finding"
        item.risk = result.risk if finding else None
        item.urgent = bool(result.urgent and finding and result.risk == "high")
        item.finding = result.finding.strip() if finding else ""
        item.recommendation = result.recommendation.strip() if finding else ""
        item.fix_due_on = result.fix_due_on if finding else None
        if finding and data.finish and item.fix_due_on is None:
            item.fix_due_on = visit.on + timedelta(days=days[f"fix_days_{item.risk}"])
    checkup.summary = data.summary.strip()
    checkup.visit_id = visit.id
    checkup.consultant_id = visit.consultant_id
    checkup.status = "examining"
    session.flush()
    if not data.finish:
        return checkup
    _grade(session, actor, checkup, visit, today=today, announce=announce)
    return checkup


def _grade(
    session: Session,
    actor: User,
    checkup: Checkup,
    visit: FridayVisit,
    *,
    today: date,
    announce: bool,
) -> None:
    findings = checkup.findings
    graded = decisions.decide(
        session,
        "checkup_grade",
        grade_facts(
            [
                {"item": i.code, "risk": i.risk, "urgent": i.urgent, "position": i.position}
                for i in findings
            ],
            len(checkup.items),
        ),
        actor=actor,
        subject=checkup,
    )
    checkup.grade = grade_of(graded.decision)
    checkup.grade_decision_id = graded.record.id
    checkup.examined_on = visit.on
    checkup.status = "reported"
    for item in findings:
        item.fix_status = "open"
    audit.record(
        session,
        "checkup.reported",
        checkup,
        actor_id=actor.id,
        grade=checkup.grade,
        findings=len(findings),
    )
    if needs_follow_up(graded.decision):
        checkup.follow_up_request_id = _friday_follow_up(session, actor, checkup, today, announce)
    if needs_prevention(graded.decision):
        checkup.prevention_case_id = _prevention_task(session, actor, checkup, today, announce)
    session.flush()
    if announce:
        _tell(
            session,
            firm_users(session, checkup.enterprise_id),
            checkup,
            N_("Your legal check-up report {number} is ready"),
        )
    if not findings:
        _close(session, actor, checkup, today, announce=announce)


def _friday_follow_up(
    session: Session, actor: User, checkup: Checkup, today: date, announce: bool
) -> int | None:
    """A Friday request to come back on the topics of the serious findings (source
    "checkup"): the return visit that verifies the fixes."""
    if checkup.enterprise.status != "active":
        return None
    worst = [i for i in checkup.findings if i.risk in ("high", "medium")] or checkup.findings
    topics = _topics(
        session, checkup.enterprise_id, {AREA_TOPICS[CHECK_ITEMS[i.code].area] for i in worst}
    )
    request = friday.submit_request(
        session,
        actor,
        friday.RequestInput(
            kind="enterprise",
            topics=topics,
            description=f"{checkup.number}: "
            + "；".join(i.finding for i in worst)[: friday.DESCRIPTION_MAX - 20],
            enterprise_id=checkup.enterprise_id,
        ),
        today=today,
        source="checkup",
        announce=announce,
    )
    return request.id


def _prevention_task(
    session: Session, actor: User, checkup: Checkup, today: date, announce: bool
) -> int | None:
    """A prevention task on labour for the firm in the three-end loop, unless one is open."""
    from programs.disputes import services as disputes

    existing = session.scalar(
        select(DisputeCase.id).where(
            DisputeCase.enterprise_id == checkup.enterprise_id,
            DisputeCase.case_type == "prevention",
            DisputeCase.subject == "labour",
            DisputeCase.closed_on.is_(None),
        )
    )
    if existing is not None:
        return existing
    labour = [i for i in checkup.findings if i.urgent and CHECK_ITEMS[i.code].area == "labour"]
    summary = f"{checkup.number}: " + "；".join(i.finding for i in labour)
    opener = actor if actor.role in ("coordinator", "consultant") else None
    task = disputes.open_case(
        session,
        opener or disputes.system_user(session),
        disputes.CaseInput(
            case_type="prevention",
            subject="labour",
            enterprise_id=checkup.enterprise_id,
            summary=summary[:TEXT_MAX],
        ),
        today=today,
        source="checkup",
        announce=announce,
    )
    return task.id


# --- Fixes ----------------------------------------------------------------------------------------


def _open_finding(session: Session, actor: User, item_id: int) -> CheckupItem:
    item = get_item(session, actor, item_id)
    if not is_the_firm(actor, item.checkup):
        raise _not_found()
    if item.checkup.status != "reported" or item.result != "finding":
        raise Conflict(N_("Only a finding of a reported check-up can be fixed or accepted."))
    if item.fix_status != "open":
        raise Conflict(N_("This finding is no longer open."))
    return item


@dataclass(frozen=True)
class Upload:
    """A file the firm gives as evidence of a fix."""

    filename: str
    content_type: str
    content: bytes


def _check_upload(upload: Upload) -> None:
    if upload.content_type not in DOCUMENT_TYPES:
        raise DomainError(
            N_("Upload a PDF, JPEG or PNG file; {name} is not one."),
            {"name": upload.filename[:80]},
            field="document",
        )
    if not upload.content:
        raise DomainError(
            N_("The file {name} is empty."), {"name": upload.filename[:80]}, field="document"
        )
    if len(upload.content) > DOCUMENT_MAX_BYTES:
        raise DomainError(
            N_("The file is larger than {max} MB; upload a smaller scan."),
            {"max": DOCUMENT_MAX_BYTES // (1024 * 1024)},
            field="document",
        )
    magic = {
        "application/pdf": (b"%PDF",),
        "image/jpeg": (b"\xff\xd8\xff",),
        "image/png": (b"\x89PNG\r\n\x1a\n",),
    }[upload.content_type]
    if not upload.content.startswith(magic):
        raise DomainError(
            N_("The file {name} is not the PDF or picture its name says; upload it again."),
            {"name": upload.filename[:80]},
            field="document",
        )


def mark_fixed(
    session: Session,
    actor: User,
    item_id: int,
    note: str,
    *,
    today: date,
    upload: Upload | None = None,
    announce: bool = True,
) -> CheckupItem:
    """The firm says a finding is fixed, with a note or a document; its consultant is told."""
    item = _open_finding(session, actor, item_id)
    note = note.strip()
    if not note and upload is None:
        raise DomainError(
            N_("Say what was done, or upload a document that shows it."), field="note"
        )
    if len(note) > TEXT_MAX:
        raise DomainError(N_("Keep the note to {max} characters."), {"max": TEXT_MAX}, field="note")
    if upload is not None:
        _check_upload(upload)
        item.documents.append(
            FixDocument(
                filename=upload.filename.strip()[:200] or "document",
                content_type=upload.content_type,
                size=len(upload.content),
                content=upload.content,
                uploaded_by_id=actor.id,
            )
        )
    item.fix_status = "fixed"
    item.fixed_on = today
    item.fix_note = note
    item.fixed_by_id = actor.id
    session.flush()
    audit.record(session, "checkup.fixed", item.checkup, actor_id=actor.id, item=item.code)
    if announce:
        _tell(
            session,
            consultant_users(session, item.checkup.consultant_id),
            item.checkup,
            N_("{firm} marked a finding of {number} fixed; verify it at a return visit"),
        )
    return item


def accept_risk(
    session: Session,
    actor: User,
    item_id: int,
    statement: str,
    signer: str,
    *,
    today: date,
    announce: bool = True,
) -> CheckupItem:
    """The firm accepts a finding's risk in writing instead of fixing it."""
    item = _open_finding(session, actor, item_id)
    statement, signer = statement.strip(), signer.strip()
    if len(statement) < ACCEPTANCE_MIN:
        raise DomainError(
            N_(
                "Write the firm's statement in full (at least {min} characters): that it knows "
                "the risk and the recommendation, and accepts the risk."
            ),
            {"min": ACCEPTANCE_MIN},
            field="statement",
        )
    if len(statement) > TEXT_MAX:
        raise DomainError(
            N_("Keep the statement to {max} characters."), {"max": TEXT_MAX}, field="statement"
        )
    if not signer:
        raise DomainError(
            N_("Enter the name and post of the person signing for the firm."), field="signer"
        )
    item.fix_status = "accepted"
    item.accepted_on = today
    item.acceptance = statement
    item.accepted_signer = signer[:80]
    item.accepted_by_id = actor.id
    session.flush()
    audit.record(session, "checkup.risk_accepted", item.checkup, actor_id=actor.id, item=item.code)
    _maybe_close(session, actor, item.checkup, today, announce=announce)
    return item


def verify_fix(
    session: Session,
    actor: User,
    item_id: int,
    *,
    confirmed: bool,
    visited_on: date,
    note: str,
    today: date,
    announce: bool = True,
) -> CheckupItem:
    """The consultant checks a fix at a return visit: verified, or sent back with a note."""
    item = get_item(session, actor, item_id)
    checkup = item.checkup
    if not can_examine(actor, checkup):
        raise _not_found()
    if item.fix_status != "fixed":
        raise Conflict(N_("Only a finding the firm has marked fixed can be verified."))
    if visited_on > today:
        raise DomainError(
            N_("The return visit cannot be in the future ({date})."),
            {"date": visited_on},
            field="visited_on",
        )
    if item.fixed_on is not None and visited_on < item.fixed_on:
        raise DomainError(
            N_("The return visit comes after the fix ({date})."),
            {"date": item.fixed_on},
            field="visited_on",
        )
    note = note.strip()
    if not confirmed and not note:
        raise DomainError(
            N_("Say what is still missing, so the firm can finish the fix."), field="note"
        )
    visit = session.scalar(
        select(FridayVisit)
        .join(FridayVisit.request)
        .where(
            FridayVisit.on == visited_on,
            FridayVisit.status.in_(("published", "done")),
            FridayRequest.enterprise_id == checkup.enterprise_id,
        )
        .limit(1)
    )
    if confirmed:
        item.fix_status = "verified"
        item.verified_on = visited_on
        item.verify_note = note[:TEXT_MAX]
        item.verified_by_id = actor.id
        item.verify_visit_id = visit.id if visit is not None else None
    else:
        item.fix_status = "open"
        item.returned_note = note[:TEXT_MAX]
        item.fixed_on = None
    session.flush()
    audit.record(
        session,
        "checkup.verified" if confirmed else "checkup.fix_returned",
        checkup,
        actor_id=actor.id,
        item=item.code,
    )
    if announce and not confirmed:
        _tell(
            session,
            firm_users(session, checkup.enterprise_id),
            checkup,
            N_("A fix of {number} was not accepted at the return visit; see what is missing"),
        )
    _maybe_close(session, actor, checkup, today, announce=announce)
    return item


def _maybe_close(
    session: Session, actor: User, checkup: Checkup, today: date, *, announce: bool
) -> None:
    if checkup.status == "reported" and all(i.fix_status in SETTLED for i in checkup.findings):
        _close(session, actor, checkup, today, announce=announce)


def _close(session: Session, actor: User, checkup: Checkup, today: date, *, announce: bool) -> None:
    checkup.status = "closed"
    checkup.closed_on = max(today, checkup.examined_on or today)
    session.flush()
    audit.record(session, "checkup.closed", checkup, actor_id=actor.id)
    if announce:
        _tell(
            session,
            firm_users(session, checkup.enterprise_id)
            + consultant_users(session, checkup.consultant_id),
            checkup,
            N_("The legal check-up {number} is closed: every finding is settled"),
            skip=actor,
        )


# --- Lists ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckupFilter:
    """The list's filters: a status, a grade, only those with overdue fixes; asked for within
    these days (both included), of a firm of this town."""

    status: str = ""
    grade: str = ""
    overdue: bool = False
    requested_from: date | None = None
    requested_to: date | None = None
    town_id: int | None = None


def _filtered(actor: User, filters: CheckupFilter, today: date) -> Select[tuple[Checkup]]:
    query = select(Checkup).where(visible_filter(actor))
    if filters.status:
        query = query.where(Checkup.status == filters.status)
    if filters.grade:
        query = query.where(Checkup.grade == filters.grade)
    if filters.overdue:
        query = query.where(
            Checkup.id.in_(
                select(CheckupItem.checkup_id).where(
                    CheckupItem.fix_status == "open", CheckupItem.fix_due_on < today
                )
            )
        )
    if filters.requested_from is not None:
        query = query.where(Checkup.requested_on >= filters.requested_from)
    if filters.requested_to is not None:
        query = query.where(Checkup.requested_on <= filters.requested_to)
    if filters.town_id is not None:
        query = query.where(
            Checkup.enterprise_id.in_(
                select(Enterprise.id).where(Enterprise.town_id == filters.town_id)
            )
        )
    return query


def checkup_list(
    session: Session,
    actor: User,
    filters: CheckupFilter,
    today: date,
    *,
    offset: int = 0,
    limit: int = 500,
) -> list[Checkup]:
    """The check-ups the actor may see, those under way first, then newest first; `limit`
    of them from `offset` (the page shows the first 500, the API one page)."""
    query = _filtered(actor, filters, today).order_by(
        or_(Checkup.status == "closed", Checkup.status == "cancelled"),
        Checkup.requested_on.desc(),
        Checkup.id.desc(),
    )
    query = query.options(
        selectinload(Checkup.items),
        selectinload(Checkup.enterprise),
        selectinload(Checkup.consultant),
    )
    return list(session.scalars(query.offset(offset).limit(limit)))


def checkup_count(session: Session, actor: User, filters: CheckupFilter, today: date) -> int:
    """How many check-ups `checkup_list` has to page through."""
    subquery = _filtered(actor, filters, today).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


@dataclass(frozen=True)
class Summary:
    """What a user's home page says about check-ups: waiting for an examination, fixes to make
    or to verify, overdue fixes, and the latest check-up the user may see."""

    waiting: int
    to_fix: int
    to_verify: int
    overdue: int
    latest: Checkup | None


def summary_for(session: Session, user: User, today: date) -> Summary:
    """Counts over the check-ups `user` may see."""
    visible = visible_filter(user)

    def findings(*conditions: Any) -> int:
        return session.scalar(
            select(func.count())
            .select_from(CheckupItem)
            .join(CheckupItem.checkup)
            .where(visible, Checkup.status == "reported", *conditions)
        )

    return Summary(
        waiting=session.scalar(
            select(func.count()).where(visible, Checkup.status.in_(OPEN_STATUSES))
        ),
        to_fix=findings(CheckupItem.fix_status == "open"),
        to_verify=findings(CheckupItem.fix_status == "fixed"),
        overdue=findings(CheckupItem.fix_status == "open", CheckupItem.fix_due_on < today),
        latest=session.scalar(
            select(Checkup)
            .where(visible, Checkup.status != "cancelled")
            .order_by(Checkup.requested_on.desc(), Checkup.id.desc())
            .limit(1)
        ),
    )
