"""Legal check-ups: requests, check-ups done and their grades, the findings by item, the fixes
verified, the fixes overdue.

A check-up is done on the day it was examined (when the rules graded it, `examined_on`; it is
then reported, or closed at once when nothing was found); a cancelled one never was. Its town
is the firm's. A finding is an item the consultant marked "finding"; it is fixed, verified at a
return visit or accepted as a risk by the firm."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, or_, select

from programs.checkups.models import (
    CHECKUP_STATUSES,
    FIX_STATUSES,
    GRADE_SHORT,
    Checkup,
    CheckupItem,
)
from programs.directory.models import Consultant, Enterprise, Town
from programs.i18n import N_
from reports.figures import Column, Figure, Scope, in_town, register
from rules.checkups import CHECK_ITEMS, RISK_LEVELS

DONE = ("reported", "closed")
NUMBER = Column("number", N_("Number"))
FIRM = Column("firm", N_("Firm"))
TOWN = Column("town", N_("Town"))
CONSULTANT = Column("consultant", N_("Consultant"))
STATUS = Column("status", N_("Status"), "code", CHECKUP_STATUSES)
GRADE = Column("grade", N_("Grade of the check-up"), "code", GRADE_SHORT)
EXAMINED = Column("examined_on", N_("Examined on"), "date")
ITEM_NAMES = {code: item.title for code, item in CHECK_ITEMS.items()}


def _checkups(scope: Scope, *extra: Any) -> Select[Any]:
    statement = (
        select(
            Checkup.number.label("number"),
            Enterprise.name.label("firm"),
            Town.name.label("town"),
            Consultant.name.label("consultant"),
            Checkup.status.label("status"),
            *extra,
        )
        .join(Enterprise, Enterprise.id == Checkup.enterprise_id)
        .join(Town, Town.id == Enterprise.town_id)
        .outerjoin(Consultant, Consultant.id == Checkup.consultant_id)
        .order_by(Checkup.number)
    )
    return in_town(statement, Enterprise.town_id, scope)


def _requested(scope: Scope) -> Select[Any]:
    return _checkups(scope, Checkup.requested_on.label("requested_on")).where(
        Checkup.requested_on.between(scope.start_on, scope.end_on)
    )


def _done(scope: Scope) -> Select[Any]:
    return _checkups(
        scope, Checkup.examined_on.label("examined_on"), Checkup.grade.label("grade")
    ).where(Checkup.status.in_(DONE), Checkup.examined_on.between(scope.start_on, scope.end_on))


def _findings(scope: Scope, *conditions: Any) -> Select[Any]:
    """Findings of check-ups done (examined on or before the period's last day), one row each."""
    return (
        _checkups(
            scope,
            Checkup.examined_on.label("examined_on"),
            CheckupItem.code.label("item"),
            CheckupItem.risk.label("risk"),
            CheckupItem.fix_due_on.label("fix_due_on"),
            CheckupItem.fix_status.label("fix_status"),
            CheckupItem.fixed_on.label("fixed_on"),
            CheckupItem.verified_on.label("verified_on"),
        )
        .join(CheckupItem, CheckupItem.checkup_id == Checkup.id)
        .where(
            Checkup.status.in_(DONE),
            Checkup.examined_on <= scope.end_on,
            CheckupItem.result == "finding",
            *conditions,
        )
        .order_by(CheckupItem.position)
    )


def open_on(scope: Scope) -> Any:
    """Whether a finding was still open on the period's last day: open now, or fixed or accepted
    only after that day (a fix sent back at the return visit is open again, as if never fixed)."""
    end = scope.end_on
    return or_(
        CheckupItem.fix_status == "open",
        and_(CheckupItem.fix_status.in_(("fixed", "verified")), CheckupItem.fixed_on > end),
        and_(CheckupItem.fix_status == "accepted", CheckupItem.accepted_on > end),
    )


CHECKUP_COLUMNS = (NUMBER, FIRM, TOWN, CONSULTANT, STATUS)
ITEM = Column("item", N_("Item"), "code", ITEM_NAMES)
FINDING_COLUMNS = (
    *CHECKUP_COLUMNS,
    EXAMINED,
    ITEM,
    Column("risk", N_("Risk"), "code", dict(RISK_LEVELS)),
    Column("fix_due_on", N_("Fix by"), "date"),
    Column("fix_status", N_("Fix status"), "code", FIX_STATUSES),
    Column("fixed_on", N_("Fixed"), "date"),
    Column("verified_on", N_("Verified at the return visit"), "date"),
)

REQUESTED = Figure(
    key="checkups.requested",
    program="checkups",
    label=N_("Check-ups requested"),
    unit="count",
    columns=(*CHECKUP_COLUMNS, Column("requested_on", N_("Requested on"), "date")),
    query=_requested,
    group_by="status",
    help=N_(
        "Every check-up asked for in the period, by the firm, on a Friday visit or by a "
        "coordinator, by where it stands now (the cancelled ones too)."
    ),
)
DONE_FIGURE = Figure(
    key="checkups.done",
    program="checkups",
    label=N_("Check-ups done"),
    unit="count",
    columns=(*CHECKUP_COLUMNS, EXAMINED, GRADE),
    query=_done,
    group_by="grade",
    help=N_(
        "Check-ups examined and graded in the period (reported, or closed when nothing was "
        "found), by grade; cancelled requests do not count."
    ),
)
GRADES = Figure(
    key="checkups.grades",
    program="checkups",
    label=N_("Check-ups by grade"),
    unit="count",
    columns=(*CHECKUP_COLUMNS, EXAMINED, GRADE),
    query=_done,
    group_by="grade",
    help=N_(
        "How the check-ups examined in the period were graded: red (serious and urgent), "
        "orange (risks to fix) or green (no significant risk)."
    ),
)
FINDINGS = Figure(
    key="checkups.findings",
    program="checkups",
    label=N_("Check-up findings"),
    unit="count",
    columns=FINDING_COLUMNS,
    query=lambda scope: _findings(scope, Checkup.examined_on >= scope.start_on),
    group_by="item",
    help=N_(
        "The findings of the check-ups examined in the period, by checklist item: which "
        "risks firms run most often."
    ),
)
VERIFIED = Figure(
    key="checkups.fixes_verified",
    program="checkups",
    label=N_("Fixes verified"),
    unit="count",
    columns=FINDING_COLUMNS,
    query=lambda scope: _findings(
        scope,
        CheckupItem.fix_status == "verified",
        CheckupItem.verified_on.between(scope.start_on, scope.end_on),
    ),
    group_by="item",
    help=N_(
        "Findings whose fix the consultant verified at a return visit during the period, by "
        "checklist item."
    ),
)
OVERDUE = Figure(
    key="checkups.fixes_overdue",
    program="checkups",
    label=N_("Fixes overdue"),
    unit="count",
    columns=FINDING_COLUMNS,
    query=lambda scope: _findings(scope, CheckupItem.fix_due_on < scope.end_on, open_on(scope)),
    group_by="item",
    help=N_(
        "Findings still open on the period's last day although the day to fix them by had "
        "passed: neither fixed nor accepted as a risk by then, whatever happened since."
    ),
)

register(REQUESTED, DONE_FIGURE, GRADES, FINDINGS, VERIFIED, OVERDUE)
