"""iCalendar output: read by independent parsers, round-trips unchanged, Chinese intact."""

from datetime import date, datetime, time

import icalendar
import recurring_ical_events
import vobject

from calendars import TZ, CalendarEvent, build_calendar

MODIFIED = datetime(2026, 11, 20, 8, 0, tzinfo=TZ)


def _events():
    start = datetime.combine(date(2026, 12, 8), time(9, 0), tzinfo=TZ)
    return [
        CalendarEvent(
            uid="study-booking-42@fengqiao",
            sequence=3,
            summary="研学：城关中心小学，模拟法庭",
            description="少年模拟法庭剧本杀；带队老师 3 人，学生 86 人",
            location="清河市未成年人保护研学基地",
            starts_at=start,
            ends_at=start.replace(hour=11, minute=30),
            last_modified_at=MODIFIED,
        ),
        CalendarEvent(
            uid="closure-7@fengqiao",
            sequence=1,
            summary="暂停开放：展馆维修, 请改期; 谢谢",
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 3),
            status="CANCELLED",
            last_modified_at=MODIFIED,
        ),
    ]


def test_independent_parsers_read_it():
    body = build_calendar(_events(), name="枫桥 —— 周主任")
    parsed = vobject.readOne(body.decode())
    summaries = sorted(e.summary.value for e in parsed.vevent_list)
    assert summaries[0].startswith("暂停开放：展馆维修, 请改期; 谢谢")
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(
        date(2026, 12, 8), date(2026, 12, 9)
    )
    assert [str(e["UID"]) for e in found] == ["study-booking-42@fengqiao"]


def test_round_trip_is_unchanged_and_deterministic():
    body = build_calendar(_events(), name="枫桥")
    assert icalendar.Calendar.from_ical(body).to_ical() == body
    assert build_calendar(list(reversed(_events())), name="枫桥") == body


def test_timezone_status_sequence_and_all_day_end():
    body = build_calendar(_events(), name="枫桥")
    cal = icalendar.Calendar.from_ical(body)
    assert [c["TZID"] for c in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    closure = events["closure-7@fengqiao"]
    assert closure["STATUS"] == "CANCELLED" and closure["SEQUENCE"] == 1
    assert closure["DTEND"].dt == date(
        2026, 12, 4
    )  # iCalendar's end of an all-day event is exclusive
    booking = events["study-booking-42@fengqiao"]
    assert booking["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert booking["LOCATION"] == "清河市未成年人保护研学基地"


def test_provisional_note_reaches_provisional_events():
    event = CalendarEvent(
        uid="x@fengqiao",
        sequence=0,
        summary="研学",
        starts_on=date(2027, 5, 6),
        ends_on=date(2027, 5, 6),
        last_modified_at=MODIFIED,
        provisional=True,
    )
    body = build_calendar([event], name="枫桥", provisional_note="2027年放假安排尚未公布")
    assert "2027年放假安排尚未公布" in vobject.readOne(body.decode()).vevent.description.value
