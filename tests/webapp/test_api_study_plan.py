"""/api/v1/study (the plan): sessions opened on open days only (every day passed over said with
why), listed and read, touring sessions, instructors, a school's plan in counts, the planner
run and applied once, drafts published with who was told, the term's overview — each with its
refusals (role, another's record, the rules, bad input, a lost race)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from calendars import day_info
from calendars import today as shanghai_today
from programs.accounts.models import User
from programs.calendar.models import Closure
from programs.directory.models import School
from programs.notifications.models import Notification
from programs.study_tours import queries, services
from programs.study_tours.models import Instructor, PlanDraft, SchoolPlan, StudySession, Visit
from programs.study_tours.terms import term_of

API = "/api/v1/study"
MISSING = 2_147_483_647


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def _close(session, scope: str, scope_id: int | None, on: date, reason: str) -> None:
    session.add(
        Closure(
            scope=scope, scope_id=scope_id, kind="other", starts_on=on, ends_on=on, reason=reason
        )
    )
    session.flush()


def _sessions_between(session, start: date, end: date) -> list[StudySession]:
    return list(
        session.scalars(
            select(StudySession)
            .where(StudySession.on.between(start, end))
            .order_by(StudySession.id)
        )
    )


def _instructor(session) -> Instructor:
    return session.scalar(select(Instructor).where(Instructor.active).order_by(Instructor.id))


# --- Sessions opened -----------------------------------------------------------------------------


def test_sessions_open_on_open_days_and_every_other_day_says_why(client, token_of, session):
    headers = token_of("coordinator")
    _close(session, "base", services.the_base(session).id, date(2027, 9, 28), "展厅换展")
    teacher = _instructor(session)
    before = len(_sessions_between(session, date(2027, 9, 27), date(2027, 10, 12)))
    opened = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-09-27", "end_on": "2027-10-12", "instructor_ids": [teacher.id]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert opened.status_code == 201, opened.json
    created = opened.json["created"]
    weekdays = set(services.the_base(session).opening_weekdays)
    days = {date.fromisoformat(c["on"]) for c in created}
    # Opening weekdays only, never a day of the National Day holiday (1 to 5 October 2027).
    assert days and {d.weekday() for d in days} <= weekdays
    holiday = {
        date(2027, 10, d) for d in range(1, 32) if day_info(date(2027, 10, d)).kind == "holiday"
    }
    assert date(2027, 10, 5) in holiday and not days & holiday
    assert date(2027, 9, 28) not in days  # the base's own closure
    assert all(
        c["seats_left"] == c["seats"] > 0 and c["instructor_ids"] == [teacher.id] for c in created
    )
    session.expire_all()
    assert len(_sessions_between(session, date(2027, 9, 27), date(2027, 10, 12))) == (
        before + len(created)
    )
    why = {s["on"]: s for s in opened.json["skipped"] if s["slot"] is None}
    assert why["2027-10-05"]["code"] == "holiday" and "National Day" in why["2027-10-05"]["reason"]
    assert why["2027-09-28"]["code"] == "closure" and "展厅换展" in why["2027-09-28"]["reason"]
    assert why["2027-09-27"]["code"] == "not_opening_day"
    # Again: nothing new, each half-day already open is said to be so.
    again = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-09-27", "end_on": "2027-10-12"},
        headers=headers,
    )
    assert again.status_code == 201 and again.json["created"] == []
    exists = {(s["on"], s["slot"]) for s in again.json["skipped"] if s["code"] == "exists"}
    assert exists == {(c["on"], c["slot"]) for c in created}


def test_opening_sessions_is_refused_as_on_the_page(client, token_of, session):
    headers = token_of("coordinator")
    too_long = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-01-01", "end_on": "2027-12-31"},
        headers=headers,
    )
    assert too_long.status_code == 422 and too_long.json["error"]["field"] == "end_on"
    backwards = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-10", "end_on": "2027-03-01"},
        headers=headers,
    )
    assert backwards.status_code == 422
    unknown = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-01", "end_on": "2027-03-05", "instructor_ids": [MISSING]},
        headers=headers,
    )
    assert unknown.status_code == 404
    bad = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-02-30", "end_on": "2027-03-05"},
        headers=headers,
    )
    assert bad.status_code == 400 and bad.json["error"]["problems"][0]["field"] == "start_on"
    extra = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-01", "end_on": "2027-03-05", "seats": 9},
        headers=headers,
    )
    assert extra.status_code == 400
    school = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-01", "end_on": "2027-03-05"},
        headers=token_of("school"),
    )
    assert school.status_code == 403
    session.expire_all()
    assert _sessions_between(session, date(2027, 3, 1), date(2027, 3, 5)) == []


def test_a_half_day_opened_by_someone_else_first_is_a_lost_race(
    client, token_of, session, monkeypatch
):
    """Another coordinator's session for the same half-day is written between the check for
    existing ones and ours: the unique half-day index refuses ours, answered 409, and nothing
    of the period is half-made."""
    real = services._new_session

    def someone_else_first(db, base, on, slot, kind, school_id):
        real(db, base, on, slot, kind, school_id)
        db.flush()
        return real(db, base, on, slot, kind, school_id)

    monkeypatch.setattr(services, "_new_session", someone_else_first)
    lost = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-08", "end_on": "2027-03-12"},
        headers=token_of("coordinator"),
    )
    assert lost.status_code == 409 and lost.json["error"]["code"] == "conflict"
    session.expire_all()
    assert _sessions_between(session, date(2027, 3, 8), date(2027, 3, 12)) == []


# --- Sessions read -------------------------------------------------------------------------------


def test_sessions_are_listed_by_day_kind_and_town_with_seats_left(client, token_of, session):
    coordinator = _user(session, "coordinator")
    services.open_sessions(session, coordinator, date(2027, 3, 1), date(2027, 3, 31), [])
    school = session.get(School, _user(session, "school").school_id)
    touring = services.create_touring_session(
        session, coordinator, school.id, date(2027, 3, 15), "am", []
    )
    session.flush()
    headers = token_of("instructor")
    listed = client.get(f"{API}/sessions?period=2027-03&per_page=200", headers=headers)
    assert listed.status_code == 200
    in_march = _sessions_between(session, date(2027, 3, 1), date(2027, 3, 31))
    assert listed.json["paging"]["total"] == len(in_march) > 2
    assert [i["id"] for i in listed.json["items"]] == [
        r.id for r in sorted(in_march, key=lambda r: (r.on, r.slot, r.id))
    ]
    paged = client.get(f"{API}/sessions?period=2027-03&per_page=2&page=2", headers=headers).json
    assert [i["id"] for i in paged["items"]] == [i["id"] for i in listed.json["items"][2:4]]
    kinds = client.get(f"{API}/sessions?period=2027-03&kind=touring", headers=headers).json
    assert [i["id"] for i in kinds["items"]] == [touring.id]
    # The town: the touring session to its school, and sessions where a school of it is booked.
    visit = session.scalar(
        select(Visit)
        .join(StudySession)
        .where(Visit.status == "published", StudySession.kind == "base")
        .order_by(Visit.id)
    )
    town = visit.school.town_id
    by_town = client.get(f"{API}/sessions?town={town}&per_page=200", headers=headers).json
    ids = {i["id"] for i in by_town["items"]}
    assert visit.session_id in ids
    assert (touring.id in ids) == (school.town_id == town)
    assert all(
        r.touring_school_id is None and all(v.school.town_id != town for v in r.visits)
        for r in in_march
        if r.id not in ids and r.kind == "base"
    )
    one = client.get(f"{API}/sessions/{visit.session_id}", headers=headers)
    assert one.status_code == 200
    row = session.get(StudySession, visit.session_id)
    assert one.json["seats_left"] == row.seats - queries.seats_taken(row)
    assert visit.id in {v["id"] for v in one.json["visits"]}
    assert one.json["instructor_ids"] == [i.id for i in row.instructors]
    tag = one.headers["ETag"]
    assert (
        client.get(
            f"{API}/sessions/{visit.session_id}", headers={**headers, "If-None-Match": tag}
        ).status_code
        == 304
    )


def test_sessions_refuse_as_the_pages_do(client, token_of):
    headers = token_of("coordinator")
    assert client.get(f"{API}/sessions/{MISSING}", headers=headers).status_code == 404
    assert client.get(f"{API}/sessions?town={MISSING}", headers=headers).status_code == 404
    bad = client.get(f"{API}/sessions?period=2027-13", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["field"] == "period"
    assert client.get(f"{API}/sessions?kind=boat", headers=headers).status_code == 400
    assert client.get(f"{API}/sessions", headers=token_of("school")).status_code == 403
    assert client.get(f"{API}/sessions/1", headers=token_of("enterprise")).status_code == 403


# --- Touring sessions and instructors ------------------------------------------------------------


def test_a_touring_session_goes_to_a_school_on_a_school_day(client, token_of, session):
    headers = token_of("coordinator")
    school = session.get(School, _user(session, "school").school_id)
    teacher = _instructor(session)
    made = client.post(
        f"{API}/sessions/touring",
        json={
            "school_id": school.id,
            "on": "2027-03-15",
            "slot": "pm",
            "instructor_ids": [teacher.id, teacher.id],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.json
    row = session.get(StudySession, made.json["id"])
    assert (row.kind, row.touring_school_id, row.on, row.slot) == (
        "touring",
        school.id,
        date(2027, 3, 15),
        "pm",
    )
    assert [i.id for i in row.instructors] == [teacher.id]
    assert made.json["touring_school"] == school.name and made.json["town_id"] == school.town_id
    assert made.json["why"], "the calendar rules that allowed the day"
    refused = client.post(
        f"{API}/sessions/touring",
        json={"school_id": school.id, "on": "2027-10-05", "slot": "am"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "refused_by_rules" and refused.json["error"]["rules"]
    unknown = client.post(
        f"{API}/sessions/touring",
        json={"school_id": MISSING, "on": "2027-03-15", "slot": "am"},
        headers=headers,
    )
    assert unknown.status_code == 404
    evening = client.post(
        f"{API}/sessions/touring",
        json={"school_id": school.id, "on": "2027-03-15", "slot": "evening"},
        headers=headers,
    )
    assert evening.status_code == 400
    assert (
        client.post(
            f"{API}/sessions/touring",
            json={"school_id": school.id, "on": "2027-03-15", "slot": "am"},
            headers=token_of("instructor"),
        ).status_code
        == 403
    )


def test_instructors_are_set_and_one_who_cannot_come_is_named(client, token_of, session):
    headers = token_of("coordinator")
    row = services.open_sessions(
        session, _user(session, "coordinator"), date(2027, 3, 9), date(2027, 3, 9), []
    )[0]
    first, second = session.scalars(
        select(Instructor).where(Instructor.active).order_by(Instructor.id).limit(2)
    ).all()
    done = client.post(
        f"{API}/sessions/{row.id}/instructors",
        json={"instructor_ids": [second.id, first.id]},
        headers=headers,
    )
    assert done.status_code == 200, done.json
    session.expire_all()
    assert {i.id for i in session.get(StudySession, row.id).instructors} == {first.id, second.id}
    assert {i["id"] for i in done.json["instructors"]} == {first.id, second.id}
    _close(session, "instructor", first.id, date(2027, 3, 9), "外出培训")
    away = client.post(
        f"{API}/sessions/{row.id}/instructors",
        json={"instructor_ids": [first.id]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert away.status_code == 422 and away.json["error"]["field"] == "instructor_ids"
    assert first.name in away.json["error"]["message"]
    session.expire_all()
    assert {i.id for i in session.get(StudySession, row.id).instructors} == {first.id, second.id}
    missing = client.post(
        f"{API}/sessions/{MISSING}/instructors", json={"instructor_ids": []}, headers=headers
    )
    assert missing.status_code == 404
    too_many = client.post(
        f"{API}/sessions/{row.id}/instructors", json={"instructor_ids": [1] * 21}, headers=headers
    )
    assert too_many.status_code == 400
    assert (
        client.post(
            f"{API}/sessions/{row.id}/instructors",
            json={"instructor_ids": []},
            headers=token_of("instructor"),
        ).status_code
        == 403
    )


# --- A school's plan -----------------------------------------------------------------------------


def test_a_school_saves_its_own_plan_in_counts(client, token_of, session):
    school = session.get(School, _user(session, "school").school_id)
    grade = school.grades[0].grade
    saved = client.post(
        f"{API}/schools/{school.id}/plan",
        json={
            "grade": grade,
            "classes": 2,
            "students": 86,
            "preferred_weekdays": [1],
            "preferred_months": [3, 4],
            "contact_name": " 王老师 ",
            "term": "spring",
        },
        headers=token_of("school"),
    )
    assert saved.status_code == 200, saved.json
    session.expire_all()
    plan = session.scalar(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school.id, SchoolPlan.school_year == saved.json["school_year"]
        )
    )
    assert (plan.grade, plan.classes, plan.students, plan.term) == (grade, 2, 86, "spring")
    assert (plan.preferred_weekdays, plan.preferred_months, plan.contact_name) == (
        [1],
        [3, 4],
        "王老师",
    )
    assert saved.json["students"] == 86
    other = session.scalar(select(School.id).where(School.id != school.id).order_by(School.id))
    body = {"grade": grade, "classes": 2, "students": 86}
    assert (
        client.post(
            f"{API}/schools/{other}/plan", json=body, headers=token_of("school")
        ).status_code
        == 404
    )
    coordinator = token_of("coordinator")
    assert (
        client.post(f"{API}/schools/{MISSING}/plan", json=body, headers=coordinator).status_code
        == 404
    )
    absent = next(g for g in range(1, 13) if g not in {x.grade for x in school.grades})
    no_grade = client.post(
        f"{API}/schools/{school.id}/plan", json={**body, "grade": absent}, headers=coordinator
    )
    assert no_grade.status_code == 422 and no_grade.json["error"]["field"] == "grade"
    many = client.post(
        f"{API}/schools/{school.id}/plan", json={**body, "classes": 11}, headers=coordinator
    )
    assert many.status_code == 400
    sunday = client.post(
        f"{API}/schools/{school.id}/plan",
        json={**body, "preferred_weekdays": [7]},
        headers=coordinator,
    )
    assert sunday.status_code == 400
    assert (
        client.post(
            f"{API}/schools/{school.id}/plan", json=body, headers=token_of("instructor")
        ).status_code
        == 403
    )


# --- The planner and publishing ------------------------------------------------------------------


def test_the_rules_plan_a_term_which_is_applied_once_and_published(client, token_of, session):
    headers = token_of("coordinator")
    ran = client.post(f"{API}/planner/run", json={"term": "2027-spring"}, headers=headers)
    assert ran.status_code == 201, ran.json
    draft = session.get(PlanDraft, ran.json["id"])
    metrics = draft.result["metrics"]
    assert len(ran.json["placements"]) == len(draft.result["placements"]) > 0
    assert ran.json["coverage"]["schools_due"] == metrics["schools_due"]
    assert ran.json["coverage"]["placed"] == metrics["placed_base"] + metrics["placed_touring"]
    assert ran.json["coverage"]["unplaced"] == len(ran.json["unplaced"])
    assert all(p["why"] and p["why"][0]["rule"] == "planner" for p in ran.json["placements"])
    assert ran.json["term"] == "2027-spring" and ran.json["applied"] is False
    latest = client.get(f"{API}/planner?term=2027-spring", headers=headers)
    assert latest.status_code == 200 and latest.json["id"] == draft.id
    applied = client.post(f"{API}/planner/apply", json={"draft_id": draft.id}, headers=headers)
    assert applied.status_code == 200, applied.json
    planned = session.scalars(
        select(Visit).where(Visit.source == "planner", Visit.status == "draft")
    ).all()
    assert applied.json["created"] == len(planned) > 0
    assert applied.json["created"] + len(applied.json["skipped"]) == len(ran.json["placements"])
    twice = client.post(f"{API}/planner/apply", json={"draft_id": draft.id}, headers=headers)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "conflict"
    assert client.get(f"{API}/planner?term=2027-spring", headers=headers).json["applied"] is True
    published = client.post(f"{API}/plan/publish", json={"term": "2027-spring"}, headers=headers)
    assert published.status_code == 200, published.json
    ids = {v["id"] for v in published.json["published"]}
    assert {v.id for v in planned} <= ids and published.json["count"] == len(ids)
    session.expire_all()
    assert {session.get(Visit, i).status for i in ids} == {"published"}
    one = published.json["published"][0]
    told = session.scalars(
        select(Notification.user_id).where(Notification.link == f"/study/visits/{one['id']}")
    ).all()
    assert {u["user_id"] for u in one["told"]} == set(told)
    again = client.post(
        f"{API}/plan/publish", json={"visit_ids": [one["id"]]}, headers=headers
    ).json
    assert again["count"] == 0 and again["not_drafts"] == [one["id"]]


def test_the_planner_and_publishing_refuse(client, token_of, session):
    headers = token_of("coordinator")
    assert (
        client.post(f"{API}/planner/apply", json={"draft_id": MISSING}, headers=headers).status_code
        == 404
    )
    assert client.get(f"{API}/planner?term=2040-autumn", headers=headers).status_code == 404
    bad = client.post(f"{API}/planner/run", json={"term": "spring"}, headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["problems"][0]["field"] == "term"
    assert (
        client.post(f"{API}/planner/run", json={}, headers=token_of("instructor")).status_code
        == 403
    )
    drafts = queries.drafts(session, date(2000, 1, 1), date(2099, 12, 31))
    assert drafts
    missing = client.post(
        f"{API}/plan/publish", json={"visit_ids": [drafts[0].id, MISSING]}, headers=headers
    )
    assert missing.status_code == 404
    session.expire_all()
    assert session.get(Visit, drafts[0].id).status == "draft"  # nothing published
    assert (
        client.post(f"{API}/plan/publish", json={}, headers=token_of("school")).status_code == 403
    )


# --- The overview --------------------------------------------------------------------------------


def test_the_overview_counts_every_school_by_town(client, token_of, session):
    headers = token_of("coordinator")
    answer = client.get(f"{API}/plan", headers=headers)
    assert answer.status_code == 200
    today = shanghai_today()
    term = term_of(today)
    towns = queries.coverage(session, term.school_year, today)
    schools = session.scalar(select(func.count()).where(School.status == "active"))
    assert answer.json["schools"] == sum(len(t.schools) for t in towns) == schools
    assert answer.json["covered"] == sum(t.covered for t in towns)
    assert answer.json["planned"] == sum(t.planned for t in towns)
    assert answer.json["covered"] + answer.json["planned"] + answer.json["not_yet"] == schools
    assert answer.json["drafts"] == len(queries.drafts(session, term.starts_on, term.ends_on))
    assert answer.json["term"] == term.code
    first = next(t for t in towns if t.schools)
    one = client.get(f"{API}/plan?town={first.town.id}", headers=headers).json
    assert [t["town_id"] for t in one["towns"]] == [first.town.id]
    assert one["schools"] == len(first.schools)
    assert client.get(f"{API}/plan?town={MISSING}", headers=headers).status_code == 404
    assert client.get(f"{API}/plan?term=0000-autumn", headers=headers).status_code == 400
    assert client.get(f"{API}/plan", headers=token_of("school")).status_code == 403
