"""/api/v1/friday: requests read with the rules that paired the firm, booked on a Friday; visits
listed, read, moved, cancelled and recorded; the month's roster drafted, read and published;
studio office hours listed and opened, half-hours booked and given back; conflicts of interest
— the same operations, rules and access checks as the Friday pages, each with its refusals."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import islice

from sqlalchemy import func, select

from calendars import today as shanghai_today
from calendars import workdays
from programs.accounts.models import User
from programs.directory.models import Consultant, Enterprise
from programs.friday import queries
from programs.friday import services as friday_services
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    OfficeBooking,
    Roster,
)

API = "/api/v1/friday"
NATIONAL_DAY_FRIDAY = date(2027, 10, 1)  # a Friday in the National Day holiday


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def _consultant(session) -> Consultant:
    """The demo consultant's own record (the `consultant` account)."""
    return session.get(Consultant, _user(session, "consultant").consultant_id)


def _other_consultant(session) -> Consultant:
    """An active consultant who is not the demo account's."""
    return session.scalar(
        select(Consultant)
        .where(Consultant.active, Consultant.id != _user(session, "consultant").consultant_id)
        .order_by(Consultant.id)
    )


def _fridays(start: date):
    day = start + timedelta(days=(4 - start.weekday()) % 7)
    while True:
        if workdays.day_info(day).working:
            yield day
        day += timedelta(weeks=1)


def _open_requests(session, *, not_of=None) -> list[FridayRequest]:
    """Open requests, oldest first; `not_of`: none of that firm's."""
    query = select(FridayRequest).where(FridayRequest.status == "open")
    if not_of is not None:
        query = query.where(
            FridayRequest.enterprise_id.is_(None) | (FridayRequest.enterprise_id != not_of)
        )
    return list(session.scalars(query.order_by(FridayRequest.id)))


def _placement(session, requests, consultant, *, start=None, exclude_visit=None):
    """A request of `requests` and a working Friday the rules accept with the consultant."""
    coordinator = _user(session, "coordinator")
    for on in islice(_fridays(start or shanghai_today() + timedelta(days=21)), 26):
        for request in requests:
            decision = friday_services.check_visit(
                session,
                request,
                consultant,
                on,
                actor=coordinator,
                today=shanghai_today(),
                exclude_visit=exclude_visit,
            )
            if not decision.is_refused:
                return request, on
    raise AssertionError("no Friday the rules accept in the demo city")


def _booked(session, consultant=None) -> FridayVisit:
    """A published visit, booked by the coordinator (not of the demo firm's requests)."""
    consultant = consultant or _consultant(session)
    firm = _user(session, "enterprise").enterprise_id
    request, on = _placement(session, _open_requests(session, not_of=firm), consultant)
    visit = friday_services.book_visit(
        session,
        _user(session, "coordinator"),
        request.id,
        consultant.id,
        on,
        today=shanghai_today(),
    )
    session.flush()
    return visit


def _refused_rules(answer) -> set[str]:
    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert error["code"] == "refused_by_rules" and all(r["reason"] for r in error["rules"])
    return {r["rule"] for r in error["rules"]}


# --- Requests ---------------------------------------------------------------------------------------


def test_requests_are_filtered_by_the_day_they_were_made_and_town(client, token_of, session):
    made = client.post(
        f"{API}/requests",
        json={"topics": ["labour"], "description": "新员工合同"},
        headers=token_of("enterprise"),
    )
    assert made.status_code == 201
    today = shanghai_today()
    town = made.json["town_id"]
    headers = token_of("coordinator")
    found = client.get(
        f"{API}/requests?period={today:%Y-%m}&town={town}&per_page=200", headers=headers
    ).json["items"]
    assert made.json["id"] in [r["id"] for r in found]
    assert {r["town_id"] for r in found} == {town}
    last_year = client.get(
        f"{API}/requests?period={today.year - 1}&per_page=200", headers=headers
    ).json["items"]
    assert last_year and made.json["id"] not in [r["id"] for r in last_year]
    assert all(r["created_at"] < f"{today.year}" for r in last_year)
    assert client.get(f"{API}/requests?town=2147483647", headers=headers).status_code == 404
    assert client.get(f"{API}/requests?period=2026-Q5", headers=headers).status_code == 400


def test_a_firms_request_is_read_with_the_rules_that_paired_it(client, token_of, session):
    made = client.post(
        f"{API}/requests", json={"topics": ["labour"]}, headers=token_of("enterprise")
    )
    assert made.status_code == 201 and made.json["paired_consultant"]
    assert made.json["why"] and all(w["rule"] and w["reason"] for w in made.json["why"])
    read = client.get(f"{API}/requests/{made.json['id']}", headers=token_of("enterprise"))
    assert read.json["why"] == made.json["why"]
    english = client.get(
        f"{API}/requests/{made.json['id']}",
        headers={**token_of("enterprise"), "Accept-Language": "en"},
    )
    assert [w["rule"] for w in english.json["why"]] == [w["rule"] for w in made.json["why"]]
    assert english.json["why"][0]["reason"] != made.json["why"][0]["reason"]


# --- Visits: read -----------------------------------------------------------------------------------


def test_visits_are_listed_as_the_pages_list_them_by_period_town_and_consultant(
    client, token_of, session
):
    coordinator = _user(session, "coordinator")
    year = (shanghai_today() - timedelta(days=60)).year
    start, end = date(year, 1, 1), date(year, 12, 31)
    town = queries.visits_for(session, coordinator, start=start, end=end)[0].request.town_id
    expected = queries.visits_for(session, coordinator, start=start, end=end, town_id=town)
    headers = token_of("coordinator")
    answer = client.get(f"{API}/visits?period={year}&town={town}&per_page=200", headers=headers)
    assert answer.status_code == 200
    assert answer.json["paging"]["total"] == len(expected) > 0
    assert [v["id"] for v in answer.json["items"]] == [v.id for v in expected[:200]]
    assert all(v["town_id"] == town and v["on"].startswith(str(year)) for v in answer.json["items"])

    consultant = expected[0].consultant_id
    theirs = queries.visits_for(
        session, coordinator, start=start, end=end, consultant_id=consultant
    )
    page = client.get(
        f"{API}/visits?period={year}&consultant={consultant}&per_page=3&page=2", headers=headers
    ).json
    assert page["paging"] == {
        "page": 2,
        "per_page": 3,
        "total": len(theirs),
        "pages": -(-len(theirs) // 3),
    }
    assert [v["id"] for v in page["items"]] == [v.id for v in theirs[3:6]]
    assert {v["consultant_id"] for v in page["items"]} == {consultant}

    own = client.get(f"{API}/visits?per_page=200", headers=token_of("consultant")).json
    assert own["items"] and {v["consultant_id"] for v in own["items"]} == {_consultant(session).id}
    firm = client.get(f"{API}/visits?per_page=200", headers=token_of("enterprise")).json
    mine = queries.visits_for(session, _user(session, "enterprise"))
    assert [v["id"] for v in firm["items"]] == [v.id for v in mine[:200]]
    assert {v["status"] for v in firm["items"]} <= {"published", "done"}

    assert client.get(f"{API}/visits?town=2147483647", headers=headers).status_code == 404
    bad = client.get(f"{API}/visits?period=2026-13", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["field"] == "period"
    assert client.get(f"{API}/visits?status=lost", headers=headers).status_code == 400
    assert client.get(f"{API}/visits", headers=token_of("school")).status_code == 403


def test_a_visit_is_read_with_the_rules_that_placed_it_and_hidden_from_others(
    client, token_of, session
):
    visit = _booked(session)
    answer = client.get(f"{API}/visits/{visit.id}", headers=token_of("coordinator"))
    assert answer.status_code == 200
    assert (answer.json["consultant_id"], answer.json["on"], answer.json["status"]) == (
        visit.consultant_id,
        visit.on.isoformat(),
        "published",
    )
    assert answer.json["why"] and all(w["reason"] for w in answer.json["why"])
    assert client.get(f"{API}/visits/{visit.id}", headers=token_of("consultant")).status_code == 200
    # Not the demo firm's visit, nor the demo chamber's: as if it did not exist.
    assert client.get(f"{API}/visits/{visit.id}", headers=token_of("enterprise")).status_code == 404
    other = _booked(session, _other_consultant(session))
    assert client.get(f"{API}/visits/{other.id}", headers=token_of("consultant")).status_code == 404
    assert client.get(f"{API}/visits/{visit.id}", headers=token_of("school")).status_code == 403


# --- Booking ----------------------------------------------------------------------------------------


def test_a_request_is_booked_through_the_same_rules(client, token_of, session):
    consultant = _consultant(session)
    request, on = _placement(session, _open_requests(session), consultant)
    headers = token_of("coordinator")
    body = {"on": on.isoformat(), "consultant_id": consultant.id}
    answer = client.post(f"{API}/requests/{request.id}/book", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    session.expire_all()
    visit = session.get(FridayVisit, answer.json["id"])
    assert (visit.on, visit.consultant_id, visit.status) == (on, consultant.id, "published")
    assert session.get(FridayRequest, request.id).status == "scheduled"
    assert answer.json["why"] and answer.json["request_id"] == request.id

    closed = session.get(FridayRequest, request.id)
    closed.status = "done"
    session.flush()
    again = client.post(f"{API}/requests/{request.id}/book", json=body, headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"


def test_a_booking_is_refused_by_role_rules_input_and_visibility(client, token_of, session):
    consultant = _consultant(session)
    request, on = _placement(session, _open_requests(session), consultant)
    headers = token_of("coordinator")
    holiday = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": NATIONAL_DAY_FRIDAY.isoformat(), "consultant_id": consultant.id},
        headers=headers,
    )
    assert _refused_rules(holiday)
    assert session.get(FridayRequest, request.id).status == "open"
    assert session.scalar(
        select(func.count()).select_from(FridayVisit).where(FridayVisit.request_id == request.id)
    ) == len(request.visits)
    nobody = client.post(
        f"{API}/requests/{request.id}/book", json={"on": on.isoformat()}, headers=headers
    )
    assert nobody.status_code == 400 and nobody.json["error"]["field"] == "consultant_id"
    extra = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat(), "consultant_id": consultant.id, "force": True},
        headers=headers,
    )
    assert extra.status_code == 400
    firm = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat()},
        headers=token_of("enterprise"),
    )
    assert firm.status_code == 403
    missing = client.post(
        f"{API}/requests/2147483647/book",
        json={"on": on.isoformat(), "consultant_id": consultant.id},
        headers=headers,
    )
    assert missing.status_code == 404


def test_a_consultant_books_as_themself_whoever_is_named(client, token_of, session):
    consultant = _consultant(session)
    paired = {p.enterprise_id for p in queries.pairings_of(session, consultant.id)}
    theirs = [r for r in _open_requests(session) if r.enterprise_id in paired]
    if not theirs:  # a request of a firm paired with the demo consultant, which they may see
        firm = next(iter(sorted(paired)))
        friday_services.submit_request(
            session,
            _user(session, "coordinator"),
            friday_services.RequestInput(kind="enterprise", enterprise_id=firm, topics=("labour",)),
            today=shanghai_today(),
        )
        session.flush()
        theirs = [r for r in _open_requests(session) if r.enterprise_id in paired]
    request, on = _placement(session, theirs, consultant)
    answer = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat(), "consultant_id": _other_consultant(session).id},
        headers=token_of("consultant"),
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["consultant_id"] == consultant.id
    assert session.get(FridayVisit, answer.json["id"]).consultant_id == consultant.id

    # A request the consultant neither visits nor is paired for is not theirs to see.
    unseen = next(
        r
        for r in _open_requests(session)
        if r.enterprise_id not in paired and not r.visits and r.enterprise_id is not None
    )
    hidden = client.post(
        f"{API}/requests/{unseen.id}/book",
        json={"on": on.isoformat()},
        headers=token_of("consultant"),
    )
    assert hidden.status_code == 404
    assert session.get(FridayRequest, unseen.id).status == "open"


# --- Visits: moved, cancelled, recorded -------------------------------------------------------------


def test_a_visit_is_moved_through_the_rules(client, token_of, session):
    visit = _booked(session)
    consultant = visit.consultant
    headers = token_of("consultant")
    holiday = client.post(
        f"{API}/visits/{visit.id}/move",
        json={"on": NATIONAL_DAY_FRIDAY.isoformat()},
        headers=headers,
    )
    assert _refused_rules(holiday)
    before = visit.on
    _request, later = _placement(
        session,
        [visit.request],
        consultant,
        start=before + timedelta(days=7),
        exclude_visit=visit.id,
    )
    moved = client.post(
        f"{API}/visits/{visit.id}/move", json={"on": later.isoformat()}, headers=headers
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["on"] == later.isoformat() and len(moved.json["why"]) > 0
    session.expire_all()
    assert session.get(FridayVisit, visit.id).on == later

    # A consultant may not hand their visit to another: as if there were no such consultant.
    other = _other_consultant(session)
    handed = client.post(
        f"{API}/visits/{visit.id}/move",
        json={"on": later.isoformat(), "consultant_id": other.id},
        headers=headers,
    )
    assert handed.status_code == 404
    assert session.get(FridayVisit, visit.id).consultant_id == consultant.id
    assert (
        client.post(
            f"{API}/visits/{visit.id}/move",
            json={"on": later.isoformat()},
            headers=token_of("enterprise"),
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/visits/{visit.id}/move", json={"on": "2100-01-01"}, headers=headers
        ).status_code
        == 400
    )


def test_a_visit_is_cancelled_once_and_its_request_waits_again(client, token_of, session):
    visit = _booked(session)
    headers = token_of("coordinator")
    no_reason = client.post(f"{API}/visits/{visit.id}/cancel", json={"reason": ""}, headers=headers)
    assert no_reason.status_code == 400
    blank = client.post(f"{API}/visits/{visit.id}/cancel", json={"reason": "  "}, headers=headers)
    assert blank.status_code == 422 and blank.json["error"]["field"] == "reason"
    other = _booked(session, _other_consultant(session))
    not_theirs = client.post(
        f"{API}/visits/{other.id}/cancel",
        json={"reason": "不是我的"},
        headers=token_of("consultant"),
    )
    assert not_theirs.status_code == 404
    cancelled = client.post(
        f"{API}/visits/{visit.id}/cancel", json={"reason": "企业临时停工"}, headers=headers
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "企业临时停工"
    session.expire_all()
    assert session.get(FridayRequest, visit.request_id).status == "open"
    assert session.get(FridayVisit, other.id).status == "published"
    twice = client.post(
        f"{API}/visits/{visit.id}/cancel", json={"reason": "再次取消"}, headers=headers
    )
    assert twice.status_code == 409 and twice.json["error"]["code"] == "conflict"
    moved = client.post(
        f"{API}/visits/{visit.id}/move", json={"on": visit.on.isoformat()}, headers=headers
    )
    assert moved.status_code == 409


def test_a_visit_is_recorded_on_the_day_with_its_problems(client, token_of, session):
    visit = _booked(session)
    headers = token_of("consultant")
    body = {
        "met": "总经理、人事主管",
        "minutes": 90,
        "problems": [
            {"category": "labour", "description": "劳动合同未续签", "solved": True},
            {"category": "contracts", "description": "采购合同违约条款", "follow_up": True},
        ],
    }
    early = client.post(f"{API}/visits/{visit.id}/record", json=body, headers=headers)
    assert early.status_code == 422  # the visit is still to come
    assert f"{visit.on.month}月{visit.on.day}日" in early.json["error"]["message"]
    visit.on = shanghai_today() - timedelta(days=1)
    session.flush()
    vague = client.post(
        f"{API}/visits/{visit.id}/record",
        json={**body, "problems": [{"category": "labour"}]},
        headers=headers,
    )
    assert vague.status_code == 422 and vague.json["error"]["field"] == "problems"
    done = client.post(f"{API}/visits/{visit.id}/record", json=body, headers=headers)
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done" and done.json["minutes"] == 90
    assert [(p["category"], p["solved"]) for p in done.json["problems"]] == [
        ("labour", True),
        ("contracts", False),
    ]
    follow_up = session.get(FridayRequest, done.json["problems"][1]["follow_up_request_id"])
    assert (follow_up.source, follow_up.status, follow_up.topics) == (
        "follow_up",
        "open",
        ["contracts"],
    )
    session.expire_all()
    assert session.get(FridayRequest, visit.request_id).status == "done"
    wrong = client.post(
        f"{API}/visits/{visit.id}/record",
        json={**body, "problems": [{"category": "astrology"}]},
        headers=headers,
    )
    assert wrong.status_code == 400
    other = _booked(session, _other_consultant(session))
    assert (
        client.post(f"{API}/visits/{other.id}/record", json=body, headers=headers).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}/visits/{visit.id}/record", json=body, headers=token_of("enterprise")
        ).status_code
        == 403
    )


# --- The roster -------------------------------------------------------------------------------------


def test_a_coordinator_drafts_reads_and_publishes_a_months_roster(client, token_of, session):
    month = (shanghai_today().replace(day=1) + timedelta(days=62)).strftime("%Y-%m")
    headers = token_of("coordinator")
    none_yet = client.get(f"{API}/roster?month={month}", headers=headers)
    assert none_yet.status_code == 404 and month in none_yet.json["error"]["message"]
    assert (
        client.post(
            f"{API}/roster/draft", json={"month": month}, headers=token_of("consultant")
        ).status_code
        == 403
    )
    drafted = client.post(f"{API}/roster/draft", json={"month": month}, headers=headers)
    assert drafted.status_code == 200, drafted.json
    placed = drafted.json["placed"]
    assert placed > 0 and placed == len(drafted.json["visits"])
    assert drafted.json["figures"]["assigned"] >= placed
    assert drafted.json["left"] == len(drafted.json["unassigned"])
    assert all(u["reason"] for u in drafted.json["unassigned"])
    drafts = session.scalars(
        select(FridayVisit).where(FridayVisit.roster_id == drafted.json["id"])
    ).all()
    assert {v.status for v in drafts} == {"draft"} and len(drafts) == placed
    rules_fired = {w["rule"] for v in drafted.json["visits"] for w in v["why"]}
    assert "roster_planner" in rules_fired  # the planner's reasons beside the rules'

    read = client.get(f"{API}/roster?month={month}", headers=headers)
    assert read.status_code == 200 and read.json["status"] == "draft"
    assert [v["id"] for v in read.json["visits"]] == [v["id"] for v in drafted.json["visits"]]
    consultant = client.get(f"{API}/roster?month={month}", headers=token_of("consultant")).json
    assert consultant["visits"] == [] and consultant["figures"] is None  # drafts are not theirs

    published = client.post(f"{API}/roster/{drafted.json['id']}/publish", headers=headers)
    assert published.status_code == 200
    assert published.json["published"] == placed and published.json["status"] == "published"
    session.expire_all()
    assert {session.get(FridayVisit, v.id).status for v in drafts} == {"published"}
    assert session.get(Roster, drafted.json["id"]).published_at is not None
    own = _consultant(session).id
    consultant = client.get(f"{API}/roster?month={month}", headers=token_of("consultant")).json
    assert [v["id"] for v in consultant["visits"]] == [
        v["id"] for v in drafted.json["visits"] if v["consultant_id"] == own
    ]
    again = client.post(f"{API}/roster/{drafted.json['id']}/publish", headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"


def test_a_roster_is_refused_for_a_past_or_impossible_month(client, token_of):
    headers = token_of("coordinator")
    past = client.post(f"{API}/roster/draft", json={"month": "2020-01"}, headers=headers)
    assert past.status_code == 422 and past.json["error"]["field"] == "month"
    for month in ("2026-13", "1999-12"):
        draft = client.post(f"{API}/roster/draft", json={"month": month}, headers=headers)
        assert draft.status_code == 400 and draft.json["error"]["field"] == "month"
        read = client.get(f"{API}/roster?month={month}", headers=headers)
        assert read.status_code == 400
    assert client.get(f"{API}/roster", headers=headers).status_code == 400
    assert client.post(f"{API}/roster/2147483647/publish", headers=headers).status_code == 404
    assert (
        client.get(f"{API}/roster?month=2026-12", headers=token_of("enterprise")).status_code == 403
    )


# --- Studios ----------------------------------------------------------------------------------------


def _opened(client, token_of, session):
    """Office hours the demo consultant opens through the API, 09:00–11:00 on a Friday."""
    studio = queries.studios(session)[0]
    on = next(_fridays(shanghai_today() + timedelta(days=35)))
    opened = client.post(
        f"{API}/office-hours",
        json={"studio_id": studio.id, "on": on.isoformat(), "starts": "09:00", "ends": "11:00"},
        headers=token_of("consultant"),
    )
    assert opened.status_code == 201, opened.json
    return studio, on, opened.json


def test_office_hours_are_opened_and_listed_with_their_free_half_hours(client, token_of, session):
    studio, on, opened = _opened(client, token_of, session)
    assert opened["consultant_id"] == _consultant(session).id
    assert opened["free"] == ["09:00", "09:30", "10:00", "10:30"] and opened["bookings"] == []
    listed = client.get(
        f"{API}/office-hours?period={on:%Y-%m}&town={studio.town_id}&per_page=200",
        headers=token_of("chamber"),
    ).json
    assert opened["id"] in [h["id"] for h in listed["items"]]
    assert {h["town_id"] for h in listed["items"]} == {studio.town_id}
    assert all(h["on"].startswith(f"{on:%Y-%m}") for h in listed["items"])
    upcoming = client.get(f"{API}/office-hours?per_page=200", headers=token_of("enterprise")).json
    assert all(h["on"] >= shanghai_today().isoformat() for h in upcoming["items"])
    assert opened["id"] in [h["id"] for h in upcoming["items"]]
    assert (
        client.get(
            f"{API}/office-hours?town=2147483647", headers=token_of("enterprise")
        ).status_code
        == 404
    )
    assert client.get(f"{API}/office-hours", headers=token_of("school")).status_code == 403


def test_office_hours_are_refused_on_a_holiday_by_role_and_for_bad_times(client, token_of, session):
    studio = queries.studios(session)[0]
    body = {"studio_id": studio.id, "on": NATIONAL_DAY_FRIDAY.isoformat()}
    holiday = client.post(
        f"{API}/office-hours",
        json={**body, "starts": "09:00", "ends": "11:00"},
        headers=token_of("consultant"),
    )
    assert holiday.status_code == 422 and holiday.json["error"]["field"] == "on"
    uneven = client.post(
        f"{API}/office-hours",
        json={**body, "starts": "09:15", "ends": "11:00"},
        headers=token_of("consultant"),
    )
    assert uneven.status_code == 422 and uneven.json["error"]["field"] == "ends"
    clock = client.post(
        f"{API}/office-hours",
        json={**body, "starts": "9:00", "ends": "25:00"},
        headers=token_of("consultant"),
    )
    assert clock.status_code == 400
    assert {p["field"] for p in clock.json["error"]["problems"]} == {"starts", "ends"}
    nobody = client.post(
        f"{API}/office-hours",
        json={**body, "starts": "09:00", "ends": "11:00"},
        headers=token_of("coordinator"),
    )
    assert nobody.status_code == 400 and nobody.json["error"]["field"] == "consultant_id"
    nowhere = client.post(
        f"{API}/office-hours",
        json={**body, "studio_id": 2147483647, "starts": "09:00", "ends": "11:00"},
        headers=token_of("consultant"),
    )
    assert nowhere.status_code == 404
    assert (
        client.post(
            f"{API}/office-hours",
            json={**body, "starts": "09:00", "ends": "11:00"},
            headers=token_of("enterprise"),
        ).status_code
        == 403
    )


def test_a_half_hour_is_booked_once_with_why_and_given_back(client, token_of, session):
    _studio, _on, opened = _opened(client, token_of, session)
    firm = token_of("enterprise")
    mine = _user(session, "enterprise").enterprise_id
    body = {"office_hours_id": opened["id"], "starts": "09:30", "topic": "contracts"}
    booked = client.post(f"{API}/office-bookings", json={**body, "enterprise_id": 1}, headers=firm)
    assert booked.status_code == 201, booked.json
    assert booked.json["enterprise_id"] == mine and booked.json["why"]  # its own, whatever sent
    taken = client.post(
        f"{API}/office-bookings",
        json={**body, "enterprise_id": mine},
        headers=token_of("coordinator"),
    )
    assert "slot_taken" in _refused_rules(taken)
    outside = client.post(f"{API}/office-bookings", json={**body, "starts": "11:00"}, headers=firm)
    assert outside.status_code == 422

    seen = client.get(f"{API}/office-hours?period={_on:%Y-%m}&per_page=200", headers=firm).json[
        "items"
    ]
    hours = next(h for h in seen if h["id"] == opened["id"])
    assert "09:30" not in hours["free"] and [b["id"] for b in hours["bookings"]] == [
        booked.json["id"]
    ]
    chamber = client.get(
        f"{API}/office-hours?period={_on:%Y-%m}&per_page=200", headers=token_of("chamber")
    ).json["items"]
    hours = next(h for h in chamber if h["id"] == opened["id"])
    assert "09:30" not in hours["free"] and hours["bookings"] == []  # taken, not by whom

    back = client.post(f"{API}/office-bookings/{booked.json['id']}/cancel", headers=firm)
    assert back.status_code == 200 and back.json["status"] == "cancelled"
    assert session.get(OfficeBooking, booked.json["id"]).status == "cancelled"
    twice = client.post(f"{API}/office-bookings/{booked.json['id']}/cancel", headers=firm)
    assert twice.status_code == 409

    assert (
        client.post(
            f"{API}/office-bookings", json=body, headers=token_of("coordinator")
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/office-bookings", json={**body, "office_hours_id": 2147483647}, headers=firm
        ).status_code
        == 404
    )
    assert (
        client.post(f"{API}/office-bookings", json=body, headers=token_of("consultant")).status_code
        == 403
    )


def test_another_firms_half_hour_is_not_the_firms_to_give_back(client, token_of, session):
    _studio, _on, opened = _opened(client, token_of, session)
    mine = _user(session, "enterprise").enterprise_id
    other = session.scalar(
        select(Enterprise.id).where(Enterprise.id != mine).order_by(Enterprise.id)
    )
    booked = client.post(
        f"{API}/office-bookings",
        json={
            "office_hours_id": opened["id"],
            "starts": "10:00",
            "topic": "labour",
            "enterprise_id": other,
        },
        headers=token_of("coordinator"),
    )
    assert booked.status_code == 201, booked.json
    assert booked.json["enterprise_id"] == other
    hidden = client.post(
        f"{API}/office-bookings/{booked.json['id']}/cancel", headers=token_of("enterprise")
    )
    assert hidden.status_code == 404
    assert session.get(OfficeBooking, booked.json["id"]).status == "booked"


def test_a_half_hour_booked_by_another_firm_at_the_same_moment_is_409(
    client, token_of, session, monkeypatch
):
    _studio, _on, opened = _opened(client, token_of, session)
    body = {"office_hours_id": opened["id"], "starts": "10:30", "topic": "tax"}
    first = client.post(f"{API}/office-bookings", json=body, headers=token_of("enterprise"))
    assert first.status_code == 201
    facts = friday_services.booking_facts

    def as_if_still_free(*args, **kwargs):  # the rules looked before the first row was written
        return [{**fact, "slot_taken": False} for fact in facts(*args, **kwargs)]

    monkeypatch.setattr(friday_services, "booking_facts", as_if_still_free)
    other = session.scalar(
        select(Enterprise.id)
        .where(Enterprise.id != _user(session, "enterprise").enterprise_id)
        .order_by(Enterprise.id)
    )
    lost = client.post(
        f"{API}/office-bookings",
        json={**body, "enterprise_id": other},
        headers=token_of("coordinator"),
    )
    assert lost.status_code == 409, lost.json
    assert lost.json["error"]["code"] == "conflict" and lost.json["error"]["field"] == "starts"
    holders = session.scalars(
        select(OfficeBooking.enterprise_id).where(
            OfficeBooking.office_hours_id == opened["id"], OfficeBooking.status == "booked"
        )
    ).all()
    assert holders == [first.json["enterprise_id"]]


# --- Conflicts of interest --------------------------------------------------------------------------


def test_a_consultant_declares_a_conflict_for_themself(client, token_of, session):
    consultant = _consultant(session)
    firm = _user(session, "enterprise").enterprise_id
    declared = client.post(
        f"{API}/conflicts",
        json={
            "enterprise_id": firm,
            "reason": "曾担任该企业常年法律顾问",
            "consultant_id": _other_consultant(session).id,
        },
        headers=token_of("consultant"),
    )
    assert declared.status_code == 201, declared.json
    row = session.get(ConsultantConflict, declared.json["id"])
    assert (row.consultant_id, row.enterprise_id) == (consultant.id, firm)
    assert declared.json["declared_on"] == shanghai_today().isoformat()
    pairing = friday_services.current_pairing(session, firm)
    assert pairing is None or pairing.consultant_id != consultant.id  # a pairing it touches ends


def test_a_conflict_is_refused_without_a_party_by_role_and_for_unknown_records(
    client, token_of, session
):
    headers = token_of("consultant")
    before = session.scalar(select(func.count()).select_from(ConsultantConflict))
    nobody = client.post(f"{API}/conflicts", json={"reason": "无"}, headers=headers)
    assert nobody.status_code == 422 and nobody.json["error"]["field"] == "enterprise_id"
    no_consultant = client.post(
        f"{API}/conflicts", json={"counterparty": "某某公司"}, headers=token_of("coordinator")
    )
    assert no_consultant.status_code == 422
    assert no_consultant.json["error"]["field"] == "consultant_id"
    unknown = client.post(f"{API}/conflicts", json={"enterprise_id": 2147483647}, headers=headers)
    assert unknown.status_code == 404
    too_long = client.post(f"{API}/conflicts", json={"counterparty": "某" * 121}, headers=headers)
    assert too_long.status_code == 400
    assert session.scalar(select(func.count()).select_from(ConsultantConflict)) == before
    assert (
        client.post(
            f"{API}/conflicts", json={"counterparty": "某某公司"}, headers=token_of("enterprise")
        ).status_code
        == 403
    )
