"""The navigation of the page shell, by role. Later programs add their pages here."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavItem:
    """A link in the page shell, shown to the roles that may open it."""

    endpoint: str
    label: str
    roles: frozenset[str]


ALL = frozenset(
    {"coordinator", "consultant", "mediator", "enterprise", "chamber", "school", "instructor"}
)

ITEMS = [
    NavItem("home.index", _l("Home"), ALL),
    NavItem("calendar.month", _l("Calendar"), ALL),
    NavItem(
        "friday.index",
        _l("Friday service"),
        frozenset({"coordinator", "consultant", "enterprise", "chamber"}),
    ),
    NavItem(
        "disputes.index",
        _l("Dispute loop"),
        frozenset({"coordinator", "mediator", "consultant", "enterprise"}),
    ),
    NavItem(
        "checkups.index",
        _l("Legal check-ups"),
        frozenset({"coordinator", "consultant", "enterprise"}),
    ),
    NavItem("disputes.supervision", _l("Supervision"), frozenset({"coordinator"})),
    NavItem("reports.index", _l("Figures"), frozenset({"coordinator"})),
    NavItem("prevention.seasons", _l("Seasonal list"), frozenset({"coordinator"})),
    NavItem("study.overview", _l("Study base"), frozenset({"coordinator"})),
    NavItem("study.request_visit", _l("Ask for a study-tour date"), frozenset({"school"})),
    NavItem("study.sessions", _l("Sessions"), frozenset({"instructor"})),
    NavItem(
        "directory.enterprises",
        _l("Enterprises"),
        frozenset({"coordinator", "consultant", "mediator", "chamber"}),
    ),
    NavItem(
        "directory.chambers", _l("Chambers"), frozenset({"coordinator", "consultant", "mediator"})
    ),
    NavItem(
        "directory.consultants",
        _l("Consultants"),
        frozenset({"coordinator", "consultant", "mediator"}),
    ),
    NavItem("directory.schools", _l("Schools"), frozenset({"coordinator", "instructor"})),
    NavItem("admin.users", _l("Accounts"), frozenset({"coordinator"})),
    NavItem("calendar.flags", _l("Re-checks"), frozenset({"coordinator"})),
    NavItem("decisions.parameters", _l("Rule parameters"), frozenset({"coordinator"})),
    NavItem("decisions.log", _l("Decision log"), frozenset({"coordinator"})),
    NavItem("admin.outbox", _l("Mail outbox"), frozenset({"coordinator"})),
    NavItem("admin.audit", _l("Audit trail"), frozenset({"coordinator"})),
]


def for_role(role: str) -> list[NavItem]:
    """The links a user of `role` sees."""
    return [item for item in ITEMS if role in item.roles]
