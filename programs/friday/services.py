"""Operations of the Friday Law Service Day: requests, pairing, conflicts, visits and records.

Every decision goes through the rules: "friday_pairing" picks or keeps a firm's paired
consultant, "friday_visit" checks every visit put on a Friday (a direct booking, a move, the
roster). Decisions are stored against the request, the pairing or the visit, so each page can
show why. Other programs file follow-up requests through `submit_request` with their source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

import rules
from calendars import day_info
from programs import audit
from programs.accounts.models import User
from programs.calendar import services as calendar_services
from programs.calendar.models import Closure
from programs.db import utcnow
from programs.decisions import services as decisions
from programs.decisions.models import DecisionRecord
from programs.directory.models import PROBLEM_CATEGORIES, Chamber, Consultant, Enterprise, Town
from programs.errors import Conflict, DomainError, NotFound, Refused
from programs.friday.models import (
    REQUEST_KINDS,
    REQUEST_SOURCES,
    VENUE_KINDS,
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    OfficeBooking,
    OfficeHours,
    Pairing,
    Problem,
    Studio,
    TownNeighbour,
)
from programs.i18n import N_
from programs.notifications.services import notify
from rules.friday import pairing_choice

LIVE = ("draft", "published", "done")
DESCRIPTION_MAX = 500
PREFERRED_MAX = 4
HORIZON_DAYS = 120  # how far ahead a preferred Friday may be


def _get(session: Session, model: type, ident: int | None, *, lock: bool = False) -> Any:
    """A record by id, or NotFound. `lock` holds its row until the commit (PostgreSQL; SQLite
    writes one transaction at a time), so that two bookings counting the same consultant's
    Friday or the same request act one after the other."""
    found = (
        session.get(model, ident, with_for_update=lock, populate_existing=lock)
        if ident is not None
        else None
    )
    if found is None:
        raise NotFound(N_("The page you asked for does not exist."))
    return found


def _require_coordinator(actor: User) -> None:
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))


def _same(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


# --- Requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """A request as a form gives it. `town_id` is needed for a village session only (a firm's
    and a chamber's town come from the directory); `studio_id` for a studio venue."""

    kind: str
    topics: tuple[str, ...]
    description: str = ""
    preferred_fridays: tuple[date, ...] = ()
    enterprise_id: int | None = None
    chamber_id: int | None = None
    town_id: int | None = None
    venue_kind: str = "premises"
    studio_id: int | None = None
    place: str = ""
    headcount: int | None = None
    counterparty: str = ""


def acting_consultant(actor: User, consultant_id: int | None) -> int | None:
    """The consultant an action is for: a consultant always acts for themself, whatever id the
    form or the API call named; a coordinator for the one chosen."""
    return actor.consultant_id if actor.role == "consultant" else consultant_id


def acting_firm(actor: User, enterprise_id: int | None) -> int | None:
    """The firm an action is for: a firm's account always acts for its own firm."""
    return actor.enterprise_id if actor.role == "enterprise" else enterprise_id


def as_requester(actor: User, data: RequestInput) -> RequestInput:
    """The request as its asker may make it: a firm asks for itself and a chamber for itself,
    whatever kind or firm the form or the API call named; others ask as they said."""
    if actor.role == "enterprise":
        return replace(data, kind="enterprise", enterprise_id=actor.enterprise_id, chamber_id=None)
    if actor.role == "chamber":
        return replace(data, kind="chamber", chamber_id=actor.chamber_id, enterprise_id=None)
    return data


def _check_request(session: Session, data: RequestInput, today: date) -> None:
    if data.kind not in REQUEST_KINDS:
        raise DomainError(N_("Choose what you are asking for from the list."), field="kind")
    if data.venue_kind not in VENUE_KINDS:
        raise DomainError(N_("Choose where the visit takes place."), field="venue_kind")
    if not data.topics:
        raise DomainError(
            N_("Choose at least one topic, so that a consultant with that expertise comes."),
            field="topics",
        )
    unknown = [t for t in data.topics if t not in PROBLEM_CATEGORIES]
    if unknown:
        raise DomainError(N_("Choose the topics from the list."), field="topics")
    if len(data.description.strip()) > DESCRIPTION_MAX:
        raise DomainError(
            N_("Keep the description to {max} characters; you wrote {count}."),
            {"max": DESCRIPTION_MAX, "count": len(data.description.strip())},
            field="description",
        )
    if len(data.preferred_fridays) > PREFERRED_MAX:
        raise DomainError(
            N_("Choose at most {max} preferred Fridays."),
            {"max": PREFERRED_MAX},
            field="preferred_fridays",
        )
    for on in data.preferred_fridays:
        _check_preferred_friday(on, today)
    if data.kind in ("chamber", "village") and not data.headcount:
        raise DomainError(
            N_("Enter how many people will come to the session (1 to 2,000)."), field="headcount"
        )
    if data.headcount is not None and not 1 <= data.headcount <= 2000:
        raise DomainError(
            N_("Enter how many people will come to the session (1 to 2,000)."), field="headcount"
        )
    if data.kind == "village":
        if data.town_id is None or session.get(Town, data.town_id) is None:
            raise DomainError(N_("Choose the town from the list."), field="town_id")
        if not data.place.strip():
            raise DomainError(
                N_("Enter the village or community where the session is held."), field="place"
            )
    if data.venue_kind == "studio":
        studio = session.get(Studio, data.studio_id) if data.studio_id else None
        if studio is None or not studio.active:
            raise DomainError(N_("Choose the studio from the list."), field="studio_id")


def _check_preferred_friday(on: date, today: date) -> None:
    if on.weekday() != 4:
        raise DomainError(
            N_("{date} is not a Friday; choose Fridays only."),
            {"date": on.isoformat()},
            field="preferred_fridays",
        )
    if on <= today:
        raise DomainError(
            N_("{date} has passed; choose a Friday after today."),
            {"date": on.isoformat()},
            field="preferred_fridays",
        )
    if on > today + timedelta(days=HORIZON_DAYS):
        raise DomainError(
            N_("{date} is too far ahead; choose Fridays within the next four months."),
            {"date": on.isoformat()},
            field="preferred_fridays",
        )
    info = day_info(on)
    if not info.working:
        raise DomainError(
            N_("{date} is a day off ({holiday}); choose another Friday."),
            {
                "date": on.isoformat(),
                "holiday": info.holiday_name_en or "",
                "holiday_zh": info.holiday_name_zh or info.holiday_name_en or "",
            },
            field="preferred_fridays",
        )


def _may_request(actor: User, data: RequestInput, source: str) -> None:
    if actor.role == "coordinator":
        return
    if source in ("checkup", "labour") and actor.role in ("consultant", "mediator"):
        return
    if (
        data.kind == "enterprise"
        and actor.role == "enterprise"
        and actor.enterprise_id == data.enterprise_id
    ):
        return
    if data.kind == "chamber" and actor.role == "chamber" and actor.chamber_id == data.chamber_id:
        return
    if actor.role == "consultant" and source in ("consultant", "follow_up"):
        return
    raise NotFound(N_("The page you asked for does not exist."))


def submit_request(
    session: Session,
    actor: User,
    data: RequestInput,
    *,
    today: date,
    source: str | None = None,
    announce: bool = True,
) -> FridayRequest:
    """File a request; a firm's request also gets (or keeps) its paired consultant.

    `source` defaults from who asks: the firm, the chamber, a coordinator; other programs pass
    "checkup" or "labour", a visit's follow-up "follow_up".
    """
    if source is None:
        source = {"enterprise": "firm", "chamber": "chamber"}.get(actor.role, "coordinator")
    if source not in REQUEST_SOURCES:
        raise ValueError(f"unknown request source {source!r}")
    _may_request(actor, data, source)
    _check_request(session, data, today)
    town_id = data.town_id
    if data.kind == "enterprise":
        enterprise = _get(session, Enterprise, data.enterprise_id)
        if enterprise.status != "active":
            raise DomainError(N_("This firm's sign-up has not been approved yet."))
        town_id = enterprise.town_id
    elif data.kind == "chamber":
        chamber = _get(session, Chamber, data.chamber_id)
        town_id = chamber.town_id or data.town_id
        if town_id is None:
            raise DomainError(N_("Choose the town from the list."), field="town_id")
    venue_kind = {"chamber": "chamber", "village": "village"}.get(data.kind, data.venue_kind)
    if data.kind != "enterprise" and data.venue_kind == "studio":
        venue_kind = "studio"
    request = FridayRequest(
        kind=data.kind,
        enterprise_id=data.enterprise_id if data.kind == "enterprise" else None,
        chamber_id=data.chamber_id if data.kind == "chamber" else None,
        town_id=town_id,
        venue_kind=venue_kind,
        studio_id=data.studio_id if venue_kind == "studio" else None,
        place=data.place.strip()[:120],
        topics=sorted(set(data.topics)),
        description=data.description.strip(),
        preferred_fridays=sorted({d.isoformat() for d in data.preferred_fridays}),
        headcount=data.headcount if data.kind != "enterprise" else None,
        counterparty=data.counterparty.strip()[:120],
        source=source,
        created_by_id=actor.id,
    )
    session.add(request)
    session.flush()
    audit.record(session, "friday_request.submitted", request, actor_id=actor.id)
    if request.enterprise_id is not None:
        pair_firm(session, request, actor=actor, today=today, announce=announce)
    for user in session.scalars(
        select(User).where(User.role == "coordinator", User.status == "active")
    ):
        if announce and user.id != actor.id:
            notify(
                session,
                user,
                N_("New Friday request from {requester}"),
                "",
                {"requester": request.label},
                link=f"/friday/requests/{request.id}",
            )
    return request


def get_request(session: Session, actor: User, request_id: int) -> FridayRequest:
    """A request the actor may see: coordinators all, a firm or chamber its own, a consultant
    those they visit."""
    request = _get(session, FridayRequest, request_id)
    if actor.role == "coordinator":
        return request
    if actor.role == "enterprise" and request.enterprise_id == actor.enterprise_id:
        return request
    if actor.role == "chamber" and request.chamber_id == actor.chamber_id:
        return request
    if actor.role == "consultant" and (
        any(v.consultant_id == actor.consultant_id for v in request.visits)
        or _paired_with(session, request.enterprise_id, actor.consultant_id)
    ):
        return request
    raise NotFound(N_("The page you asked for does not exist."))


def _paired_with(session: Session, enterprise_id: int | None, consultant_id: int | None) -> bool:
    if enterprise_id is None or consultant_id is None:
        return False
    pairing = current_pairing(session, enterprise_id)
    return pairing is not None and pairing.consultant_id == consultant_id


def cancel_request(session: Session, actor: User, request_id: int, reason: str) -> FridayRequest:
    """Withdraw a request that has no live visit."""
    request = get_request(session, actor, request_id)
    if request.status in ("done", "cancelled"):
        raise Conflict(N_("This request is already closed."))
    if any(v.status in ("draft", "published") for v in request.visits):
        raise DomainError(
            N_("This request is on the roster; cancel its visit first."), field="reason"
        )
    request.status = "cancelled"
    audit.record(session, "friday_request.cancelled", request, actor_id=actor.id, reason=reason)
    return request


# --- Pairing ------------------------------------------------------------------------------------


def current_pairing(session: Session, enterprise_id: int) -> Pairing | None:
    """The firm's active pairing, if it has one."""
    return session.scalar(
        select(Pairing).where(Pairing.enterprise_id == enterprise_id, Pairing.ended_on.is_(None))
    )


def neighbours_of(session: Session, town_id: int) -> set[int]:
    """The towns bordering a town."""
    return set(
        session.scalars(select(TownNeighbour.neighbour_id).where(TownNeighbour.town_id == town_id))
    )


def has_conflict(
    session: Session, consultant_id: int, enterprise_id: int | None, counterparty: str = ""
) -> bool:
    """Whether the consultant declared a conflict with the firm or the counterparty."""
    for row in session.scalars(
        select(ConsultantConflict).where(ConsultantConflict.consultant_id == consultant_id)
    ):
        if enterprise_id is not None and row.enterprise_id == enterprise_id:
            return True
        if counterparty and row.counterparty and _same(row.counterparty, counterparty):
            return True
    return False


def _on_leave(session: Session, consultant_id: int, start: date, end: date) -> bool:
    return bool(
        calendar_services.active_closures(
            session, scopes=[("consultant", consultant_id)], start_on=start, end_on=end
        )
    )


def pairing_facts(
    session: Session, enterprise: Enterprise, topics: Iterable[str], counterparty: str, today: date
) -> list[dict[str, Any]]:
    """The "friday_pairing" facts: the request and every consultant as a candidate, ranked."""
    wanted = set(topics)
    current = current_pairing(session, enterprise.id)
    nearby = neighbours_of(session, enterprise.town_id)
    loads = dict(
        session.execute(
            select(Pairing.consultant_id, func.count())
            .where(Pairing.ended_on.is_(None), Pairing.enterprise_id != enterprise.id)
            .group_by(Pairing.consultant_id)
        ).all()
    )
    conflicted = {
        row.consultant_id
        for row in session.scalars(select(ConsultantConflict))
        if row.enterprise_id == enterprise.id
        or (counterparty and row.counterparty and _same(row.counterparty, counterparty))
    }
    on_leave = _consultants_on_leave(session, today)
    consultants = list(
        session.scalars(
            select(Consultant)
            .options(selectinload(Consultant.expertise_rows))
            .order_by(Consultant.id)
        )
    )
    rows = []
    for c in consultants:
        is_current = current is not None and current.consultant_id == c.id
        if not c.active and not is_current:
            continue
        missing = len(wanted - set(c.expertise))
        same_town = c.home_town_id == enterprise.town_id
        rows.append(
            {
                "kind": "candidate",
                "consultant_id": c.id,
                "consultant": c.name,
                "firm": enterprise.name,
                "current": is_current,
                "conflict": c.id in conflicted,
                "available": c.active and c.id not in on_leave,
                "topics": len(wanted),
                "covers_topics": missing == 0,
                "missing_topics": missing,
                "same_town": same_town,
                "nearby_town": not same_town and c.home_town_id in nearby,
                "load": loads.get(c.id, 0),
            }
        )
    rows.sort(
        key=lambda r: (
            not r["current"],
            not r["same_town"],
            not r["nearby_town"],
            r["load"],
            r["consultant_id"],
        )
    )
    for rank, row in enumerate(rows):
        row["rank"] = rank
    request = {
        "kind": "request",
        "firm": enterprise.name,
        "town": enterprise.town.name,
        "topics": len(wanted),
        "current_consultant": current.consultant.name if current else None,
        "candidates": len(rows),
    }
    return [request, *rows]


def _consultants_on_leave(session: Session, on: date) -> set[int]:
    """Consultants with a leave closure covering the day."""
    return set(
        session.scalars(
            select(Closure.scope_id).where(
                Closure.scope == "consultant",
                Closure.cancelled_at.is_(None),
                Closure.starts_on <= on,
                Closure.ends_on >= on,
            )
        )
    )


def pair_firm(
    session: Session,
    request: FridayRequest,
    *,
    actor: User | None,
    today: date,
    announce: bool = True,
) -> Pairing | None:
    """Give the firm of a request its paired consultant, or keep the one it has.

    The decision is stored against the request; a new pairing, or an ended one, keeps why.
    Returns the active pairing, or None when no consultant suits (the coordinator is told).
    """
    enterprise = _get(session, Enterprise, request.enterprise_id)
    # One pairing decision at a time for a firm: two of its requests at the same moment would
    # otherwise both find it unpaired and both start a pairing (the second refused by the
    # database). The second waits, then finds the first's pairing and keeps it. FOR NO KEY
    # UPDATE: the requests' own rows hold key-share locks on the firm, which FOR UPDATE would
    # wait for (two requests of one firm would deadlock).
    session.execute(
        select(Enterprise.id).where(Enterprise.id == enterprise.id).with_for_update(key_share=True)
    )
    facts = pairing_facts(session, enterprise, request.topics, request.counterparty, today)
    logged = decisions.decide(session, "friday_pairing", facts, actor=actor, subject=request)
    chosen = pairing_choice(logged.decision)
    current = current_pairing(session, enterprise.id)
    if (
        current is not None
        and chosen is not None
        and chosen["consultant_id"] == current.consultant_id
    ):
        return current
    if current is not None:
        replaced = [f for f in logged.decision.where("replace", True)]
        current.ended_on = today
        current.end_reason = (
            ", ".join(name for fired in replaced for name in fired.outcome.get("because", []))
            or "replaced"
        )
        audit.record(session, "pairing.ended", current, actor_id=actor.id if actor else None)
        session.flush()
    if chosen is None:
        coordinators = session.scalars(
            select(User).where(User.role == "coordinator", User.status == "active")
        )
        for user in coordinators if announce else ():
            notify(
                session,
                user,
                N_("No consultant suits {firm}"),
                N_(
                    "No consultant can be paired with {firm} for its request: see why on the "
                    "request, then widen the team's expertise or the pairing limit."
                ),
                {"firm": enterprise.name},
                link=f"/friday/requests/{request.id}",
            )
        return None
    pairing = Pairing(
        enterprise_id=enterprise.id,
        consultant_id=chosen["consultant_id"],
        started_on=today,
        decision_id=logged.record.id,
    )
    session.add(pairing)
    session.flush()
    audit.record(session, "pairing.started", pairing, actor_id=actor.id if actor else None)
    consultant = session.get(Consultant, chosen["consultant_id"])
    for user in session.scalars(
        select(User).where(User.consultant_id == consultant.id, User.status == "active", announce)
    ):
        notify(
            session,
            user,
            N_("You are now paired with {firm}"),
            N_("{firm} ({town}) is your new paired firm (one-to-one help)."),
            {"firm": enterprise.name, "town": enterprise.town.name},
            link=f"/friday/requests/{request.id}",
        )
    return pairing


def pairing_highlights(records: Iterable[DecisionRecord]) -> dict[int, set[int]]:
    """For each stored pairing decision, the facts a reader wants first: the request, the
    consultant the decision chose (`pairing_choice`), and a pair it replaced."""
    shown: dict[int, set[int]] = {}
    for record in records:
        if record.ruleset != "friday_pairing":
            continue
        decision = rules.Decision.from_record(record.record)
        keep = {f["id"] for f in decision.facts if f["kind"] == "request"}
        keep |= {fired.fact_ids[0] for fired in decision.where("replace", True)}
        chosen = pairing_choice(decision)
        if chosen is not None:
            keep.add(chosen["id"])
        shown[record.id] = keep
    return shown


@dataclass(frozen=True)
class ConflictInput:
    """A conflict of interest as a consultant declares it."""

    consultant_id: int
    enterprise_id: int | None = None
    counterparty: str = ""
    reason: str = ""


def declare_conflict(
    session: Session, actor: User, data: ConflictInput, *, today: date
) -> ConsultantConflict:
    """A consultant (or a coordinator for them) declares a conflict; a pairing it touches ends."""
    if actor.role != "coordinator" and actor.consultant_id != data.consultant_id:
        raise NotFound(N_("The page you asked for does not exist."))
    if not data.consultant_id or session.get(Consultant, data.consultant_id) is None:
        raise DomainError(N_("Choose the consultant from the list."), field="consultant_id")
    if data.enterprise_id is None and not data.counterparty.strip():
        raise DomainError(
            N_("Name the firm, or the other party of the matter, the conflict is with."),
            field="enterprise_id",
        )
    if data.enterprise_id is not None:
        _get(session, Enterprise, data.enterprise_id)
    row = ConsultantConflict(
        consultant_id=data.consultant_id,
        enterprise_id=data.enterprise_id,
        counterparty=data.counterparty.strip()[:120],
        reason=data.reason.strip()[:200],
        declared_on=today,
    )
    session.add(row)
    session.flush()
    audit.record(session, "conflict.declared", row, actor_id=actor.id)
    if data.enterprise_id is not None:
        pairing = current_pairing(session, data.enterprise_id)
        if pairing is not None and pairing.consultant_id == data.consultant_id:
            pairing.ended_on = today
            pairing.end_reason = "conflict_of_interest"
            audit.record(session, "pairing.ended", pairing, actor_id=actor.id)
    return row


# --- Visits -------------------------------------------------------------------------------------


def venue_name(request: FridayRequest) -> str:
    """Where the visit takes place, as people say it."""
    if request.venue_kind == "studio" and request.studio is not None:
        return request.studio.name
    return request.label


def _others_that_friday(
    session: Session, consultant_id: int, on: date, exclude_visit: int | None
) -> int:
    query = select(func.count()).where(
        FridayVisit.consultant_id == consultant_id,
        FridayVisit.on == on,
        FridayVisit.status.in_(LIVE),
    )
    if exclude_visit is not None:
        query = query.where(FridayVisit.id != exclude_visit)
    return session.scalar(query) or 0


def visit_facts(
    session: Session,
    request: FridayRequest,
    consultant: Consultant,
    on: date,
    *,
    by_coordinator: bool,
    today: date,
    exclude_visit: int | None = None,
) -> list[dict[str, Any]]:
    """The "friday_visit" facts for putting the request on a Friday with a consultant."""
    info = day_info(on)
    missing = len(set(request.topics) - set(consultant.expertise))
    return [
        {
            "kind": "visit",
            "date": on,
            "weekday": on.weekday(),
            "working_day": info.working,
            "holiday_name": info.holiday_name_en,
            "holiday_name_zh": info.holiday_name_zh,
            "days_ahead": (on - today).days,
            "by_coordinator": by_coordinator,
            "consultant": consultant.name,
            "consultant_on_leave": not consultant.active
            or _on_leave(session, consultant.id, on, on),
            "visits_that_friday": _others_that_friday(session, consultant.id, on, exclude_visit),
            "visits_per_friday_max": consultant.visits_per_friday,
            "conflict": has_conflict(
                session, consultant.id, request.enterprise_id, request.counterparty
            ),
            "topics": len(request.topics),
            "covers_topics": missing == 0,
            "missing_topics": missing,
            "venue_kind": request.venue_kind,
            "venue": venue_name(request),
            "headcount": request.headcount or 0
            if request.venue_kind in ("chamber", "village")
            else 0,
        }
    ]


def check_visit(
    session: Session,
    request: FridayRequest,
    consultant: Consultant,
    on: date,
    *,
    actor: User,
    today: date,
    exclude_visit: int | None = None,
) -> rules.Decision:
    """The rules' verdict on the visit, not stored (a form can show it before saving)."""
    facts = visit_facts(
        session,
        request,
        consultant,
        on,
        by_coordinator=actor.role == "coordinator",
        today=today,
        exclude_visit=exclude_visit,
    )
    return rules.decide(
        "friday_visit", facts, parameters=decisions.live_parameters(session, "friday_visit")
    )


def _refuse_if(decision: rules.Decision) -> None:
    refused = Refused.from_decisions(decision)
    if refused is not None:
        raise refused


def _may_book(actor: User, consultant_id: int) -> None:
    if actor.role == "coordinator":
        return
    if actor.role == "consultant" and actor.consultant_id == consultant_id:
        return
    raise NotFound(N_("The page you asked for does not exist."))


def book_visit(
    session: Session,
    actor: User,
    request_id: int,
    consultant_id: int,
    on: date,
    *,
    today: date,
    source: str = "direct",
    roster_id: int | None = None,
    announce: bool = True,
) -> FridayVisit:
    """Put a request on a Friday with a consultant, if the rules allow; the decision is kept."""
    _may_book(actor, consultant_id)
    request = _get(session, FridayRequest, request_id, lock=True)
    if request.status in ("done", "cancelled"):
        raise Conflict(N_("This request is already closed."))
    consultant = _get(session, Consultant, consultant_id, lock=True)
    decision = check_visit(session, request, consultant, on, actor=actor, today=today)
    _refuse_if(decision)
    visit = FridayVisit(
        request_id=request.id,
        consultant_id=consultant.id,
        on=on,
        status="published" if source == "direct" else "draft",
        source=source,
        roster_id=roster_id,
        created_by_id=actor.id,
    )
    session.add(visit)
    session.flush()
    decisions.log(session, decision, actor=actor, subject=visit)
    request.status = "scheduled"
    audit.record(session, "friday_visit.booked", visit, actor_id=actor.id, on=on.isoformat())
    if visit.status == "published" and announce:
        _tell_about(session, visit, N_("Friday visit on {date}: {venue}"))
    return visit


def move_visit(
    session: Session,
    actor: User,
    visit_id: int,
    *,
    on: date,
    consultant_id: int | None = None,
    today: date,
) -> FridayVisit:
    """Move a visit to another Friday (or consultant); the rules re-check the move."""
    visit = _get(session, FridayVisit, visit_id)
    _may_book(actor, visit.consultant_id)
    if visit.status not in ("draft", "published"):
        raise Conflict(N_("This visit can no longer be changed."))
    consultant = _get(session, Consultant, consultant_id or visit.consultant_id, lock=True)
    if actor.role != "coordinator" and consultant.id != visit.consultant_id:
        raise NotFound(N_("The page you asked for does not exist."))
    decision = check_visit(
        session, visit.request, consultant, on, actor=actor, today=today, exclude_visit=visit.id
    )
    _refuse_if(decision)
    before = visit.on
    visit.on = on
    visit.consultant_id = consultant.id
    visit.sequence += 1
    session.flush()
    decisions.log(session, decision, actor=actor, subject=visit)
    audit.record(
        session,
        "friday_visit.moved",
        visit,
        actor_id=actor.id,
        dates=[before.isoformat(), on.isoformat()],
    )
    if visit.status == "published":
        _tell_about(session, visit, N_("Friday visit moved to {date}: {venue}"))
    return visit


def cancel_visit(session: Session, actor: User, visit_id: int, reason: str) -> FridayVisit:
    """Cancel a visit not yet recorded; its request waits for another Friday."""
    visit = _get(session, FridayVisit, visit_id)
    _may_book(actor, visit.consultant_id)
    if visit.status not in ("draft", "published"):
        raise Conflict(N_("This visit can no longer be changed."))
    if not reason.strip():
        raise DomainError(N_("Say why the visit is cancelled."), field="reason")
    was_published = visit.status == "published"
    visit.status = "cancelled"
    visit.sequence += 1
    visit.cancel_reason = reason.strip()[:200]
    if visit.request.status == "scheduled":
        visit.request.status = "open"
    audit.record(session, "friday_visit.cancelled", visit, actor_id=actor.id, reason=reason)
    if was_published:
        _tell_about(session, visit, N_("Friday visit on {date} cancelled: {venue}"))
    return visit


def _tell_about(session: Session, visit: FridayVisit, subject: str) -> None:
    """Tell the consultant and the requesting firm or chamber."""
    request = visit.request
    params = {"date": visit.on.isoformat(), "venue": venue_name(request)}
    conditions = [User.consultant_id == visit.consultant_id]
    if request.enterprise_id is not None:
        conditions.append(User.enterprise_id == request.enterprise_id)
    if request.chamber_id is not None:
        conditions.append(User.chamber_id == request.chamber_id)
    for user in session.scalars(select(User).where(User.status == "active", or_(*conditions))):
        notify(session, user, subject, "", params, link=f"/friday/visits/{visit.id}")


def get_visit(session: Session, actor: User, visit_id: int) -> FridayVisit:
    """A visit the actor may see."""
    visit = _get(session, FridayVisit, visit_id)
    if actor.role == "coordinator" or (
        actor.role == "consultant" and actor.consultant_id == visit.consultant_id
    ):
        return visit
    request = visit.request
    if visit.status in ("published", "done") and (
        (actor.role == "enterprise" and request.enterprise_id == actor.enterprise_id)
        or (actor.role == "chamber" and request.chamber_id == actor.chamber_id)
    ):
        return visit
    raise NotFound(N_("The page you asked for does not exist."))


# --- Visit records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemInput:
    """A problem found on a visit."""

    category: str
    description: str
    solved: bool
    follow_up: bool = False


@dataclass(frozen=True)
class RecordInput:
    """What the consultant records after a visit."""

    met: str
    minutes: int
    notes: str = ""
    problems: tuple[ProblemInput, ...] = field(default_factory=tuple)


def record_visit(
    session: Session, actor: User, visit_id: int, data: RecordInput, *, today: date
) -> FridayVisit:
    """Record who was met, the time spent and each problem; a follow-up becomes a request."""
    visit = _get(session, FridayVisit, visit_id)
    if not (
        actor.role == "coordinator"
        or (actor.role == "consultant" and actor.consultant_id == visit.consultant_id)
    ):
        raise NotFound(N_("The page you asked for does not exist."))
    if visit.status not in ("published", "done"):
        raise DomainError(N_("Only a published visit can be recorded."))
    if visit.on > today:
        raise DomainError(
            N_("The visit is on {date}; record it on the day or after."),
            {"date": visit.on.isoformat()},
        )
    if not data.met.strip():
        raise DomainError(N_("Enter whom you met (for example, the manager and HR)."), field="met")
    if not 5 <= data.minutes <= 600:
        raise DomainError(N_("Enter the time spent, 5 to 600 minutes."), field="minutes")
    for n, problem in enumerate(data.problems):
        if problem.category not in PROBLEM_CATEGORIES:
            raise DomainError(
                N_("Problem {n}: choose its category from the list."),
                {"n": n + 1},
                field="problems",
            )
        if not problem.description.strip():
            raise DomainError(
                N_("Problem {n}: describe it in a few words."), {"n": n + 1}, field="problems"
            )
        if problem.solved and problem.follow_up:
            raise DomainError(
                N_(
                    "Problem {n} is marked both solved on the spot and needing a follow-up; "
                    "choose one."
                ),
                {"n": n + 1},
                field="problems",
            )
    for old in list(visit.problems):
        visit.problems.remove(old)
    session.flush()
    request = visit.request
    for problem in data.problems:
        row = Problem(
            category=problem.category,
            description=problem.description.strip()[:1000],
            solved=problem.solved,
        )
        visit.problems.append(row)
        if problem.follow_up:
            follow = FridayRequest(
                kind=request.kind,
                enterprise_id=request.enterprise_id,
                chamber_id=request.chamber_id,
                town_id=request.town_id,
                venue_kind=request.venue_kind,
                studio_id=request.studio_id,
                place=request.place,
                topics=[problem.category],
                description=problem.description.strip()[:DESCRIPTION_MAX],
                headcount=request.headcount,
                counterparty=request.counterparty,
                source="follow_up",
                created_by_id=actor.id,
            )
            session.add(follow)
            session.flush()
            row.follow_up_request_id = follow.id
    visit.met = data.met.strip()[:200]
    visit.minutes = data.minutes
    visit.notes = data.notes.strip()
    visit.recorded_at = utcnow()
    visit.recorded_by_id = actor.id
    visit.status = "done"
    if request.status == "scheduled":
        request.status = "done"
    session.flush()
    audit.record(
        session, "friday_visit.recorded", visit, actor_id=actor.id, problems=len(data.problems)
    )
    return visit


# --- Office hours at the studios ----------------------------------------------------------------

HALF_HOUR = timedelta(minutes=30)


@dataclass(frozen=True)
class OfficeHoursInput:
    """A consultant sits at a studio on a Friday, from `starts` to `ends` (half-hour steps)."""

    studio_id: int
    consultant_id: int
    on: date
    starts: time
    ends: time


def half_hours(starts: time, ends: time) -> list[time]:
    """The half-hours from `starts` up to `ends`."""
    found = []
    at = datetime.combine(date(2000, 1, 1), starts)
    stop = datetime.combine(date(2000, 1, 1), ends)
    while at + HALF_HOUR <= stop:
        found.append(at.time())
        at += HALF_HOUR
    return found


def open_office_hours(
    session: Session, actor: User, data: OfficeHoursInput, *, today: date
) -> OfficeHours:
    """Hold office hours at a studio; the Friday itself is checked by the friday_visit rules."""
    _may_book(actor, data.consultant_id)
    studio = _get(session, Studio, data.studio_id)
    consultant = _get(session, Consultant, data.consultant_id)
    if data.starts.minute % 30 or data.ends.minute % 30 or data.ends <= data.starts:
        raise DomainError(
            N_("Office hours start and end on the hour or the half hour, the end after the start."),
            field="ends",
        )
    info = day_info(data.on)
    if data.on.weekday() != 4 or not info.working:
        raise DomainError(
            N_("{date} is not a working Friday; office hours are held on working Fridays."),
            {"date": data.on.isoformat()},
            field="on",
        )
    if data.on <= today:
        raise DomainError(
            N_("{date} has passed; choose a Friday after today."),
            {"date": data.on.isoformat()},
            field="on",
        )
    if _on_leave(session, consultant.id, data.on, data.on):
        raise DomainError(
            N_("{consultant} is on leave on {date}; choose another Friday."),
            {"consultant": consultant.name, "date": data.on.isoformat()},
            field="on",
        )
    clash = session.scalar(
        select(OfficeHours).where(
            OfficeHours.consultant_id == consultant.id,
            OfficeHours.on == data.on,
            OfficeHours.starts < data.ends,
            OfficeHours.ends > data.starts,
        )
    )
    if clash is not None:
        raise DomainError(
            N_("{consultant} already sits at {studio} from {starts} on {date}."),
            {
                "consultant": consultant.name,
                "studio": clash.studio.name,
                "starts": clash.starts.strftime("%H:%M"),
                "date": data.on.isoformat(),
            },
            field="starts",
        )
    row = OfficeHours(
        studio_id=studio.id,
        consultant_id=consultant.id,
        on=data.on,
        starts=data.starts,
        ends=data.ends,
    )
    session.add(row)
    session.flush()
    audit.record(session, "office_hours.opened", row, actor_id=actor.id)
    return row


def office_hours_between(
    session: Session, start: date, end: date, *, town_id: int | None = None
) -> list[OfficeHours]:
    """Office hours held in a period (at the studios of one town), by day, studio and time."""
    query = select(OfficeHours).where(OfficeHours.on.between(start, end))
    if town_id is not None:
        query = query.where(
            OfficeHours.studio_id.in_(select(Studio.id).where(Studio.town_id == town_id))
        )
    return list(
        session.scalars(
            query.options(
                selectinload(OfficeHours.bookings),
                selectinload(OfficeHours.studio),
                selectinload(OfficeHours.consultant),
            ).order_by(OfficeHours.on, OfficeHours.studio_id, OfficeHours.starts)
        )
    )


def booking_facts(
    session: Session,
    hours: OfficeHours,
    enterprise: Enterprise,
    starts: time,
    *,
    by_coordinator: bool,
    today: date,
) -> list[dict[str, Any]]:
    """The "friday_office_hours" facts for a firm's half-hour."""
    info = day_info(hours.on)
    taken = any(b.status == "booked" and b.starts == starts for b in hours.bookings)
    others = session.scalar(
        select(func.count())
        .select_from(OfficeBooking)
        .join(OfficeHours)
        .where(
            OfficeBooking.enterprise_id == enterprise.id,
            OfficeBooking.status == "booked",
            OfficeHours.on == hours.on,
        )
    )
    return [
        {
            "kind": "booking",
            "date": hours.on,
            "weekday": hours.on.weekday(),
            "working_day": info.working,
            "holiday_name": info.holiday_name_en,
            "holiday_name_zh": info.holiday_name_zh,
            "days_ahead": (hours.on - today).days,
            "by_coordinator": by_coordinator,
            "slot_starts": starts.strftime("%H:%M"),
            "studio": hours.studio.name,
            "consultant": hours.consultant.name,
            "firm": enterprise.name,
            "within_hours": starts in half_hours(hours.starts, hours.ends),
            "slot_taken": taken,
            "consultant_on_leave": not hours.consultant.active
            or _on_leave(session, hours.consultant_id, hours.on, hours.on),
            "conflict": has_conflict(session, hours.consultant_id, enterprise.id),
            "firm_bookings_that_day": others or 0,
        }
    ]


def book_half_hour(
    session: Session,
    actor: User,
    office_hours_id: int,
    starts: time,
    *,
    enterprise_id: int,
    topic: str,
    note: str = "",
    today: date,
) -> OfficeBooking:
    """A firm books half an hour of a consultant's office hours, if the rules allow."""
    if not (
        actor.role == "coordinator"
        or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id)
    ):
        raise NotFound(N_("The page you asked for does not exist."))
    hours = _get(session, OfficeHours, office_hours_id)
    enterprise = _get(session, Enterprise, enterprise_id)
    if topic not in PROBLEM_CATEGORIES:
        raise DomainError(N_("Choose the topics from the list."), field="topic")
    facts = booking_facts(
        session,
        hours,
        enterprise,
        starts,
        by_coordinator=actor.role == "coordinator",
        today=today,
    )
    decision = rules.decide(
        "friday_office_hours",
        facts,
        parameters=decisions.live_parameters(session, "friday_office_hours"),
    )
    _refuse_if(decision)
    booking = OfficeBooking(
        office_hours_id=hours.id,
        enterprise_id=enterprise.id,
        starts=starts,
        topic=topic,
        note=note.strip()[:200],
        created_by_id=actor.id,
    )
    try:  # another firm booking the same half-hour at this moment: its row wins
        with session.begin_nested():
            session.add(booking)
            session.flush()
    except IntegrityError:
        raise Conflict(
            N_("Someone has just booked this half-hour; choose another."), field="starts"
        ) from None
    decisions.log(session, decision, actor=actor, subject=booking)
    audit.record(session, "office_booking.booked", booking, actor_id=actor.id)
    for user in session.scalars(
        select(User).where(User.consultant_id == hours.consultant_id, User.status == "active")
    ):
        notify(
            session,
            user,
            N_("{firm} booked {time} on {date} at {studio}"),
            "",
            {
                "firm": enterprise.name,
                "time": starts.strftime("%H:%M"),
                "date": hours.on.isoformat(),
                "studio": hours.studio.name,
            },
            link="/friday/studios",
        )
    return booking


def may_see_booking(actor: User, booking: OfficeBooking) -> bool:
    """Whether the actor may see who booked a half-hour and why: coordinators and consultants
    all, a firm its own; others see only that it is taken."""
    return actor.role in ("coordinator", "consultant") or (
        actor.role == "enterprise" and actor.enterprise_id == booking.enterprise_id
    )


def cancel_booking(session: Session, actor: User, booking_id: int) -> OfficeBooking:
    """The firm (or a coordinator) gives a half-hour back."""
    booking = _get(session, OfficeBooking, booking_id)
    if not (
        actor.role == "coordinator"
        or (actor.role == "enterprise" and actor.enterprise_id == booking.enterprise_id)
    ):
        raise NotFound(N_("The page you asked for does not exist."))
    if booking.status != "booked":
        raise Conflict(N_("This booking is already cancelled."))
    booking.status = "cancelled"
    audit.record(session, "office_booking.cancelled", booking, actor_id=actor.id)
    return booking
