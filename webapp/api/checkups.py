"""/api/v1/checkups: enterprise legal check-ups — asked for, examined, graded, followed up."""

from __future__ import annotations
