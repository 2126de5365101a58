"""/api/v1/study: the minors-protection study base — sessions, visits, the plan."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from webapp.api import schemas as s
from webapp.api.common import bp, why
from webapp.api.spec import ID, operation
from webapp.requests import db_session

# --- Study-base visits ---------------------------------------------------------------------------


def _visit_out(visit: Any) -> s.VisitOut:
    records = decision_services.decisions_about(db_session(), "visits", visit.id)
    return s.VisitOut(
        id=visit.id,
        school_id=visit.school_id,
        school=visit.school.name,
        session_id=visit.session_id,
        on=visit.session.on,
        slot=visit.session.slot,
        status=visit.status,
        grade=visit.grade,
        classes=visit.classes,
        students=visit.students,
        teachers=visit.teachers,
        why=[item for record in records for item in why(record)],
    )


STUDY_ROLES = ("coordinator", "school", "instructor")


@operation(
    bp,
    "GET",
    "/study/visits/" + ID.format("visit_id"),
    summary="One study-tour visit, with the rules that placed it",
    response=s.VisitOut,
    tag="study",
    roles=STUDY_ROLES,
    errors=(404,),
)
def study_visit(visit_id: int) -> s.VisitOut:
    return _visit_out(study_queries.visit_for(db_session(), current_user, visit_id))


@operation(
    bp,
    "POST",
    "/study/visits",
    summary="Ask for a study-tour session for a school's group",
    response=s.VisitOut,
    body=s.VisitIn,
    tag="study",
    roles=("coordinator", "school"),
    status=201,
    errors=(404, 409, 422),
)
def request_study_visit(body: s.VisitIn) -> s.VisitOut:
    """As the booking form: a draft until a coordinator publishes it; refused with every rule
    that says no (the session full, the base closed that day, too few teachers…)."""
    school_id = current_user.school_id if current_user.role == "school" else body.school_id
    visit = study_services.request_visit(
        db_session(),
        current_user,
        study_services.VisitInput(
            school_id=school_id,
            session_id=body.session_id,
            activity_ids=list(body.activity_ids),
            students=body.students,
            teachers=body.teachers,
            grade=body.grade,
            classes=body.classes,
            note=body.note,
        ),
        today=shanghai_today(),
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/study/visits/" + ID.format("visit_id") + "/move-to-date",
    summary="Move a visit to another day and half-day",
    response=s.VisitOut,
    body=s.MoveToDateIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 409, 422),
)
def move_study_visit(visit_id: int, body: s.MoveToDateIn) -> s.VisitOut:
    """A closed day (a public holiday, a closure, a day the base does not open) is refused at
    once with the reason; an open day without a session gets one."""
    visit = study_services.move_visit_to_date(
        db_session(), current_user, visit_id, body.on, body.slot, today=shanghai_today()
    )
    return _visit_out(visit)
