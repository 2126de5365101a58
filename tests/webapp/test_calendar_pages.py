"""Calendar pages: the month view, closures, .ics import, re-checks, personal feeds."""

import io
import re
from datetime import date

import icalendar
import recurring_ical_events
import vobject
from sqlalchemy import select

from programs.calendar.models import Closure
from programs.study_tours.models import StudyBase
from tests.helpers import post_form
from tests.programs.test_calendar_store import ICS


def test_month_view_names_holidays_and_adjusted_working_days(login):
    html = login("school").get("/calendar/?year=2026&month=10").get_data(as_text=True)
    assert "国庆节" in html
    assert html.count("kind-adjusted_workday") >= 1  # 2026-10-10 is a working Saturday
    assert "调休上班" in html
    assert "尚未公布" not in html


def test_a_provisional_year_is_flagged(login):
    html = login("coordinator").get("/calendar/?year=2027&month=5").get_data(as_text=True)
    assert "尚未公布" in html


def test_adding_a_closure_through_the_form(login, session):
    base = session.scalars(select(StudyBase)).first()
    client = login("coordinator")
    data = {
        "scope": "base",
        "target": f"base:{base.id}",
        "kind": "maintenance",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-03",
        "reason": "展馆维修",
    }
    response = post_form(client, "/calendar/closures/new", data)
    assert response.status_code == 302
    html = client.get("/calendar/?year=2026&month=12").get_data(as_text=True)
    assert "展馆维修" in html


def test_a_closure_ending_before_it_starts_comes_back_filled_in(login, session):
    base = session.scalars(select(StudyBase)).first()
    data = {
        "scope": "base",
        "target": f"base:{base.id}",
        "kind": "maintenance",
        "starts_on": "2026-12-03",
        "ends_on": "2026-12-01",
        "reason": "展馆维修",
    }
    response = post_form(login("coordinator"), "/calendar/closures/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="ends_on-error"' in html and "早于" in html
    assert 'value="展馆维修"' in html
    assert session.scalar(select(Closure.id).where(Closure.reason == "展馆维修")) is None


def test_a_mismatched_target_is_explained(login):
    data = {
        "scope": "all_schools",
        "target": "0",
        "kind": "vacation",
        "starts_on": "2027-01-25",
        "ends_on": "2027-02-20",
        "reason": "寒假",
    }
    assert post_form(login("coordinator"), "/calendar/closures/new", data).status_code == 302
    data = {**data, "scope": "school"}
    response = post_form(login("coordinator"), "/calendar/closures/new", data)
    assert response.status_code == 422
    assert 'id="target-error"' in response.get_data(as_text=True)


def test_mediators_cannot_add_closures(login):
    assert login("mediator").get("/calendar/closures/new").status_code == 403


def test_import_preview_then_apply(login, session):
    client = login("coordinator")
    page = client.get("/calendar/closures/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/calendar/closures/import",
        data={
            "csrf_token": token,
            "scope": "all_schools",
            "target": "0",
            "file": (io.BytesIO(ICS), "district.ics"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "寒假" in html and "期末考试" in html
    assert "没有开始日期" in html  # the bad event is named, in Chinese
    assert session.scalar(select(Closure.id).where(Closure.source == "ics")) is None
    response = post_form(client, preview_url, {"chosen": ["0"]})
    assert response.status_code == 302
    assert len(session.scalars(select(Closure).where(Closure.source == "ics")).all()) == 1


def _close_the_base(client, session, starts_on: str, ends_on: str, reason: str) -> None:
    """A coordinator closes the study base for maintenance through the closure form."""
    base = session.scalars(select(StudyBase)).first()
    post_form(
        client,
        "/calendar/closures/new",
        {
            "scope": "base",
            "target": f"base:{base.id}",
            "kind": "maintenance",
            "starts_on": starts_on,
            "ends_on": ends_on,
            "reason": reason,
        },
    )


def _feed_address(client) -> str:
    """The path of the signed-in user's personal feed, made on the account page."""
    post_form(client, "/calendar/feed", {}, page="/account")
    html = client.get("/account").get_data(as_text=True)
    return re.search(r'value="http://127\.0\.0\.1:5000(/feeds/[^"]+\.ics)"', html).group(1)


def test_feed_is_served_parsed_by_independent_parsers_and_revocable(login, session):
    client = login("coordinator")
    _close_the_base(client, session, "2026-12-01", "2026-12-03", "展馆维修，暂停接待")
    url = _feed_address(client)

    anonymous = client.application.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "Set-Cookie" not in response.headers
    body = response.get_data()
    parsed = vobject.readOne(body.decode())
    events = [c for c in parsed.getChildren() if c.name == "VEVENT"]
    assert any("展馆维修" in e.summary.value for e in events)
    assert recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(
        date(2026, 12, 2), date(2026, 12, 3)
    )
    assert icalendar.Calendar.from_ical(body).to_ical() == body
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:Asia/Shanghai" in body

    etag = response.headers["ETag"]
    assert anonymous.get(url, headers={"If-None-Match": etag}).status_code == 304

    post_form(client, "/calendar/feed/revoke", {}, page="/account")
    assert anonymous.get(url).status_code == 404


def test_a_feed_is_made_again_only_when_what_it_shows_changes(login, session, monkeypatch):
    from programs.calendar import feeds

    made = []
    real = feeds.feed
    monkeypatch.setattr(feeds, "feed", lambda s, u: made.append(u.id) or real(s, u))
    client = login("coordinator")
    url = _feed_address(client)
    anonymous = client.application.test_client()
    first = anonymous.get(url).get_data()
    assert anonymous.get(url).get_data() == first and len(made) == 1  # kept
    _close_the_base(client, session, "2026-12-08", "2026-12-09", "消防检查，暂停接待")
    after = anonymous.get(url).get_data()
    assert len(made) == 2 and "消防检查".encode() in after and after != first


def test_unknown_feed_token_is_404(client):
    assert client.get("/feeds/not-a-token.ics").status_code == 404
