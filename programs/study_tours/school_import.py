"""Importing schools and their cohorts from CSV: all or nothing, every problem by line and column.

Long format, one row per school and grade (counts only: no child is ever named). Headers in
Chinese or English:

    学校名称/school, 镇街/town, 类型/level, 年级/grade, 班级数/classes, 学生数/students
    optional, per school: 地址/address, 联系人/contact_name, 联系电话/contact_phone,
                          研学年级/visit_grade, 研学班级数/visit_classes

A file with any problem changes nothing; the caller's transaction holds the whole import.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from programs import audit
from programs.accounts.models import User
from programs.directory.models import LEVEL_GRADES, SCHOOL_LEVELS, School, SchoolGrade, Town
from programs.errors import NotFound
from programs.i18n import N_
from programs.study_tours.models import SchoolPlan

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = {
    "school": ("学校名称", "学校", "school", "school_name", "name"),
    "town": ("镇街", "town"),
    "level": ("类型", "学校类型", "level"),
    "grade": ("年级", "grade"),
    "classes": ("班级数", "classes"),
    "students": ("学生数", "学生人数", "students"),
    "address": ("地址", "address"),
    "contact_name": ("联系人", "contact_name", "contact"),
    "contact_phone": ("联系电话", "contact_phone", "phone"),
    "visit_grade": ("研学年级", "visit_grade"),
    "visit_classes": ("研学班级数", "visit_classes"),
}
REQUIRED = ("school", "town", "level", "grade", "classes", "students")
LEVEL_WORDS = {
    "小学": "primary",
    "primary": "primary",
    "初中": "junior",
    "初级中学": "junior",
    "junior": "junior",
    "高中": "senior",
    "高级中学": "senior",
    "senior": "senior",
    "九年一贯制": "nine_year",
    "九年一贯制学校": "nine_year",
    "nine_year": "nine_year",
}
# Columns that would hold a child's personal data: refused, whatever else the file holds.
PERSONAL = re.compile(r"姓名|身份证|学号|出生|家长|student[_ ]?name|id[_ ]?number|birth", re.I)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file, where it is and how to fix it."""

    line: int
    column: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or why it did nothing."""

    problems: list[Problem]
    created: int = 0
    updated: int = 0
    grades: int = 0
    encoding: str = "utf-8"


def _decode(data: bytes) -> tuple[str, str] | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    return None


def _header_map(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    problems: list[Problem] = []
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = re.sub(r"\s+", "", raw).lower()
        if PERSONAL.search(raw):
            problems.append(
                Problem(
                    1,
                    raw,
                    N_(
                        "Line 1: column “{column}” would hold a child's personal data. Fengqiao keeps only "
                        "counts; delete that column and send the file again."
                    ),
                    {"column": raw},
                )
            )
            continue
        for key, names in COLUMNS.items():
            if name in {n.lower() for n in names}:
                found[key] = index
    for key in REQUIRED:
        if key not in found:
            problems.append(
                Problem(
                    1,
                    COLUMNS[key][0],
                    N_(
                        "Line 1: the column “{column}” is missing. The first line must name the columns: "
                        "学校名称, 镇街, 类型, 年级, 班级数, 学生数."
                    ),
                    {"column": COLUMNS[key][0]},
                )
            )
    return found, problems


def _int(
    value: str, line: int, column: str, low: int, high: int, problems: list[Problem]
) -> int | None:
    text = value.strip()
    if not re.fullmatch(r"\d+", text):
        problems.append(
            Problem(
                line,
                column,
                N_("Line {line}, column {column}: “{value}” is not a whole number."),
                {"line": line, "column": column, "value": text[:40]},
            )
        )
        return None
    number = int(text)
    if not low <= number <= high:
        problems.append(
            Problem(
                line,
                column,
                N_("Line {line}, column {column}: {value} is outside {low} to {high}."),
                {"line": line, "column": column, "value": number, "low": low, "high": high},
            )
        )
        return None
    return number


@dataclass
class _SchoolRows:
    town: Town
    level: str
    line: int
    grades: dict[int, tuple[int, int]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    extra_lines: dict[str, int] = field(default_factory=dict)


def import_schools(session: Session, actor: User, data: bytes, *, school_year: int) -> ImportResult:
    """Read the file and, only if it has no problem at all, create and update schools."""
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    if len(data) > MAX_BYTES:
        return ImportResult(
            [Problem(0, "", N_("The file is larger than 2 MB; split it into parts."))]
        )
    decoded = _decode(data)
    if decoded is None:
        return ImportResult(
            [
                Problem(
                    0, "", N_("The file is neither UTF-8 nor GB18030 text; save it as CSV (UTF-8).")
                )
            ]
        )
    text, encoding = decoded
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        return ImportResult([Problem(0, "", N_("The file is empty."))], encoding=encoding)
    if len(rows) > MAX_ROWS + 1:
        return ImportResult(
            [
                Problem(
                    0,
                    "",
                    N_("The file has more than {max} rows; split it into parts."),
                    {"max": MAX_ROWS},
                )
            ],
            encoding=encoding,
        )
    columns, problems = _header_map(rows[0])
    if problems:
        return ImportResult(problems, encoding=encoding)

    towns = list(session.scalars(select(Town)))
    by_town = {t.name: t for t in towns} | {t.code: t for t in towns}
    schools: dict[tuple[int, str], _SchoolRows] = {}

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        name = cell(row, "school")
        if not name or len(name) > 120:
            problems.append(
                Problem(
                    line,
                    COLUMNS["school"][0],
                    N_(
                        "Line {line}, column {column}: give the school's full name (at most 120 characters)."
                    ),
                    {"line": line, "column": COLUMNS["school"][0]},
                )
            )
            continue
        town = by_town.get(cell(row, "town"))
        if town is None:
            problems.append(
                Problem(
                    line,
                    COLUMNS["town"][0],
                    N_(
                        "Line {line}, column {column}: “{value}” is not a town of the city; use a name such as {examples}."
                    ),
                    {
                        "line": line,
                        "column": COLUMNS["town"][0],
                        "value": cell(row, "town")[:40],
                        "examples": "、".join(t.name for t in towns[:3]),
                    },
                )
            )
            continue
        level = LEVEL_WORDS.get(cell(row, "level").lower())
        if level is None:
            problems.append(
                Problem(
                    line,
                    COLUMNS["level"][0],
                    N_(
                        "Line {line}, column {column}: “{value}” is not a kind of school; write 小学, 初中, 高中 or 九年一贯制."
                    ),
                    {"line": line, "column": COLUMNS["level"][0], "value": cell(row, "level")[:40]},
                )
            )
            continue
        grade = _int(cell(row, "grade"), line, COLUMNS["grade"][0], 1, 12, problems)
        classes = _int(cell(row, "classes"), line, COLUMNS["classes"][0], 0, 100, problems)
        students = _int(cell(row, "students"), line, COLUMNS["students"][0], 0, 10_000, problems)
        if None in (grade, classes, students):
            continue
        if grade not in LEVEL_GRADES[level]:
            problems.append(
                Problem(
                    line,
                    COLUMNS["grade"][0],
                    N_("Line {line}, column {column}: a {level} has no grade {grade}."),
                    {
                        "line": line,
                        "column": COLUMNS["grade"][0],
                        "grade": grade,
                        "level": {"msgid": SCHOOL_LEVELS[level]},
                    },
                )
            )
            continue
        if students < classes:
            problems.append(
                Problem(
                    line,
                    COLUMNS["students"][0],
                    N_(
                        "Line {line}, column {column}: {students} students cannot fill {classes} classes."
                    ),
                    {
                        "line": line,
                        "column": COLUMNS["students"][0],
                        "students": students,
                        "classes": classes,
                    },
                )
            )
            continue
        entry = schools.get((town.id, name))
        if entry is None:
            entry = schools[(town.id, name)] = _SchoolRows(town, level, line)
        elif entry.level != level:
            problems.append(
                Problem(
                    line,
                    COLUMNS["level"][0],
                    N_(
                        "Line {line}, column {column}: line {first} gives this school another kind."
                    ),
                    {"line": line, "column": COLUMNS["level"][0], "first": entry.line},
                )
            )
            continue
        if grade in entry.grades:
            problems.append(
                Problem(
                    line,
                    COLUMNS["grade"][0],
                    N_(
                        "Line {line}, column {column}: grade {grade} of this school is given twice."
                    ),
                    {"line": line, "column": COLUMNS["grade"][0], "grade": grade},
                )
            )
            continue
        entry.grades[grade] = (classes, students)
        for key in ("address", "contact_name", "contact_phone", "visit_grade", "visit_classes"):
            if cell(row, key) and key not in entry.extra:
                entry.extra[key] = cell(row, key)[:120]
                entry.extra_lines[key] = line

    for (_town_id, _name), entry in schools.items():
        for key in ("visit_grade", "visit_classes"):
            if key in entry.extra:
                value = _int(
                    entry.extra[key],
                    entry.extra_lines[key],
                    COLUMNS[key][0],
                    1,
                    12 if key == "visit_grade" else 10,
                    problems,
                )
                if key == "visit_grade" and value is not None and value not in entry.grades:
                    problems.append(
                        Problem(
                            entry.extra_lines[key],
                            COLUMNS[key][0],
                            N_(
                                "Line {line}, column {column}: grade {grade} is not among this school's grades in the file."
                            ),
                            {
                                "line": entry.extra_lines[key],
                                "column": COLUMNS[key][0],
                                "grade": value,
                            },
                        )
                    )
    if problems:
        return ImportResult(problems, encoding=encoding)
    return _apply(session, actor, schools, school_year, encoding)


def _apply(
    session: Session, actor: User, schools: dict, school_year: int, encoding: str
) -> ImportResult:
    existing = {(s.town_id, s.name): s for s in session.scalars(select(School))}
    created = updated = grades = 0
    for (town_id, name), entry in schools.items():
        school = existing.get((town_id, name))
        if school is None:
            school = School(name=name, town_id=town_id, level=entry.level, status="active")
            session.add(school)
            created += 1
            action = "school.imported"
        else:
            school.level = entry.level
            school.status = "active"
            updated += 1
            action = "school.reimported"
        if "address" in entry.extra:
            school.address = entry.extra["address"]
        school.grades = [
            SchoolGrade(grade=g, classes=c, students=n)
            for g, (c, n) in sorted(entry.grades.items())
        ]
        grades += len(entry.grades)
        session.flush()
        if {"visit_grade", "contact_name", "contact_phone"} & entry.extra.keys():
            _save_plan(session, school, entry, school_year)
        audit.record(session, action, school, actor_id=actor.id, grades=len(entry.grades))
    return ImportResult([], created, updated, grades, encoding)


def _save_plan(session: Session, school: School, entry: _SchoolRows, school_year: int) -> None:
    from programs.study_tours.services import default_plan

    plan = session.scalar(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school.id, SchoolPlan.school_year == school_year
        )
    ) or default_plan(session, school, school_year)
    if "visit_grade" in entry.extra:
        plan.grade = int(entry.extra["visit_grade"])
        classes, students = entry.grades[plan.grade]
        plan.classes = min(int(entry.extra.get("visit_classes", 2)), max(1, classes))
        plan.students = max(1, round(students / max(1, classes) * plan.classes))
    plan.contact_name = entry.extra.get("contact_name", plan.contact_name or "")[:40]
    plan.contact_phone = entry.extra.get("contact_phone", plan.contact_phone or "")[:30]
    session.add(plan)
