"""The loop's operations: open a case, move it, join parties, record feedback, the tick.

Every decision goes through rules.disputes and is stored against the case: the team
(dispute_team), each move (dispute_transition), escalation (dispute_escalation), deadlines
(dispute_deadline) and the feedback that returns to prevention (dispute_feedback). Deadlines are
counted by calendars.periods (start day not counted; a last day off moves to the next working
day), so the statutory days are law and only the warning lead and the centre's own limits are
parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

import rules
from calendars import periods
from programs import audit, db
from programs.accounts.models import User
from programs.decisions import services as decisions
from programs.decisions.models import DecisionRecord
from programs.directory.models import Enterprise, Town
from programs.disputes.models import (
    AUTHORITIES,
    DOCUMENT_KINDS,
    RESOLVING_STAGE,
    CaseDocument,
    CaseParty,
    CaseTeamMember,
    CaseTransition,
    DisputeCase,
)
from programs.errors import Conflict, DomainError, NotFound, Refused
from programs.i18n import N_, translate
from programs.notifications.services import notify
from rules.disputes import (
    CASE_TYPES,
    FRIDAY_TOPICS,
    INITIAL_STAGES,
    STAGE_NAMES,
    SUBJECTS,
    Limitation,
    limitation_period,
    stage_deadline,
)
from rules.statutes import StatutoryPeriod

STAFF = ("coordinator", "mediator", "consultant")
NUMBER_PREFIX = {"labour": "LD", "commercial": "CD", "contract_review": "CR", "prevention": "PT"}
MAX_AMOUNT = Decimal("1000000000")
# Stages a person can no longer change the facts of (the case is over).
_FINISHED = ("closed",)


def _not_found() -> NotFound:
    return NotFound(N_("The page you asked for does not exist."))


# --- Who may see and do what ----------------------------------------------------------------------


def team_of(session: Session, user: User) -> set[str]:
    """The teams a staff member works in."""
    return set(
        session.scalars(select(CaseTeamMember.team).where(CaseTeamMember.user_id == user.id))
    )


def visible_cases(session: Session, user: User):
    """A query of the cases this user may see: coordinators all; mediators and consultants their
    teams' cases and those assigned to them; a firm the cases it is a party to."""
    query = select(DisputeCase)
    if user.role == "coordinator":
        return query
    if user.role in ("mediator", "consultant"):
        teams = team_of(session, user)
        return query.where(or_(DisputeCase.team.in_(teams), DisputeCase.assignee_id == user.id))
    if user.role == "enterprise" and user.enterprise_id:
        return query.where(
            or_(
                DisputeCase.enterprise_id == user.enterprise_id,
                DisputeCase.counterparty_id == user.enterprise_id,
            )
        )
    return query.where(False)


def can_view(session: Session, user: User, case: DisputeCase) -> bool:
    if user.role == "coordinator":
        return True
    if user.role in ("mediator", "consultant"):
        return case.assignee_id == user.id or case.team in team_of(session, user)
    if user.role == "enterprise" and user.enterprise_id:
        return user.enterprise_id in (case.enterprise_id, case.counterparty_id)
    return False


def can_work_on(session: Session, user: User, case: DisputeCase) -> bool:
    """Coordinators, and the staff of the case's team, move it and record what happened."""
    if user.role == "coordinator":
        return True
    if user.role in ("mediator", "consultant"):
        return case.assignee_id == user.id or case.team in team_of(session, user)
    return False


def can_see_personal_data(session: Session, user: User, case: DisputeCase) -> bool:
    """Workers' names and contacts: the case's own staff and coordinators, never a firm."""
    return can_work_on(session, user, case)


def get_case(
    session: Session, actor: User, case_id: int, *, for_update: bool = False
) -> DisputeCase:
    """A case the actor may see, or NotFound. `for_update` locks its row until the commit
    (PostgreSQL; SQLite writes one at a time anyway), so that two people moving it at the same
    moment act one after the other and the second sees where the first left it."""
    case = session.get(
        DisputeCase, case_id, with_for_update=for_update, populate_existing=for_update
    )
    if case is None or not can_view(session, actor, case):
        raise _not_found()
    return case


def _for_work(
    session: Session, actor: User, case_id: int, *, for_update: bool = False
) -> DisputeCase:
    case = get_case(session, actor, case_id, for_update=for_update)
    if not can_work_on(session, actor, case):
        raise _not_found()
    return case


def _role(actor: User | None) -> str:
    if actor is None:
        return "system"
    return {"enterprise": "firm"}.get(actor.role, actor.role)


# --- Deadlines ------------------------------------------------------------------------------------


def deadline_parameters(session: Session) -> dict[str, Any]:
    """The live parameters of dispute_deadline (warning lead, return visit, centre's limit)."""
    return decisions.parameter_values(session, "dispute_deadline")


@dataclass(frozen=True)
class StageDue:
    """When the case's current stage falls due, on what basis, and how the day was counted."""

    basis: str  # "statute", "return_visit" or "target"
    deadline: periods.Deadline
    statutory: tuple[StatutoryPeriod, ...] = ()  # the period (and extension) the law sets

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(f"{p.statute.name_en} {p.citation}" for p in self.statutory)

    @property
    def due_on(self) -> date:
        return self.deadline.due_on


def stage_due(case: DisputeCase, parameters: dict[str, Any]) -> StageDue | None:
    """The last day of the case's current stage, or None (closed, or a stage that waits on
    someone outside the centre with no period: litigation, arbitration, a done task)."""
    if case.stage == "closed":
        return None
    statutory = stage_deadline(
        case.case_type,
        case.stage,
        case.stage_entered_on,
        extended=case.period_extended and case.stage == "arbitration_accepted",
    )
    if statutory is not None:
        if statutory.days is not None:
            deadline = periods.add_days(case.stage_entered_on, statutory.days)
        elif statutory.period.unit == "months":
            deadline = periods.add_months(case.stage_entered_on, statutory.period.amount)
        else:
            deadline = periods.add_years(case.stage_entered_on, statutory.period.amount)
        return StageDue("statute", deadline, statutory.periods)
    if case.stage == "feedback":
        return StageDue(
            "return_visit",
            periods.add_days(case.stage_entered_on, parameters["return_visit_days"]),
        )
    if case.stage in ("litigation", "arbitration", "done", "dispute_opened"):
        return None  # in the court's, the tribunal's or the coordinator's hands
    return StageDue(
        "target", periods.add_days(case.stage_entered_on, parameters["stage_target_days"])
    )


def _set_due(case: DisputeCase, parameters: dict[str, Any]) -> None:
    due = stage_due(case, parameters)
    case.due_on = due.due_on if due else None
    case.due_basis = due.basis if due else None
    case.warned_on = None
    case.overdue = False


def limitation(case: DisputeCase) -> tuple[Limitation, periods.Deadline | None] | None:
    """The dispute's limitation period and, when it runs and the case knows from when, its end."""
    found = limitation_period(
        case.case_type,
        wage_arrears=case.subject == "wage_arrears",
        employment_continuing=case.employment_continuing,
    )
    if found is None:
        return None
    if found.period is None or case.knew_on is None:
        return found, None
    return found, periods.add_years(case.knew_on, found.period.amount)


# --- Opening a case -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerInput:
    name: str
    contact: str = ""


@dataclass(frozen=True)
class CaseInput:
    """A case as the intake form or the firm's request gives it."""

    case_type: str
    subject: str = "other"
    enterprise_id: int | None = None
    counterparty_id: int | None = None
    counterparty_name: str = ""
    town_id: int | None = None
    summary: str = ""
    workers: int = 0
    amount_claimed: Decimal = Decimal(0)
    knew_on: date | None = None
    employment_continuing: bool = False
    arbitration_agreed: bool = False
    named_workers: tuple[WorkerInput, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()  # (kind, title)
    contracts: int = 0  # contract review: how many contracts were submitted


def as_applicant(actor: User, data: CaseInput) -> CaseInput:
    """The case as its opener may open it: a firm opens its own, whatever firm the form or the
    API call named; staff open it for the firm they chose."""
    if actor.role == "enterprise":
        return replace(data, enterprise_id=actor.enterprise_id)
    return data


def _check_input(session: Session, actor: User, data: CaseInput, today: date) -> None:
    if data.case_type not in CASE_TYPES:
        raise DomainError(N_("Choose the type of case from the list."), field="case_type")
    if data.subject not in SUBJECTS[data.case_type]:
        raise DomainError(N_("Choose what the case is about from the list."), field="subject")
    if actor.role == "enterprise":
        if data.case_type == "prevention":
            raise _not_found()
        if data.enterprise_id != actor.enterprise_id:
            raise _not_found()
    elif actor.role not in STAFF:
        raise _not_found()
    if data.case_type in ("labour", "contract_review", "prevention") and not data.enterprise_id:
        raise DomainError(N_("Choose the firm from the list."), field="enterprise_id")
    if data.case_type == "commercial" and not data.enterprise_id:
        raise DomainError(N_("Choose the applying firm from the list."), field="enterprise_id")
    if data.case_type == "commercial" and not (
        data.counterparty_id or data.counterparty_name.strip()
    ):
        raise DomainError(
            N_("Name the other firm: choose it from the list or type its name."),
            field="counterparty_name",
        )
    if data.counterparty_id is not None and data.counterparty_id == data.enterprise_id:
        raise DomainError(
            N_("A firm cannot be in dispute with itself; choose the other firm."),
            field="counterparty_id",
        )
    if data.case_type == "labour" and data.workers < 1:
        raise DomainError(N_("Enter how many workers are claiming (at least 1)."), field="workers")
    if data.case_type == "labour" and len(data.named_workers) > data.workers:
        raise DomainError(
            N_(
                "{named} workers are named but {workers} are claiming; enter the number of "
                "workers claiming, or name fewer."
            ),
            {"named": len(data.named_workers), "workers": data.workers},
            field="workers",
        )
    if not Decimal(0) <= data.amount_claimed <= MAX_AMOUNT:
        raise DomainError(
            N_("Enter the amount claimed in yuan, from 0 to 1,000,000,000."),
            field="amount_claimed",
        )
    if data.knew_on is not None and data.knew_on > today:
        raise DomainError(
            N_("The day the claimant learned of it cannot be in the future ({date})."),
            {"date": data.knew_on},
            field="knew_on",
        )
    for worker in data.named_workers:
        if not worker.name.strip():
            raise DomainError(N_("Each named worker needs a name."), field="named_workers")
    for kind, title in data.documents:
        if kind not in DOCUMENT_KINDS or not title.strip():
            raise DomainError(
                N_("Each document needs a kind from the list and a title."), field="documents"
            )


def _insert_numbered(session: Session, case: DisputeCase, year: int) -> None:
    """Write the new case under the year's next number of its type (LD-2026-0001 …)."""
    prefix = f"{NUMBER_PREFIX[case.case_type]}-{year}-"
    if not db.insert_numbered(session, case, DisputeCase.number, prefix):
        raise Conflict(N_("Many cases are being opened at this moment; please submit again."))


def _assignee(session: Session, team: str, actor: User) -> int | None:
    """The actor if they work in the team, otherwise the team member with fewest open cases."""
    members = list(
        session.scalars(select(CaseTeamMember.user_id).where(CaseTeamMember.team == team))
    )
    if actor.id in members:
        return actor.id
    if not members:
        return None
    load = dict(
        session.execute(
            select(DisputeCase.assignee_id, func.count())
            .where(DisputeCase.assignee_id.in_(members), DisputeCase.closed_on.is_(None))
            .group_by(DisputeCase.assignee_id)
        ).all()
    )
    return min(members, key=lambda user_id: (load.get(user_id, 0), user_id))


def open_case(
    session: Session,
    actor: User,
    data: CaseInput,
    *,
    today: date,
    source: str | None = None,
    parent: DisputeCase | None = None,
    announce: bool = True,
) -> DisputeCase:
    """Take a case in: the rules pick the team, the least-busy member takes it, its first stage
    gets its deadline and the escalation rules look at it at once."""
    _check_input(session, actor, data, today)
    enterprise = session.get(Enterprise, data.enterprise_id) if data.enterprise_id else None
    if data.enterprise_id and enterprise is None:
        raise DomainError(N_("Choose the firm from the list."), field="enterprise_id")
    counterparty = session.get(Enterprise, data.counterparty_id) if data.counterparty_id else None
    if data.counterparty_id and counterparty is None:
        raise DomainError(N_("Choose the other firm from the list."), field="counterparty_id")
    town_id = enterprise.town_id if enterprise is not None else data.town_id
    if town_id is None or session.get(Town, town_id) is None:
        raise DomainError(N_("Choose the town from the list."), field="town_id")
    if source is None:
        source = "firm" if actor.role == "enterprise" else "intake"
    team = decisions.decide(
        session, "dispute_team", [{"kind": "case", "case_type": data.case_type}], actor=actor
    )
    team_code = team.decision.fired[0].outcome["team"]
    case = DisputeCase(
        case_type=data.case_type,
        subject=data.subject,
        stage=INITIAL_STAGES[data.case_type],
        stage_entered_on=today,
        opened_on=today,
        team=team_code,
        assignee_id=_assignee(session, team_code, actor),
        enterprise_id=data.enterprise_id,
        counterparty_id=data.counterparty_id,
        counterparty_name=(counterparty.name if counterparty else data.counterparty_name.strip())[
            :120
        ],
        town_id=town_id,
        summary=data.summary.strip(),
        source=source,
        parent_id=parent.id if parent is not None else None,
        workers=data.workers if data.case_type == "labour" else 0,
        amount_claimed=data.amount_claimed,
        knew_on=data.knew_on,
        employment_continuing=data.employment_continuing,
        arbitration_agreed=data.arbitration_agreed,
        contracts_reviewed=data.contracts if data.case_type == "contract_review" else 0,
        created_by_id=actor.id,
    )
    _set_due(case, deadline_parameters(session))
    _insert_numbered(session, case, today.year)
    team.record.subject_type, team.record.subject_id = case.__tablename__, case.id
    _add_parties(session, case, data, enterprise, counterparty)
    for kind, title in data.documents:
        case.documents.append(
            CaseDocument(
                case_id=case.id,
                kind=kind,
                title=title.strip()[:200],
                received_on=today,
                added_by_id=actor.id,
            )
        )
    case.transitions.append(
        CaseTransition(
            case_id=case.id,
            from_stage=None,
            to_stage=case.stage,
            on=today,
            reason=case.summary[:500],
            actor_id=actor.id,
            decision_id=team.record.id,
        )
    )
    audit.record(session, "dispute_case.opened", case, actor_id=actor.id, number=case.number)
    check_escalation(session, case, today=today, actor=actor, announce=announce)
    if announce and case.assignee_id and case.assignee_id != actor.id:
        assignee = session.get(User, case.assignee_id)
        notify(
            session,
            assignee,
            N_("New case {number}: {firm}"),
            N_("The case {number} was assigned to you."),
            {"number": case.number, "firm": _firm_label(case)},
            link=f"/disputes/{case.id}",
        )
    return case


def _firm_label(case: DisputeCase) -> str:
    if case.enterprise is not None:
        return case.enterprise.name
    return case.counterparty_label


def _add_parties(
    session: Session,
    case: DisputeCase,
    data: CaseInput,
    enterprise: Enterprise | None,
    counterparty: Enterprise | None,
) -> None:
    if case.case_type == "labour":
        for worker in data.named_workers:
            case.parties.append(
                CaseParty(
                    case_id=case.id,
                    kind="worker",
                    side="applicant",
                    name=worker.name.strip()[:120],
                    contact=worker.contact.strip()[:60],
                )
            )
        firm_side = "respondent"
    else:
        firm_side = "applicant"
    if enterprise is not None:
        case.parties.append(
            CaseParty(
                case_id=case.id,
                kind="enterprise",
                side=firm_side,
                name=enterprise.name,
                contact=enterprise.contact_phone,
                enterprise_id=enterprise.id,
            )
        )
    if case.case_type == "commercial":
        case.parties.append(
            CaseParty(
                case_id=case.id,
                kind="enterprise",
                side="respondent",
                name=case.counterparty_name,
                contact=counterparty.contact_phone if counterparty else "",
                enterprise_id=counterparty.id if counterparty else None,
            )
        )


# --- Parties and documents ------------------------------------------------------------------------


def join_authority(
    session: Session, actor: User, case_id: int, authority: str, *, today: date
) -> CaseParty:
    """Join the court, the justice bureau, the market regulator or the labour arbitration
    commission to the case (the one-stop centre works jointly with them)."""
    case = _for_work(session, actor, case_id)
    if authority not in AUTHORITIES:
        raise DomainError(N_("Choose the authority from the list."), field="authority")
    if any(p.authority == authority for p in case.parties):
        raise Conflict(N_("This authority is already a party to the case."), field="authority")
    party = CaseParty(
        case_id=case.id,
        kind="authority",
        side="joined",
        name=translate(AUTHORITIES[authority], "zh_Hans"),
        authority=authority,
    )
    case.parties.append(party)
    session.flush()
    audit.record(session, "dispute_case.joined", case, actor_id=actor.id, authority=authority)
    return party


def add_worker(session: Session, actor: User, case_id: int, worker: WorkerInput) -> CaseParty:
    """Name a worker on a labour case (personal data: only where the documents need it)."""
    case = _for_work(session, actor, case_id)
    if case.case_type != "labour":
        raise DomainError(N_("Only a labour dispute has workers as parties."))
    if not worker.name.strip():
        raise DomainError(N_("Each named worker needs a name."), field="name")
    named = sum(1 for p in case.parties if p.kind == "worker")
    if named >= case.workers:
        raise DomainError(
            N_("All {workers} workers claiming are already named."),
            {"workers": case.workers},
            field="name",
        )
    party = CaseParty(
        case_id=case.id,
        kind="worker",
        side="applicant",
        name=worker.name.strip()[:120],
        contact=worker.contact.strip()[:60],
    )
    case.parties.append(party)
    session.flush()
    audit.record(session, "dispute_case.worker_named", case, actor_id=actor.id, party=party.id)
    return party


def add_document(
    session: Session, actor: User, case_id: int, kind: str, title: str, *, today: date
) -> CaseDocument:
    case = _for_work(session, actor, case_id)
    if kind not in DOCUMENT_KINDS:
        raise DomainError(N_("Choose the kind of document from the list."), field="kind")
    if not title.strip():
        raise DomainError(N_("Give the document a title."), field="title")
    document = CaseDocument(
        case_id=case.id,
        kind=kind,
        title=title.strip()[:200],
        received_on=today,
        added_by_id=actor.id,
    )
    case.documents.append(document)
    session.flush()
    return document


# --- Moving a case --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened, as the move's form records it; None leaves a fact as it is."""

    mediation_failed: bool | None = None
    acceptance_refused: bool | None = None
    award_final_eligible: bool | None = None
    arbitration_agreed: bool | None = None
    period_extended: bool | None = None
    live_dispute: bool | None = None
    agreement_terms: str | None = None
    agreed_amount: Decimal | None = None
    amount_recovered: Decimal | None = None
    loss_avoided: Decimal | None = None
    loss_evidence: str | None = None
    contracts_reviewed: int | None = None
    loopholes_fixed: int | None = None
    findings: str | None = None
    activity_on: date | None = None
    activity_note: str | None = None
    opens: str | None = None  # a review that found a live dispute opens a case of this type
    fields: tuple[str, ...] = field(default=(), repr=False)

    def set_fields(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in (
                "mediation_failed",
                "acceptance_refused",
                "award_final_eligible",
                "arbitration_agreed",
                "period_extended",
                "live_dispute",
                "agreement_terms",
                "agreed_amount",
                "amount_recovered",
                "loss_avoided",
                "loss_evidence",
                "contracts_reviewed",
                "loopholes_fixed",
                "findings",
                "activity_on",
                "activity_note",
            )
            if getattr(self, name) is not None
        }


def _check_outcome(outcome: Outcome, today: date) -> None:
    for name in ("agreed_amount", "amount_recovered", "loss_avoided"):
        value = getattr(outcome, name)
        if value is not None and not Decimal(0) <= value <= MAX_AMOUNT:
            raise DomainError(N_("Enter an amount in yuan, from 0 to 1,000,000,000."), field=name)
    for name in ("contracts_reviewed", "loopholes_fixed"):
        value = getattr(outcome, name)
        if value is not None and not 0 <= value <= 10_000:
            raise DomainError(N_("Enter a number from 0 to 10,000."), field=name)
    if outcome.activity_on is not None and outcome.activity_on > today:
        raise DomainError(
            N_("The visit or training cannot be recorded before it takes place ({date})."),
            {"date": outcome.activity_on},
            field="activity_on",
        )
    if outcome.opens is not None and outcome.opens not in ("labour", "commercial"):
        raise DomainError(N_("Choose the type of dispute to open."), field="opens")


def days_in_stage(case: DisputeCase, today: date) -> int:
    return max(0, (today - case.stage_entered_on).days)


def transition_facts(
    case: DisputeCase,
    to_stage: str,
    *,
    today: date,
    by_role: str,
    manual: bool,
    reason_given: bool,
) -> list[dict[str, Any]]:
    """The facts dispute_transition decides the move over."""
    return [
        {
            "kind": "transition",
            "case_type": case.case_type,
            "from_stage": case.stage,
            "to_stage": to_stage,
            "days_in_stage": min(days_in_stage(case, today), 36_500),
            "period_expired": case.due_basis == "statute"
            and case.due_on is not None
            and today > case.due_on,
            "mediation_failed": case.mediation_failed,
            "acceptance_refused": case.acceptance_refused,
            "award_final_eligible": case.award_final_eligible,
            "arbitration_agreed": case.arbitration_agreed,
            "live_dispute": case.live_dispute,
            "loss_amount": float(case.recovered_total),
            "loss_evidence": bool(case.loss_evidence.strip()),
            "activity_done": case.activity_on is not None,
            "return_visit_done": case.return_visit_on is not None,
            "manual": manual,
            "reason_given": reason_given,
            "by_role": by_role,
        }
    ]


def move_case(
    session: Session,
    actor: User | None,
    case_id: int,
    to_stage: str,
    *,
    today: date,
    reason: str = "",
    outcome: Outcome = Outcome(),
    announce: bool = True,
    from_stage: str | None = None,
) -> DisputeCase:
    """Move a case to another stage if the rules allow it; the decision and the reason are kept.

    A person's move (`actor` given) is a manual move and needs a reason; the tick's own moves
    (`actor` None) record the rule that made them. The outcome's facts are set first, so the
    rules see them; a refused move changes nothing (the caller's savepoint rolls back).
    `from_stage`, when given, is the stage the mover saw: if the case has moved on since, the
    move is a Conflict rather than a move from a stage the mover did not see.
    """
    if actor is None:
        case = session.get(DisputeCase, case_id)
        if case is None:
            raise _not_found()
    else:
        case = _for_work(session, actor, case_id, for_update=True)
    if case.stage in _FINISHED:
        raise Conflict(N_("This case is closed; it moves no further."))
    if from_stage is not None and case.stage != from_stage:
        raise Conflict(
            N_(
                "The case moved on meanwhile: it is now at the stage {stage}. Read it again "
                "and decide the move from there."
            ),
            {"stage": {"msgid": STAGE_NAMES[case.stage], "params": {}}},
            field="from_stage",
        )
    _check_outcome(outcome, today)
    for name, value in outcome.set_fields().items():
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    if outcome.period_extended is not None:
        _set_due(case, deadline_parameters(session))  # the extension moves the award's deadline
    if to_stage == "agreement" and not case.agreement_terms.strip():
        raise DomainError(
            N_("Record the terms the parties agreed; the mediation agreement is drawn from them."),
            field="agreement_terms",
        )
    facts = transition_facts(
        case,
        to_stage,
        today=today,
        by_role=_role(actor),
        manual=actor is not None,
        reason_given=bool(reason.strip()),
    )
    decision = rules.decide(
        "dispute_transition",
        facts,
        parameters=decisions.live_parameters(session, "dispute_transition"),
    )
    refused = Refused.from_decisions(decision)
    if refused is not None:
        raise refused
    record = decisions.log(session, decision, actor=actor, subject=case, flush=False)
    enter_stage(session, case, to_stage, today=today, actor=actor, reason=reason, record=record)
    if to_stage == "dispute_opened":
        _open_found_dispute(session, actor, case, outcome.opens or "commercial", today, announce)
    check_escalation(session, case, today=today, actor=actor, announce=announce)
    if announce and case.assignee_id and (actor is None or case.assignee_id != actor.id):
        assignee = session.get(User, case.assignee_id)
        notify(
            session,
            assignee,
            N_("Case {number} moved to a new stage"),
            N_("The case {number} moved from one stage to the next; open it to see why."),
            {"number": case.number},
            link=f"/disputes/{case.id}",
        )
    return case


def enter_stage(
    session: Session,
    case: DisputeCase,
    to_stage: str,
    *,
    today: date,
    actor: User | None,
    reason: str,
    record: DecisionRecord,
) -> None:
    """Put the case in `to_stage`, a move the rules allowed in `record`: the history gets the
    move, the case its new stage and the deadline counted from today. Nothing is flushed."""
    source = case.stage
    session.add(
        CaseTransition(
            case=case,
            from_stage=source,
            to_stage=to_stage,
            on=today,
            days_in_stage=days_in_stage(case, today),
            manual=actor is not None,
            reason=reason.strip(),
            actor_id=actor.id if actor else None,
            decision=record,
        )
    )
    case.stage = to_stage
    case.stage_entered_on = today
    if case.resolved_on is None and to_stage == RESOLVING_STAGE[case.case_type]:
        case.resolved_on = today
    if to_stage == "closed":
        case.closed_on = today
    _set_due(case, deadline_parameters(session))
    audit.record(
        session,
        "dispute_case.moved",
        case,
        actor_id=actor.id if actor else None,
        source=source,
        target=to_stage,
    )


def _open_found_dispute(
    session: Session,
    actor: User | None,
    review: DisputeCase,
    case_type: str,
    today: date,
    announce: bool,
) -> DisputeCase:
    """A contract review that found a live dispute hands it over to mediation (prevention →
    mediation): a dispute case of the chosen type, for the same firm, child of the review."""
    opener = actor or system_user(session)
    subject = {"labour": "other", "commercial": "sales"}[case_type]
    if review.subject in SUBJECTS[case_type]:
        subject = review.subject
    data = CaseInput(
        case_type=case_type,
        subject=subject,
        enterprise_id=review.enterprise_id,
        counterparty_name=review.counterparty_name or "",
        summary=review.findings or review.summary,
        workers=1 if case_type == "labour" else 0,
    )
    if case_type == "commercial" and not data.counterparty_name:
        data = replace(data, counterparty_name="—")
    return open_case(
        session, opener, data, today=today, source="review", parent=review, announce=announce
    )


def system_user(session: Session) -> User:
    """The first active coordinator, on whose behalf the tick opens what it must."""
    user = session.scalar(
        select(User).where(User.role == "coordinator", User.status == "active").order_by(User.id)
    )
    if user is None:
        raise DomainError(N_("No active coordinator account exists to act for the system."))
    return user


# --- Escalation -----------------------------------------------------------------------------------


def escalation_facts(case: DisputeCase) -> list[dict[str, Any]]:
    """The fact dispute_escalation decides over. (An overdue stage escalates a dispute too:
    the tick decides that with its deadline, dispute_deadline.)"""
    return [
        {
            "kind": "case",
            "case_type": case.case_type,
            "stage": case.stage,
            "workers": case.workers,
            "amount_claimed": float(case.amount_claimed),
        }
    ]


def check_escalation(
    session: Session,
    case: DisputeCase,
    *,
    today: date,
    actor: User | None = None,
    announce: bool = True,
    batched: bool = False,
) -> bool:
    """Ask dispute_escalation about the case; a newly escalated case is logged and the
    coordinators are told; True when it went up now. An escalated case stays escalated
    (supervised) until it closes. `batched`: the decision is written with the caller's next
    flush (the tick's batches) instead of at once."""
    if case.case_type not in ("labour", "commercial") or case.escalated or case.closed_on:
        return False
    decision = rules.decide(
        "dispute_escalation",
        escalation_facts(case),
        parameters=decisions.live_parameters(session, "dispute_escalation"),
    )
    if not any(f.outcome.get("escalate") for f in decision.fired):
        return False
    decisions.log(session, decision, actor=actor, subject=case, flush=not batched)
    case.escalated = True
    case.escalated_on = today
    audit.record(session, "dispute_case.escalated", case, actor_id=actor.id if actor else None)
    if announce:
        for user in coordinators(session):
            notify(
                session,
                user,
                N_("Case {number} went up to the one-stop centre"),
                N_("The case {number} was escalated; it is on the supervision list."),
                {"number": case.number},
                link=f"/disputes/{case.id}",
            )
    return True


def coordinators(session: Session) -> list[User]:
    return list(
        session.scalars(select(User).where(User.role == "coordinator", User.status == "active"))
    )


# --- Feedback: the loop returns to prevention ------------------------------------------------------


@dataclass(frozen=True)
class FeedbackInput:
    visited_on: date
    satisfaction: int
    note: str = ""


@dataclass(frozen=True)
class FeedbackResult:
    case: DisputeCase
    prevention: DisputeCase | None
    friday_request_id: int | None


def record_feedback(
    session: Session,
    actor: User,
    case_id: int,
    data: FeedbackInput,
    *,
    today: date,
    announce: bool = True,
    friday_follow_up: bool = True,
) -> FeedbackResult:
    """Record the return visit (回访) and its satisfaction; a firm with repeated disputes of one
    kind gets a prevention task and a Friday follow-up request on the topic (dispute_feedback).
    `friday_follow_up=False` opens the task alone (the demo's history, whose Fridays are past)."""
    case = _for_work(session, actor, case_id)
    if case.stage != "feedback":
        raise Conflict(N_("The return visit is recorded once the case is at its feedback stage."))
    if case.return_visit_on is not None:
        raise Conflict(
            N_("The return visit was already recorded, on {date}; it is recorded once."),
            {"date": case.return_visit_on},
        )
    if not 1 <= data.satisfaction <= 5:
        raise DomainError(N_("Choose a satisfaction from 1 to 5."), field="satisfaction")
    if data.visited_on > today:
        raise DomainError(
            N_("The return visit cannot be recorded before it takes place ({date})."),
            {"date": data.visited_on},
            field="visited_on",
        )
    if data.visited_on < case.stage_entered_on:
        raise DomainError(
            N_("The return visit comes after the case was resolved, on {date} or later."),
            {"date": case.stage_entered_on},
            field="visited_on",
        )
    case.return_visit_on = data.visited_on
    case.satisfaction = data.satisfaction
    case.feedback_note = data.note.strip()
    case.due_on, case.due_basis, case.overdue = None, None, False  # visited: nothing falls due
    audit.record(
        session, "dispute_case.feedback", case, actor_id=actor.id, satisfaction=data.satisfaction
    )
    prevention, request_id = _return_to_prevention(
        session, actor, case, today, announce, friday_follow_up
    )
    return FeedbackResult(case, prevention, request_id)


def _return_to_prevention(
    session: Session,
    actor: User,
    case: DisputeCase,
    today: date,
    announce: bool,
    friday_follow_up: bool = True,
) -> tuple[DisputeCase | None, int | None]:
    if case.case_type not in ("labour", "commercial") or case.enterprise_id is None:
        return None, None
    parameters = decisions.parameter_values(session, "dispute_feedback")
    since = today - timedelta(days=parameters["window_days"])
    similar = session.scalar(
        select(func.count()).where(
            DisputeCase.enterprise_id == case.enterprise_id,
            DisputeCase.case_type == case.case_type,
            DisputeCase.subject == case.subject,
            DisputeCase.opened_on.between(since, today),
        )
    )
    topic = FRIDAY_TOPICS[case.case_type]
    open_prevention = session.scalar(
        select(func.count()).where(
            DisputeCase.enterprise_id == case.enterprise_id,
            DisputeCase.case_type == "prevention",
            DisputeCase.subject == topic,
            DisputeCase.closed_on.is_(None),
        )
    )
    decision = decisions.decide(
        session,
        "dispute_feedback",
        [
            {
                "kind": "history",
                "case_type": case.case_type,
                "subject": case.subject,
                "similar_cases": max(1, similar or 0),
                "prevention_open": bool(open_prevention),
            }
        ],
        actor=actor,
        subject=case,
    )
    if not any(f.outcome.get("prevention") for f in decision.decision.fired):
        return None, None
    task = open_case(
        session,
        actor if actor.role in STAFF else system_user(session),
        CaseInput(
            case_type="prevention",
            subject=topic,
            enterprise_id=case.enterprise_id,
            summary=case.summary,
        ),
        today=today,
        source="repeat",
        parent=case,
        announce=announce,
    )
    if not friday_follow_up:
        return task, None
    request_id = _friday_follow_up(session, actor, case, topic, today, announce)
    return task, request_id


def _friday_follow_up(
    session: Session, actor: User, case: DisputeCase, topic: str, today: date, announce: bool
) -> int | None:
    """A Friday Law Service Day request for the firm on the topic (source "labour")."""
    from programs.friday import services as friday

    enterprise = case.enterprise
    if enterprise is None or enterprise.status != "active":
        return None
    requester = actor if actor.role in ("coordinator", "mediator", "consultant") else None
    requester = requester or system_user(session)
    request = friday.submit_request(
        session,
        requester,
        friday.RequestInput(
            kind="enterprise",
            topics=(topic,),
            description=f"{case.number}: {case.summary}"[:2000],
            enterprise_id=enterprise.id,
            counterparty=case.counterparty_label,
        ),
        today=today,
        source="labour",
        announce=announce,
    )
    return request.id
