"""The study base's pages: requests and refusals through the real forms, review and outputs."""

import re
from datetime import date

import icalendar
import pytest
import vobject
from sqlalchemy import select

from programs.accounts.models import User
from programs.directory.models import School
from programs.study_tours import services
from programs.study_tours.models import Activity, Instructor, StudySession, Visit
from tests.helpers import post_form

TUESDAY = date(2027, 3, 9)


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


def _traffic(session):
    return session.scalar(select(Activity).where(Activity.code == "traffic-safety"))


def _session(session, on=TUESDAY, open_day=True):
    coordinator = _user(session, "coordinator")
    instructors = [
        i.id for i in session.scalars(select(Instructor)) if _traffic(session) in i.activities
    ]
    if open_day:
        rows = services.open_sessions(session, coordinator, on, on, instructors)
        row = rows[0]
    else:  # a day the base does not open, as if it had been opened by mistake
        row = services._new_session(session, services.the_base(session), on, "am", "base", None)
        row.instructors = [session.get(Instructor, i) for i in instructors]
    session.commit()
    return row


def _unvisited(session):
    visited = select(Visit.school_id).where(Visit.school_year == 2026)
    own = _user(session, "school").school_id
    return session.scalars(
        select(School)
        .where(School.level == "primary", School.id.not_in(visited), School.id != own)
        .order_by(School.id)
    ).first()


def _request(client, row, session, **over):
    data = {
        "session_id": row.id,
        "activity_ids": [_traffic(session).id],
        "grade": "5",
        "students": "80",
        "teachers": "4",
        "note": "",
    }
    data.update(over)
    return post_form(client, "/study/request", data)


def test_a_school_requests_a_date_and_sees_why(login, session):
    row = _session(session)
    client = login("school")
    response = _request(client, row, session)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "草稿" in page
    assert "09:00–11:30" in page  # Shanghai time, not the stored UTC
    assert "已核查" in page and "checked" in page  # the rule that checked it, by name


def test_bad_numbers_come_back_beside_the_field_and_the_form_is_kept(login, session):
    row = _session(session)
    response = _request(login("school"), row, session, students="", note="请安排上午")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="students-error"' in html
    assert "请安排上午" in html


def test_a_wednesday_is_refused_through_the_form_naming_the_rule(login, session):
    row = _session(session, date(2027, 3, 10), open_day=False)
    client = login("coordinator")
    url = f"/study/sessions/{row.id}"
    data = {
        "action": "visit",
        "school_id": _unvisited(session).id,
        "session_id": row.id,
        "activity_ids": [_traffic(session).id],
        "students": "80",
        "teachers": "4",
    }
    response = post_form(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "closed_on_other_weekdays" in html
    assert "研学只在星期二、星期四进行" in html


def test_the_substituted_day_off_is_refused_through_the_form(login, session):
    row = _session(session, date(2026, 10, 6), open_day=False)
    client = login("coordinator")
    url = f"/study/sessions/{row.id}"
    data = {
        "action": "visit",
        "school_id": _unvisited(session).id,
        "session_id": row.id,
        "activity_ids": [_traffic(session).id],
        "students": "80",
        "teachers": "4",
    }
    html = post_form(client, url, data).get_data(as_text=True)
    assert "closed_for_holiday" in html and "国庆节" in html


def test_an_overfull_session_offers_the_waiting_list(login, session):
    row = _session(session)
    coordinator = _user(session, "coordinator")
    services.request_visit(
        session,
        coordinator,
        services.VisitInput(_unvisited(session).id, row.id, [_traffic(session).id], 90, 5),
    )
    session.commit()
    client = login("school")
    response = _request(client, row, session, students="40", teachers="2")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "session_full" in html and "加入候补名单" in html
    response = _request(client, row, session, students="40", teachers="2", action="waitlist")
    assert response.status_code == 302


def test_coordinator_publishes_and_the_school_gets_its_date_in_its_feed(login, session):
    row = _session(session)
    school = login("school")
    visit_url = _request(school, row, session).headers["Location"]
    coordinator = login("coordinator")
    overview = coordinator.get("/study/?term=2027-spring").get_data(as_text=True)
    assert "发布本学期全部草稿" in overview
    response = post_form(
        coordinator, "/study/publish?term=2027-spring", {}, page="/study/?term=2027-spring"
    )
    assert response.status_code == 302
    assert "已发布" in school.get(visit_url).get_data(as_text=True)
    safety = {
        "action": "safety",
        "safety-accompanying_teachers": "4",
        "safety-transport": "school_bus",
        "safety-emergency_contact": "王老师",
        "safety-emergency_phone": "13900000000",
        "safety-special_needs_count": "0",
        "safety-notes": "",
    }
    visit_id = int(visit_url.rsplit("/", 1)[1])
    assert post_form(school, visit_url, safety).status_code == 302
    post_form(school, "/calendar/feed", {}, page="/account")
    url = re.search(
        r'value="http://127\.0\.0\.1:5000(/feeds/[^"]+\.ics)"',
        school.get("/account").get_data(as_text=True),
    ).group(1)
    body = school.application.test_client().get(url).get_data()
    event = next(
        e
        for e in vobject.readOne(body.decode()).vevent_list
        if e.uid.value == f"study-visit-{visit_id}@fengqiao"
    )
    assert "研学" in event.summary.value
    assert icalendar.Calendar.from_ical(body).to_ical() == body


def test_another_schools_visit_is_404(login, session):
    other = session.scalar(
        select(Visit).where(Visit.school_id != _user(session, "school").school_id)
    )
    assert login("school").get(f"/study/visits/{other.id}").status_code == 404


def test_coverage_sessions_and_csv_pages(login, session):
    client = login("coordinator")
    assert "城关街道" in client.get("/study/schools").get_data(as_text=True)
    assert client.get("/study/sessions").status_code == 200
    response = client.get("/study/visits.csv?term=2026-autumn")
    assert response.mimetype == "text/csv"
    assert response.get_data().startswith("\ufeffdate".encode())


def test_study_pages_are_closed_to_other_roles(login):
    for role in ("enterprise", "mediator", "consultant"):
        client = login(role)
        assert client.get("/study/").status_code == 403
        assert client.get("/study/request").status_code == 403


def test_instructor_sees_their_sessions(login, session):
    assert login("instructor").get("/instructor").status_code == 200


def _embedded_cjk_fonts(pdf: bytes, tmp_path) -> list[str]:
    import subprocess

    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    table = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in table.splitlines()[2:]]
    return [
        r[0]
        for r in rows
        if any(k in r[0] for k in ("WenQuanYi", "NotoSansCJK")) and "yes" in r[-5:-2]
    ]


@pytest.mark.slow
def test_the_school_downloads_its_term_plan_with_embedded_chinese_font(login, session, tmp_path):
    import subprocess

    own = _user(session, "school").school_id
    school = login("school")
    response = school.get(f"/study/schools/{own}/plan.pdf?term=2026-autumn")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _embedded_cjk_fonts(response.get_data(), tmp_path)
    other = session.scalar(select(School.id).where(School.id != own))
    assert school.get(f"/study/schools/{other}/plan.pdf").status_code == 404
    city = login("coordinator").get("/study/plan.pdf?term=2026-autumn").get_data()
    path = tmp_path / "city.pdf"
    path.write_bytes(city)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    visit = session.scalar(
        select(Visit).where(Visit.school_year == 2026, Visit.status == "published")
    )
    assert visit.school.name in text
    assert "研学计划表" in text


def test_base_setup_refuses_bad_times_beside_the_field(login, session):
    client = login("coordinator")
    data = {
        "seats_per_session": "100",
        "opening_weekdays": ["1", "3"],
        "morning_starts": "09:00",
        "morning_ends": "08:00",
        "afternoon_starts": "14:00",
        "afternoon_ends": "16:30",
    }
    response = post_form(client, "/study/setup", data)
    assert response.status_code == 422
    assert 'id="morning_starts-error"' in response.get_data(as_text=True)
    data["morning_ends"] = "11:30"
    data["seats_per_session"] = "120"
    assert post_form(client, "/study/setup", data).status_code == 302
    assert services.the_base(session).seats_per_session == 120


def test_an_activity_with_its_grades_upside_down_is_refused(login, session):
    client = login("coordinator")
    data = {
        "name": "少年法治情景课",
        "description": "",
        "grade_min": "8",
        "grade_max": "4",
        "group_min": "20",
        "group_max": "60",
        "duration_minutes": "90",
        "room": "多功能厅",
        "instructors_needed": "1",
        "active": "y",
    }
    response = post_form(client, "/study/activities/new", data)
    assert response.status_code == 422
    assert 'id="grade_max-error"' in response.get_data(as_text=True)
    data["grade_max"] = "9"
    assert post_form(client, "/study/activities/new", data).status_code == 302
    assert session.scalar(select(Activity).where(Activity.name == "少年法治情景课")).grade_max == 9


@pytest.mark.parametrize(
    ("rule", "code", "grade", "students", "teachers", "with_instructors"),
    [
        ("grade_not_suited", "mock-court", "3", "80", "4", True),
        ("group_too_large", "self-protection", "5", "90", "5", True),
        ("too_few_teachers", "traffic-safety", "5", "90", "2", True),
        ("instructors_missing", "traffic-safety", "5", "80", "4", False),
    ],
)
def test_each_group_rule_refuses_through_the_form_and_keeps_what_was_typed(
    login, session, rule, code, grade, students, teachers, with_instructors
):
    row = services._new_session(session, services.the_base(session), TUESDAY, "pm", "base", None)
    activity = session.scalar(select(Activity).where(Activity.code == code))
    if with_instructors:
        row.instructors = [
            i for i in session.scalars(select(Instructor)) if activity in i.activities
        ]
    session.commit()
    url = f"/study/sessions/{row.id}"
    data = {
        "action": "visit",
        "school_id": _unvisited(session).id,
        "session_id": row.id,
        "activity_ids": [activity.id],
        "grade": grade,
        "students": students,
        "teachers": teachers,
        "note": "第二次申请",
    }
    response = post_form(login("coordinator"), url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"（规则：{rule}）" in html
    assert "第二次申请" in html
    assert session.scalar(select(Visit).where(Visit.session_id == row.id)) is None


def test_school_import_page_lists_problems_by_line_and_changes_nothing(login, session):
    import io

    client = login("coordinator")
    page = client.get("/study/schools/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    bad = "学校名称,镇街,类型,年级,班级数,学生数\n新学校,城关街道,小学,4,2,80\n新学校,火星镇,小学,5,2,80\n"
    response = client.post(
        "/study/schools/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "s.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "火星镇" in html and "不是本市的镇街" in html
    assert session.scalar(select(School).where(School.name == "新学校")) is None
    good = bad.replace("火星镇", "城关街道")
    response = client.post(
        "/study/schools/import",
        data={"csrf_token": token, "file": (io.BytesIO(good.encode()), "s.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert session.scalar(select(School).where(School.name == "新学校")) is not None


def test_a_refused_cancellation_comes_back_with_the_reason_typed(login, session):
    """The demo school's next published visit is days away: too late for the school itself."""
    from datetime import timedelta

    from calendars import today

    coordinator = _user(session, "coordinator")
    own = _user(session, "school").school_id
    soon = session.scalar(
        select(StudySession).where(
            StudySession.on > today(), StudySession.on <= today() + timedelta(days=2)
        )
    ) or _session(session, today() + timedelta(days=2), open_day=False)
    visit = Visit(
        session_id=soon.id,
        school_id=own,
        school_year=2026,
        grade=5,
        students=40,
        teachers=2,
        status="published",
        source="coordinator",
        created_by_id=coordinator.id,
    )
    session.add(visit)
    session.commit()
    client = login("school")
    url = f"/study/visits/{visit.id}"
    response = post_form(client, url, {"action": "cancel", "cancel-reason": "学校临时有活动"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "late_cancellation_needs_coordinator" in html
    assert 'value="学校临时有活动"' in html
    assert post_form(client, url, {"action": "move", "move-session_id": soon.id}).status_code == 403


def test_moving_to_national_day_is_refused_at_once_in_plain_words(login, session):
    """The coordinator moves a visit to Tuesday 6 October and reads why not, in Chinese."""
    coordinator = _user(session, "coordinator")
    row = _session(session)
    visit = services.request_visit(
        session,
        coordinator,
        services.VisitInput(_unvisited(session).id, row.id, [_traffic(session).id], 80, 4),
    )
    session.commit()
    client = login("coordinator")
    url = f"/study/visits/{visit.id}"
    response = post_form(
        client,
        url,
        {"action": "move", "move-session_id": "0", "move-on": "2027-10-05", "move-slot": "am"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "基地不开放" in html and "国庆节" in html and "closed_for_holiday" in html
    # A Thursday with no session yet: one is opened and the visit moves there.
    response = post_form(
        client,
        url,
        {"action": "move", "move-session_id": "0", "move-on": "2027-03-18", "move-slot": "pm"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Visit, visit.id).session.on == date(2027, 3, 18)


def test_the_planner_page_runs_compares_and_applies(login, session):
    client = login("coordinator")
    url = "/study/planner?term=2027-spring"
    assert "运行排程" in client.get(url).get_data(as_text=True)
    assert post_form(client, url, {"action": "run"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "新增" in page and "暂定" in page  # new placements; 2027 is provisional
    draft_id = re.search(r'name="draft_id" value="(\d+)"', page).group(1)
    response = post_form(client, url, {"action": "apply", "draft_id": draft_id})
    assert response.status_code == 302
    assert session.scalar(select(Visit).where(Visit.source == "planner")) is not None


def test_the_planner_page_says_how_short_the_term_is(login, session):
    client = login("coordinator")
    response = post_form(
        client,
        "/calendar/closures/new",
        {
            "scope": "all_schools",
            "target": "0",
            "kind": "vacation",
            "starts_on": "2027-03-08",
            "ends_on": "2027-07-10",
            "reason": "春季停课",
        },
    )
    assert response.status_code == 302
    url = "/study/planner?term=2027-spring"
    post_form(client, url, {"action": "run"})
    page = client.get(url).get_data(as_text=True)
    unplaced = int(re.search(r'<span class="num">(\d+)</span> 未能安排', page).group(1))
    assert unplaced > 0
    assert f"{unplaced} 所学校无法安排" in page
