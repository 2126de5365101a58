"""Importing schools and their cohorts from CSV: all or nothing, every problem by line and column.

Long format, one line per school and grade, counts only (no child is ever named). The first line
names the columns, in Chinese or English (case, spaces and a unit in brackets do not matter):

    学校名称/school, 镇街/town, 类型/level, 年级/grade, 班级数/classes, 学生数/students
    optional, per school (the first non-empty value counts): 地址/address, 联系人/contact_name,
    联系电话/contact_phone, 研学年级/visit_grade, 研学班级数/visit_classes

Excel on Chinese Windows saves CSV as GB18030, so that is read too (programs/csvfile.py reads
the file; this module says what its lines mean). The whole file is checked
before anything is written, and a file with any problem changes nothing: coordinators fix the
spreadsheet and send it again, rather than chase a half-imported city. The caller's transaction
holds the import (we only flush).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from programs import audit
from programs.accounts.models import User
from programs.csvfile import (
    MAX_BYTES,
    MAX_ROWS,
    Checker,
    Column,
    Lines,
    Problem,
    Table,
    header_key,
    match_header,
    missing_columns,
    name_key,
    read_lines,
)
from programs.directory.models import LEVEL_GRADES, SCHOOL_LEVELS, School, SchoolGrade, Town
from programs.errors import NotFound
from programs.i18n import N_
from programs.study_tours.models import SchoolPlan
from programs.study_tours.services import default_plan
from programs.study_tours.terms import DEFAULT_CLASSES

MAX_PLAN_CLASSES = 10  # SchoolPlan's check constraint

# Each column: the Chinese and English names we report it by, then other spellings people use.
# Spellings are compared after csvfile.header_key(): "Contact Name", "contact_name" and
# "CONTACT-NAME" are the same header.
COLUMNS: dict[str, tuple[str, ...]] = {
    "school": ("学校名称", "school", "学校", "学校全称", "school name"),
    "town": ("镇街", "town", "镇/街道", "镇街道", "所属镇街", "乡镇街道", "town code"),
    "level": ("类型", "level", "学校类型", "学段", "school level", "school type"),
    "grade": ("年级", "grade"),
    "classes": ("班级数", "classes", "班数", "班级数量", "number of classes", "class count"),
    "students": (
        "学生数",
        "students",
        "学生人数",
        "人数",
        "number of students",
        "student count",
    ),
    "address": ("地址", "address", "学校地址"),
    "contact_name": ("联系人", "contact_name", "联系人姓名", "contact", "contact person"),
    "contact_phone": ("联系电话", "contact_phone", "联系人电话", "电话", "手机", "phone"),
    "visit_grade": ("研学年级", "visit_grade"),
    "visit_classes": ("研学班级数", "visit_classes", "研学班数"),
}
REQUIRED = ("school", "town", "level", "grade", "classes", "students")
OPTIONAL = ("address", "contact_name", "contact_phone", "visit_grade", "visit_classes")
_COLUMNS = [Column(key, names, key in REQUIRED) for key, names in COLUMNS.items()]
# Longest text each optional column may hold (the model's column sizes).
TEXT_LIMITS = {"address": 200, "contact_name": 40, "contact_phone": 30}
# Sanity limits that catch a slipped digit. Classes of more than 56 are being phased out (大班额),
# so 100 a class is surely a mistake; it also keeps a plan of 10 classes within its 1,000 students.
MAX_CLASSES = 200
MAX_STUDENTS = 20_000
MAX_PER_CLASS = 100

LEVEL_WORDS = {
    "小学": "primary",
    "primary": "primary",
    "primaryschool": "primary",
    "初中": "junior",
    "初级中学": "junior",
    "junior": "junior",
    "juniormiddleschool": "junior",
    "高中": "senior",
    "高级中学": "senior",
    "senior": "senior",
    "seniormiddleschool": "senior",
    "九年一贯制": "nine_year",
    "九年一贯制学校": "nine_year",
    "九年制": "nine_year",
    "nineyear": "nine_year",
    "nineyearschool": "nine_year",
}
_CN_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
# How schools write grades besides "5": 五年级, 5年级, 初一 (grade 7), 高三 (grade 12).
GRADE_WORDS = (
    {f"{word}年级": n for n, word in enumerate(_CN_NUMBERS, start=1)}
    | {f"{n}年级": n for n in range(1, 13)}
    | {f"初{word}": n for n, word in enumerate(_CN_NUMBERS[:3], start=7)}
    | {f"高{word}": n for n, word in enumerate(_CN_NUMBERS[:3], start=10)}
)
# A header we do not read that looks like a child's personal data refuses the whole file: we
# keep counts only, and a file that carries names should not travel further (PIPL art. 28, 31).
PERSONAL = re.compile(
    r"姓名|名字|身份证|证件|学号|学籍|出生|生日|性别|民族|家长|监护人|家庭|住址|户籍|籍贯"
    r"|name|birth|dob|gender|sex|parent|guardian|idcard|identity|passport|studentid|studentno"
    r"|homeaddress"
)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or, when `problems` is not empty, why it did nothing.

    `encoding` is how the file was read: "utf-8" (with or without BOM) or "gb18030"; empty when
    the file could not be read as text at all.
    """

    problems: list[Problem]
    created: int = 0
    updated: int = 0
    grades: int = 0
    encoding: str = ""


@dataclass
class _SchoolRows:
    """What the file says about one school, and on which line it said it first."""

    name: str
    town: Town
    level: str
    line: int
    town_column: str
    level_column: str
    grades: dict[int, tuple[int, int]] = field(default_factory=dict)  # grade: (classes, students)
    grade_lines: dict[int, int] = field(default_factory=dict)
    extra: dict[str, tuple[Any, int, str]] = field(default_factory=dict)  # key: (value, line, col)


def import_schools(session: Session, actor: User, data: bytes, *, school_year: int) -> ImportResult:
    """Read a CSV of schools and their grades; only if it has no problem at all, create and
    update the schools, replace their grades and save study-tour plans for `school_year`.

    Coordinators only. Flushes, never commits: the caller's transaction holds the import.
    """
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    lines, problems = read_lines(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    if problems:
        return ImportResult(problems, encoding=lines.encoding)
    table, problems = _read_table(lines)
    if problems:
        return ImportResult(problems, encoding=table.encoding)
    towns = list(session.scalars(select(Town).order_by(Town.code)))
    schools, problems = _check_rows(table, towns)
    if problems:
        return ImportResult(problems, encoding=table.encoding)
    created, updated, grades = _apply(session, actor, schools, school_year)
    return ImportResult([], created, updated, grades, table.encoding)


# --- Reading the file ---------------------------------------------------------------------------


def _read_table(lines: Lines) -> tuple[Table, list[Problem]]:
    """Which column holds what, or the problems with the first line (or with a file that has
    nothing below it)."""
    index, headers, ignored, problems = match_header(lines.header, _COLUMNS, refuse=_personal)
    problems += [
        Problem(
            1,
            column,
            N_(
                "Line 1: the column “{column}” is missing. The first line must name the "
                "columns: 学校名称, 镇街, 类型, 年级, 班级数, 学生数."
            ),
            {"column": column},
        )
        for column in missing_columns(lines.header, index, _COLUMNS)
    ]
    if not problems and not lines.rows:
        problems.append(
            Problem(
                0,
                "",
                N_(
                    "The file has only the header line; add one line per school and grade below it."
                ),
            )
        )
    return Table(lines.encoding, index, headers, lines.rows, ignored), problems


def _personal(header: str) -> str | None:
    """Refuse a column we do not read that looks like it holds a child's personal data; other
    columns (序号, 备注, ...) are not read."""
    if PERSONAL.search(header):
        return N_(
            "Line 1: column “{column}” would hold a child's personal data. "
            "Fengqiao keeps only counts; delete that column and send the file "
            "again."
        )
    return None


# --- Checking every line ------------------------------------------------------------------------


class _Checker(Checker):
    """Collects the problems of one file, each with its line, column and message."""

    def grade(self, value: str, line: int, column: str) -> int | None:
        """A grade 1 to 12, written 5, 五年级, 5年级, 初一 or 高三."""
        word = unicodedata.normalize("NFKC", value).strip()
        if word in GRADE_WORDS:
            return GRADE_WORDS[word]
        return self.whole(value, line, column, 1, 12)


def _check_rows(table: Table, towns: list[Town]) -> tuple[dict[str, _SchoolRows], list[Problem]]:
    check = _Checker()
    by_name = {name_key(t.name): t for t in towns}
    by_code = {t.code.upper(): t for t in towns}
    examples = [t.name for t in towns[:3]]
    col = table.headers
    schools: dict[str, _SchoolRows] = {}

    for line, row in table.rows:

        def cell(key: str, row: list[str] = row) -> str:
            return table.cell(row, key)

        name = " ".join(cell("school").split())
        if not name or len(name) > 120:
            check.add(
                line,
                col["school"],
                N_(
                    "Line {line}, column {column}: give the school's full name (at most 120 "
                    "characters)."
                ),
            )
        town_text = cell("town")
        town = by_name.get(name_key(town_text)) or by_code.get(town_text.upper())
        if not town_text:
            check.empty(line, col["town"])
        elif town is None:
            check.add(
                line,
                col["town"],
                N_(
                    "Line {line}, column {column}: “{value}” is not a town of the city; use a "
                    "name such as {examples}."
                ),
                value=town_text[:40],
                examples=examples,
            )
        level_text = cell("level")
        level = LEVEL_WORDS.get(header_key(level_text))
        if not level_text:
            check.empty(line, col["level"])
        elif level is None:
            check.add(
                line,
                col["level"],
                N_(
                    "Line {line}, column {column}: “{value}” is not a kind of school; write "
                    "小学, 初中, 高中 or 九年一贯制."
                ),
                value=level_text[:40],
            )
        numbers: dict[str, int | None] = {}
        for key in ("grade", "classes", "students"):
            text = cell(key)
            if not text:
                check.empty(line, col[key])
                numbers[key] = None
            elif key == "grade":
                numbers[key] = check.grade(text, line, col[key])
            else:
                high = MAX_CLASSES if key == "classes" else MAX_STUDENTS
                numbers[key] = check.whole(text, line, col[key], 0, high)
        grade, classes, students = numbers["grade"], numbers["classes"], numbers["students"]
        if classes is not None and students is not None:
            if students < classes:
                check.add(
                    line,
                    col["students"],
                    N_(
                        "Line {line}, column {column}: {students} students cannot fill "
                        "{classes} classes."
                    ),
                    students=students,
                    classes=classes,
                )
            elif students > classes * MAX_PER_CLASS and classes > 0:
                check.add(
                    line,
                    col["students"],
                    N_(
                        "Line {line}, column {column}: {students} students in {classes} classes "
                        "is more than {max} a class; check both numbers."
                    ),
                    students=students,
                    classes=classes,
                    max=MAX_PER_CLASS,
                )
            elif classes == 0 and students > 0:
                check.add(
                    line,
                    col["classes"],
                    N_(
                        "Line {line}, column {column}: {students} students need at least one "
                        "class; enter the number of classes."
                    ),
                    students=students,
                )
        extra = _check_optional(check, line, cell, col)

        if town is None or level is None or not name or len(name) > 120:
            continue
        school = schools.get(name)
        if school is None:
            school = schools[name] = _SchoolRows(name, town, level, line, col["town"], col["level"])
        elif school.town is not town:
            check.add(
                line,
                col["town"],
                N_(
                    "Line {line}, column {column}: line {first} puts this school in {town}; a "
                    "school belongs to one town, so use the same town on every line."
                ),
                first=school.line,
                town=school.town.name,
            )
            continue
        elif school.level != level:
            check.add(
                line,
                col["level"],
                N_("Line {line}, column {column}: line {first} gives this school another kind."),
                first=school.line,
            )
            continue
        for key, found in extra.items():
            school.extra.setdefault(key, found)
        if grade is None:
            continue
        if grade not in LEVEL_GRADES[level]:
            taught = LEVEL_GRADES[level]
            check.add(
                line,
                col["grade"],
                N_(
                    "Line {line}, column {column}: a school of the kind “{level}” teaches grades "
                    "{first} to {last}, not grade {grade}; correct the grade or the kind of "
                    "school."
                ),
                level={"msgid": SCHOOL_LEVELS[level], "params": {}},
                first=taught[0],
                last=taught[-1],
                grade=grade,
            )
        elif grade in school.grades:
            check.add(
                line,
                col["grade"],
                N_(
                    "Line {line}, column {column}: grade {grade} of this school is already on "
                    "line {first}; keep one of the two lines."
                ),
                grade=grade,
                first=school.grade_lines[grade],
            )
        elif classes is not None and students is not None and _sound(classes, students):
            school.grades[grade] = (classes, students)
            school.grade_lines[grade] = line

    for school in schools.values():
        _check_plan(check, school)
    check.problems.sort(key=lambda p: p.line)  # stable: a line's problems stay in column order
    return schools, check.problems


def _sound(classes: int, students: int) -> bool:
    return classes <= students <= classes * MAX_PER_CLASS


def _check_optional(
    check: _Checker, line: int, cell: Any, col: dict[str, str]
) -> dict[str, tuple[Any, int, str]]:
    """The optional values of one line that are given and sound, keyed by column."""
    found: dict[str, tuple[Any, int, str]] = {}
    for key in OPTIONAL:
        text = cell(key)
        if not text:
            continue
        value: Any
        if key in TEXT_LIMITS:
            value = check.text(text, line, col[key], TEXT_LIMITS[key])
        elif key == "visit_grade":
            value = check.grade(text, line, col[key])
        else:
            value = check.whole(text, line, col[key], 1, MAX_PLAN_CLASSES)
        if value is not None:
            found[key] = (value, line, col[key])
    return found


def _check_plan(check: _Checker, school: _SchoolRows) -> None:
    """The grade that comes must be one the file gives, with enough classes for the group."""
    if "visit_grade" not in school.extra:
        if "visit_classes" in school.extra:
            _value, line, column = school.extra["visit_classes"]
            check.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: say which grade comes (研学年级) as well as "
                    "how many of its classes."
                ),
            )
        return
    grade, line, column = school.extra["visit_grade"]
    if grade not in school.grades:
        check.add(
            line,
            column,
            N_(
                "Line {line}, column {column}: grade {grade} is not among this school's grades "
                "in the file."
            ),
            grade=grade,
        )
        return
    classes = school.grades[grade][0]
    wanted = _plan_classes(school)
    if "visit_classes" in school.extra:
        _value, line, column = school.extra["visit_classes"]
    if wanted > classes:
        check.add(
            line,
            column,
            N_(
                "Line {line}, column {column}: the school has only {classes} classes in grade "
                "{grade}; bring fewer classes."
            ),
            classes=classes,
            grade=grade,
        )
        return


def _plan_classes(school: _SchoolRows) -> int:
    """The classes that come: as the file says, else two (or all the grade has, if fewer; at
    least one, so a grade without classes is reported rather than planned)."""
    if "visit_classes" in school.extra:
        return int(school.extra["visit_classes"][0])
    grade = school.extra["visit_grade"][0]
    return max(1, min(DEFAULT_CLASSES, school.grades[grade][0]))


def _share(students: int, classes: int, coming: int) -> int:
    """Students in `coming` of `classes` classes, rounded half up (round() rounds half to even)."""
    return (2 * students * coming + classes) // (2 * classes)


# --- Writing ------------------------------------------------------------------------------------


def _apply(
    session: Session, actor: User, schools: dict[str, _SchoolRows], school_year: int
) -> tuple[int, int, int]:
    """Create, update and audit; one query for the schools (and one for their grades), one for
    their plans, whatever the size of the file."""
    town_ids = sorted({s.town.id for s in schools.values()})
    existing = {
        (s.town_id, s.name): s
        for s in session.scalars(
            select(School).where(School.town_id.in_(town_ids)).options(selectinload(School.grades))
        )
    }
    plans = {
        p.school_id: p
        for p in session.scalars(
            select(SchoolPlan)
            .join(SchoolPlan.school)
            .where(School.town_id.in_(town_ids), SchoolPlan.school_year == school_year)
        )
    }
    done: list[tuple[School, _SchoolRows, dict[str, Any] | None]] = []
    for rows in schools.values():
        school = existing.get((rows.town.id, rows.name))
        before = None
        if school is None:
            school = School(name=rows.name, town_id=rows.town.id, level=rows.level, status="active")
            session.add(school)
        else:
            before = {
                "level": school.level,
                "address": school.address,
                "grades": [[g.grade, g.classes, g.students] for g in school.grades],
            }
            school.level = rows.level
        if "address" in rows.extra:
            school.address = rows.extra["address"][0]
        _replace_grades(school, rows.grades)
        done.append((school, rows, before))
    session.flush()  # new schools get their ids for the plans and the audit trail

    for school, rows, before in done:
        plan = _save_plan(session, school, rows, plans.get(school.id), school_year)
        details: dict[str, Any] = {
            "source": "csv",
            "grades": [[g, c, s] for g, (c, s) in sorted(rows.grades.items())],
        }
        if before is not None:
            details["before"] = before
        if plan is not None:
            details["plan"] = {
                "school_year": school_year,
                "grade": plan.grade,
                "classes": plan.classes,
                "students": plan.students,
            }
        action = "school.created" if before is None else "school.updated"
        audit.record(session, action, school, actor_id=actor.id, **details)
    session.flush()
    created = sum(1 for _s, _r, before in done if before is None)
    grades = sum(len(rows.grades) for rows in schools.values())
    return created, len(done) - created, grades


def _replace_grades(school: School, grades: dict[int, tuple[int, int]]) -> None:
    """Make the school's grade rows the file's; rows kept are updated in place (their notes
    stay), rows the file no longer gives are deleted."""
    current = {row.grade: row for row in school.grades}
    for row in list(school.grades):
        if row.grade not in grades:
            school.grades.remove(row)  # delete-orphan removes it
    for grade, (classes, students) in sorted(grades.items()):
        row = current.get(grade)
        if row is None:
            school.grades.append(SchoolGrade(grade=grade, classes=classes, students=students))
        else:
            row.classes, row.students = classes, students


def _save_plan(
    session: Session,
    school: School,
    rows: _SchoolRows,
    plan: SchoolPlan | None,
    school_year: int,
) -> SchoolPlan | None:
    """Create or update the school's plan when the file says who comes or whom to call."""
    if not {"visit_grade", "contact_name", "contact_phone"} & rows.extra.keys():
        return None
    if "visit_grade" in rows.extra:
        grade = rows.extra["visit_grade"][0]
        classes, students = rows.grades[grade]
        coming = _plan_classes(rows)
        if plan is None:
            plan = SchoolPlan(
                school_id=school.id,
                school_year=school_year,
                preferred_weekdays=[],
                preferred_months=[],
            )
            session.add(plan)
        plan.grade = grade
        plan.classes = coming
        plan.students = _share(students, classes, coming)
    elif plan is None:
        plan = default_plan(session, school, school_year)
        session.add(plan)
    if "contact_name" in rows.extra:
        plan.contact_name = rows.extra["contact_name"][0]
    if "contact_phone" in rows.extra:
        plan.contact_phone = rows.extra["contact_phone"][0]
    return plan
