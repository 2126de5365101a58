"""Friday Law Service Day: visits, entities visited, problems found and solved by category,
consultant hours, pairings. A visit counts on its Friday once it is recorded (status "done");
its town is the town of the request (the firm's, the chamber's or the village's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, case, cast, func, literal, or_, select

from programs.directory.categories import PROBLEM_CATEGORIES
from programs.directory.models import Chamber, Consultant, Enterprise, Town
from programs.friday.models import REQUEST_KINDS, FridayRequest, FridayVisit, Pairing, Problem
from programs.i18n import N_
from reports.figures import Column, Figure, Scope, in_town, register

DATE = Column("on", N_("Friday"), "date")
VENUE = Column("venue", N_("Firm, chamber or village"))
TOWN = Column("town", N_("Town"))
CONSULTANT = Column("consultant", N_("Consultant"))
KIND = Column("kind", N_("Kind of visit"), "code", REQUEST_KINDS)
VISIT_COLUMNS = (DATE, VENUE, TOWN, CONSULTANT, KIND)  # the columns of `visit_rows`


def _venue() -> Any:
    return func.coalesce(Enterprise.name, Chamber.name, Town.name + FridayRequest.place)


def visit_rows(scope: Scope, *extra: Any) -> Select[Any]:
    """The recorded visits of the scope, one row each (date, venue, town, consultant, kind)
    and the `extra` columns."""
    statement = (
        select(
            FridayVisit.on.label("on"),
            _venue().label("venue"),
            Town.name.label("town"),
            Consultant.name.label("consultant"),
            FridayRequest.kind.label("kind"),
            *extra,
        )
        .join(FridayRequest, FridayRequest.id == FridayVisit.request_id)
        .join(Town, Town.id == FridayRequest.town_id)
        .join(Consultant, Consultant.id == FridayVisit.consultant_id)
        .outerjoin(Enterprise, Enterprise.id == FridayRequest.enterprise_id)
        .outerjoin(Chamber, Chamber.id == FridayRequest.chamber_id)
        .where(
            FridayVisit.status == "done",
            FridayVisit.on.between(scope.start_on, scope.end_on),
        )
        .order_by(FridayVisit.on, FridayVisit.id)
    )
    return in_town(statement, FridayRequest.town_id, scope)


def _minutes() -> Any:
    return FridayVisit.minutes.label("minutes")


def _visit_rows(scope: Scope) -> Select[Any]:
    return visit_rows(scope, _minutes())


def _entity() -> Any:
    """A market entity visited: the firm ("E12"), or the chamber ("C3") for its members."""
    return case(
        (
            FridayRequest.enterprise_id.is_not(None),
            literal("E") + cast(FridayRequest.enterprise_id, String),
        ),
        else_=literal("C") + cast(FridayRequest.chamber_id, String),
    ).label("entity")


def _entity_rows(scope: Scope) -> Select[Any]:
    return visit_rows(scope, _entity()).where(
        or_(FridayRequest.enterprise_id.is_not(None), FridayRequest.chamber_id.is_not(None))
    )


def _problem_rows(scope: Scope, *conditions: Any) -> Select[Any]:
    return (
        visit_rows(
            scope,
            Problem.category.label("category"),
            Problem.description.label("problem"),
            Problem.solved.label("solved"),
        )
        .join(Problem, Problem.visit_id == FridayVisit.id)
        .where(*conditions)
        .order_by(Problem.id)
    )


def _hours_rows(scope: Scope) -> Select[Any]:
    return visit_rows(scope, (func.coalesce(FridayVisit.minutes, 0) / 60.0).label("hours"))


def _pairing_rows(scope: Scope) -> Select[Any]:
    """Pairings in force on the period's last day."""
    statement = (
        select(
            Enterprise.name.label("venue"),
            Town.name.label("town"),
            Consultant.name.label("consultant"),
            Pairing.started_on.label("started_on"),
        )
        .join(Enterprise, Enterprise.id == Pairing.enterprise_id)
        .join(Town, Town.id == Enterprise.town_id)
        .join(Consultant, Consultant.id == Pairing.consultant_id)
        .where(
            Pairing.started_on <= scope.end_on,
            or_(Pairing.ended_on.is_(None), Pairing.ended_on > scope.end_on),
        )
        .order_by(Town.name, Enterprise.name)
    )
    return in_town(statement, Enterprise.town_id, scope)


CATEGORY = Column("category", N_("Category"), "code", PROBLEM_CATEGORIES)
PROBLEM_COLUMNS = (
    DATE,
    VENUE,
    TOWN,
    CONSULTANT,
    KIND,
    CATEGORY,
    Column("problem", N_("Problem")),
    Column("solved", N_("Solved on the spot"), "bool"),
)

VISITS = Figure(
    key="friday.visits",
    program="friday",
    label=N_("Visits made"),
    unit="count",
    columns=(DATE, VENUE, TOWN, CONSULTANT, KIND, Column("minutes", N_("Minutes"), "number")),
    query=_visit_rows,
    group_by="kind",
    help=N_("Recorded visits on the period's Fridays: to firms, chambers and villages."),
)
ENTITIES = Figure(
    key="friday.entities_visited",
    program="friday",
    label=N_("Market entities visited"),
    unit="count",
    columns=(DATE, VENUE, TOWN, CONSULTANT, KIND, Column("entity", N_("Entity"), "code")),
    query=_entity_rows,
    aggregate="distinct",
    of="entity",
    help=N_(
        "Firms and chambers of commerce with at least one recorded visit in the period, each "
        "counted once however often it was visited."
    ),
)
PROBLEMS = Figure(
    key="friday.problems",
    program="friday",
    label=N_("Problems found"),
    unit="count",
    columns=PROBLEM_COLUMNS,
    query=_problem_rows,
    group_by="category",
    help=N_("Problems recorded on the period's visits, by category."),
)
SOLVED = Figure(
    key="friday.problems_solved",
    program="friday",
    label=N_("Problems solved on the spot"),
    unit="count",
    columns=PROBLEM_COLUMNS,
    query=lambda scope: _problem_rows(scope, Problem.solved),
    group_by="category",
    help=N_("Problems the consultant solved during the visit, by category."),
)
HOURS = Figure(
    key="friday.consultant_hours",
    program="friday",
    label=N_("Consultant hours"),
    unit="hours",
    columns=(DATE, VENUE, TOWN, CONSULTANT, KIND, Column("hours", N_("Hours"), "number")),
    query=_hours_rows,
    aggregate="sum",
    of="hours",
    group_by="consultant",
    help=N_("The time consultants recorded on the period's visits, in hours."),
)
PAIRINGS = Figure(
    key="friday.pairings",
    program="friday",
    label=N_("Firms with a paired consultant"),
    unit="count",
    columns=(
        Column("venue", N_("Firm")),
        TOWN,
        CONSULTANT,
        Column("started_on", N_("Paired since"), "date"),
    ),
    query=_pairing_rows,
    help=N_("One-to-one pairings in force on the period's last day."),
)

register(VISITS, ENTITIES, PROBLEMS, SOLVED, HOURS, PAIRINGS)
