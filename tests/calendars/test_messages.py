import ast
import sys
from pathlib import Path

from calendars.messages import N_, WEEKDAY_NAMES, Message, nested, weekday_param

PACKAGE = Path(__file__).resolve().parents[2] / "calendars"
ALLOWED_IMPORTS = {"holidays", "icalendar", "recurring_ical_events", "calendars"}


def test_marker_returns_its_argument():
    assert N_("Monday") == "Monday"


def test_render_fills_nested_messages_and_dates():
    from datetime import date

    msg = Message(
        N_("{date} is not an opening day ({weekday})."),
        {"date": date(2026, 2, 28), "weekday": weekday_param(date(2026, 2, 28))},
    )
    assert msg.render() == "2026-02-28 is not an opening day (Saturday)."
    catalog = {
        "{date} is not an opening day ({weekday}).": "{date}不是开放日（{weekday}）。",
        "Saturday": "星期六",
    }
    assert msg.render(lambda s: catalog.get(s, s)) == "2026-02-28不是开放日（星期六）。"


def test_the_chinese_text_can_use_the_chinese_holiday_name():
    msg = Message("{holiday} holiday", {"holiday": "National Day", "holiday_zh": "国庆节"})
    assert msg.render(lambda s: "{holiday_zh}假期") == "国庆节假期"


def test_nested_is_the_shape_the_application_translates():
    assert nested("{count} days", count=3) == {"msgid": "{count} days", "params": {"count": 3}}
    assert Message("x {n}", {"n": 1}).as_param() == {"msgid": "x {n}", "params": {"n": 1}}
    assert len(WEEKDAY_NAMES) == 7


def _modules():
    return sorted(PACKAGE.glob("*.py"))


def test_every_message_id_is_a_literal_pybabel_can_extract():
    found = 0
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                assert len(node.args) == 1, f"{path.name}:{node.lineno}"
                arg = node.args[0]
                assert isinstance(arg, ast.Constant), f"{path.name}:{node.lineno}"
                assert isinstance(arg.value, str) and arg.value.strip()
                found += 1
    assert found > 30


def test_calendars_imports_nothing_but_the_standard_library_and_three_packages():
    allowed = ALLOWED_IMPORTS | set(sys.stdlib_module_names)
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name}:{node.lineno} imports {roots - allowed}"
