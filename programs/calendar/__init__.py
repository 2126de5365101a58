"""Closures, holiday-data watching, re-checks of dated records, and personal calendar feeds.

The arithmetic lives in `calendars/` (pure); this package stores what coordinators enter and
what the application must remember: closures, the holiday data each year was last checked
against, flags raised by re-checks, and feed tokens.
"""
