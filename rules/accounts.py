"""May this sign-up go to a coordinator, and what should the coordinator check? (ruleset "signup")

Firms and schools sign themselves up; a coordinator approves each account. These rules run when
the sign-up is sent, on one `signup` fact the application builds from the directory:

    {"kind": "signup", "role": "enterprise", "organisation": "清河市…有限公司",
     "accounts": 1, "organisation_known": True, "name_matches": False,
     "registered_name": "清河市…有限公司"}

`accounts` counts the organisation's accounts that are active or waiting. A refusal stops the
sign-up with its reason; the other outcomes (`{"check": ...}`) are notes for the coordinator,
shown beside the account on the approval page.
"""

from __future__ import annotations

from typing import Any

from rules import registry
from rules.conditions import eq, gte, lt, param, when
from rules.facts import FactKind, FactSchema, Field
from rules.messages import N_, Reason
from rules.parameters import ParameterSpec
from rules.ruleset import Match, Outcome, Ruleset

__all__ = ["signup"]

signup = Ruleset(
    "signup",
    "2026.1",
    FactSchema(
        FactKind(
            "signup",
            Field("role", str, choices=("enterprise", "school")),
            Field("organisation", str, max_length=120),
            Field("accounts", int, min=0, max=100_000),
            Field("organisation_known", bool),
            Field("name_matches", bool),
            Field("registered_name", str, required=False, nullable=True, max_length=120),
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "max_accounts_per_organisation",
            int,
            3,
            min=1,
            max=50,
            unit=N_("accounts"),
            label=N_("Accounts per firm or school"),
            help=N_(
                "How many accounts (active or waiting for approval) one firm or school may have. "
                "A sign-up beyond this is refused and told to ask a colleague who has one."
            ),
        )
    ],
    description=N_("Sign-ups of firms and schools"),
)

_EXAMPLE: dict[str, Any] = {
    "kind": "signup",
    "role": "enterprise",
    "organisation": "清河市示例轴承有限公司",
    "accounts": 0,
    "organisation_known": True,
    "name_matches": True,
    "registered_name": "清河市示例轴承有限公司",
}


@signup.rule(
    when("signup", gte("accounts", param("max_accounts_per_organisation"))),
    priority=10,
    examples=[{**_EXAMPLE, "accounts": 3}],
)
def too_many_accounts(match: Match) -> Outcome:
    """One firm or school has a few accounts, not many: more means a colleague should share
    theirs, or the coordinator adds one by hand (Fengqiao account policy)."""
    fact = match.fact
    return {"refused": True}, Reason(
        N_(
            "{organisation} already has {count} accounts (at most {max}). Ask a colleague who "
            "has one, or the coordinator."
        ),
        {
            "organisation": fact["organisation"],
            "count": fact["accounts"],
            "max": match.params["max_accounts_per_organisation"],
        },
    )


@signup.rule(
    when("signup", organisation_known=True, name_matches=False),
    priority=20,
    examples=[{**_EXAMPLE, "name_matches": False, "organisation": "示例轴承"}],
)
def name_differs_from_directory(match: Match) -> Outcome:
    """A firm that signs up with a name other than the one on record may have mistyped its code:
    the coordinator compares both before approving."""
    fact = match.fact
    return {"check": "name"}, Reason(
        N_("The name given, {given}, differs from the directory's {registered}: check the code."),
        {"given": fact["organisation"], "registered": fact["registered_name"] or ""},
    )


@signup.rule(
    when("signup", organisation_known=False),
    priority=30,
    examples=[{**_EXAMPLE, "organisation_known": False, "registered_name": None}],
)
def new_to_the_directory(match: Match) -> Outcome:
    """An organisation not yet in the directory joins it when its first account is approved."""
    return {"check": "new_organisation"}, Reason(
        N_("{organisation} is not in the directory yet; approving the account adds it."),
        {"organisation": match.fact["organisation"]},
    )


@signup.rule(
    when(
        "signup", lt("accounts", param("max_accounts_per_organisation")), eq("role", "enterprise")
    ),
    priority=100,
    examples=[_EXAMPLE],
)
def firm_may_sign_up(match: Match) -> Outcome:
    """A firm within the account limit may sign up; a coordinator approves it."""
    return {"accepted": True}, Reason(
        N_("{organisation} may sign up; the account waits for a coordinator's approval."),
        {"organisation": match.fact["organisation"]},
    )


@signup.rule(
    when("signup", lt("accounts", param("max_accounts_per_organisation")), eq("role", "school")),
    priority=100,
    examples=[{**_EXAMPLE, "role": "school", "organisation": "城关中心小学"}],
)
def school_may_sign_up(match: Match) -> Outcome:
    """A school within the account limit may sign up; a coordinator approves it."""
    return {"accepted": True}, Reason(
        N_("{organisation} may sign up; the account waits for a coordinator's approval."),
        {"organisation": match.fact["organisation"]},
    )


registry.register(signup)
