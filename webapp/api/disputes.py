"""/api/v1/disputes: the three-end closed loop — cases, their moves, parties, documents and
feedback."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from programs.disputes import queries as dispute_queries
from programs.disputes import services as dispute_services
from rules.disputes import STAGE_NAMES
from webapp.api import schemas as s
from webapp.api.common import bp, t, why
from webapp.api.spec import ID, operation
from webapp.requests import db_session

# --- Dispute cases ------------------------------------------------------------------------------


DISPUTE_ROLES = ("coordinator", "mediator", "consultant", "enterprise")  # as the case list


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "case_type": case.case_type,
        "stage": case.stage,
        "stage_label": t(STAGE_NAMES[case.stage]),
        "team": case.team,
        "firm": case.enterprise.name if case.enterprise else case.counterparty_name,
        "town_id": case.town_id,
        "opened_on": case.opened_on,
        "due_on": case.due_on,
        "overdue": case.overdue,
        "escalated": case.escalated,
        "closed_on": case.closed_on,
        "resolved_on": case.resolved_on,
    }


@operation(
    bp,
    "GET",
    "/disputes/cases",
    summary="The dispute cases the account may see",
    response=s.CasesOut,
    query=s.CaseQuery,
    tag="disputes",
    roles=DISPUTE_ROLES,
)
def dispute_cases(query: s.CaseQuery) -> s.CasesOut:
    """As the case list: soonest due first; open cases unless `closed`."""
    page = dispute_queries.case_list(
        db_session(),
        current_user,
        dispute_queries.CaseFilter(
            mine=query.mine,
            case_type=query.type or "",
            stage=query.stage or "",
            include_closed=query.closed,
            search=query.q,
        ),
        page=query.page,
        per_page=query.per_page,
    )
    return s.CasesOut(
        items=[s.CaseOut(**_case_out(case)) for case in page.cases],
        paging=s.Page(page=page.page, per_page=query.per_page, total=page.total, pages=page.pages),
    )


@operation(
    bp,
    "GET",
    "/disputes/cases/" + ID.format("case_id"),
    summary="One dispute case, with its moves and the rules that allowed each",
    response=s.CaseDetailOut,
    tag="disputes",
    roles=DISPUTE_ROLES,
    errors=(404,),
)
def dispute_case(case_id: int) -> s.CaseDetailOut:
    case = dispute_services.get_case(db_session(), current_user, case_id)
    moves = [
        s.MoveOut(
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            on=move.on,
            days_in_stage=move.days_in_stage,
            manual=move.manual,
            reason=move.reason,
            why=why(move.decision),
        )
        for move in sorted(case.transitions, key=lambda m: (m.on, m.id))
    ]
    return s.CaseDetailOut(**_case_out(case), moves=moves)
