"""Reading closures from a school district's .ics file."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars import TZ, CalendarEvent, build_calendar, parse_closures
from calendars.ics_import import guess_kind

WINDOW = {"window_start": date(2026, 8, 1), "window_end": date(2027, 8, 31)}


def test_all_day_events_end_the_day_before_dtend():
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20270125\r\nDTEND;VALUE=DATE:20270221\r\nSUMMARY:\xe5\xaf\x92\xe5\x81\x87\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    result = parse_closures(data, **WINDOW)
    assert result.errors == []
    [proposal] = result.closures
    assert (proposal.starts_on, proposal.ends_on, proposal.kind) == (
        date(2027, 1, 25),
        date(2027, 2, 20),
        "vacation",
    )


def test_our_own_feed_reads_back():
    from datetime import datetime

    event = CalendarEvent(
        uid="closure-1@fengqiao",
        sequence=0,
        summary="期末考试",
        starts_on=date(2027, 1, 11),
        ends_on=date(2027, 1, 15),
        last_modified_at=datetime(2026, 11, 1, tzinfo=TZ),
    )
    result = parse_closures(build_calendar([event], name="x"), **WINDOW)
    assert [(p.starts_on, p.ends_on, p.kind) for p in result.closures] == [
        (date(2027, 1, 11), date(2027, 1, 15), "exams")
    ]


def test_events_outside_the_window_are_counted_not_proposed():
    data = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20300101\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    result = parse_closures(data, **WINDOW)
    assert result.closures == [] and result.skipped_outside_window == 1


def test_bad_files_are_explained():
    assert parse_closures(b"", **WINDOW).errors
    assert parse_closures(b"hello", **WINDOW).errors
    assert parse_closures(b"x" * (3 * 1024 * 1024), **WINDOW).errors


def test_kinds_are_guessed_from_titles():
    assert guess_kind("期中考试") == "exams"
    assert guess_kind("暑假") == "vacation"
    assert guess_kind("礼堂维修") == "maintenance"
    assert guess_kind("开学典礼", default="other") == "other"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    result = parse_closures(data, **WINDOW)
    assert isinstance(result.closures, list)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_after_a_header_never_raises(text):
    data = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + text + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    parse_closures(data, **WINDOW)
