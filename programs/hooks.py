"""Plug each program into the shared machinery (feeds, re-checks, the tick), once per process.

Called by the web app factory, the CLI and the test suite; safe to call again.
"""

from __future__ import annotations

_installed = False


def install() -> None:
    """Register every program's hooks."""
    global _installed
    if _installed:
        return
    from programs.checkups import hooks as checkups
    from programs.disputes import hooks as disputes
    from programs.friday import hooks as friday
    from programs.study_tours import hooks as study_tours

    study_tours.install()
    friday.install()
    disputes.install()
    checkups.install()
    _installed = True
