"""The three-end loop: cases opened and resolved by type, amounts recovered, contracts reviewed,
days per stage (mean and 90th percentile), overdue, escalated, satisfaction at the return visit.

A dispute is resolved on the day it first reaches its feedback stage (the return visit follows);
a contract review or a prevention task when it closes: the case's `resolved_on`, which the loop
records as it moves the case. A case's town is the case's own (the firm's, at intake)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from programs.directory.models import Enterprise, Town
from programs.disputes.models import CaseTransition, DisputeCase
from programs.i18n import N_
from programs.prevention.models import CATEGORIES as HOTLINE_CATEGORIES
from programs.prevention.models import CHANNELS as HOTLINE_CHANNELS
from programs.prevention.models import HotlineRecord
from reports.figures import Column, Figure, Scope, in_town, register
from rules.disputes import STAGE_NAMES, TYPE_NAMES

NUMBER = Column("number", N_("Case number"))
TYPE = Column("case_type", N_("Type"), "code", dict(TYPE_NAMES))
FIRM = Column("firm", N_("Firm"))
TOWN = Column("town", N_("Town"))
STAGE = Column("stage", N_("Stage"), "code", dict(STAGE_NAMES))


def _cases(scope: Scope, *extra: Any) -> Select[Any]:
    statement = (
        select(
            DisputeCase.number.label("number"),
            DisputeCase.case_type.label("case_type"),
            func.coalesce(Enterprise.name, DisputeCase.counterparty_name).label("firm"),
            Town.name.label("town"),
            DisputeCase.stage.label("stage"),
            *extra,
        )
        .join(Town, Town.id == DisputeCase.town_id)
        .outerjoin(Enterprise, Enterprise.id == DisputeCase.enterprise_id)
        .order_by(DisputeCase.number)
    )
    return in_town(statement, DisputeCase.town_id, scope)


def _opened(scope: Scope) -> Select[Any]:
    return _cases(scope, DisputeCase.opened_on.label("opened_on")).where(
        DisputeCase.opened_on.between(scope.start_on, scope.end_on)
    )


def _resolved(scope: Scope, *types: str) -> Select[Any]:
    statement = _cases(
        scope,
        DisputeCase.resolved_on.label("resolved_on"),
        (DisputeCase.amount_recovered + DisputeCase.loss_avoided).label("recovered"),
        DisputeCase.contracts_reviewed.label("contracts"),
    ).where(DisputeCase.resolved_on.between(scope.start_on, scope.end_on))
    if types:
        statement = statement.where(DisputeCase.case_type.in_(types))
    return statement


def _stays(scope: Scope) -> Select[Any]:
    statement = (
        select(
            DisputeCase.number.label("number"),
            DisputeCase.case_type.label("case_type"),
            Town.name.label("town"),
            CaseTransition.from_stage.label("stage"),
            CaseTransition.on.label("left_on"),
            CaseTransition.days_in_stage.label("days"),
        )
        .join(DisputeCase, DisputeCase.id == CaseTransition.case_id)
        .join(Town, Town.id == DisputeCase.town_id)
        .where(
            CaseTransition.from_stage.is_not(None),
            CaseTransition.on.between(scope.start_on, scope.end_on),
        )
        .order_by(CaseTransition.on, CaseTransition.id)
    )
    return in_town(statement, DisputeCase.town_id, scope)


RESOLVED_COLUMNS = (
    NUMBER,
    TYPE,
    FIRM,
    TOWN,
    STAGE,
    Column("resolved_on", N_("Resolved on"), "date"),
    Column("recovered", N_("Recovered or avoided (yuan)"), "yuan"),
    Column("contracts", N_("Contracts reviewed"), "number"),
)
STAY_COLUMNS = (
    NUMBER,
    TYPE,
    TOWN,
    STAGE,
    Column("left_on", N_("Left the stage on"), "date"),
    Column("days", N_("Days in the stage"), "number"),
)

OPENED = Figure(
    key="disputes.opened",
    program="disputes",
    label=N_("Cases opened"),
    unit="count",
    columns=(NUMBER, TYPE, FIRM, TOWN, STAGE, Column("opened_on", N_("Opened on"), "date")),
    query=_opened,
    group_by="case_type",
    help=N_("Disputes, contract reviews and prevention tasks taken in during the period."),
)
RESOLVED = Figure(
    key="disputes.resolved",
    program="disputes",
    label=N_("Cases resolved"),
    unit="count",
    columns=RESOLVED_COLUMNS,
    query=_resolved,
    group_by="case_type",
    help=N_(
        "A dispute is resolved when it reaches its return visit; a contract review or a "
        "prevention task when it closes."
    ),
)
DISPUTES_RESOLVED = Figure(
    key="disputes.disputes_resolved",
    program="disputes",
    label=N_("Labour and commercial disputes resolved"),
    unit="count",
    columns=RESOLVED_COLUMNS,
    query=lambda scope: _resolved(scope, "labour", "commercial"),
    group_by="case_type",
    help=N_("The labour and sales disputes the loop resolved in the period."),
)
RECOVERED = Figure(
    key="disputes.recovered",
    program="disputes",
    label=N_("Losses recovered or avoided"),
    unit="yuan",
    columns=RESOLVED_COLUMNS,
    query=_resolved,
    aggregate="sum",
    of="recovered",
    group_by="case_type",
    help=N_(
        "Amounts recovered and losses avoided, as recorded on the cases resolved in the "
        "period, with their supporting record."
    ),
)
CONTRACTS = Figure(
    key="disputes.contracts_reviewed",
    program="disputes",
    label=N_("Contracts reviewed"),
    unit="count",
    columns=RESOLVED_COLUMNS,
    query=lambda scope: _resolved(scope, "contract_review"),
    aggregate="sum",
    of="contracts",
    help=N_("Contracts examined by the contract reviews that closed in the period."),
)
DAYS_MEAN = Figure(
    key="disputes.days_per_stage",
    program="disputes",
    label=N_("Average days per stage"),
    unit="days",
    columns=STAY_COLUMNS,
    query=_stays,
    aggregate="mean",
    of="days",
    group_by="stage",
    help=N_("Days cases spent in each stage they left during the period, on average."),
)
DAYS_P90 = Figure(
    key="disputes.days_per_stage_p90",
    program="disputes",
    label=N_("Days per stage, 90th percentile"),
    unit="days",
    columns=STAY_COLUMNS,
    query=_stays,
    aggregate="p90",
    of="days",
    group_by="stage",
    help=N_(
        "Nine in ten stays in the stage were this long or shorter (nearest rank): the slow "
        "cases the average hides."
    ),
)
OPEN_NOW = Figure(
    key="disputes.open_by_stage",
    program="disputes",
    label=N_("Open cases by stage, now"),
    unit="count",
    columns=(NUMBER, TYPE, FIRM, TOWN, STAGE, Column("since", N_("In the stage since"), "date")),
    query=lambda scope: _cases(scope, DisputeCase.stage_entered_on.label("since")).where(
        DisputeCase.closed_on.is_(None), DisputeCase.opened_on <= scope.end_on
    ),
    group_by="stage",
    help=N_("Cases not closed, by the stage they stand in today (all types)."),
)
OVERDUE = Figure(
    key="disputes.overdue",
    program="disputes",
    label=N_("Cases overdue now"),
    unit="count",
    columns=(NUMBER, TYPE, FIRM, TOWN, STAGE, Column("due_on", N_("Fell due on"), "date")),
    query=lambda scope: _cases(scope, DisputeCase.due_on.label("due_on")).where(
        DisputeCase.closed_on.is_(None), DisputeCase.overdue
    ),
    group_by="case_type",
    help=N_("Open cases whose stage is past its last day, as they stand today."),
)
ESCALATED = Figure(
    key="disputes.escalated",
    program="disputes",
    label=N_("Cases escalated to the one-stop centre"),
    unit="count",
    columns=(NUMBER, TYPE, FIRM, TOWN, STAGE, Column("escalated_on", N_("Escalated on"), "date")),
    query=lambda scope: _cases(scope, DisputeCase.escalated_on.label("escalated_on")).where(
        DisputeCase.escalated_on.between(scope.start_on, scope.end_on)
    ),
    group_by="case_type",
    help=N_("Cases that went up to the one-stop mediation centre during the period."),
)
SATISFACTION = Figure(
    key="disputes.satisfaction",
    program="disputes",
    label=N_("Satisfaction at the return visit"),
    unit="score",
    columns=(
        NUMBER,
        TYPE,
        FIRM,
        TOWN,
        STAGE,
        Column("visited_on", N_("Return visit"), "date"),
        Column("satisfaction", N_("Satisfaction (1 to 5)"), "number"),
    ),
    query=lambda scope: _cases(
        scope,
        DisputeCase.return_visit_on.label("visited_on"),
        DisputeCase.satisfaction.label("satisfaction"),
    ).where(
        DisputeCase.return_visit_on.between(scope.start_on, scope.end_on),
        DisputeCase.satisfaction.is_not(None),
    ),
    aggregate="mean",
    of="satisfaction",
    help=N_("The parties' satisfaction recorded at the period's return visits, on average."),
)

HOTLINE_ENTERPRISE_CALLS = Figure(
    key="disputes.hotline_enterprise_calls",
    program="disputes",
    label=N_("Enterprise calls to the 12345 hotline"),
    unit="count",
    columns=(
        Column("received_on", N_("Received on"), "date"),
        TOWN,
        Column("category", N_("Category"), "code", dict(HOTLINE_CATEGORIES)),
        Column("channel", N_("Channel"), "code", dict(HOTLINE_CHANNELS)),
    ),
    query=lambda scope: in_town(
        select(
            HotlineRecord.received_on.label("received_on"),
            Town.name.label("town"),
            HotlineRecord.category.label("category"),
            HotlineRecord.channel.label("channel"),
        )
        .join(Town, Town.id == HotlineRecord.town_id)
        .where(
            HotlineRecord.from_enterprise,
            HotlineRecord.channel == "hotline",
            HotlineRecord.received_on.between(scope.start_on, scope.end_on),
        )
        .order_by(HotlineRecord.received_on, HotlineRecord.id),
        HotlineRecord.town_id,
        scope,
    ),
    group_by="category",
    help=N_(
        "Calls firms made to the 12345 hotline during the period, from the imported hotline "
        "records (fewer is better: the programs aim to solve problems before firms call)."
    ),
)

register(
    OPENED,
    RESOLVED,
    DISPUTES_RESOLVED,
    RECOVERED,
    CONTRACTS,
    DAYS_MEAN,
    DAYS_P90,
    OPEN_NOW,
    OVERDUE,
    ESCALATED,
    SATISFACTION,
    HOTLINE_ENTERPRISE_CALLS,
)
