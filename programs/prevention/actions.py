"""The seasonal list: preventive work proposed before each coming peak, approved by a
coordinator, and then filed through the programs' own operations and rules.

For a peak of a town's category in a coming month, two actions are proposed:

- a Friday legal session in the town (法律下基层) on the category's topic, asked for on the
  working Fridays of the five weeks before the peak; the roster planner then places it as any
  other request, with its rules and its why (not proposed once no such Friday is a week ahead);
- for the labour categories, legal check-ups for the town's factories and building sites
  (the firms most exposed to them) that have had none in the past year, at most
  CAMPAIGN_FIRMS of them, each filed as a check-up request whose checklist the rules choose;
- for a labour peak in the summer holidays (July, August: pupils take summer jobs, and their
  parents' workplaces are at their busiest), a class at the study base for the town's middle
  schools before the holidays: approving puts each school that has no visit that school year
  into the spring term's plan with May and June as its wished months, and the term's planner
  places it by the study-visit rules like any other school. Proposed from STUDY_MONTHS_AHEAD
  months before the peak, while the spring term is still to be planned.

Nothing is filed until a coordinator approves; a dismissed proposal is not proposed again for
the same peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calendars import is_working_day
from programs import audit
from programs.accounts.models import User
from programs.checkups import services as checkups
from programs.checkups.models import Checkup
from programs.db import utcnow
from programs.directory.models import Enterprise, School
from programs.errors import DomainError, NotFound
from programs.friday import services as friday
from programs.i18n import N_
from programs.prevention import services
from programs.prevention.models import SeasonalAction
from programs.study_tours import services as study
from programs.study_tours.models import Visit

LABOUR = ("wage_arrears", "labour_contract", "social_insurance", "work_injury", "dispute:labour")
# The Friday topic (a problem category) of each analysis category.
TOPICS = {
    "wage_arrears": "labour",
    "labour_contract": "labour",
    "social_insurance": "labour",
    "work_injury": "labour",
    "dispute:labour": "labour",
    "commercial": "contracts",
    "dispute:commercial": "contracts",
    "consumer": "compliance",
    "other": "management",
}
EXPOSED_INDUSTRIES = ("manufacturing", "construction")
CAMPAIGN_FIRMS = 10
SESSION_HEADCOUNT = 60
WEEKS_BEFORE = 5
MIN_DAYS_AHEAD = 7  # the Friday rules' lead time, with room for the roster
SUMMER = (7, 8)
STUDY_MONTHS_AHEAD = 8  # a July peak is seen from November, before the spring term is planned
STUDY_LEVELS = ("junior", "senior", "nine_year")
STUDY_MONTHS = [5, 6]  # the last months of the spring term, before the summer holidays


@dataclass(frozen=True)
class Proposed:
    """A proposal and the peak it prepares for."""

    action: SeasonalAction
    peak: services.seasonal.Pattern


def _kinds(starts: date, peak: services.seasonal.Pattern, today: date) -> list[str]:
    """The work proposed for one coming peak."""
    months = (starts.year - today.year) * 12 + starts.month - today.month
    kinds = []
    if months <= 3:
        kinds += ["friday_session"] if fridays_before(starts, today) else []
        kinds += ["checkup_campaign"] if peak.category in LABOUR else []
    before_summer = date(starts.year, STUDY_MONTHS[-1], 1)
    if peak.month in SUMMER and peak.category in LABOUR and before_summer > today:
        kinds.append("study_class")
    return kinds


def propose(session: Session, found: services.Seasons) -> list[Proposed]:
    """The actions for the coming peaks: those proposed before, and new ones for peaks that
    have none yet (flushed, not committed)."""
    towns = _town_ids(session)
    out: dict[int, Proposed] = {}
    for peak_starts, peak in services.coming_peaks(found, STUDY_MONTHS_AHEAD):
        town_id = towns.get(peak.town)
        if town_id is None:
            continue
        for kind in _kinds(peak_starts, peak, found.today):
            # One class serves the whole summer: a July and an August peak share it.
            starts = date(peak_starts.year, SUMMER[0], 1) if kind == "study_class" else peak_starts
            action = session.scalar(
                select(SeasonalAction).where(
                    SeasonalAction.town_id == town_id,
                    SeasonalAction.category == peak.category,
                    SeasonalAction.peak_starts_on == starts,
                    SeasonalAction.kind == kind,
                )
            )
            if action is None:
                action = _new_proposal(session, town_id, peak.category, starts, kind)
            out.setdefault(action.id, Proposed(action, peak))
    return list(out.values())


def _new_proposal(
    session: Session, town_id: int, category: str, starts: date, kind: str
) -> SeasonalAction:
    """Propose once: two coordinators opening the page at the same moment get one proposal."""
    action = SeasonalAction(town_id=town_id, category=category, peak_starts_on=starts, kind=kind)
    try:
        with session.begin_nested():
            session.add(action)
    except IntegrityError:  # the other one proposed it first
        return session.scalars(
            select(SeasonalAction).where(
                SeasonalAction.town_id == town_id,
                SeasonalAction.category == category,
                SeasonalAction.peak_starts_on == starts,
                SeasonalAction.kind == kind,
            )
        ).one()
    return action


def _town_ids(session: Session) -> dict[str, int]:
    from programs.directory.models import Town

    return {name: id_ for id_, name in session.execute(select(Town.id, Town.name))}


def fridays_before(peak_starts_on: date, today: date) -> tuple[date, ...]:
    """The working Fridays of the weeks before the peak that are far enough ahead to plan."""
    day = peak_starts_on - timedelta(days=7 * WEEKS_BEFORE)
    day += timedelta(days=(4 - day.weekday()) % 7)
    found = []
    while day < peak_starts_on:
        if day >= today + timedelta(days=MIN_DAYS_AHEAD) and is_working_day(day):
            found.append(day)
        day += timedelta(days=7)
    return tuple(found[-friday.PREFERRED_MAX :])


def approve(session: Session, actor: User, action_id: int, today: date) -> SeasonalAction:
    """File what the action proposes, through the program's own operation and rules."""
    action = _proposed(session, actor, action_id)
    if action.kind == "friday_session":
        fridays = fridays_before(action.peak_starts_on, today)
        if not fridays:
            raise DomainError(
                N_("No Friday before the peak is far enough ahead any more; dismiss it."),
            )
        request = friday.submit_request(
            session,
            actor,
            friday.RequestInput(
                kind="village",
                topics=(TOPICS.get(action.category, "management"),),
                description=_description(action),
                preferred_fridays=fridays,
                town_id=action.town_id,
                place=action.town.name,
                headcount=SESSION_HEADCOUNT,
            ),
            today=today,
            source="coordinator",
        )
        action.outcome = {"friday_request": request.id}
    elif action.kind == "study_class":
        action.outcome = _study_class(session, actor, action)
    else:
        made, skipped = [], []
        for firm in _campaign_firms(session, action.town_id, today):
            try:
                with session.begin_nested():
                    checkup = checkups.request_checkup(
                        session,
                        actor,
                        checkups.RequestInput(firm.id, note=_description(action)),
                        today=today,
                    )
                made.append(checkup.id)
            except DomainError:  # a check-up under way, or the rules refused: say so
                skipped.append(firm.id)
        if not made:
            raise DomainError(N_("Every firm it would ask for already has a check-up."))
        action.outcome = {"checkups": made, "skipped": skipped}
    _decide(session, actor, action, "approved")
    return action


def dismiss(session: Session, actor: User, action_id: int) -> SeasonalAction:
    """Set the proposal aside; it is not proposed again for the same peak."""
    action = _proposed(session, actor, action_id)
    _decide(session, actor, action, "dismissed")
    return action


def _proposed(session: Session, actor: User, action_id: int) -> SeasonalAction:
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    action = session.get(SeasonalAction, action_id, with_for_update=True)
    if action is None:
        raise NotFound(N_("The page you asked for does not exist."))
    if action.status != "proposed":
        raise DomainError(N_("This proposal has already been decided."))
    return action


def _decide(session: Session, actor: User, action: SeasonalAction, status: str) -> None:
    action.status = status
    action.decided_at = utcnow()
    action.decided_by_id = actor.id
    session.flush()
    audit.record(
        session,
        f"seasonal_action.{status}",
        action,
        actor_id=actor.id,
        category=action.category,
        peak=action.peak_starts_on.isoformat(),
    )


def _study_class(session: Session, actor: User, action: SeasonalAction) -> dict[str, Any]:
    """Each of the town's middle schools without a visit that school year goes into the spring
    term's plan, wishing for May or June; the planner places them when the term is planned."""
    school_year = action.peak_starts_on.year - 1  # its spring term ends before the summer
    schools = session.scalars(
        select(School)
        .where(
            School.town_id == action.town_id,
            School.status == "active",
            School.level.in_(STUDY_LEVELS),
        )
        .order_by(School.id)
    ).all()
    visited = set(
        session.scalars(
            select(Visit.school_id).where(
                Visit.school_year == school_year,
                Visit.status.in_(study.LIVE),
                Visit.school_id.in_([school.id for school in schools]),
            )
        )
    )
    planned, skipped = [], []
    for school in schools:
        if school.id in visited:
            skipped.append(school.id)
            continue
        plan = study.plan_of(session, school, school_year)
        study.save_plan(
            session,
            actor,
            school.id,
            school_year,
            study.PlanInput(
                grade=plan.grade,
                classes=plan.classes,
                students=plan.students,
                preferred_weekdays=list(plan.preferred_weekdays),
                preferred_months=sorted(set(plan.preferred_months) | set(STUDY_MONTHS)),
                contact_name=plan.contact_name,
                contact_phone=plan.contact_phone,
                term="spring",
            ),
        )
        planned.append(plan.id)
    if not planned:
        raise DomainError(N_("Every middle school of the town already has its visit this year."))
    return {"school_plans": planned, "school_year": school_year, "skipped": skipped}


def _description(action: SeasonalAction) -> str:
    return f"时令清单：{action.peak_starts_on.year}年{action.peak_starts_on.month}月高发前的预防"


def _campaign_firms(session: Session, town_id: int, today: date) -> list[Enterprise]:
    recent = select(Checkup.enterprise_id).where(
        Checkup.requested_on >= today - timedelta(days=365)
    )
    return list(
        session.scalars(
            select(Enterprise)
            .where(
                Enterprise.town_id == town_id,
                Enterprise.status == "active",
                Enterprise.industry.in_(EXPOSED_INDUSTRIES),
                Enterprise.id.not_in(recent),
            )
            .order_by(Enterprise.employee_count.desc(), Enterprise.id)
            .limit(CAMPAIGN_FIRMS)
        )
    )
