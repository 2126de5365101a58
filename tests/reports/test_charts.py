"""SVG charts: well-formed, accessible, drawn to scale, escaped, and rendered by WeasyPrint.

Each chart is parsed as XML and checked by what it draws: the bars' heights against the values,
the numbers written beside them, the gaps in a line, the filled part of a coverage track.
"""

from __future__ import annotations

import itertools
import logging
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment
from markupsafe import Markup

from reports import charts, pdf
from tests.reports.test_pdf import assert_cjk_font_embedded, pdftotext, squeeze

NS = "{http://www.w3.org/2000/svg}"
LABEL_SIZE = 11  # the charts' font size in px, unless a text says otherwise
TOPICS = ["企业管理", "合同", "劳动用工", "知识产权", "税务", "合规", "融资"]
THIS_YEAR = [12, 8, 23, 5, 0, 7, 3]
LAST_YEAR = [10, 11, 18, 6, 2, 7, 1]


def parse(chart: Markup) -> ET.Element:
    assert isinstance(chart, Markup)
    return ET.fromstring(str(chart))  # raises unless well-formed


def of_class(root: ET.Element, name: str, tag: str = "*") -> list[ET.Element]:
    return [e for e in root.iter(NS + tag if tag != "*" else tag) if name in classes(e)]


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def texts(root: ET.Element, name: str) -> list[str]:
    return [e.text or "" for e in of_class(root, name, "text")]


def num(element: ET.Element, attribute: str) -> float:
    return float(element.get(attribute))


def middle(marker: ET.Element) -> float:
    """The height of a point marker's centre: a circle or a square."""
    if marker.tag == NS + "circle":
        return num(marker, "cy")
    return num(marker, "y") + num(marker, "height") / 2


def assert_proportional(sizes: list[float], values: list[float]) -> None:
    """Each drawn size is to the largest as its value is to the largest value."""
    top, biggest = max(sizes), max(values)
    assert top > 0
    for size, value in zip(sizes, values, strict=True):
        assert size / top == pytest.approx(value / biggest, abs=0.005)


def assert_accessible(root: ET.Element, title: str) -> None:
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("class").endswith("-chart")
    assert root.get("aria-label") == title
    assert root.find(NS + "title").text == title
    assert texts(root, "title") == [title]  # drawn, so PDF text extraction finds it too
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert width > 0 and height > 0
    assert "WenQuanYi Micro Hei" in root.get("font-family")


# --- nice ticks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (7, [0, 2, 4, 6, 8]),
        (8, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (0, [0, 1]),
        (1234, [0, 500, 1000, 1500]),
        (0.3, [0, 0.1, 0.2, 0.3]),
        (23, [0, 10, 20, 30]),
        (100, [0, 20, 40, 60, 80, 100]),
    ],
)
def test_nice_ticks(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_nice_ticks_for_counts_have_whole_steps():
    assert charts.nice_ticks(1) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert charts.nice_ticks(1, integers=True) == [0, 1]
    assert charts.nice_ticks(3, integers=True) == [0, 1, 2, 3]
    assert charts.nice_ticks(0.001, integers=True) == [0, 1]


@given(st.floats(min_value=1e-6, max_value=1e12), st.integers(min_value=3, max_value=8))
def test_nice_ticks_cover_the_maximum_in_round_steps(maximum, count):
    ticks = charts.nice_ticks(maximum, count)
    step = ticks[1]
    assert ticks[0] == 0 and ticks[-1] >= maximum and ticks[-2] < maximum
    assert all(b - a == pytest.approx(step) for a, b in itertools.pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5)
    assert abs(len(ticks) - count) <= max(2, count // 2)  # 1, 2, 5: steps 2.5 times apart


@pytest.mark.parametrize("maximum", [-1, math.inf, math.nan])
def test_nice_ticks_refuse_what_cannot_be_scaled(maximum):
    with pytest.raises(ValueError):
        charts.nice_ticks(maximum)


# --- bars --------------------------------------------------------------------------------------


def test_bar_chart_draws_one_bar_per_value_to_scale():
    root = parse(
        charts.bar_chart("各类法律问题", list(zip(TOPICS, THIS_YEAR, strict=True)), unit="件")
    )
    assert_accessible(root, "各类法律问题")
    bars = of_class(root, "bar", "rect")
    assert len(bars) == len(THIS_YEAR)
    assert_proportional([num(b, "height") for b in bars], THIS_YEAR)
    feet = [num(b, "y") + num(b, "height") for b in bars]
    assert max(feet) - min(feet) < 0.02  # all stand on the baseline
    xs = [num(b, "x") for b in bars]
    assert xs == sorted(xs)  # in the given order
    assert texts(root, "value") == [str(v) for v in THIS_YEAR]
    assert "".join(texts(root, "category")) == "".join(TOPICS)
    assert texts(root, "tick") == ["0", "10", "20", "30"]
    assert texts(root, "unit") == ["件"]
    assert of_class(root, "baseline", "line")
    assert "劳动用工: 23 件" in root.find(NS + "desc").text


def test_values_are_written_with_grouping_and_decimals():
    root = parse(charts.bar_chart("金额", [("融资", 12500), ("税务", 3.25), ("合同", 0.5)]))
    assert texts(root, "value") == ["12,500", "3.25", "0.5"]
    assert "15,000" in texts(root, "tick")


def test_chinese_labels_of_eight_characters_fit_beside_each_other():
    labels = [
        "企业管理咨询服务",
        "合同审查与起草",
        "劳动用工纠纷调解",
        "知识产权保护",
        "税务",
        "合规",
        "融资担保咨询",
    ]
    for width in (640, 420):
        root = parse(charts.bar_chart("t", [(label, 1) for label in labels], width=width))
        items = of_class(root, "category", "text")
        assert not any(t.get("transform") for t in items)  # wrapped, not turned
        assert "".join(t.text for t in items) == "".join(labels)  # nothing cut off
        rows: dict[float, list[tuple[float, float]]] = {}
        for t in items:
            size = float(t.get("font-size", root.get("font-size")))
            half = len(t.text) * size / 2  # CJK glyphs are one em wide
            rows.setdefault(num(t, "y"), []).append((num(t, "x") - half, num(t, "x") + half))
        for spans in rows.values():
            spans.sort()
            assert spans[0][0] >= 0 and spans[-1][1] <= width
            assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans


def test_a_number_keeps_its_unit_on_its_line():
    months = [f"{m}月" for m in range(1, 25)]
    root = parse(charts.bar_chart("t", [(month, 1) for month in months]))
    assert texts(root, "category") == months  # smaller, never "10" over "月"


def test_many_long_labels_are_turned_and_stay_inside():
    bars = [(f"第{i}个很长的问题类别名称", i) for i in range(24)]
    root = parse(charts.bar_chart("t", bars))
    items = of_class(root, "category", "text")
    assert len(items) == 24
    assert all(t.get("transform", "").startswith("rotate(-45") for t in items)
    assert all(t.get("text-anchor") == "end" for t in items)


@pytest.mark.parametrize(
    "bars",
    [[("合同", 0), ("税务", 0)], [], [("合同", 0), ("税务", 4)]],
    ids=["zeros", "empty", "one-zero"],
)
def test_zero_and_empty_bars_render(bars):
    root = parse(charts.bar_chart("空", bars))
    drawn = of_class(root, "bar", "rect")
    assert [num(b, "height") == 0 for b in drawn] == [value == 0 for _label, value in bars]
    assert texts(root, "value") == [str(v) for _l, v in bars]
    assert texts(root, "tick")[0] == "0"


@pytest.mark.parametrize("value", [-1, -0.001, math.nan, math.inf])
def test_bars_refuse_negative_and_non_finite_values(value):
    with pytest.raises(ValueError):
        charts.bar_chart("t", [("合同", 3), ("税务", value)])
    with pytest.raises(ValueError):
        charts.compare_bars("t", ["合同"], [1], [value], current_label="a", previous_label="b")


def test_text_is_escaped():
    hostile = '<b>&"'
    chart = charts.bar_chart(f"标题{hostile}", [(hostile, 1), ("'x'", 2)], unit=hostile)
    assert "<b>" not in str(chart)
    root = parse(chart)
    assert_accessible(root, f"标题{hostile}")
    assert texts(root, "category") == [hostile, "'x'"]
    assert texts(root, "unit") == [hostile]
    compare = parse(
        charts.compare_bars(
            "t", [hostile], [1], [2], current_label=hostile, previous_label="</svg>"
        )
    )
    assert texts(compare, "legend") == [hostile, "</svg>"]
    line = parse(charts.line_chart("t", [hostile], [(hostile, [1])]))
    assert texts(line, "category") == [hostile]
    coverage = parse(charts.coverage_bars("t", [(hostile, 1, 2)]))
    assert texts(coverage, "category") == [hostile]


def test_a_chart_goes_into_an_autoescaping_template_as_markup():
    chart = charts.bar_chart("t", [("合同", 1)])
    html = Environment(autoescape=True).from_string("<div>{{ chart }}</div>").render(chart=chart)
    assert html == f"<div>{chart}</div>"


# --- this year against last year ---------------------------------------------------------------


def compare(**changes) -> Markup:
    args = {
        "title": "法律问题：本年与上年同期",
        "categories": TOPICS,
        "current": THIS_YEAR,
        "previous": LAST_YEAR,
        "current_label": "2026年1–9月",
        "previous_label": "2025年1–9月",
        "unit": "件",
    } | changes
    return charts.compare_bars(**args)


def test_compare_bars_pair_this_year_with_last():
    root = parse(compare())
    assert_accessible(root, "法律问题：本年与上年同期")
    current, previous = of_class(root, "current", "rect"), of_class(root, "previous", "rect")
    assert len(current) == len(previous) == len(TOPICS)
    assert len(of_class(root, "bar", "rect")) == 2 * len(TOPICS)
    heights = [num(b, "height") for b in current + previous]
    assert_proportional(heights, THIS_YEAR + LAST_YEAR)
    for now, before in zip(current, previous, strict=True):
        assert num(now, "x") < num(before, "x")  # side by side, this year first
    assert texts(root, "value") == [str(v) for v in THIS_YEAR + LAST_YEAR]
    assert texts(root, "legend") == ["2026年1–9月", "2025年1–9月"]


def test_last_year_differs_by_pattern_not_colour_alone():
    root = parse(compare())
    now = of_class(root, "current", "rect")[0].get("fill")
    before = of_class(root, "previous", "rect")[0].get("fill")
    assert now.startswith("#") and before.startswith("url(#")
    pattern_id = before[len("url(#") : -1]
    patterns = {p.get("id") for p in root.iter(NS + "pattern")}
    assert patterns == {pattern_id}
    swatches = [s.get("fill") for s in of_class(root, "swatch", "rect")]
    assert swatches == [now, before]
    # Two charts on one page must not share a pattern id; the same chart twice may.
    other = parse(compare(previous=[1] * len(TOPICS)))
    assert {p.get("id") for p in other.iter(NS + "pattern")}.isdisjoint(patterns)
    assert str(compare()) == str(compare())


def test_compare_bars_empty_and_mismatched():
    root = parse(compare(categories=[], current=[], previous=[]))
    assert of_class(root, "bar", "rect") == []
    with pytest.raises(ValueError):
        compare(previous=LAST_YEAR[:-1])


# --- lines -------------------------------------------------------------------------------------

MONTHS = [f"{m}月" for m in range(1, 13)]


def test_line_chart_marks_every_value_and_breaks_at_gaps():
    this_year = [5, 8, 12, None, 9, 14, 20, 18, 11, None, None, None]
    last_year = [4, 7, 10, 12, 9, 11, 15, 19, 13, 10, 8, 6]
    root = parse(
        charts.line_chart("每月服务次数", MONTHS, [("2026年", this_year), ("2025年", last_year)])
    )
    assert_accessible(root, "每月服务次数")
    paths = of_class(root, "line", "path")
    assert len(paths) == 3  # this year in two stretches, last year in one
    assert [p.get("d").count("M") for p in paths] == [1, 1, 1]
    assert [p.get("d").count("L") for p in paths] == [2, 4, 11]
    assert paths[0].get("stroke-dasharray") != paths[2].get("stroke-dasharray")
    points = of_class(root, "point")
    assert len(points) == 8 + 12
    assert sorted(texts(root, "value")) == sorted(
        str(v) for v in this_year + last_year if v is not None
    )
    assert texts(root, "category") == MONTHS
    assert texts(root, "legend") == ["2026年", "2025年"]


def test_line_heights_follow_the_values():
    values = [0, 5, 10, 20]
    root = parse(charts.line_chart("t", ["1月", "2月", "3月", "4月"], [("本年", values)]))
    d = of_class(root, "line", "path")[0].get("d")
    ys = [float(point.split()[1]) for point in d.replace("M", "").split("L")]
    baseline = ys[0]
    assert_proportional([baseline - y for y in ys], values)
    assert num(of_class(root, "baseline", "line")[0], "y1") == pytest.approx(baseline)


def test_a_lone_value_is_a_marker_without_a_line():
    root = parse(charts.line_chart("t", ["1月", "2月", "3月"], [("本年", [None, 3, None])]))
    assert of_class(root, "line", "path") == []
    assert len(of_class(root, "point")) == 1
    assert texts(root, "value") == ["3"]


def test_the_higher_value_is_labelled_above_the_lower_below():
    root = parse(charts.line_chart("t", ["1月", "2月"], [("本年", [10, 5]), ("上年", [4, 5])]))
    labels = of_class(root, "value", "text")
    centres = [middle(marker) for marker in of_class(root, "point")]
    above = [num(label, "y") < centre for label, centre in zip(labels, centres, strict=True)]
    assert above == [True, True, False, False]  # on a tie this year's number goes above
    alone = parse(charts.line_chart("t", ["1月"], [("本年", [3])]))
    [label], [marker] = of_class(alone, "value", "text"), of_class(alone, "point")
    assert num(label, "y") < middle(marker)


def test_wide_month_labels_are_thinned_out():
    labels = [f"{2025 + m // 12}年{m % 12 + 1}月" for m in range(24)]
    root = parse(charts.line_chart("t", labels, [("本年", list(range(24)))]))
    shown = texts(root, "category")
    assert shown[0] == labels[0] and 4 <= len(shown) < 24
    assert all(label in labels for label in shown)
    assert len(of_class(root, "point")) == 24


def test_month_labels_stay_inside_the_chart():
    labels = ["二〇二五年十二月"] * 12
    root = parse(charts.line_chart("t", labels, [("本年", list(range(12)))], width=300))
    shown = of_class(root, "category", "text")
    assert 2 <= len(shown) < 12
    for label in shown:
        half = len(label.text) * LABEL_SIZE / 2  # CJK glyphs are one em wide
        assert half <= num(label, "x") <= 300 - half


@pytest.mark.parametrize(
    "series",
    [[], [("本年", [None, None])], [("本年", [0, 0])]],
    ids=["no-series", "all-gaps", "zeros"],
)
def test_empty_line_charts_render(series):
    root = parse(charts.line_chart("t", ["1月", "2月"], series))
    assert texts(root, "tick") == ["0", "1"]


def test_line_chart_refuses_bad_series():
    with pytest.raises(ValueError):
        charts.line_chart("t", ["1月"], [("本年", [-1])])
    with pytest.raises(ValueError):
        charts.line_chart("t", ["1月", "2月"], [("本年", [1])])
    with pytest.raises(ValueError):
        charts.line_chart("t", ["1月"], [("a", [1]), ("b", [1]), ("c", [1])])


# --- coverage ----------------------------------------------------------------------------------

TOWNS = [("烟庄镇", 12, 15), ("枫桥镇", 9, 9), ("东和乡", 0, 7), ("新城区", 0, 0)]


def test_coverage_bars_fill_the_covered_share_of_each_track():
    root = parse(charts.coverage_bars("各镇走访覆盖", TOWNS))
    assert_accessible(root, "各镇走访覆盖")
    tracks, bars = of_class(root, "track", "rect"), of_class(root, "bar", "rect")
    assert len(tracks) == len(bars) == len(TOWNS)
    for track, bar, (_town, covered, total) in zip(tracks, bars, TOWNS, strict=True):
        assert num(bar, "x") == num(track, "x") and num(bar, "y") == num(track, "y")
        share = covered / total if total else 0
        assert num(bar, "width") / num(track, "width") == pytest.approx(share, abs=0.002)
    assert texts(root, "category") == [town for town, _c, _t in TOWNS]
    assert texts(root, "value") == ["12/15 (80%)", "9/9 (100%)", "0/7 (0%)", "—"]


def test_coverage_percentage_reaches_100_only_when_complete():
    root = parse(charts.coverage_bars("t", [("烟庄镇", 199, 200), ("枫桥镇", 1234, 5678)]))
    assert texts(root, "value") == ["199/200 (99%)", "1,234/5,678 (21%)"]


def test_coverage_height_grows_with_the_rows():
    two = parse(charts.coverage_bars("t", TOWNS[:2], row_height=22))
    ten = parse(charts.coverage_bars("t", TOWNS[:2] * 5, row_height=22))
    assert num(ten, "height") - num(two, "height") == 8 * 22
    ys = [num(t, "y") for t in of_class(ten, "track", "rect")]
    assert all(b - a == pytest.approx(22) for a, b in itertools.pairwise(ys))
    assert num(ten, "height") >= ys[-1] + 22
    assert parse(charts.coverage_bars("t", [])).find(NS + "title").text == "t"


@pytest.mark.parametrize("row", [("烟庄镇", 3, 2), ("烟庄镇", -1, 2), ("烟庄镇", 0, -1)])
def test_coverage_refuses_impossible_rows(row):
    with pytest.raises(ValueError):
        charts.coverage_bars("t", [row])


# --- in a PDF ----------------------------------------------------------------------------------


def test_weasyprint_draws_the_chart_with_its_chinese_labels(tmp_path, caplog):
    html = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>图表</title>'
        f"</head><body>{compare()}{charts.coverage_bars('各镇走访覆盖', TOWNS)}</body></html>"
    )
    path = tmp_path / "chart.pdf"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        path.write_bytes(pdf.write_pdf(html))
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    text = squeeze(pdftotext(path))
    for words in (
        "法律问题：本年与上年同期",
        "劳动用工",
        "知识产权",
        "2025年1–9月",
        "烟庄镇",
        "12/15(80%)",
    ):
        assert words in text, words
    assert_cjk_font_embedded(path)
