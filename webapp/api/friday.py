"""/api/v1/friday: Friday Law Service Day — the requests (filed, read with the rules that paired
the firm, withdrawn). Visits, the roster, the studios and conflicts are in `friday_visits`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.friday import queries as friday_queries
from programs.friday import services as friday_services
from programs.i18n import N_
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, instants_of, page_of, paging, period_of, t
from webapp.api.spec import ID, operation
from webapp.requests import db_session

# --- Friday requests -----------------------------------------------------------------------------------


class FridayRequestOut(s.RequestOut):
    why: list[s.WhyOut] = Field(
        description="The rules that paired the firm: those about the request, the consultant "
        "chosen and a pair replaced (as the request page shows them first)."
    )


class FridayRequestQuery(s.RequestQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The day the request was made (in Shanghai) falls in it: 2026-11 (a "
            "month), 2026-Q4 (a quarter) or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The request's town; every town when left out.")
    ] = None


class FridayRequestsOut(BaseModel):
    items: list[FridayRequestOut]
    paging: s.Page


def _pairing_why(request_id: int) -> list[s.WhyOut]:
    """The fired rules of the request's stored pairing decisions that the request page shows
    first (`pairing_highlights`), each with its reason."""
    records = decision_services.decisions_about(db_session(), "friday_requests", request_id)
    shown = friday_services.pairing_highlights(records)
    out = []
    for record in records:
        for fired in record.record.get("fired", ()):
            facts = set(fired.get("facts", ()))
            if fired.get("reason") and facts & shown.get(record.id, facts):
                reason = fired["reason"]
                out.append(
                    s.WhyOut(rule=fired["rule"], reason=t(reason["msgid"], reason.get("params")))
                )
    return out


def _request_out(request_: Any) -> FridayRequestOut:
    pairing = (
        friday_services.current_pairing(db_session(), request_.enterprise_id)
        if request_.enterprise_id
        else None
    )
    return FridayRequestOut(
        id=request_.id,
        kind=request_.kind,
        status=request_.status,
        source=request_.source,
        label=request_.label,
        town_id=request_.town_id,
        enterprise_id=request_.enterprise_id,
        chamber_id=request_.chamber_id,
        venue_kind=request_.venue_kind,
        topics=list(request_.topics),
        description=request_.description,
        preferred_fridays=[date.fromisoformat(d) for d in request_.preferred_fridays],
        headcount=request_.headcount,
        created_at=request_.created_at,
        paired_consultant=pairing.consultant.name if pairing else None,
        why=_pairing_why(request_.id),
    )


FRIDAY_ROLES = ("coordinator", "consultant", "enterprise", "chamber")


@operation(
    bp,
    "GET",
    "/friday/requests",
    summary=N_("The Friday requests the account may see"),
    response=FridayRequestsOut,
    query=FridayRequestQuery,
    tag="friday",
    roles=FRIDAY_ROLES,
    errors=(404,),
)
def friday_requests(query: FridayRequestQuery) -> FridayRequestsOut:
    """All for a coordinator, a firm's or a chamber's own, those a consultant visits; newest
    first. `period` is the day the request was made (in Shanghai), `town` its town."""
    check_town(query.town)
    found = friday_queries.requests_for(
        db_session(),
        current_user,
        status=query.status,
        made_between=instants_of(period_of(query)),
        town_id=query.town,
    )
    shown = page_of(found, query)
    with decision_services.prefetched(db_session(), "friday_requests", [r.id for r in shown]):
        items = [_request_out(r) for r in shown]
    return FridayRequestsOut(items=items, paging=paging(len(found), query))


@operation(
    bp,
    "GET",
    "/friday/requests/" + ID.format("request_id"),
    summary=N_("One Friday request"),
    response=FridayRequestOut,
    tag="friday",
    roles=FRIDAY_ROLES,
    errors=(404,),
)
def friday_request(request_id: int) -> FridayRequestOut:
    """A request the account may see (a firm or a chamber its own, a consultant those they
    visit or whose firm they are paired with), with the rules that paired the firm."""
    return _request_out(friday_services.get_request(db_session(), current_user, request_id))


@operation(
    bp,
    "POST",
    "/friday/requests",
    summary=N_("Ask for a Friday visit or session"),
    response=FridayRequestOut,
    body=s.RequestIn,
    tag="friday",
    roles=("coordinator", "enterprise", "chamber"),
    status=201,
    errors=(404, 422),
)
def submit_friday_request(body: s.RequestIn) -> FridayRequestOut:
    """As the page's form: a firm asks for itself, a chamber for itself, a coordinator for
    anyone; a firm's request gets (or keeps) its paired consultant, chosen by the rules."""
    data = friday_services.as_requester(
        current_user,
        friday_services.RequestInput(
            kind=body.kind,
            topics=tuple(body.topics),
            description=body.description,
            preferred_fridays=tuple(body.preferred_fridays),
            enterprise_id=body.enterprise_id,
            chamber_id=body.chamber_id,
            town_id=body.town_id,
            venue_kind=body.venue_kind,
            studio_id=body.studio_id,
            place=body.place,
            headcount=body.headcount,
            counterparty=body.counterparty,
        ),
    )
    made = friday_services.submit_request(db_session(), current_user, data, today=shanghai_today())
    return _request_out(made)


@operation(
    bp,
    "POST",
    "/friday/requests/" + ID.format("request_id") + "/cancel",
    summary=N_("Withdraw a Friday request that has no visit on the roster"),
    response=FridayRequestOut,
    body=s.CancelIn,
    tag="friday",
    roles=("coordinator", "enterprise", "chamber"),
    errors=(404, 409, 422),
)
def cancel_friday_request(request_id: int, body: s.CancelIn) -> FridayRequestOut:
    """By the firm or chamber that asked, or a coordinator, with a reason. A request closed
    already is 409; one with a visit on the roster is 422 (cancel the visit first)."""
    made = friday_services.cancel_request(db_session(), current_user, request_id, body.reason)
    return _request_out(made)


UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("friday.new_request", None): "submit_friday_request",
    ("friday.request_page", "cancel"): "cancel_friday_request",
}
