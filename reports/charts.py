"""Charts drawn as SVG for the coordinators' dashboard and the PDF reports.

Each function takes plain numbers and already-translated labels and returns one `<svg>` element as
`Markup`, ready for a Jinja2 template: browsers draw it, and WeasyPrint draws it into a PDF
without loading anything (no script, no external font or file).

Meaning never rests on colour alone, so a chart survives greyscale printing: last year's bars are
lighter and hatched, its line dashed with hollow markers, and every value is also written as a
number. The title is drawn (PDF text extraction finds it) and is the `<title>` and `aria-label`
(screen readers announce it); `<desc>` lists the values.

Text widths are estimated, not measured (a CJK character is one em wide, other characters about
0.62 em): enough to wrap, turn or thin out labels before they overlap.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from markupsafe import Markup, escape

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
INK, MUTED, GRID, TRACK = "#1f2933", "#52606d", "#d9e2ec", "#eef2f6"
CURRENT, PREVIOUS, PREVIOUS_LINE = "#2b4c6f", "#b8c7d7", "#6f8aa6"
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE, TICK_SIZE = 14.0, 11.0, 10.0, 10.0
HEADER, LEGEND_ROW, HEADROOM = 30.0, 20.0, 18.0  # title row, legend row, room for value labels


def nice_ticks(maximum: float, count: int = 5, *, integers: bool = False) -> list[float]:
    """Gridline values from 0 to at least `maximum`, in steps of 1, 2 or 5 × 10ⁿ, about `count`.

    `nice_ticks(7) == [0, 2, 4, 6, 8]`, `nice_ticks(0) == [0, 1]`. With `integers` the step is
    at least 1: a count of cases needs no line at 0.5.
    """
    if not math.isfinite(maximum) or maximum < 0:
        raise ValueError(f"ticks need a finite maximum of 0 or more, not {maximum!r}")
    if count < 2:
        raise ValueError(f"a scale needs at least 2 ticks, not {count}")
    if maximum == 0:
        return [0.0, 1.0]
    exponent = math.floor(math.log10(maximum / (count - 1)))
    steps = [m * 10.0**e for e in range(exponent - 1, exponent + 2) for m in (1, 2, 5)]
    steps = [s for s in steps if s >= 1 or not integers] or [1.0]

    def ticks(step: float) -> list[float]:
        digits = max(0, -math.floor(math.log10(step))) + 1  # 0.30000000000000004 is 0.3
        n = max(1, math.ceil(maximum / step * (1 - 1e-12)))  # 0.3 / 0.1 is 2.9999999999999996
        if round(n * step, digits) < maximum:
            n += 1
        return [round(i * step, digits) for i in range(n + 1)]

    # The scale with the number of ticks nearest `count`; on a tie the one with fewer, then the
    # one with the smaller step (less empty space above the highest value).
    return min(map(ticks, steps), key=lambda t: (abs(len(t) - count), len(t), t[1]))


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Vertical bars, one per category, each with its value written above it."""
    series = [_Series("", [value for _label, value in bars], CURRENT, "none", "bar")]
    return _grouped(title, [label for label, _value in bars], series, unit, width, height)


def compare_bars(
    title: str,
    categories: Sequence[str],
    current: Sequence[float],
    previous: Sequence[float],
    *,
    current_label: str,
    previous_label: str,
    unit: str = "",
    width: int = 640,
    height: int = 280,
) -> Markup:
    """Bars in pairs: this period (solid) beside the same period last year (light, hatched)."""
    if not len(categories) == len(current) == len(previous):
        raise ValueError("compare_bars needs one current and one previous value per category")
    # Inline SVGs share the page's ids: name the pattern after the chart's content.
    key = repr((title, categories, current, previous, current_label, previous_label))
    hatch = "hatch-" + hashlib.sha1(key.encode()).hexdigest()[:10]
    # Diagonal hatching drawn in the tile (WeasyPrint crosses a rotated tile's lines).
    tile = _el("rect", width=6, height=6, fill=PREVIOUS)
    tile += _el("path", d="M0 6L6 0M-1 1L1 -1M5 7L7 5", stroke=CURRENT, stroke_width=1.1)
    pattern = _el("pattern", tile, id=hatch, width=6, height=6, patternUnits="userSpaceOnUse")
    series = [
        _Series(current_label, list(current), CURRENT, "none", "bar current"),
        _Series(previous_label, list(previous), f"url(#{hatch})", CURRENT, "bar previous"),
    ]
    defs = _el("defs", pattern)
    return _grouped(title, list(categories), series, unit, width, height, defs=defs)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    unit: str = "",
    width: int = 640,
    height: int = 260,
) -> Markup:
    """One or two lines over months, a marker and a number at each value; None leaves a gap."""
    if len(series) > len(_LINES):
        raise ValueError(f"a line chart draws at most {len(_LINES)} series, not {len(series)}")
    for name, values in series:
        if len(values) != len(x_labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(x_labels)} labels")
        _check(values)
    present = [v for _name, values in series for v in values if v is not None]
    plot = _Plot(present, unit, width, top=HEADER + LEGEND_ROW + HEADROOM, slots=len(x_labels))
    plot.bottom = height - LABEL_SIZE * 1.6 - 4
    out = plot.grid() + _month_labels(plot, x_labels, width)
    size = _fit_size([_number(v) for v in present], plot.slot - 2, largest=9.0)
    notes = []
    for j, ((name, values), line) in enumerate(zip(series, _LINES, strict=False)):
        pen = {"stroke": line.stroke, "stroke_dasharray": line.dash, "stroke_width": 2}
        for run in (run for run in _runs(values) if len(run) > 1):  # a lone value: its marker
            d = "M" + " L".join(f"{_f(plot.centre(i))} {_f(plot.y(values[i]))}" for i in run)
            out.append(_el("path", class_="line", d=d, fill="none", stroke_linejoin="round", **pen))
        other = series[1 - j][1] if len(series) == 2 else [None] * len(values)
        for i, (value, beside) in enumerate(zip(values, other, strict=True)):
            if value is None:
                continue
            x, y = plot.centre(i), plot.y(value)
            tip = f"{x_labels[i]} {name}: {_number(value, unit)}"
            out.append(_marker(line.marker, x, y, line.stroke, tip))
            # The higher of two values has its number above its marker, the lower one below.
            below = beside is not None and (beside > value or (beside == value and j == 1))
            label_y = min(y + size + 5, plot.bottom - 2) if below else y - 7
            number = _number(value)
            out.append(
                _text(x, label_y, number, size=size, anchor="middle", cls="value", fill=line.ink)
            )
            notes.append(tip)
    out += _legend(
        [(name, _line_swatch(line)) for (name, _v), line in zip(series, _LINES, strict=False)],
        plot.left,
    )
    return _svg(title, width, height, out, notes, kind="line")


def coverage_bars(
    title: str, rows: Sequence[tuple[str, int, int]], *, width: int = 640, row_height: int = 22
) -> Markup:
    """Per town a track standing for all `total` with the `covered` part of it filled, and
    "covered/total (pct%)" after it ("—" when there is nothing to cover)."""
    for label, covered, total in rows:
        if not 0 <= covered <= total:
            raise ValueError(f"{label!r}: covered {covered!r} is not within 0..{total!r}")
    height = round(HEADER + len(rows) * row_height + 6)
    size = min(LABEL_SIZE, row_height * 0.6)
    # Floor the percentage: 100% only when every one is covered.
    status = ["—" if t == 0 else f"{c:,}/{t:,} ({c * 100 // t}%)" for _l, c, t in rows]
    track_x = min(max((_width(r[0], size) for r in rows), default=0) + 12, width * 0.3)
    track_w = width - track_x - max((_width(s, size) for s in status), default=0) - 14
    bar_h = max(4.0, min(14.0, row_height - 8.0))
    out, notes = [], []
    for i, ((label, covered, total), text) in enumerate(zip(rows, status, strict=True)):
        middle = HEADER + row_height * (i + 0.5)
        baseline = middle + size * 0.35
        name = _clip(label, track_x - 12, size)
        out.append(_text(track_x - 8, baseline, name, size=size, anchor="end", cls="category"))
        box = {"x": track_x, "y": middle - bar_h / 2, "height": bar_h}
        out.append(_el("rect", class_="track", width=track_w, fill=TRACK, stroke=GRID, **box))
        filled = track_w * covered / total if total else 0
        out.append(_el("rect", class_="bar", width=filled, fill=CURRENT, **box))
        out.append(_text(track_x + track_w + 6, baseline, text, size=size, cls="value"))
        notes.append(f"{label}: {text}")
    return _svg(title, width, height, out, notes, kind="coverage")


# --- layout ------------------------------------------------------------------------------------


class _Series(NamedTuple):
    name: str
    values: list[float]
    fill: str
    stroke: str
    css_class: str


class _Line(NamedTuple):
    stroke: str
    dash: str
    marker: str  # circle (filled) or square (hollow)
    ink: str  # the colour of its numbers


# Two lines that differ in greyscale too.
_LINES = (_Line(CURRENT, "none", "circle", INK), _Line(PREVIOUS_LINE, "6 3", "square", MUTED))


class _Plot:
    """The value axis and the slots along it: the y scale, the gridlines and their numbers."""

    def __init__(self, values: list[float], unit: str, width: int, *, top: float, slots: int):
        self.ticks = nice_ticks(max(values, default=0), integers=all(v == int(v) for v in values))
        self.unit, self.top, self.bottom = unit, top, top + 100
        tick_room = max(_width(_number(t), TICK_SIZE) for t in self.ticks)
        self.left = max(28.0, tick_room + 12, _width(unit, TICK_SIZE) + 10)
        self.right = width - 8.0
        self.slot = (self.right - self.left) / max(slots, 1)

    def centre(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)

    def y(self, value: float) -> float:
        return self.bottom - value * (self.bottom - self.top) / self.ticks[-1]

    def grid(self) -> list[str]:
        """Gridlines with their numbers, the baseline, and the unit over the axis."""
        self.bottom = max(self.bottom, self.top + 20)  # a tiny chart squeezes, never inverts
        out = []
        for tick in self.ticks:
            y, cls = self.y(tick), "baseline" if tick == 0 else "grid"
            line = {"x1": self.left, "x2": self.right, "y1": y, "y2": y}
            out.append(_el("line", class_=cls, stroke=INK if tick == 0 else GRID, **line))
            out.append(_tick(self.left - 6, y + 3.5, _number(tick)))
        if self.unit:
            out.append(_tick(self.left - 6, self.top - 10, self.unit, cls="unit"))
        return out


def _grouped(
    title: str,
    categories: list[str],
    series: list[_Series],
    unit: str,
    width: int,
    height: int,
    defs: str = "",
) -> Markup:
    """Bars of one or more series side by side in each category's slot."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("bars need one value per category")
    values = [v for s in series for v in s.values]
    _check(values)
    k, legend = len(series), len(series) > 1
    top = HEADER + LEGEND_ROW * legend + HEADROOM
    plot = _Plot(values, unit, width, top=top, slots=len(categories))
    centres = [plot.centre(i) for i in range(len(categories))]
    labels = _fit_labels(categories, centres, plot.slot, (height - top) * 0.4)
    plot.bottom = height - labels.height - 4
    out = plot.grid()
    bar_w = min(plot.slot * (0.6 if k == 1 else 0.8) / k, 56.0)
    gap = 1.0 if k > 1 else 0.0  # a hairline between the bars of a pair
    size = _fit_size([_number(v) for v in values], plot.slot / k - 2)
    notes = []
    for j, s in enumerate(series):
        for i, (category, value) in enumerate(zip(categories, s.values, strict=True)):
            x, y = centres[i] - k * bar_w / 2 + j * bar_w, plot.y(value)
            tip = f"{category}{' ' + s.name if s.name else ''}: {_number(value, unit)}"
            box = {"x": x + gap / 2, "y": y, "width": bar_w - gap, "height": plot.bottom - y}
            paint = {"fill": s.fill, "stroke": s.stroke, "stroke_width": 0.8}
            tooltip = f"<title>{escape(tip)}</title>"
            out.append(_el("rect", tooltip, class_=s.css_class, **box, **paint))
            out.append(
                _text(x + bar_w / 2, y - 4, _number(value), size=size, anchor="middle", cls="value")
            )
            notes.append(tip)
    y, size = plot.bottom + labels.size * 1.3, labels.size
    for x, lines in zip(centres, labels.lines, strict=True):
        if labels.turned:  # hanging down to the left from just right of the slot's middle
            turn = f"rotate(-45 {_f(x + 4)} {_f(y)})"
            out.append(_text(x + 4, y, lines[0], anchor="end", cls="category", transform=turn))
            continue
        for n, line in enumerate(lines):
            out.append(
                _text(x, y + n * size * 1.2, line, size=size, anchor="middle", cls="category")
            )
    if legend:
        out += _legend([(s.name, _bar_swatch(s)) for s in series], plot.left)
    kind = "bar" if k == 1 else "compare"
    return _svg(title, width, height, out, notes, kind=kind, defs=defs)


class _Labels(NamedTuple):
    lines: list[tuple[str, ...]]  # one or two lines per category
    turned: bool
    size: float
    height: float  # under the baseline


def _fit_labels(labels: list[str], centres: list[float], slot: float, room: float) -> _Labels:
    """Category labels on one line or two, in the usual size or a smaller one, else turned 45°
    (and shortened if they must be)."""
    fit = slot - 4
    for size in (LABEL_SIZE, LABEL_SIZE - 2):
        lines = [(label,) for label in labels]
        if all(_width(label, size) <= fit for label in labels):
            return _Labels(lines, False, size, size * 1.6)
        lines = [
            _two_lines(label, size) if _width(label, size) > fit else (label,) for label in labels
        ]
        if all(_width(line, size) <= fit for two in lines for line in two):
            return _Labels(lines, False, size, size * 2.8)
    # A turned label hangs down and to the left: keep it above `room` and right of the edge.
    lengths = [
        min(_width(label), room / 0.71, (x + 2) / 0.71)
        for label, x in zip(labels, centres, strict=True)
    ]
    lines = [(_clip(label, n),) for label, n in zip(labels, lengths, strict=True)]
    return _Labels(lines, True, LABEL_SIZE, max(lengths, default=0) * 0.71 + LABEL_SIZE * 1.6)


def _two_lines(text: str, size: float) -> tuple[str, ...]:
    """`text` on two lines, broken where the longer line is shortest: at a space, or beside a
    CJK character but never inside a Latin word or a number, nor between a number and its
    unit (10|月)."""
    words = text.split()
    if len(words) > 1:
        cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    else:
        cuts = [
            (text[:i], text[i:])
            for i in range(1, len(text))
            if (_wide(text[i - 1]) or _wide(text[i])) and not text[i - 1].isdigit()
        ]
    return min(cuts, key=lambda cut: max(_width(line, size) for line in cut), default=(text,))


def _legend(items: list[tuple[str, str]], x: float) -> list[str]:
    """A row of swatches and names under the title; each swatch is drawn in (0, 0)–(16, 10)."""
    out, y = [], HEADER + 2
    for name, swatch in items:
        out.append(_el("g", swatch, class_="legend", transform=f"translate({_f(x)} {_f(y)})"))
        out.append(_text(x + 22, y + 9, name, cls="legend"))
        x += 22 + _width(name) + 18
    return out


def _bar_swatch(s: _Series) -> str:
    return _el("rect", class_="swatch", width=16, height=10, fill=s.fill, stroke=s.stroke)


def _line_swatch(line: _Line) -> str:
    pen = {"stroke": line.stroke, "stroke_width": 2, "stroke_dasharray": line.dash}
    return _el("line", x1=0, y1=5, x2=16, y2=5, **pen) + _marker(line.marker, 8, 5, line.stroke)


def _month_labels(plot: _Plot, labels: Sequence[str], width: int) -> list[str]:
    """The labels under a line chart: every one, or every second, third… when they are wide."""
    step = max(1, math.ceil((max(map(_width, labels), default=0) + 6) / plot.slot))
    out = []
    for i in range(0, len(labels), step):
        label = _clip(labels[i], plot.slot * step - 6)
        half = _width(label) / 2 + 2  # the first and last label stay inside the chart
        x = min(max(plot.centre(i), half), width - half)
        out.append(_text(x, plot.bottom + LABEL_SIZE * 1.3, label, anchor="middle", cls="category"))
    return out


def _marker(kind: str, x: float, y: float, colour: str, tip: str = "") -> str:
    """A filled circle or a hollow square: a point with its value as a tooltip, or in a legend."""
    title, cls = (f"<title>{escape(tip)}</title>", "point") if tip else ("", "swatch")
    if kind == "circle":
        return _el("circle", title, class_=cls, cx=x, cy=y, r=3.2, fill=colour)
    hollow = {"width": 6, "height": 6, "fill": "#fff", "stroke": colour, "stroke_width": 1.5}
    return _el("rect", title, class_=cls, x=x - 3, y=y - 3, **hollow)


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """The indices of each stretch of values without a gap."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run]


# --- elements, text and numbers ----------------------------------------------------------------

_ROOT = {
    "xmlns": "http://www.w3.org/2000/svg",
    "role": "img",
    "font_family": FONT,
    "font_size": LABEL_SIZE,
    "fill": INK,
}


def _svg(
    title: str, width: int, height: int, body: list[str], notes: list[str], *, kind: str, defs=""
) -> Markup:
    """The <svg> element, with the class `bar-chart`, `compare-chart`, `line-chart` or
    `coverage-chart` (not `chart`: the dashboard's figures wrapping the charts have that)."""
    desc = _el("desc", escape("; ".join(notes))) if notes else ""
    heading = _clip(title, width - 4, TITLE_SIZE)
    heading = _text(2, 19, heading, size=TITLE_SIZE, cls="title", font_weight="bold")
    content = _el("title", escape(title)) + desc + defs + heading + "".join(body)
    size = {"viewBox": f"0 0 {width} {height}", "width": width, "height": height}
    return Markup(_el("svg", content, class_=f"{kind}-chart", aria_label=title, **size, **_ROOT))


def _el(tag: str, content: str = "", /, **attributes: object) -> str:
    """An SVG element. `content` is markup; attribute values are escaped, and their names are
    written with - for _ (`stroke_width`), `class_` for `class`; None leaves one out."""
    attrs = ""
    for name, value in attributes.items():
        if value is not None:
            text = _f(value) if isinstance(value, float | int) else escape(value)
            attrs += f' {name.rstrip("_").replace("_", "-")}="{text}"'
    return f"<{tag}{attrs}>{content}</{tag}>" if content else f"<{tag}{attrs}/>"


def _text(x: float, y: float, content: str, *, cls: str, size=LABEL_SIZE, anchor="start", **more):
    """A line of text at baseline `y`; `anchor` is start, middle or end."""
    style = {"font_size": None if size == LABEL_SIZE else size, "text_anchor": anchor}
    return _el("text", escape(content), class_=cls, x=x, y=y, **style, **more)


def _tick(x: float, y: float, content: str, cls: str = "tick") -> str:
    return _text(x, y, content, size=TICK_SIZE, anchor="end", cls=cls, fill=MUTED)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _width(text: str, size: float = LABEL_SIZE) -> float:
    """The estimated width of `text`: CJK one em, anything else 0.62 em."""
    return size * sum(1.0 if _wide(c) else 0.62 for c in text)


def _clip(text: str, room: float, size: float = LABEL_SIZE) -> str:
    """`text`, shortened with "…" to fit `room` when it must be."""
    if _width(text, size) <= room:
        return text
    while text and _width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _fit_size(texts: list[str], room: float, largest: float = VALUE_SIZE) -> float:
    """The font size, down to 7, at which the widest of `texts` fits `room`."""
    widest = max((_width(t, 1.0) for t in texts), default=0.0)
    return max(7.0, min(largest, room / widest)) if widest else largest


def _check(values: Sequence[float | None]) -> None:
    for value in values:
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"charts draw finite values of 0 or more, not {value!r}")


def _number(value: float, unit: str = "") -> str:
    """12,500 or 3.25: whole numbers without decimals, others with up to two."""
    text = f"{round(value):,}" if abs(value - round(value)) < 1e-9 else f"{value:,.2f}".rstrip("0")
    return f"{text.rstrip('.')} {unit}".strip()


def _f(value: float) -> str:
    return f"{round(value, 2):g}"
