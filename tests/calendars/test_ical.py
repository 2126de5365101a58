from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from calendars.ical import PRODID, CalendarEvent, build_calendar
from calendars.ics_import import parse_closures
from calendars.workdays import TZ

MODIFIED_AT = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)
LONG_CHINESE = "少年模拟法庭剧本杀：小法官、小律师、小陪审员，体验庭审全过程；" * 3


def study_booking(**overrides) -> CalendarEvent:
    values = dict(
        uid="study-booking-42@fengqiao",
        sequence=3,
        summary="研学：" + LONG_CHINESE,
        last_modified_at=MODIFIED_AT,
        starts_at=datetime(2026, 3, 3, 1, 0, tzinfo=UTC),  # 09:00 in Shanghai
        ends_at=datetime(2026, 3, 3, 3, 30, tzinfo=UTC),
        description="带队老师：王老师\n学生 45 人, 3 班; 请提前 10 分钟到达",
        location="未成年人保护研学基地, 一楼模拟法庭",
        categories=("研学", "模拟法庭"),
        url="https://fengqiao.example/study/42",
    )
    values.update(overrides)
    return CalendarEvent(**values)


EVENTS = [
    study_booking(),
    CalendarEvent(
        uid="friday-2026-03-06@fengqiao",
        sequence=0,
        summary="星期五法治服务日",
        last_modified_at=MODIFIED_AT,
        starts_at=datetime(2026, 3, 6, 14, 0, tzinfo=TZ),
        ends_at=datetime(2026, 3, 6, 16, 30, tzinfo=TZ),
    ),
    CalendarEvent(
        uid="study-booking-43@fengqiao",
        sequence=1,
        summary="研学（已取消）",
        last_modified_at=MODIFIED_AT,
        starts_at=datetime(2026, 3, 5, 9, 0, tzinfo=TZ),
        ends_at=datetime(2026, 3, 5, 11, 30, tzinfo=TZ),
        status="CANCELLED",
    ),
    CalendarEvent(
        uid="deadline-7@fengqiao",
        sequence=0,
        summary="仲裁申请期限",
        last_modified_at=MODIFIED_AT,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 1),
        provisional=True,
        status="TENTATIVE",
    ),
    CalendarEvent(
        uid="closure-1@fengqiao",
        sequence=0,
        summary="寒假闭馆",
        last_modified_at=MODIFIED_AT,
        starts_on=date(2026, 1, 24),
        ends_on=date(2026, 2, 22),
    ),
]
NOTE = "2027年放假安排尚未公布，日期可能调整。"


@pytest.fixture
def ics() -> bytes:
    return build_calendar(EVENTS, name="研学基地, 日程", description="说明", provisional_note=NOTE)


def test_calendar_headers(ics):
    cal = Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert b"\r\nX-WR-CALNAME:\xe7\xa0\x94\xe5\xad\xa6\xe5\x9f\xba\xe5\x9c\xb0\\, " in ics
    assert b"\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n" in ics
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics


def test_vtimezone_for_shanghai_is_present(ics):
    cal = Calendar.from_ical(ics)
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Shanghai"]
    assert cal.get_missing_tzids() == set()
    assert b"DTSTART;TZID=Asia/Shanghai:20260303T090000" in ics
    assert b"TZOFFSETTO:+0800" in ics


def test_parses_with_vobject(ics):
    parsed = vobject.readOne(ics.decode("utf-8"))
    events = {e.uid.value: e for e in parsed.vevent_list}
    assert set(events) == {e.uid for e in EVENTS}
    booking = events["study-booking-42@fengqiao"]
    assert booking.summary.value == "研学：" + LONG_CHINESE
    assert booking.description.value == "带队老师：王老师\n学生 45 人, 3 班; 请提前 10 分钟到达"
    assert booking.location.value == "未成年人保护研学基地, 一楼模拟法庭"
    assert booking.dtstart.value == datetime(2026, 3, 3, 9, 0, tzinfo=TZ)
    assert booking.dtstart.value.utcoffset() == timedelta(hours=8)
    assert events["study-booking-43@fengqiao"].status.value == "CANCELLED"
    assert events["closure-1@fengqiao"].dtend.value == date(2026, 2, 23)  # exclusive end


def test_parses_with_recurring_ical_events(ics):
    cal = Calendar.from_ical(ics)
    in_march = recurring_ical_events.of(cal).between(date(2026, 3, 1), date(2026, 3, 31))
    assert sorted(str(e["UID"]) for e in in_march) == [
        "friday-2026-03-06@fengqiao",
        "study-booking-42@fengqiao",
        "study-booking-43@fengqiao",
    ]
    on_day = recurring_ical_events.of(cal).at(date(2026, 2, 22))
    assert [str(e["UID"]) for e in on_day] == ["closure-1@fengqiao"]
    assert recurring_ical_events.of(cal).at(date(2026, 2, 23)) == []


def test_round_trips_through_icalendar_unchanged(ics):
    assert Calendar.from_ical(ics).to_ical() == ics


def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_characters(ics):
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")
    assert all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold in the middle of a character would fail here
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded


def test_cancelled_and_tentative_statuses(ics):
    cal = Calendar.from_ical(ics)
    status = {str(e["UID"]): str(e["STATUS"]) for e in cal.events}
    assert status["study-booking-43@fengqiao"] == "CANCELLED"
    assert status["deadline-7@fengqiao"] == "TENTATIVE"
    assert status["study-booking-42@fengqiao"] == "CONFIRMED"


def test_provisional_note_goes_to_the_calendar_and_provisional_events_only(ics):
    cal = Calendar.from_ical(ics)
    assert NOTE in str(cal["DESCRIPTION"])
    descriptions = {str(e["UID"]): str(e.get("DESCRIPTION", "")) for e in cal.events}
    assert descriptions["deadline-7@fengqiao"] == NOTE
    assert NOTE not in descriptions["study-booking-42@fengqiao"]


def test_stamps_come_from_last_modification_so_bytes_are_stable(ics):
    assert ics.count(b"DTSTAMP:20260201T083000Z") == len(EVENTS)
    again = build_calendar(
        list(reversed(EVENTS)), name="研学基地, 日程", description="说明", provisional_note=NOTE
    )
    assert again == ics


def test_a_change_changes_the_bytes(ics):
    moved = [study_booking(sequence=4, last_modified_at=MODIFIED_AT + timedelta(hours=1))]
    other = build_calendar(moved + EVENTS[1:], name="研学基地, 日程", description="说明")
    assert other != ics
    assert b"SEQUENCE:4" in other


def test_event_times_in_other_zones_are_written_in_shanghai_time():
    event = study_booking(
        starts_at=datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        ends_at=datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    data = build_calendar([event], name="x")
    assert b"DTSTART;TZID=Asia/Shanghai:20260303T160000" in data


def test_name_with_newline_and_comma_is_escaped_and_survives():
    data = build_calendar([], name="研学,基地;\n日程", description="第一行\n第二行")
    assert b"X-WR-CALNAME:\xe7\xa0\x94\xe5\xad\xa6\\,\xe5\x9f\xba\xe5\x9c\xb0\\;\\n" in data
    assert Calendar.from_ical(data).to_ical() == data
    assert vobject.readOne(data.decode()).x_wr_caldesc.value == "第一行\n第二行"
    assert [tz.tz_name for tz in Calendar.from_ical(data).timezones] == ["Asia/Shanghai"]


def test_feed_of_closures_reads_back_as_closures(ics):
    result = parse_closures(ics, window_start=date(2026, 1, 1), window_end=date(2026, 12, 31))
    winter = [c for c in result.closures if c.reason == "寒假闭馆"]
    assert [(c.starts_on, c.ends_on, c.kind) for c in winter] == [
        (date(2026, 1, 24), date(2026, 2, 22), "vacation")
    ]
    assert result.skipped_cancelled == 1
    assert result.skipped_outside_window == 1  # the 2027 deadline


@pytest.mark.parametrize(
    "overrides",
    [
        {"uid": ""},
        {"uid": "a\nb"},
        {"sequence": -1},
        {"status": "DONE"},
        {"last_modified_at": datetime(2026, 1, 1)},
        {"starts_at": datetime(2026, 3, 3, 9)},
        {"ends_at": datetime(2026, 3, 3, 0, 0, tzinfo=UTC)},
        {"starts_on": date(2026, 3, 3)},
        {"ends_at": None},
        {"starts_at": None, "ends_at": None},
    ],
)
def test_invalid_events_are_refused(overrides):
    with pytest.raises(ValueError):
        study_booking(**overrides)


def test_all_day_events_need_dates_in_order():
    with pytest.raises(ValueError):
        study_booking(starts_at=None, ends_at=None, starts_on=date(2026, 3, 2), ends_on=None)
    with pytest.raises(ValueError):
        study_booking(
            starts_at=None, ends_at=None, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1)
        )
    event = study_booking(
        starts_at=None, ends_at=None, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 2)
    )
    assert event.all_day and not study_booking().all_day


def test_duplicate_uids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        build_calendar([study_booking(), study_booking(sequence=9)], name="x")
