"""/api/v1/study (the plan): sessions opened and staffed, the plan drafted and published."""

from __future__ import annotations
