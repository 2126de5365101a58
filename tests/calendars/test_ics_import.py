from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars import ics_import
from calendars.closures import Closure
from calendars.ics_import import ClosureImport, guess_kind, parse_closures

SPRING_TERM = {"window_start": date(2026, 2, 1), "window_end": date(2026, 7, 15)}


def ics(*events: str, head: str = "", newline: str = "\r\n") -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//ZH\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", newline).encode("utf-8")


def spans(result: ClosureImport) -> list[tuple[date, date, str, str]]:
    return [(c.starts_on, c.ends_on, c.kind, c.reason) for c in result.closures]


def rendered(result: ClosureImport) -> list[str]:
    return [m.render() for m in result.errors]


def test_all_day_events_end_the_day_before_dtend():
    data = ics(
        "UID:1\nSUMMARY:寒假\nDTSTART;VALUE=DATE:20260124\nDTEND;VALUE=DATE:20260301",
        "UID:2\nSUMMARY:运动会\nDTSTART;VALUE=DATE:20260410",  # no DTEND: one day
    )
    result = parse_closures(data, window_start=date(2026, 1, 1), window_end=date(2026, 7, 15))
    assert spans(result) == [
        (date(2026, 1, 24), date(2026, 2, 28), "vacation", "寒假"),
        (date(2026, 4, 10), date(2026, 4, 10), "vacation", "运动会"),
    ]
    assert result.errors == [] and result.skipped_outside_window == 0
    assert [c.event_index for c in result.closures] == [1, 2]
    assert result.closures[0].uid == "1"


def test_timed_events_cover_the_shanghai_dates_they_touch():
    data = ics(
        "UID:a\nSUMMARY:期中考试\nDTSTART;TZID=Asia/Shanghai:20260420T080000\n"
        "DTEND;TZID=Asia/Shanghai:20260422T113000",
        # 17:00-18:00 UTC is 01:00-02:00 the next day in Shanghai.
        "UID:b\nSUMMARY:停电检修\nDTSTART:20260501T170000Z\nDTEND:20260501T180000Z",
        # Ends exactly at midnight: only the first day.
        "UID:c\nSUMMARY:教师培训\nDTSTART:20260506T090000\nDTEND:20260507T000000",
        "UID:d\nSUMMARY:讲座\nDTSTART:20260508T090000\nDURATION:PT2H",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert spans(result) == [
        (date(2026, 4, 20), date(2026, 4, 22), "exams", "期中考试"),
        (date(2026, 5, 2), date(2026, 5, 2), "maintenance", "停电检修"),
        (date(2026, 5, 6), date(2026, 5, 6), "vacation", "教师培训"),
        (date(2026, 5, 8), date(2026, 5, 8), "vacation", "讲座"),
    ]


def test_floating_times_follow_x_wr_timezone():
    data = ics(
        "UID:a\nSUMMARY:x\nDTSTART:20260301T200000\nDTEND:20260301T210000",
        head="X-WR-TIMEZONE:Europe/Berlin\n",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert spans(result) == [(date(2026, 3, 2), date(2026, 3, 2), "vacation", "x")]


def test_recurring_events_are_expanded_in_the_window_only():
    data = ics(
        "UID:w\nSUMMARY:每周三设备维修\nDTSTART;VALUE=DATE:20260107\n"
        "RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20260225\nEXDATE;VALUE=DATE:20260211",
        "UID:w\nRECURRENCE-ID;VALUE=DATE:20260218\nSUMMARY:每周三设备维修\n"
        "DTSTART;VALUE=DATE:20260219",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert spans(result) == [
        (date(2026, 2, 4), date(2026, 2, 4), "maintenance", "每周三设备维修"),
        (date(2026, 2, 19), date(2026, 2, 19), "maintenance", "每周三设备维修"),
        (date(2026, 2, 25), date(2026, 2, 25), "maintenance", "每周三设备维修"),
    ]


def test_a_daily_repeat_becomes_one_closure_and_is_clipped_to_the_window():
    data = ics("UID:d\nSUMMARY:暑假\nDTSTART;VALUE=DATE:20260701\nRRULE:FREQ=DAILY")
    result = parse_closures(data, **SPRING_TERM)
    assert spans(result) == [(date(2026, 7, 1), date(2026, 7, 15), "vacation", "暑假")]
    assert result.closures[0].clipped


def test_a_long_event_is_clipped_and_says_so():
    data = ics("UID:1\nSUMMARY:寒假\nDTSTART;VALUE=DATE:20260124\nDTEND;VALUE=DATE:20260301")
    (closure,) = parse_closures(data, **SPRING_TERM).closures
    assert (closure.starts_on, closure.ends_on, closure.clipped) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        True,
    )


def test_events_outside_the_window_are_counted():
    data = ics(
        "UID:1\nSUMMARY:去年\nDTSTART;VALUE=DATE:20250301",
        "UID:2\nSUMMARY:明年\nDTSTART;VALUE=DATE:20270301",
        "UID:3\nSUMMARY:今年\nDTSTART;VALUE=DATE:20260301",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert [c.reason for c in result.closures] == ["今年"]
    assert result.skipped_outside_window == 2
    assert rendered(result) == ["Events entirely outside 2026-02-01 to 2026-07-15 were skipped: 2."]


def test_cancelled_events_and_occurrences_are_skipped():
    data = ics(
        "UID:1\nSUMMARY:取消的活动\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20260301",
        "UID:2\nSUMMARY:周会\nDTSTART;VALUE=DATE:20260302\nRRULE:FREQ=WEEKLY;COUNT=3",
        "UID:2\nRECURRENCE-ID;VALUE=DATE:20260309\nSUMMARY:周会\nSTATUS:CANCELLED\n"
        "DTSTART;VALUE=DATE:20260309",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert [c.starts_on for c in result.closures] == [date(2026, 3, 2), date(2026, 3, 16)]
    assert result.skipped_cancelled == 2
    assert result.errors == []


def test_broken_events_are_reported_by_number_and_title_and_the_rest_imported():
    data = ics(
        "UID:1\nSUMMARY:没有开始",
        "UID:2\nSUMMARY:倒着的\nDTSTART;VALUE=DATE:20260310\nDTEND;VALUE=DATE:20260301",
        "UID:3\nSUMMARY:坏日期\nDTSTART:garbage",
        "UID:4\nSUMMARY:每小时\nDTSTART:20260301T000000Z\nRRULE:FREQ=HOURLY",
        "UID:5\nSUMMARY:每天每小时\nDTSTART:20260301T000000Z\nRRULE:FREQ=DAILY;BYHOUR=1,2,3",
        "UID:6\nSUMMARY:坏规则\nDTSTART;VALUE=DATE:20260301\nRRULE:COUNT=3",
        "UID:7\nSUMMARY:好的\nDTSTART;VALUE=DATE:20260301",
        "UID:8\nDTSTART;VALUE=DATE:20260302\nDTEND:garbage",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert [c.reason for c in result.closures] == ["好的"]
    assert rendered(result) == [
        "Event 1 “没有开始” has no start date; it was skipped.",
        "Event 2 “倒着的” ends before it starts; it was skipped.",
        "Event 3 “坏日期” has a start date that cannot be read; it was skipped.",
        "Event 4 “每小时” repeats more often than daily; it was skipped.",
        "Event 5 “每天每小时” repeats more often than daily; it was skipped.",
        "Event 6 “坏规则” has a repeat rule that cannot be read; it was skipped.",
        "Event 8 has an end that cannot be read; it was skipped.",
    ]
    assert result.errors[0].params["event"] == {
        "msgid": "Event {index} “{summary}”",
        "params": {"index": 1, "summary": "没有开始"},
    }


def test_events_without_uid_are_kept_apart():
    data = ics(
        "SUMMARY:甲\nDTSTART;VALUE=DATE:20260301",
        "SUMMARY:乙\nDTSTART;VALUE=DATE:20260305",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert [(c.reason, c.uid) for c in result.closures] == [("甲", None), ("乙", None)]


def test_several_calendars_in_one_file_and_lf_line_ends():
    one = ics("UID:1\nSUMMARY:一\nDTSTART;VALUE=DATE:20260301", newline="\n")
    two = ics("UID:2\nSUMMARY:二\nDTSTART;VALUE=DATE:20260302", newline="\n")
    result = parse_closures(one + two, **SPRING_TERM)
    assert [(c.reason, c.event_index) for c in result.closures] == [("一", 1), ("二", 2)]


def test_utf8_bom_and_gb18030_files():
    data = ics("UID:1\nSUMMARY:五一劳动节放假\nDTSTART;VALUE=DATE:20260501")
    with_bom = parse_closures(b"\xef\xbb\xbf" + data, **SPRING_TERM)
    assert [c.reason for c in with_bom.closures] == ["五一劳动节放假"] and not with_bom.errors
    gbk = parse_closures(data.decode("utf-8").encode("gb18030"), **SPRING_TERM)
    assert [c.reason for c in gbk.closures] == ["五一劳动节放假"]
    assert rendered(gbk) == [
        "The file is not in UTF-8; it was read as GB18030 (Chinese Windows). "
        "Check that the titles below read correctly."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n ", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not an iCalendar (.ics) file."),
        (b"hello, world", "The file is not an iCalendar (.ics) file."),
        ("姓名,日期\n张三,2026-03-01\n".encode(), "The file is not an iCalendar (.ics) file."),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "The file is not an iCalendar (.ics) file."),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "The file contains no events."),
        ("BEGIN:VCALENDAR\r\n".encode("utf-16"), "The file is not an iCalendar (.ics) file."),
        (b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", "The file is not an iCalendar (.ics) file."),
    ],
)
def test_files_that_are_not_calendars(data, message):
    result = parse_closures(data, **SPRING_TERM)
    assert result.closures == []
    assert rendered(result) == [message]


def test_a_huge_file_is_refused_before_parsing():
    data = ics("UID:1\nSUMMARY:x\nDTSTART;VALUE=DATE:20260301") + b" " * (3 * 1024 * 1024)
    result = parse_closures(data, **SPRING_TERM)
    assert result.closures == []
    assert rendered(result) == ["The file is too large (3.0 MB); the limit is 2 MB."]


def test_the_occurrence_budget_stops_a_file_that_repeats_too_much(monkeypatch):
    monkeypatch.setattr(ics_import, "MAX_OCCURRENCES", 20)
    data = ics(
        "UID:1\nSUMMARY:每日\nDTSTART;VALUE=DATE:20260201\nRRULE:FREQ=DAILY",
        "UID:2\nSUMMARY:另一个\nDTSTART;VALUE=DATE:20260301",
    )
    result = parse_closures(data, **SPRING_TERM)
    assert rendered(result)[-1] == (
        "The file holds too many events or repeats; only the first 20 dates were read."
    )
    assert all(c.reason == "每日" for c in result.closures)


def test_an_unexpected_failure_becomes_a_message(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(ics_import._Importer, "run", boom)
    monkeypatch.setattr(ics_import.log, "exception", lambda *a, **k: None)
    result = parse_closures(b"BEGIN:VCALENDAR", **SPRING_TERM)
    assert rendered(result) == ["The file could not be read as a calendar."]


def test_wrong_arguments_raise():
    with pytest.raises(ValueError):
        parse_closures(b"", window_start=date(2026, 2, 1), window_end=date(2026, 1, 1))
    with pytest.raises(ValueError):
        parse_closures(b"", window_start=date(2020, 1, 1), window_end=date(2031, 1, 1))
    with pytest.raises(ValueError):
        parse_closures(b"", **SPRING_TERM, default_kind="picnic")
    with pytest.raises(TypeError):
        parse_closures("BEGIN:VCALENDAR", **SPRING_TERM)


def test_a_proposal_becomes_a_closure():
    data = ics("UID:1\nSUMMARY:请假\nDTSTART;VALUE=DATE:20260301")
    (proposal,) = parse_closures(data, **SPRING_TERM, default_kind="other").closures
    assert proposal.to_closure(key="k") == Closure(
        date(2026, 3, 1), date(2026, 3, 1), "leave", "请假", "k"
    )


def test_long_titles_are_shortened():
    data = ics("UID:1\nSUMMARY:" + "长" * 300 + "\nDTSTART;VALUE=DATE:20260301")
    (proposal,) = parse_closures(data, **SPRING_TERM).closures
    assert len(proposal.reason) == ics_import.MAX_REASON_CHARS
    assert proposal.reason.endswith("…")


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("期末考试", "exams"),
        ("中考", "exams"),
        ("Final exams", "exams"),
        ("寒假", "vacation"),
        ("国庆放假", "vacation"),
        ("Winter vacation", "vacation"),
        ("Spring break", "vacation"),
        ("张老师请假", "leave"),
        ("Annual leave", "leave"),
        ("空调维修", "maintenance"),
        ("参观考察", "other"),  # 考 alone is not an exam
        ("参考资料", "other"),
        ("开放日", "other"),
    ],
)
def test_guess_kind(summary, kind):
    assert guess_kind(summary, "other") == kind


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_raise(data):
    result = parse_closures(data, **SPRING_TERM)
    assert isinstance(result, ClosureImport)
    assert all(SPRING_TERM["window_start"] <= c.starts_on <= c.ends_on for c in result.closures)


ICAL_LINES = st.sampled_from(
    [
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VTIMEZONE",
        "END:VTIMEZONE",
        "VERSION:2.0",
        "UID:1",
        "UID:2",
        "SUMMARY:寒假",
        "SUMMARY:",
        "STATUS:CANCELLED",
        "DTSTART;VALUE=DATE:20260301",
        "DTSTART:20260301T090000Z",
        "DTSTART;TZID=Nowhere/City:20260301T090000",
        "DTSTART;TZID=Asia/Shanghai:20260301T090000",
        "DTSTART:2026",
        "DTEND;VALUE=DATE:20260305",
        "DTEND:20260301T080000Z",
        "DURATION:P2D",
        "DURATION:-P2D",
        "DURATION:nonsense",
        "RRULE:FREQ=WEEKLY;COUNT=5",
        "RRULE:FREQ=DAILY",
        "RRULE:FREQ=YEARLY;BYMONTH=13",
        "RRULE:",
        "RECURRENCE-ID;VALUE=DATE:20260308",
        "EXDATE;VALUE=DATE:20260308",
        "RDATE;VALUE=DATE:20260401,20260402",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "X-WR-TIMEZONE:not a zone",
        "CALSCALE:CHINESE",
        " folded continuation",
        "garbage line",
    ]
)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ICAL_LINES, max_size=40))
def test_arbitrary_icalendar_like_files_never_raise(lines):
    data = ("\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]) + "\r\n").encode()
    result = parse_closures(data, **SPRING_TERM)
    assert isinstance(result, ClosureImport)
    for closure in result.closures:
        assert SPRING_TERM["window_start"] <= closure.starts_on <= closure.ends_on
        assert closure.ends_on <= SPRING_TERM["window_end"]


def test_outlook_windows_time_zone_names():
    vtimezone = (
        "BEGIN:VTIMEZONE\nTZID:China Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
        "TZOFFSETFROM:+0800\nTZOFFSETTO:+0800\nEND:STANDARD\nEND:VTIMEZONE\n"
    )
    data = ics(
        "UID:o1\nSUMMARY:夜间检修\nDTSTART;TZID=China Standard Time:20260303T230000\n"
        "DTEND;TZID=China Standard Time:20260304T010000",
        "UID:o2\nSUMMARY:每周\nDTSTART;TZID=China Standard Time:20260303T230000\n"
        "DTEND;TZID=China Standard Time:20260303T233000\nRRULE:FREQ=WEEKLY;COUNT=2",
        head=vtimezone,
    )
    result = parse_closures(data, **SPRING_TERM)
    assert spans(result) == [
        (date(2026, 3, 3), date(2026, 3, 3), "vacation", "每周"),
        (date(2026, 3, 3), date(2026, 3, 4), "maintenance", "夜间检修"),
        (date(2026, 3, 10), date(2026, 3, 10), "vacation", "每周"),
    ]
