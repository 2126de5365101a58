"""Reasons: untranslated message ids with the values to fill in, checked where they are made."""

from __future__ import annotations

import pickle

import pytest

from rules import N_, Reason, nested
from rules.messages import WEEKDAY_NAMES, weekday_name


def test_n_marks_without_translating():
    assert N_("The base is closed.") == "The base is closed."


def test_a_reason_renders_and_round_trips():
    reason = Reason(N_("Closed on {date}: {holiday}."), {"date": "2026-10-01", "holiday": "国庆"})
    assert reason.render() == "Closed on 2026-10-01: 国庆."
    assert (
        reason.render(lambda msgid: msgid.replace("Closed", "Shut")) == "Shut on 2026-10-01: 国庆."
    )
    assert Reason.from_record(reason.to_record()) == reason
    assert pickle.loads(pickle.dumps(reason)) == reason
    assert hash(reason) == hash(Reason.from_record(reason.to_record()))
    assert "Closed on" in repr(reason)


def test_nested_messages_and_lists_are_translated_too():
    reason = Reason(
        N_("Open on {days}; {date} is a {weekday}."),
        {
            "days": [weekday_name(1), weekday_name(3)],
            "date": "2026-03-09",
            "weekday": weekday_name(0),
        },
    )
    assert reason.render() == "Open on Tuesday, Thursday; 2026-03-09 is a Monday."
    catalog = {
        "Open on {days}; {date} is a {weekday}.": "{date}是{weekday}；开放日：{days}。",
        "Monday": "星期一",
        "Tuesday": "星期二",
        "Thursday": "星期四",
    }
    assert reason.render(catalog.get) == "2026-03-09是星期一；开放日：星期二, 星期四。"
    assert reason.to_record()["params"]["weekday"] == {"msgid": "Monday", "params": {}}
    assert Reason.from_record(reason.to_record()) == reason
    assert len({reason, Reason.from_record(reason.to_record())}) == 1
    assert nested("Monday") == {"msgid": "Monday", "params": {}}
    assert WEEKDAY_NAMES[6] == "Sunday"


def test_a_reason_is_immutable():
    reason = Reason(N_("x {a}"), {"a": [1]})
    with pytest.raises(AttributeError):
        reason.msgid = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        reason.params["a"] = 2  # type: ignore[index]
    assert reason.params["a"] == (1,)


@pytest.mark.parametrize(
    ("msgid", "params"),
    [
        ("", {}),
        (None, {}),
        ("Closed on {date}.", {}),
        ("Positional {}.", {}),
        ("Indexed {a[0]}.", {"a": [1]}),
        ("Bad {", {}),
        ("x", {"a": object()}),
        ("x", {"a": float("nan")}),
        ("x", {1: "a"}),
        ("x", {"a": {"not": "a message"}}),
        ("x", [("a", 1)]),
    ],
)
def test_bad_reasons_fail_where_they_are_made(msgid, params):
    with pytest.raises(ValueError):
        Reason(msgid, params)
