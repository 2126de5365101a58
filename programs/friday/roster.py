"""The monthly Friday roster: the planner drafts it from the open requests, the coordinator
reviews it (moving visits re-checks them), and publishing tells consultants and firms.

A draft's visits are real visits in status "draft", each booked through the same rules as a
direct booking (`services.book_visit`), with the planner's reasons kept beside the rules'.
Drafting again replaces the roster's earlier draft visits; published ones stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, selectinload

import rules
from programs import audit
from programs.accounts.models import User
from programs.calendar.models import Closure
from programs.db import utcnow
from programs.decisions import services as decisions
from programs.decisions.models import DecisionRecord
from programs.directory.models import Consultant
from programs.errors import Conflict, DomainError, NotFound
from programs.friday import roster_planning as planning
from programs.friday import services
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    Pairing,
    Roster,
    TownNeighbour,
)
from programs.i18n import N_
from programs.notifications.services import notify


def parse_month(text: str) -> date:
    """ "2026-12" → 2026-12-01; a clear message otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError as error:
        raise DomainError(
            N_("Write the month as year-month, for example 2026-12."), field="month"
        ) from error
    if not 2000 <= year <= 2099:  # what the calendar knows (and the rules accept)
        raise DomainError(N_("Choose a month between 2000 and 2099."), field="month")
    return first


def _month_end(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1)


def roster_input(session: Session, month: date, today: date) -> planning.RosterInput:
    """The month as the planner sees it: open requests, consultants with their leave and
    conflicts, visits already booked, neighbouring towns, the live parameters."""
    end = _month_end(month)
    conflicts: dict[int, list[ConsultantConflict]] = {}
    for row in session.scalars(select(ConsultantConflict)):
        conflicts.setdefault(row.consultant_id, []).append(row)
    leave: dict[int, set[date]] = {}
    for closure in session.scalars(
        select(Closure).where(
            Closure.scope == "consultant",
            Closure.cancelled_at.is_(None),
            Closure.starts_on <= end,
            Closure.ends_on >= month,
        )
    ):
        day = max(closure.starts_on, month)
        while day <= min(closure.ends_on, end):
            leave.setdefault(closure.scope_id or 0, set()).add(day)
            day += timedelta(days=1)
    consultants = tuple(
        planning.ConsultantInfo(
            id=c.id,
            name=c.name,
            town_id=c.home_town_id,
            expertise=frozenset(c.expertise),
            per_friday_max=c.visits_per_friday,
            leave=frozenset(leave.get(c.id, ())),
            conflict_enterprises=frozenset(
                r.enterprise_id for r in conflicts.get(c.id, ()) if r.enterprise_id
            ),
            conflict_counterparties=frozenset(
                r.counterparty for r in conflicts.get(c.id, ()) if r.counterparty
            ),
            active=c.active,
        )
        for c in session.scalars(
            select(Consultant).options(selectinload(Consultant.expertise_rows))
        )
    )
    pairs = dict(
        session.execute(
            select(Pairing.enterprise_id, Pairing.consultant_id).where(Pairing.ended_on.is_(None))
        ).all()
    )
    requests = tuple(
        planning.RequestInfo(
            id=r.id,
            kind=r.kind,
            label=r.label,
            town_id=r.town_id,
            waiting_since=r.created_at.date(),
            topics=frozenset(r.topics),
            enterprise_id=r.enterprise_id,
            preferred_fridays=frozenset(date.fromisoformat(d) for d in r.preferred_fridays),
            follow_up=r.is_follow_up,
            paired_consultant_id=pairs.get(r.enterprise_id) if r.enterprise_id else None,
            counterparty=r.counterparty,
            venue_kind=r.venue_kind,
            headcount=r.headcount or 0,
            venue=services.venue_name(r) if r.venue_kind == "studio" else "",
        )
        for r in session.scalars(
            select(FridayRequest)
            .where(FridayRequest.status == "open")
            .options(
                selectinload(FridayRequest.enterprise),
                selectinload(FridayRequest.chamber),
                selectinload(FridayRequest.town),
                selectinload(FridayRequest.studio),
            )
        )
    )
    booked = tuple(
        (v.consultant_id, v.on)
        for v in session.scalars(
            select(FridayVisit).where(
                FridayVisit.on.between(month, end),
                FridayVisit.status.in_(("draft", "published", "done")),
            )
        )
    )
    neighbours = frozenset(
        (row.town_id, row.neighbour_id) for row in session.scalars(select(TownNeighbour))
    )
    live = decisions.live_parameters(session, "friday_visit")
    return planning.RosterInput(
        month=month,
        today=today,
        consultants=consultants,
        requests=requests,
        booked=booked,
        neighbours=neighbours,
        parameters=planning.RosterParameters.from_values(dict(live.values) if live else None),
    )


def get(session: Session, month: date) -> Roster | None:
    """The month's roster, if one was drafted."""
    return session.scalar(select(Roster).where(Roster.month == month))


@dataclass(frozen=True)
class Drafted:
    """What drafting did: the roster, visits placed, requests left open."""

    roster: Roster
    placed: int
    left: int


def draft(session: Session, actor: User, month: date, today: date) -> Drafted:
    """Plan the month from the open requests and book the plan as draft visits."""
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    if month.day != 1:
        raise ValueError("a roster's month is given by its first day")
    if _month_end(month) <= today:
        raise DomainError(
            N_("{month} has passed; draft a roster for a month still to come."),
            {"month": month.strftime("%Y-%m")},
            field="month",
        )
    roster = get(session, month)
    if roster is None:
        roster = Roster(month=month, created_by_id=actor.id)
        session.add(roster)
        session.flush()
    _drop_drafts(session, roster)
    plan = planning.plan(roster_input(session, month, today))
    placed = 0
    refused: list[dict[str, Any]] = []
    for assignment in plan.assignments:
        try:
            visit = services.book_visit(
                session,
                actor,
                assignment.request_id,
                assignment.consultant_id,
                assignment.on,
                today=today,
                source="roster",
                roster_id=roster.id,
                announce=False,
            )
        except DomainError as error:  # the rules have the last word
            refused.append({"request_id": assignment.request_id, "msgid": error.msgid})
            continue
        decisions.log(session, _planner_decision(assignment, roster), actor=actor, subject=visit)
        placed += 1
    roster.result = {**plan.to_record(), "refused": refused}
    roster.status = "draft" if roster.status != "published" else roster.status
    roster.created_at = utcnow()
    audit.record(session, "roster.drafted", roster, actor_id=actor.id, placed=placed)
    return Drafted(roster, placed, len(plan.unassigned) + len(refused))


def _drop_drafts(session: Session, roster: Roster) -> None:
    """Take the roster's earlier draft visits back: their requests wait again."""
    drafts = session.scalars(
        select(FridayVisit).where(FridayVisit.roster_id == roster.id, FridayVisit.status == "draft")
    ).all()
    if not drafts:
        return
    ids = [v.id for v in drafts]
    for visit in drafts:
        if visit.request.status == "scheduled":
            visit.request.status = "open"
    session.execute(
        delete(DecisionRecord).where(
            DecisionRecord.subject_type == "friday_visits", DecisionRecord.subject_id.in_(ids)
        )
    )
    for visit in drafts:
        session.delete(visit)
    session.flush()


def _planner_decision(assignment: planning.Assignment, roster: Roster) -> rules.Decision:
    """The roster planner's reasons for a visit, kept in the decision log like a rule's."""
    return rules.Decision.from_record(
        {
            "format": 1,
            "ruleset": "friday_roster",
            "ruleset_version": f"roster-{roster.id}",
            "parameters_version": None,
            "parameters": {},
            "facts": [
                {
                    "id": 0,
                    "kind": "assignment",
                    "request_id": assignment.request_id,
                    "consultant_id": assignment.consultant_id,
                    "on": assignment.on.isoformat(),
                }
            ],
            "fired": [
                {
                    "rule": "roster_planner",
                    "outcome": {"placed": True},
                    "reason": why.to_record(),
                    "facts": [0],
                }
                for why in assignment.why
            ],
        }
    )


def publish(session: Session, actor: User, roster_id: int) -> int:
    """Publish the roster's draft visits; consultants and firms are told. Returns how many."""
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    roster = session.get(Roster, roster_id)
    if roster is None:
        raise NotFound(N_("The page you asked for does not exist."))
    drafts = session.scalars(
        select(FridayVisit).where(FridayVisit.roster_id == roster.id, FridayVisit.status == "draft")
    ).all()
    if not drafts:
        raise Conflict(N_("This roster has no draft visits to publish."))
    for visit in drafts:
        visit.status = "published"
        visit.sequence += 1
    roster.status = "published"
    roster.published_at = utcnow()
    roster.published_by_id = actor.id
    session.flush()
    told: set[int] = set()
    for visit in drafts:
        request = visit.request
        who = [User.consultant_id == visit.consultant_id]
        if request.enterprise_id is not None:
            who.append(User.enterprise_id == request.enterprise_id)
        if request.chamber_id is not None:
            who.append(User.chamber_id == request.chamber_id)
        for user in session.scalars(select(User).where(User.status == "active", or_(*who))):
            notify(
                session,
                user,
                N_("Friday visit on {date}: {venue}"),
                N_("{consultant} visits {venue} on {date}. Topics: {topics}."),
                {
                    "date": visit.on.isoformat(),
                    "venue": services.venue_name(request),
                    "consultant": visit.consultant.name,
                    "topics": len(request.topics),
                },
                link=f"/friday/visits/{visit.id}",
            )
            told.add(user.id)
    audit.record(
        session, "roster.published", roster, actor_id=actor.id, visits=len(drafts), told=len(told)
    )
    return len(drafts)


def visits_of(session: Session, roster: Roster) -> list[FridayVisit]:
    """The roster's live visits by Friday and consultant."""
    return list(
        session.scalars(
            select(FridayVisit)
            .where(FridayVisit.roster_id == roster.id, FridayVisit.status != "cancelled")
            .options(
                selectinload(FridayVisit.consultant),
                selectinload(FridayVisit.request).selectinload(FridayRequest.town),
            )
            .order_by(FridayVisit.on, FridayVisit.consultant_id, FridayVisit.id)
        )
    )


def visits_seen_by(session: Session, actor: User, roster: Roster) -> list[FridayVisit]:
    """The roster's visits as the actor sees them: every one for a coordinator, a consultant's
    own once published (a draft is the coordinator's until then), none for anyone else."""
    visits = visits_of(session, roster)
    if actor.role == "coordinator":
        return visits
    if actor.role == "consultant":
        return [v for v in visits if v.consultant_id == actor.consultant_id and v.status != "draft"]
    return []
