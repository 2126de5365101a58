"""Closures, re-checks of dated records, holiday-data watching, feeds and the tick."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from programs.accounts.models import User
from programs.calendar import feeds, rechecks, services
from programs.calendar.models import Closure, HolidayYear, RecheckFlag
from programs.errors import Conflict, DomainError, NotFound
from programs.notifications.models import Notification
from programs.study_tours.models import StudyBase


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


@dataclass
class BaseBookings:
    """A stand-in for a program's published bookings at the study base, for the mechanism."""

    dates: dict[int, date]
    notify_user_id: int
    name: str = "test_bookings"

    def records(self, session, start_on, end_on):
        for ident, on in self.dates.items():
            if start_on <= on <= end_on:
                yield rechecks.DatedRecord(
                    "test_bookings",
                    ident,
                    f"预约 {ident}",
                    (on,),
                    f"/bookings/{ident}",
                    (self.notify_user_id,),
                )

    def recheck(self, session, record):
        base = session.scalars(select(StudyBase)).first()
        on = record.dates[0]
        reason = services.base_open_days(session, base, on, on).why_closed(on)
        return (
            []
            if reason is None
            else [rechecks.Problem(reason.message.msgid, _plain(reason.message.params))]
        )


def _plain(params):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()}


@pytest.fixture
def bookings(session, monkeypatch):
    """Only this stand-in provider is registered while the test runs."""
    provider = BaseBookings(
        {1: date(2026, 12, 1), 2: date(2026, 12, 3), 3: date(2026, 12, 8)},
        _user(session, "school").id,
    )
    monkeypatch.setattr(rechecks, "_providers", {provider.name: provider})
    return provider


def _closure(session, **kw):
    base = session.scalars(select(StudyBase)).first()
    values = dict(
        scope="base",
        scope_id=base.id,
        kind="maintenance",
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 3),
        reason="展馆维修",
    )
    values.update(kw)
    return services.ClosureInput(**values)


def test_a_closure_flags_the_bookings_it_touches_and_tells_people(session, bookings):
    coordinator = _user(session, "coordinator")
    services.add_closure(session, coordinator, _closure(session))
    flags = session.scalars(select(RecheckFlag).order_by(RecheckFlag.subject_id)).all()
    assert [f.subject_id for f in flags] == [1, 2]  # 12-08 is not touched
    assert flags[0].params["reason"] == "展馆维修"
    assert flags[0].cause_params["start"] == "2026-12-01"
    school_notes = session.scalars(
        select(Notification).where(Notification.user_id == _user(session, "school").id)
    ).all()
    assert any(n.link == "/bookings/1" for n in school_notes)
    coordinator_notes = session.scalars(
        select(Notification).where(
            Notification.user_id == coordinator.id, Notification.link == "/calendar/rechecks"
        )
    ).all()
    assert len(coordinator_notes) == 1
    assert coordinator_notes[0].params["count"] == 2


def test_rechecking_again_flags_nothing_twice(session, bookings):
    coordinator = _user(session, "coordinator")
    closure = services.add_closure(session, coordinator, _closure(session))
    again = rechecks.run(
        session, cause=rechecks.Problem("x"), start_on=closure.starts_on, end_on=closure.ends_on
    )
    assert again.checked == 2 and again.flags == []
    assert session.scalar(select(RecheckFlag.id).where(RecheckFlag.subject_id == 3)) is None


def test_a_resolved_flag_needs_a_note(session, bookings):
    coordinator = _user(session, "coordinator")
    services.add_closure(session, coordinator, _closure(session))
    flag = session.scalars(select(RecheckFlag)).first()
    with pytest.raises(DomainError):
        rechecks.resolve(session, coordinator, flag.id, " ")
    rechecks.resolve(session, coordinator, flag.id, "已电话通知学校改期")
    assert flag.resolved_at is not None
    with pytest.raises(NotFound):
        rechecks.resolve(session, coordinator, flag.id, "again")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": date(2026, 11, 30)}, "ends_on"),
        ({"reason": "  "}, "reason"),
        ({"kind": "party"}, "kind"),
        ({"ends_on": date(2028, 1, 1)}, "ends_on"),
        ({"scope": "base", "scope_id": None}, "scope_id"),
    ],
)
def test_bad_closures_are_refused_beside_the_field(session, change, field):
    with pytest.raises(DomainError) as caught:
        services.add_closure(session, _user(session, "coordinator"), _closure(session, **change))
    assert caught.value.field == field


def test_a_consultant_closes_only_their_own_days(session):
    consultant = _user(session, "consultant")
    own = _closure(
        session, scope="consultant", scope_id=consultant.consultant_id, kind="leave", reason="出差"
    )
    assert services.add_closure(session, consultant, own).scope == "consultant"
    with pytest.raises(NotFound):
        services.add_closure(session, consultant, _closure(session))
    other = own.__class__(**{**own.__dict__, "scope_id": consultant.consultant_id + 1})
    with pytest.raises(NotFound):
        services.add_closure(session, consultant, other)


def test_cancelling_keeps_the_closure_and_bumps_its_sequence(session):
    coordinator = _user(session, "coordinator")
    closure = services.add_closure(session, coordinator, _closure(session))
    services.cancel_closure(session, coordinator, closure.id)
    assert closure.cancelled_at is not None and closure.sequence == 1
    with pytest.raises(Conflict):
        services.cancel_closure(session, coordinator, closure.id)


def test_base_open_days_include_school_vacations_and_holidays(session):
    base = session.scalars(select(StudyBase)).first()
    coordinator = _user(session, "coordinator")
    services.add_closure(
        session,
        coordinator,
        _closure(
            session,
            scope="all_schools",
            scope_id=None,
            kind="vacation",
            starts_on=date(2027, 1, 25),
            ends_on=date(2027, 2, 20),
            reason="寒假",
        ),
    )
    days = services.base_open_days(session, base, date(2026, 9, 1), date(2027, 3, 1))
    assert not days.is_open(date(2026, 10, 1))  # National Day
    assert days.why_closed(date(2026, 10, 1)).kind == "holiday"
    assert days.why_closed(date(2027, 2, 2)).closure.reason == "寒假"
    assert days.is_open(date(2026, 12, 8))  # an ordinary Tuesday


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//test//ZH\r
BEGIN:VEVENT\r
UID:a@test\r
DTSTART;VALUE=DATE:20270125\r
DTEND;VALUE=DATE:20270221\r
SUMMARY:\xe5\xaf\x92\xe5\x81\x87\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:b@test\r
DTSTART;VALUE=DATE:20270111\r
DTEND;VALUE=DATE:20270116\r
SUMMARY:\xe6\x9c\x9f\xe6\x9c\xab\xe8\x80\x83\xe8\xaf\x95\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:c@test\r
SUMMARY:no start\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_import_previews_then_applies_all_or_nothing_once(session):
    coordinator = _user(session, "coordinator")
    row = services.preview_import(
        session,
        coordinator,
        filename="district.ics",
        data=ICS,
        scope="all_schools",
        scope_id=None,
        today=date(2026, 11, 28),
    )
    assert session.scalar(select(Closure.id).where(Closure.source == "ics")) is None  # preview only
    kinds = {p["reason"]: p["kind"] for p in row.proposals}
    assert kinds == {"寒假": "vacation", "期末考试": "exams"}
    assert len(row.problems) == 1  # the event without a start, named
    created = services.apply_import(session, coordinator, row.id, [0, 1])
    assert {c.reason for c in created} == {"寒假", "期末考试"}
    assert next(c for c in created if c.reason == "寒假").ends_on == date(2027, 2, 20)
    with pytest.raises(Conflict):
        services.apply_import(session, coordinator, row.id, [0])


def test_a_garbage_file_closes_nothing_and_says_why(session):
    coordinator = _user(session, "coordinator")
    row = services.preview_import(
        session,
        coordinator,
        filename="x.ics",
        data=b"\x00\xffnot a calendar",
        scope="all_schools",
        scope_id=None,
        today=date(2026, 11, 28),
    )
    assert row.proposals == [] and row.problems


def test_holiday_data_watch_rechecks_a_year_whose_data_changed(session, bookings):
    first = services.check_holiday_data(session, [2026, 2027])
    assert [c.first_seen for c in first] == [True, True]
    assert [c.provisional for c in first] == [False, True]
    assert [c.changed for c in services.check_holiday_data(session, [2026])] == [False]
    # As if last time the package had known 2026 only provisionally, with other data.
    row = session.get(HolidayYear, 2026)
    row.fingerprint, row.provisional = "old", True
    services.add_closure(
        session, _user(session, "coordinator"), _closure(session)
    )  # closes 12-01..03
    session.execute(RecheckFlag.__table__.delete())
    result = services.check_holiday_data(session, [2026])[0]
    assert result.changed and result.rechecked == 3
    flag = session.scalars(select(RecheckFlag)).first()
    assert flag.cause_params == {"year": 2026}
    assert "official holiday arrangement" in flag.cause_msgid


def test_feed_lists_closures_and_cancellations_and_can_be_cut_off(session):
    coordinator = _user(session, "coordinator")
    closure = services.add_closure(session, coordinator, _closure(session))
    services.cancel_closure(session, coordinator, closure.id)
    token = feeds.regenerate(session, coordinator)
    assert feeds.user_for_token(session, token.token) == coordinator
    body, etag = feeds.feed(session, coordinator)
    assert b"STATUS:CANCELLED" in body and f"closure-{closure.id}@fengqiao".encode() in body
    assert b"SEQUENCE:1" in body
    assert feeds.feed(session, coordinator) == (body, etag)  # stable bytes, stable ETag
    old = token.token
    feeds.regenerate(session, coordinator)
    assert feeds.user_for_token(session, old) is None
    feeds.revoke(session, coordinator)
    session.flush()
    assert feeds.token_of(session, coordinator) is None
