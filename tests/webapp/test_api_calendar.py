"""/api/v1/calendar: a month's days as a booking system needs them, and doubtful bookings after
a calendar change resolved with a note."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from calendars import workdays
from programs.accounts.models import User
from programs.calendar import services
from programs.calendar.models import RecheckFlag


def test_a_month_names_its_holidays_in_the_callers_language(client, token_of):
    headers = token_of("school")
    response = client.get("/api/v1/calendar/month?month=2026-10", headers=headers)
    assert response.status_code == 200
    days = {day["on"]: day for day in response.json["days"]}
    assert len(days) == 31 and min(days) == "2026-10-01"
    for on, day in days.items():
        info = workdays.day_info(date.fromisoformat(on))
        assert (day["kind"], day["working"]) == (info.kind, info.working)
    national_day = days["2026-10-01"]
    assert national_day["kind"] == "holiday" and not national_day["working"]
    assert national_day["holiday"] == workdays.day_info(date(2026, 10, 1)).holiday_name_zh
    english = client.get(
        "/api/v1/calendar/month?month=2026-10", headers={**headers, "Accept-Language": "en"}
    )
    assert (
        english.json["days"][0]["holiday"] == workdays.day_info(date(2026, 10, 1)).holiday_name_en
    )
    for bad in ("2026-13", "26-10", "2100-01"):
        wrong = client.get(f"/api/v1/calendar/month?month={bad}", headers=headers)
        assert wrong.status_code == 400 and wrong.json["error"]["field"] == "month"


def test_a_month_lists_the_closures_that_concern_the_account(client, token_of, session):
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    services.add_closure(
        session,
        coordinator,
        services.ClosureInput(
            scope="all_schools",
            scope_id=None,
            kind="maintenance",
            starts_on=date(2027, 3, 2),
            ends_on=date(2027, 3, 4),
            reason="展馆维修",
        ),
    )
    session.flush()
    month = client.get("/api/v1/calendar/month?month=2027-03", headers=token_of("school")).json
    closure = next(c for c in month["closures"] if c["reason"] == "展馆维修")
    covered = [d["on"] for d in month["days"] if closure["id"] in d["closures"]]
    assert covered == ["2027-03-02", "2027-03-03", "2027-03-04"]
    firm = client.get("/api/v1/calendar/month?month=2027-03", headers=token_of("enterprise")).json
    assert firm["closures"] == []  # a firm has no base or school to be closed


def _flag(session) -> RecheckFlag:
    flag = RecheckFlag(
        provider="study_visits",
        subject_type="visits",
        subject_id=1,
        label="研学参访",
        link="/study/visits/1",
        msgid="The base is closed that day: {reason}.",
        params={"reason": "展馆维修"},
        cause_msgid="A closure was added.",
        cause_params={},
        fingerprint="test-fingerprint",
    )
    session.add(flag)
    session.flush()
    return flag


def test_a_doubtful_booking_is_listed_and_resolved_with_a_note(client, token_of, session):
    flag = _flag(session)
    headers = token_of("coordinator")
    listed = client.get("/api/v1/calendar/rechecks?per_page=200", headers=headers)
    assert listed.status_code == 200
    assert flag.id in [item["id"] for item in listed.json["items"]]
    empty = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve", json={"note": "  "}, headers=headers
    )
    assert empty.status_code == 422 and empty.json["error"]["field"] == "note"
    done = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve",
        json={"note": "已电话通知学校改期"},
        headers=headers,
    )
    assert done.status_code == 200 and done.json["resolution"] == "已电话通知学校改期"
    session.refresh(flag)
    assert flag.resolved_at is not None
    again = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve", json={"note": "再次"}, headers=headers
    )
    assert again.status_code == 404
    still_open = client.get("/api/v1/calendar/rechecks?per_page=200", headers=headers)
    assert flag.id not in [item["id"] for item in still_open.json["items"]]
    assert client.get("/api/v1/calendar/rechecks", headers=token_of("school")).status_code == 403
