"""Which API operation stands for each action of the pages, and the page actions that stay on
the pages, each with why. A test holds every action a page can post to one or the other, so a
new page action without its endpoint (or a reason) fails the suite.

An action is (the page view's endpoint, the `action` it posts, or None for a view with one).
"""

from __future__ import annotations

from webapp.api import (
    calendar,
    checkups,
    decisions,
    disputes,
    friday,
    friday_visits,
    study,
    study_plan,
)

# The operations each program's module declares it stands for.
UI_ACTIONS: dict[tuple[str, str | None], str] = {
    **friday.UI_ACTIONS,
    **friday_visits.UI_ACTIONS,
    **checkups.UI_ACTIONS,
    **disputes.UI_ACTIONS,
    **study.UI_ACTIONS,
    **study_plan.UI_ACTIONS,
    **decisions.UI_ACTIONS,
    **calendar.UI_ACTIONS,
}

ACCOUNT = "The account itself: a person does it on the page, not a system with a token."
SETUP = (
    "Setting up the programs (people, places, vocabularies, parameters) stays with a "
    "coordinator on the pages, where the effect is shown before it is saved."
)
IMPORT = (
    "A file import is checked row by row on a preview page before anything is saved; a "
    "system adds records through the operations instead."
)

NOT_IN_API: dict[tuple[str, str | None], str] = {
    ("auth.login", None): ACCOUNT,
    ("auth.logout", None): ACCOUNT,
    ("auth.signup_enterprise", None): ACCOUNT,
    ("auth.signup_school", None): ACCOUNT,
    ("auth.account", "language"): ACCOUNT,
    ("auth.account", "password"): ACCOUNT,
    ("auth.account", "token"): ACCOUNT + " A token cannot make tokens.",
    ("auth.revoke_token", None): ACCOUNT,
    ("calendar.regenerate_feed", None): ACCOUNT,
    ("calendar.revoke_feed", None): ACCOUNT,
    ("home.open_note", None): "The inbox of the pages; a system is told through its own calls.",
    ("home.read_all", None): "The inbox of the pages; a system is told through its own calls.",
    ("admin.new_user", None): SETUP,
    ("admin.approve", None): SETUP,
    ("admin.reject", None): SETUP,
    ("admin.set_status", None): SETUP,
    ("admin.reset_password", None): SETUP,
    ("decisions.edit_parameters", None): SETUP,
    ("decisions.edit_parameters", "draft"): SETUP,
    ("decisions.publish_draft", None): SETUP,
    ("decisions.discard_draft", None): SETUP,
    ("directory.edit_enterprise", None): SETUP,
    ("directory.edit_consultant", None): SETUP,
    ("calendar.new_closure", None): SETUP,
    ("calendar.cancel_closure", None): SETUP,
    ("study.setup", None): SETUP,
    ("study.activity", None): SETUP,
    ("study.instructor", None): SETUP,
    ("directory.import_enterprises", None): IMPORT,
    ("directory.import_consultants", None): IMPORT,
    ("calendar.import_closures", None): IMPORT,
    ("calendar.import_preview", None): IMPORT,
    ("study.import_schools", None): IMPORT,
    ("prevention.seasons", None): IMPORT,
    ("prevention.decide_action", None): (
        "Not yet: the seasonal list is new (issue 13) and is decided on its page; its API "
        "operations come with the list's next part."
    ),
}
