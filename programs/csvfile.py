"""Reading a spreadsheet saved as CSV, and checking its cells, with every problem by line and column.

Coordinators keep lists in Excel. Excel on Chinese Windows saves CSV as GB18030, on newer versions
as UTF-8 with a byte-order mark; both are read. The first line names the columns, in Chinese or
English; case, spaces, `_`, `-`, `/` and a unit in brackets do not matter ("Contact Name",
"contact_name" and "职工人数（人）" are spellings of their columns). Columns nobody asked for
(序号, 备注, ...) are not read, and are listed so the coordinator knows.

This module only reads and reports; what a line means and what is written is the importer's
business (see programs/directory/importing.py and programs/study_tours/school_import.py).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from programs.i18n import N_

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000

_BRACKETED_UNIT = re.compile(r"\([^()]*\)$")
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # Excel sometimes adds a midnight time
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")

YES_NO = {
    "是": True,
    "有": True,
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "√": True,
    "✓": True,
    "✔": True,
    "否": False,
    "无": False,
    "没有": False,
    "不是": False,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
    "×": False,
    "✗": False,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file: the line, the column as the file names it, and the message.

    Whole-file problems (too large, not text, empty) have line 0 and no column.
    """

    line: int
    column: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    """A column an importer reads: its key, then its names. The first name is the Chinese one
    (used in templates and messages), the second the English one, then other spellings."""

    key: str
    names: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A file read as text: which column holds what, and the non-blank lines below the header."""

    encoding: str
    index: dict[str, int]  # column key: position in the line
    headers: dict[str, str]  # column key: its header as the file writes it
    rows: list[tuple[int, list[str]]]  # (line number where the row starts, cells)
    ignored: list[str]  # headers that are not read

    def cell(self, row: list[str], key: str) -> str:
        """The cell of `key` in `row`, stripped; empty when the column or the cell is missing."""
        position = self.index.get(key)
        return row[position].strip() if position is not None and position < len(row) else ""


@dataclass(frozen=True)
class Lines:
    """A file split into lines: how it was read, its first line and the non-blank lines below it."""

    encoding: str  # "utf-8" or "gb18030"; empty when the file could not be read as text
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number where the row starts, cells)


def read_table(
    data: bytes,
    columns: Sequence[Column],
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> tuple[Table | None, list[Problem]]:
    """Decode and split the file and match its header; the table, or the problems that stop it.

    The problems are whole-file problems (line 0) or problems with the first line (line 1).
    """
    lines, problems = read_lines(data, max_bytes=max_bytes, max_rows=max_rows)
    if problems:
        return None, problems
    index, headers, ignored, problems = match_header(lines.header, columns)
    required = _required_names(lines.header, columns)
    problems += [
        Problem(
            1,
            name,
            N_(
                "Line 1: the column “{column}” is missing. The first line must name at "
                "least the columns {columns}."
            ),
            {"column": name, "columns": required},
        )
        for name in missing_columns(lines.header, index, columns)
    ]
    if problems:
        return None, problems
    if not lines.rows:
        return None, [
            _whole(N_("The file has only the header line; put one line for each entry below it."))
        ]
    return Table(lines.encoding, index, headers, lines.rows, ignored), []


def read_lines(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> tuple[Lines, list[Problem]]:
    """Decode and split the file; its lines, and the whole-file problems (line 0) that stop it.

    With problems the lines are empty, but the encoding is kept when the file was read as text.
    """
    if len(data) > max_bytes:
        return Lines("", [], []), [_whole(N_("The file is larger than 2 MB; split it into parts."))]
    text, encoding = decode(data)
    stop = Lines(encoding, [], [])
    if text is None:
        return stop, [
            _whole(N_("The file is neither UTF-8 nor GB18030 text; save it as CSV (UTF-8)."))
        ]
    if not text.strip():
        return stop, [_whole(N_("The file is empty."))]
    try:
        header, rows, too_many = _split(text, max_rows)
    except csv.Error:
        return stop, [
            _whole(
                N_(
                    "The file could not be read as CSV; in Excel choose “Save as”, "
                    "“CSV UTF-8 (comma delimited)”, and send it again."
                )
            )
        ]
    if too_many:
        return stop, [
            _whole(N_("The file has more than {max} rows; split it into parts."), max=max_rows)
        ]
    return Lines(encoding, header, rows), []


def template(columns: Sequence[Column]) -> bytes:
    """An empty sheet to fill in: the Chinese header line, as UTF-8 with the byte-order mark
    Excel needs to recognise UTF-8."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(c.names[0] for c in columns)
    return ("\ufeff" + buffer.getvalue()).encode()


def decode(data: bytes) -> tuple[str | None, str]:
    """The text and how it was read ("utf-8" with or without BOM, or "gb18030"), or None."""
    # UTF-16 (Excel's "Unicode text") and binary files hold NUL bytes; GB18030 would "decode"
    # them into nonsense that then fails as missing columns, which would mislead.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data:
        return None, ""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return None, ""


def header_key(header: str) -> str:
    """How a header is compared: "学生数（人）", " Student_Count " → "学生数", "studentcount"."""
    text = unicodedata.normalize("NFKC", header).strip().lower()
    text = re.sub(r"[\s_\-/]+", "", text)
    return _BRACKETED_UNIT.sub("", text) or text


def word_key(value: str) -> str:
    """How a word from a list is compared: width, case, spaces and punctuation do not matter
    ("农、林、牧、渔业" is "农林牧渔业", "Wholesale and retail" is "wholesaleandretail")."""
    text = unicodedata.normalize("NFKC", value).lower()
    return re.sub(r"[\s_\-/·、,，.()]+", "", text)


def name_key(name: str) -> str:
    """How a name is compared: full- and half-width forms alike, spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def split_list(value: str) -> list[str]:
    """The items of a cell that lists several: separated by 、 ; ； , ， / | or line breaks."""
    return [part.strip() for part in re.split(r"[、;；,，/／|\n]+", value) if part.strip()]


def _whole(msgid: str, **params: Any) -> Problem:
    return Problem(0, "", msgid, params)


def _split(text: str, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]], bool]:
    """The header, the non-blank data rows with the line each starts on, and whether there were
    more than `max_rows` of them."""
    first_line = text.split("\n", 1)[0]
    # A comma, as Excel writes CSV in China; a tab or semicolon if the header has more of those
    # (a sheet pasted as text, or Excel set up for Europe).
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            if len(rows) == max_rows:
                return header, rows, True
            rows.append((line, row))
        line = reader.line_num + 1
    return header, rows, False


def match_header(
    header: list[str],
    columns: Sequence[Column],
    *,
    refuse: Callable[[str], str | None] | None = None,
) -> tuple[dict[str, int], dict[str, str], list[str], list[Problem]]:
    """Which column holds what: each key's position and header as the file writes it, the headers
    that are not read, and the problems with the first line (a column given twice, or a header
    that `refuse` gives a message for, by its header_key), in the order of the columns.

    Missing columns are not problems here; see `missing_columns`.
    """
    aliases = {header_key(name): c.key for c in columns for name in c.names}
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, raw in enumerate(header):
        name = raw.strip()
        key = aliases.get(header_key(name))
        if key is None:
            if name:
                ignored.append(name)
                refused = refuse(header_key(name)) if refuse is not None else None
                if refused is not None:
                    problems.append(Problem(1, name, refused, {"column": name}))
            continue
        if key in index:
            problems.append(
                Problem(
                    1,
                    name,
                    N_("Line 1: the column “{column}” appears twice; delete one of them."),
                    {"column": name},
                )
            )
            continue
        index[key] = position
        headers[key] = name
    return index, headers, ignored, problems


def _required_names(header: list[str], columns: Sequence[Column]) -> list[str]:
    """The names of the required columns, in English if the header is all in English, else in
    Chinese."""
    english = bool(header) and all(h.isascii() for h in header if h.strip())
    return [c.names[1 if english else 0] for c in columns if c.required]


def missing_columns(
    header: list[str], index: Mapping[str, int], columns: Sequence[Column]
) -> list[str]:
    """The required columns the header lacks, named in English if the header is all in English,
    else in Chinese."""
    required = [c for c in columns if c.required]
    names = _required_names(header, columns)
    return [name for c, name in zip(required, names, strict=True) if c.key not in index]


class Checker:
    """Collects the problems of one file, each with its line, column and message; the methods
    return a cell's value, or None after reporting why there is none."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, line: int, column: str, msgid: str, **params: Any) -> None:
        """Report a problem with one cell."""
        self.problems.append(
            Problem(line, column, msgid, {"line": line, "column": column, **params})
        )

    def warn(self, line: int, column: str, msgid: str, **params: Any) -> None:
        """Note something the coordinator should look at that does not stop the import."""
        self.warnings.append(
            Problem(line, column, msgid, {"line": line, "column": column, **params})
        )

    def empty(self, line: int, column: str) -> None:
        """Report a cell that must be filled in."""
        self.add(line, column, N_("Line {line}, column {column}: the cell is empty; fill it in."))

    def text(self, value: str, line: int, column: str, limit: int) -> str | None:
        """The text with its spaces tidied, at most `limit` characters long."""
        tidy = " ".join(value.split())
        if len(tidy) > limit:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: write at most {max} characters here."),
                max=limit,
            )
            return None
        return tidy

    def whole(self, value: str, line: int, column: str, low: int, high: int) -> int | None:
        """A whole number from `low` to `high` ("1,200" and "12.0" are fine)."""
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        match = re.fullmatch(r"([+-]?\d+)(?:\.0*)?", text)
        if match is None:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: “{value}” is not a whole number."),
                value=value[:40],
            )
            return None
        number = int(match.group(1))
        if number < 0:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: “{value}” is negative; counts start at 0."),
                value=value[:40],
            )
            return None
        if not low <= number <= high:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: {value} is outside {low} to {high}."),
                value=number,
                low=low,
                high=high,
            )
            return None
        return number

    def yes_no(
        self, value: str, line: int, column: str, words: Mapping[str, bool] = YES_NO
    ) -> bool | None:
        """是 or 否, and the other ways people write yes and no."""
        answer = words.get(word_key(value))
        if answer is None:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: write 是 or 否 (yes or no), not “{value}”."),
                value=value[:40],
            )
        return answer

    def choice(
        self, value: str, line: int, column: str, words: Mapping[str, str], choices: list[Any]
    ) -> str | None:
        """The code of one word from a vocabulary (`words` is keyed by word_key)."""
        code = words.get(word_key(value))
        if code is None:
            self.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: “{value}” is not one of the choices here; "
                    "write one of {choices}."
                ),
                value=value[:40],
                choices=choices,
            )
        return code

    def day(self, value: str, line: int, column: str, low: date, high: date) -> date | None:
        """A date written 2015-03-01, 2015/3/1, 2015.3.1, 2015年3月1日 or 20150301."""
        text = unicodedata.normalize("NFKC", value).strip()
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        try:
            found = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:  # 2015-02-30
            found = None
        if found is None:
            self.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: “{value}” is not a date; write it as 2015-03-01."
                ),
                value=value[:40],
            )
            return None
        if not low <= found <= high:
            self.add(
                line,
                column,
                N_("Line {line}, column {column}: {value} is not between {low} and {high}."),
                value=found,
                low=low,
                high=high,
            )
            return None
        return found
