"""What the API takes and gives, as pydantic models: they validate the input and they are the
OpenAPI document's schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from programs.directory.categories import PROBLEM_CATEGORIES
from programs.friday.models import REQUEST_KINDS, REQUEST_STATUSES, VENUE_KINDS
from rules.disputes import CASE_TYPES, STAGE_NAMES

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
# Text a person typed: no NUL (no database keeps it), trimmed by the operations.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
Category = Literal[tuple(PROBLEM_CATEGORIES)]  # type: ignore[valid-type]
RequestKind = Literal[tuple(REQUEST_KINDS)]  # type: ignore[valid-type]
VenueKind = Literal[tuple(VENUE_KINDS)]  # type: ignore[valid-type]
RequestStatus = Literal[tuple(REQUEST_STATUSES)]  # type: ignore[valid-type]


class Strict(BaseModel):
    """Input: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class FromRecord(BaseModel):
    """An answer read straight from a record's attributes (`Model.model_validate(record)`)."""

    model_config = ConfigDict(from_attributes=True)


class PageQuery(Strict):
    page: Annotated[int, Field(ge=1, le=100_000, description="Page number, from 1.")] = 1
    per_page: Annotated[int, Field(ge=1, le=200, description="Items per page (at most 200).")] = 50


class Page(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    locale: str


class TownOut(BaseModel):
    id: int
    name: str
    kind: str


class TownsOut(BaseModel):
    items: list[TownOut]


class FigureInfo(BaseModel):
    key: str
    program: str
    label: str
    unit: str
    help: str


class FiguresOut(BaseModel):
    items: list[FigureInfo]


class PeriodTownQuery(PageQuery):
    """A list's filter by period and town (both optional)."""

    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year); "
            "every day when left out.",
        ),
    ] = None
    town: Annotated[Id | None, Field(description="A town's id; every town when left out.")] = None


class FigureQuery(PageQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year); "
            "this month when left out.",
        ),
    ] = None
    town: Annotated[Id | None, Field(description="A town's id; the whole city when left out.")] = (
        None
    )


class ColumnOut(BaseModel):
    name: str
    label: str
    kind: str


class FigureOut(BaseModel):
    key: str
    label: str
    unit: str
    period: str
    start_on: date
    end_on: date
    town: int | None
    total: float | None
    groups: dict[str, float]
    records: int
    columns: list[ColumnOut]
    rows: list[list[Any]]
    paging: Page


class RequestQuery(PeriodTownQuery):
    status: RequestStatus | None = None


class RequestIn(Strict):
    kind: RequestKind = Field(
        "enterprise", description="Ignored for firm and chamber accounts: their own kind."
    )
    topics: Annotated[list[Category], Field(min_length=1, max_length=len(PROBLEM_CATEGORIES))]
    description: Annotated[Text, Field(max_length=2000)] = ""
    preferred_fridays: Annotated[list[date], Field(max_length=5)] = []
    enterprise_id: Id | None = Field(None, description="A coordinator's request for a firm.")
    chamber_id: Id | None = Field(None, description="A coordinator's request for a chamber.")
    town_id: Id | None = Field(None, description="The town of a village session.")
    venue_kind: VenueKind = "premises"
    studio_id: Id | None = None
    place: Annotated[Text, Field(max_length=120)] = ""
    headcount: Annotated[int, Field(ge=1, le=10_000)] | None = None
    counterparty: Annotated[Text, Field(max_length=120)] = ""


class CancelIn(Strict):
    reason: Annotated[Text, Field(min_length=1, max_length=500)]


class RequestOut(BaseModel):
    id: int
    kind: str
    status: str
    source: str
    label: str
    town_id: int
    enterprise_id: int | None
    chamber_id: int | None
    venue_kind: str
    topics: list[str]
    description: str
    preferred_fridays: list[date]
    headcount: int | None
    created_at: datetime
    paired_consultant: str | None


class RequestsOut(BaseModel):
    items: list[RequestOut]
    paging: Page


CaseType = Literal[tuple(CASE_TYPES)]  # type: ignore[valid-type]
Stage = Literal[tuple(STAGE_NAMES)]  # type: ignore[valid-type]


class CaseQuery(PageQuery):
    mine: bool = Field(False, description="Only the cases assigned to the account.")
    type: CaseType | None = None
    stage: Stage | None = None
    closed: bool = Field(False, description="Closed cases too.")
    q: Annotated[Text, Field(max_length=60, description="Part of a number or a party's name.")] = ""


class CaseOut(BaseModel):
    id: int
    number: str
    case_type: str
    stage: str
    stage_label: str
    team: str
    firm: str
    town_id: int
    opened_on: date
    due_on: date | None
    overdue: bool
    escalated: bool
    closed_on: date | None
    resolved_on: date | None


class CasesOut(BaseModel):
    items: list[CaseOut]
    paging: Page


class WhyOut(BaseModel):
    """A rule that fired, and why (in the caller's language)."""

    rule: str
    reason: str


class MoveOut(BaseModel):
    from_stage: str | None
    to_stage: str
    on: date
    days_in_stage: int
    manual: bool
    reason: str
    why: list[WhyOut]


class CaseDetailOut(CaseOut):
    moves: list[MoveOut]


# A day of the study base's calendar: bounded to what the calendar knows (the PRC holiday
# tables start in 2000 and are published one year ahead at most).
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]


class VisitIn(Strict):
    school_id: Id = Field(description="Ignored for a school's account: its own school.")
    session_id: Id
    activity_ids: Annotated[list[Id], Field(min_length=1, max_length=10)]
    students: Annotated[int, Field(ge=1, le=2000)]
    teachers: Annotated[int, Field(ge=0, le=200)]
    grade: Annotated[int, Field(ge=1, le=12)] | None = None
    classes: Annotated[int, Field(ge=1, le=50)] | None = None
    note: Annotated[Text, Field(max_length=1000)] = ""


class MoveToDateIn(Strict):
    on: Day
    slot: Literal["am", "pm"]


class VisitOut(BaseModel):
    id: int
    school_id: int
    school: str
    session_id: int
    on: date
    slot: str
    status: str
    grade: int
    classes: int
    students: int
    teachers: int
    why: list[WhyOut]
