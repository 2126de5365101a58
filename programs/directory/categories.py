"""The problem categories a Friday visit records (DOMAIN.md), also consultants' expertise areas.

Plain data (no database), so the pure planners can name them in their reasons.
"""

from __future__ import annotations

from typing import Any

from programs.i18n import N_

PROBLEM_CATEGORIES = {
    "management": N_("Enterprise management"),
    "contracts": N_("Contracts"),
    "labour": N_("Labour and employment"),
    "intellectual_property": N_("Intellectual property"),
    "tax": N_("Tax"),
    "compliance": N_("Compliance"),
    "financing": N_("Financing"),
}


def category_names(codes: Any) -> list[dict[str, Any]]:
    """Categories as nested messages (a reason's parameter renders them in the reader's
    language, joined with 、); an unknown code is shown as it is."""
    return [{"msgid": PROBLEM_CATEGORIES.get(code, code), "params": {}} for code in sorted(codes)]
