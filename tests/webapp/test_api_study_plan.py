"""/api/v1/study (the plan): sessions opened (closed days skipped) and staffed, touring
sessions, a school's plan in counts, the term planned by the rules and applied once, drafts
published, the coverage of every school — each with its refusals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from calendars import today as shanghai_today
from calendars import workdays
from programs.accounts.models import User
from programs.directory.models import School
from programs.study_tours import queries
from programs.study_tours.models import Instructor, PlanDraft, SchoolPlan, StudySession, Visit
from programs.study_tours.terms import term_of

API = "/api/v1/study"


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def test_sessions_are_opened_on_open_days_only_and_listed(client, token_of, session):
    headers = token_of("coordinator")
    # The National Day week of 2027 and the days around it: the holiday gets no session.
    opened = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-09-27", "end_on": "2027-10-12"},
        headers=headers,
    )
    assert opened.status_code == 200, opened.json
    days = {date.fromisoformat(s["on"]) for s in opened.json["created"]}
    assert days and all(workdays.day_info(d).working for d in days)
    assert date(2027, 10, 1) not in days and date(2027, 10, 5) not in days  # National Day
    listed = client.get(
        f"{API}/sessions?period=2027-10&per_page=200", headers=token_of("instructor")
    ).json
    in_october = session.scalars(
        select(StudySession).where(StudySession.on.between(date(2027, 10, 1), date(2027, 10, 31)))
    ).all()
    assert listed["paging"]["total"] == len(in_october)
    one = client.get(f"{API}/sessions/{listed['items'][0]['id']}", headers=headers).json
    assert one["seats_left"] <= one["seats"]
    too_long = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-01-01", "end_on": "2027-12-31"},
        headers=headers,
    )
    assert too_long.status_code == 422 and too_long.json["error"]["field"] == "end_on"
    assert (
        client.post(
            f"{API}/sessions/open",
            json={"start_on": "2027-09-27", "end_on": "2027-10-12"},
            headers=token_of("school"),
        ).status_code
        == 403
    )
    assert client.get(f"{API}/sessions", headers=token_of("school")).status_code == 403


def test_a_touring_session_on_a_holiday_is_refused_with_the_rule(client, token_of, session):
    school = session.scalar(select(School.id).where(School.status == "active").limit(1))
    refused = client.post(
        f"{API}/sessions/touring",
        json={"school_id": school, "on": "2027-10-05", "slot": "am"},
        headers=token_of("coordinator"),
    )
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "refused_by_rules" and refused.json["error"]["rules"]


def test_instructors_are_set_and_one_who_cannot_come_is_named(client, token_of, session):
    headers = token_of("coordinator")
    opened = client.post(
        f"{API}/sessions/open",
        json={"start_on": "2027-03-01", "end_on": "2027-03-12"},
        headers=headers,
    ).json["created"]
    row = opened[0] if opened else None
    if row is None:  # already opened by the demo: take one of that fortnight
        row = client.get(f"{API}/sessions?period=2027-03", headers=headers).json["items"][0]
    instructors = [i.id for i in session.scalars(select(Instructor).where(Instructor.active))][:2]
    done = client.post(
        f"{API}/sessions/{row['id']}/instructors",
        json={"instructor_ids": instructors},
        headers=headers,
    )
    assert done.status_code in (200, 422), done.json
    if done.status_code == 200:
        assert sorted(done.json["instructor_ids"]) == sorted(instructors)
        session.expire_all()
        kept = session.get(StudySession, row["id"])
        assert sorted(i.id for i in kept.instructors) == sorted(instructors)
    else:
        assert done.json["error"]["field"] == "instructor_ids"
    missing = client.post(
        f"{API}/sessions/2147483647/instructors", json={"instructor_ids": []}, headers=headers
    )
    assert missing.status_code == 404


def test_a_school_saves_its_own_plan_in_counts(client, token_of, session):
    school = _user(session, "school")
    grade = session.get(School, school.school_id).grades[0].grade
    saved = client.post(
        f"{API}/schools/{school.school_id}/plan",
        json={"grade": grade, "classes": 2, "students": 86, "preferred_months": [3, 4]},
        headers=token_of("school"),
    )
    assert saved.status_code == 200, saved.json
    session.expire_all()
    plan = session.scalar(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school.school_id,
            SchoolPlan.school_year == saved.json["school_year"],
        )
    )
    assert (plan.grade, plan.classes, plan.students) == (grade, 2, 86)
    other = session.scalar(select(School.id).where(School.id != school.school_id).limit(1))
    assert (
        client.post(
            f"{API}/schools/{other}/plan",
            json={"grade": grade, "classes": 2, "students": 86},
            headers=token_of("school"),
        ).status_code
        == 404
    )
    no_grade = client.post(
        f"{API}/schools/{school.school_id}/plan",
        json={"grade": 12, "classes": 2, "students": 86},
        headers=token_of("school"),
    )
    assert no_grade.status_code in (200, 422)
    if no_grade.status_code == 422:
        assert no_grade.json["error"]["field"] == "grade"


def test_the_rules_plan_a_term_which_is_applied_once_and_published(client, token_of, session):
    headers = token_of("coordinator")
    ran = client.post(f"{API}/planner/run", json={"term": "2027-spring"}, headers=headers)
    assert ran.status_code == 201, ran.json
    draft = session.get(PlanDraft, ran.json["id"])
    assert ran.json["placements"] == len(draft.result["placements"]) > 0
    assert ran.json["applied"] is False
    applied = client.post(f"{API}/planner/apply", json={"draft_id": draft.id}, headers=headers)
    assert applied.status_code == 200, applied.json
    planned = session.scalar(
        select(func.count()).where(Visit.source == "planner", Visit.status == "draft")
    )
    assert applied.json["created"] == planned > 0
    twice = client.post(f"{API}/planner/apply", json={"draft_id": draft.id}, headers=headers)
    assert twice.status_code == 409
    published = client.post(f"{API}/plan/publish", json={"term": "2027-spring"}, headers=headers)
    assert published.status_code == 200
    assert len(published.json["published"]) >= planned
    session.expire_all()
    assert all(session.get(Visit, v).status == "published" for v in published.json["published"])
    bad = client.post(f"{API}/planner/run", json={"term": "spring"}, headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["field"] == "term"
    assert (
        client.post(f"{API}/planner/run", json={}, headers=token_of("instructor")).status_code
        == 403
    )


def test_the_coverage_counts_every_school_by_town(client, token_of, session):
    answer = client.get(f"{API}/plan", headers=token_of("coordinator"))
    assert answer.status_code == 200
    term = term_of(shanghai_today())
    towns = queries.coverage(session, term.school_year, shanghai_today())
    assert answer.json["schools"] == sum(len(t.schools) for t in towns)
    assert answer.json["covered"] == sum(t.covered for t in towns)
    first = towns[0].town.id
    one = client.get(f"{API}/plan?town={first}", headers=token_of("coordinator")).json
    assert [t["town_id"] for t in one["towns"]] == [first]
    assert client.get(f"{API}/plan", headers=token_of("school")).status_code == 403
