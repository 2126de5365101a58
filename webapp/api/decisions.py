"""/api/v1/decisions: a decision of the rules read whole (the facts it saw, the parameters, each
rule that fired and why) and set aside by a coordinator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from programs.decisions import services as decision_services
from programs.i18n import N_
from webapp.api import schemas as s
from webapp.api.common import bp, t
from webapp.api.spec import ID, operation
from webapp.requests import db_session


class FiredOut(BaseModel):
    rule: str
    reason: str
    outcome: Any
    facts: list[int] = Field(description="The positions, in `facts`, of the facts it saw.")


class OverrideOut(BaseModel):
    outcome: dict[str, Any]
    reason: str
    by: str
    at: datetime


class DecisionOut(BaseModel):
    id: int
    ruleset: str
    ruleset_version: str
    parameters_version: int | None
    refused: bool
    subject_type: str | None
    subject_id: int | None
    created_at: datetime
    parameters: dict[str, Any]
    facts: list[Any]
    fired: list[FiredOut]
    overrides: list[OverrideOut]


class OverrideIn(s.Strict):
    outcome: Literal["allow", "refuse"] = Field(
        description="allow: allow what the rules refused; refuse: refuse what they allowed."
    )
    reason: Annotated[s.Text, Field(min_length=1, max_length=2000)]


def _decision_out(record: Any) -> DecisionOut:
    kept = record.record
    return DecisionOut(
        id=record.id,
        ruleset=record.ruleset,
        ruleset_version=record.ruleset_version,
        parameters_version=record.parameters_version,
        refused=record.refused,
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        created_at=record.created_at,
        parameters=kept.get("parameters", {}),
        facts=kept.get("facts", []),
        fired=[
            FiredOut(
                rule=fired["rule"],
                reason=t(fired["reason"]["msgid"], fired["reason"].get("params"))
                if fired.get("reason")
                else "",
                outcome=fired.get("outcome"),
                facts=fired.get("facts", []),
            )
            for fired in kept.get("fired", ())
        ],
        overrides=[
            OverrideOut(
                outcome=row.outcome,
                reason=row.reason,
                by=row.actor.display_name,
                at=row.created_at,
            )
            for row in record.overrides
        ],
    )


@operation(
    bp,
    "GET",
    "/decisions/" + ID.format("decision_id"),
    summary=N_("A decision of the rules, with the facts it saw and each rule that fired"),
    response=DecisionOut,
    tag="decisions",
    errors=(404,),
)
def decision(decision_id: int) -> DecisionOut:
    """As the decision page: a coordinator reads any decision, anyone else those made on their
    own action (the `why` of every answer names rules; this is the whole record behind it)."""
    return _decision_out(
        decision_services.visible_decision(db_session(), current_user, decision_id)
    )


@operation(
    bp,
    "POST",
    "/decisions/" + ID.format("decision_id") + "/override",
    summary=N_("Set a decision of the rules aside, saying why"),
    response=DecisionOut,
    body=OverrideIn,
    tag="decisions",
    roles=("coordinator",),
    errors=(404, 422),
)
def override_decision(decision_id: int, body: OverrideIn) -> DecisionOut:
    """A coordinator's override is kept beside the decision with the reason, which is logged;
    a reason of a word or two is refused (422)."""
    decision_services.override(
        db_session(),
        current_user,
        decision_id,
        {"refused": body.outcome == "refuse", "overridden": True},
        body.reason,
    )
    record = decision_services.visible_decision(db_session(), current_user, decision_id)
    db_session().refresh(record)
    return _decision_out(record)


UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("decisions.override", None): "override_decision",
}
