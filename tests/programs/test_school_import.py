"""Importing schools from CSV: all or nothing, every problem by line and column."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.directory.models import School, SchoolGrade, Town
from programs.errors import NotFound
from programs.study_tours.models import SchoolPlan
from programs.study_tours.school_import import MAX_ROWS, import_schools

HEADER = "学校名称,镇街,类型,年级,班级数,学生数"
GOOD = """学校名称,镇街,类型,年级,班级数,学生数,地址,联系人,研学年级,研学班级数
城关新区小学,城关街道,小学,4,3,130,城关街道新区路1号,王老师,,
城关新区小学,城关街道,小学,5,3,128,,,5,2
城关新区小学,城关街道,小学,6,3,125,,,,
新华外国语初中,Q02,初中,7,6,280,,,,
新华外国语初中,Q02,初中,8,6,275,,,,
"""


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _run(session, text: str | bytes, *, year: int = 2026):
    data = text.encode() if isinstance(text, str) else text
    return import_schools(session, _user(session, "coordinator"), data, school_year=year)


def _school(session, name: str) -> School | None:
    return session.scalar(select(School).where(School.name == name))


def _counts(session) -> tuple[int, int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (School, SchoolGrade, SchoolPlan, AuditEntry)
    )


def _grades(school: School) -> list[tuple[int, int, int]]:
    return [(g.grade, g.classes, g.students) for g in school.grades]


def _only(result) -> tuple[int, str, str]:
    assert len(result.problems) == 1, result.problems
    [problem] = result.problems
    return problem.line, problem.column, problem.msgid


# --- Good files -------------------------------------------------------------------------------


def test_a_good_file_in_chinese_creates_schools_grades_and_audit_entries(session):
    before = _counts(session)
    result = _run(session, GOOD)
    assert result.problems == []
    assert (result.created, result.updated, result.grades, result.encoding) == (2, 0, 5, "utf-8")
    school = _school(session, "城关新区小学")
    town = session.scalar(select(Town).where(Town.code == "Q01"))
    assert (school.town_id, school.level, school.status) == (town.id, "primary", "active")
    assert school.address == "城关街道新区路1号"
    assert _grades(school) == [(4, 3, 130), (5, 3, 128), (6, 3, 125)]
    junior = _school(session, "新华外国语初中")
    assert junior.town.name == "新华街道" and junior.level == "junior"
    assert _counts(session)[0] == before[0] + 2
    assert _counts(session)[1] == before[1] + 5
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "school.created").order_by(AuditEntry.id)
    ).all()
    assert [e.subject_id for e in entries[-2:]] == [school.id, junior.id]
    assert entries[-1].data["grades"] == [[7, 6, 280], [8, 6, 275]]
    assert entries[-1].actor_id == _user(session, "coordinator").id


def test_english_headers_in_any_case_and_spacing_work(session):
    text = (
        " School , TOWN,Level,grade,Classes, students ,Contact Name,contact_phone\n"
        "City Bilingual School,q01,Nine-Year,1,2,80,Ms Li,13800000000\n"
        "City Bilingual School,Q01,nine_year,9,2,90,,\n"
    )
    result = _run(session, text)
    assert result.problems == [] and result.created == 1 and result.grades == 2
    school = _school(session, "City Bilingual School")
    assert school.level == "nine_year" and _grades(school) == [(1, 2, 80), (9, 2, 90)]


def test_gb18030_and_utf8_with_bom_are_read_and_reported(session):
    result = _run(session, GOOD.encode("gb18030"))
    assert result.problems == [] and result.encoding == "gb18030" and result.created == 2
    assert _school(session, "城关新区小学") is not None
    bom = ("\ufeff" + HEADER + "\n带BOM小学,城关街道,小学,3,1,40\n").encode()
    result = _run(session, bom)
    assert result.problems == [] and result.encoding == "utf-8" and result.created == 1


def test_units_in_brackets_chinese_grade_words_and_tabs_are_understood(session):
    text = "学校名称\t镇街\t类型\t年级\t班级数（个）\t学生数（人）\n城关二中\t城关街道\t初中\t初一\t4\t180\n"
    text += "城关二中\t城关街道\t初中\t八年级\t4\t178\n"
    result = _run(session, text)
    assert result.problems == []
    assert _grades(_school(session, "城关二中")) == [(7, 4, 180), (8, 4, 178)]


def test_reimporting_updates_the_schools_without_duplicating_them(session):
    _run(session, GOOD)
    counts = _counts(session)
    again = GOOD.replace("4,3,130", "4,4,150").replace(
        "城关新区小学,城关街道,小学,6,3,125,,,,\n", ""
    )
    result = _run(session, again)
    assert result.problems == []
    assert (result.created, result.updated, result.grades) == (0, 2, 4)
    school = _school(session, "城关新区小学")
    assert _grades(school) == [(4, 4, 150), (5, 3, 128)]
    after = _counts(session)
    assert after[:3] == (counts[0], counts[1] - 1, counts[2])  # grade 6 gone, plan updated
    assert after[3] == counts[3] + 2  # one audit entry per school
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "school.updated", AuditEntry.subject_id == school.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.data["before"]["grades"] == [[4, 3, 130], [5, 3, 128], [6, 3, 125]]


def test_a_demo_school_is_matched_by_town_and_name_and_its_grades_replaced(session):
    school = session.scalars(
        select(School).join(School.town).where(Town.code == "Q01", School.level == "primary")
    ).first()
    notes = {g.grade: g.notes for g in school.grades}
    text = f"{HEADER}\n{school.name},城关街道,小学,5,2,86\n{school.name},城关街道,小学,6,2,88\n"
    result = _run(session, text)
    assert (result.problems, result.created, result.updated) == ([], 0, 1)
    session.expire_all()
    assert _grades(session.get(School, school.id)) == [(5, 2, 86), (6, 2, 88)]
    assert session.get(SchoolGrade, (school.id, 5)).notes == notes.get(5, "")


def test_plans_are_written_when_a_visit_grade_is_given(session):
    result = _run(session, GOOD)
    school = _school(session, "城关新区小学")
    plan = session.scalar(
        select(SchoolPlan).where(SchoolPlan.school_id == school.id, SchoolPlan.school_year == 2026)
    )
    # 128 students in 3 classes, 2 of them come: 85.3 → 85; the contact comes from line 2.
    assert (plan.grade, plan.classes, plan.students, plan.contact_name) == (5, 2, 85, "王老师")
    junior = _school(session, "新华外国语初中")
    assert session.scalar(select(SchoolPlan).where(SchoolPlan.school_id == junior.id)) is None

    # Re-importing updates the same plan; half a student rounds up (42.5 → 43).
    text = (
        f"{HEADER},研学年级,研学班级数,联系电话\n城关新区小学,城关街道,小学,5,2,85,5,1,0571-1234\n"
    )
    result = _run(session, text)
    assert result.problems == []
    plans = session.scalars(select(SchoolPlan).where(SchoolPlan.school_id == school.id)).all()
    assert [(p.id, p.grade, p.classes, p.students) for p in plans] == [(plan.id, 5, 1, 43)]
    assert (plans[0].contact_name, plans[0].contact_phone) == ("王老师", "0571-1234")
    assert (
        session.scalar(select(SchoolPlan).where(SchoolPlan.school_year == 2027)) is None
    )  # only the year asked for


def test_without_visit_classes_two_classes_come_and_a_contact_alone_makes_a_default_plan(session):
    text = (
        f"{HEADER},研学年级,联系人\n"
        "甲小学,城关街道,小学,5,3,120,5,\n"
        "乙小学,城关街道,小学,4,1,40,,赵老师\n"
        "乙小学,城关街道,小学,5,1,42,,\n"
    )
    assert _run(session, text).problems == []
    first = session.scalar(
        select(SchoolPlan).join(SchoolPlan.school).where(School.name == "甲小学")
    )
    assert (first.grade, first.classes, first.students) == (5, 2, 80)
    second = session.scalar(
        select(SchoolPlan).join(SchoolPlan.school).where(School.name == "乙小学")
    )
    assert (second.grade, second.classes, second.contact_name) == (5, 1, "赵老师")


def test_the_import_flushes_and_never_commits(session, monkeypatch):
    def refuse() -> None:
        raise AssertionError("the caller commits")

    monkeypatch.setattr(session, "commit", refuse)
    assert _run(session, GOOD).problems == []


def test_a_thousand_rows_take_a_handful_of_queries(session):
    lines = [HEADER]
    for n in range(200):
        for grade in range(1, 6):
            lines.append(f"第{n}小学,Q{n % 16 + 1:02d},小学,{grade},3,{120 + grade}")
    selects: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        result = _run(session, "\n".join(lines) + "\n")
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert result.problems == [] and (result.created, result.grades) == (200, 1000)
    assert len(selects) <= 6, selects


# --- Problems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "column", "fragment"),
    [
        ("乙校,不存在镇,小学,5,2,90", "镇街", "is not a town of the city"),
        ("乙校,城关街道,大学,5,2,90", "类型", "is not a kind of school"),
        ("乙校,城关街道,小学,8,2,90", "年级", "teaches grades {first} to {last}"),
        ("乙校,城关街道,高中,13,2,90", "年级", "outside {low} to {high}"),
        ("乙校,城关街道,小学,5,二,90", "班级数", "is not a whole number"),
        ("乙校,城关街道,小学,5,2.5,90", "班级数", "is not a whole number"),
        ("乙校,城关街道,小学,5,2,-90", "学生数", "is negative"),
        ("乙校,城关街道,小学,5,3,2", "学生数", "cannot fill"),
        ("乙校,城关街道,小学,5,1,500", "学生数", "more than {max} a class"),
        ("乙校,城关街道,小学,5,0,30", "班级数", "need at least one class"),
        ("乙校,城关街道,小学,,2,90", "年级", "the cell is empty"),
        (",城关街道,小学,5,2,90", "学校名称", "give the school's full name"),
        ("新学校,新华街道,小学,5,2,80", "镇街", "puts this school in {town}"),
        ("新学校,城关街道,九年一贯制,5,2,80", "类型", "gives this school another kind"),
        ("新学校,城关街道,小学,4,3,100", "年级", "is already on line {first}"),
    ],
)
def test_each_problem_is_reported_by_line_and_column_and_nothing_changes(
    session, bad, column, fragment
):
    before = _counts(session)
    text = f"{HEADER}\n新学校,城关街道,小学,4,2,80\n{bad}\n"
    result = _run(session, text)
    line, got_column, msgid = _only(result)
    assert (line, got_column) == (3, column)
    assert fragment in msgid
    params = result.problems[0].params
    assert (params["line"], params["column"]) == (3, column)
    assert msgid.startswith("Line {line}, column {column}: ")
    assert _counts(session) == before
    assert _school(session, "新学校") is None


def test_an_unknown_town_names_a_few_real_ones(session):
    result = _run(session, f"{HEADER}\n乙校,火星镇,小学,5,2,90\n")
    params = result.problems[0].params
    assert params["value"] == "火星镇"
    assert "城关街道" in params["examples"] and len(params["examples"]) == 3


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("甲校,城关街道,小学,4,2,80,6,", "研学年级", "is not among this school's grades"),
        ("甲校,城关街道,小学,4,2,80,4,3", "研学班级数", "has only {classes} classes"),
        ("甲校,城关街道,小学,4,2,80,,1", "研学班级数", "say which grade comes"),
        ("甲校,城关街道,小学,4,2,80,4,11", "研学班级数", "outside {low} to {high}"),
        ("甲校,城关街道,小学,4,0,0,4,", "研学年级", "has only {classes} classes"),
    ],
)
def test_visit_problems_point_at_the_visit_columns(session, row, column, fragment):
    result = _run(session, f"{HEADER},研学年级,研学班级数\n{row}\n")
    line, got_column, msgid = _only(result)
    assert (line, got_column) == (2, column) and fragment in msgid


def test_text_that_does_not_fit_is_refused(session):
    text = f"{HEADER},联系电话\n甲校,城关街道,小学,4,2,80,{'1' * 31}\n"
    assert _only(_run(session, text)) == (
        2,
        "联系电话",
        "Line {line}, column {column}: write at most {max} characters here.",
    )


def test_every_bad_line_is_reported_and_a_line_can_have_several_problems(session):
    text = (
        f"{HEADER}\n"
        "甲校,城关街道,小学,4,2,80\n"
        "甲校,城关街道,小学,x,2,80\n"
        "甲校,城关街道,小学,5,2,80\n"
        "乙校,火星镇,大学,5,2,80\n"
        "丙校,城关街道,小学,5,-1,80\n"
    )
    result = _run(session, text)
    assert [(p.line, p.column) for p in result.problems] == [
        (3, "年级"),
        (5, "镇街"),
        (5, "类型"),
        (6, "班级数"),
    ]


def test_one_bad_line_among_good_ones_changes_nothing(session):
    _run(session, GOOD)
    school = _school(session, "城关新区小学")
    grades = _grades(school)
    before = _counts(session)
    changed = (
        GOOD.replace("4,3,130", "4,4,160")
        + "新学校,城关街道,小学,4,2,80\n坏学校,城关街道,小学,7,2,80\n"
    )
    result = _run(session, changed)
    assert [(p.line, p.column) for p in result.problems] == [(8, "年级")]
    assert (result.created, result.updated, result.grades) == (0, 0, 0)
    session.expire_all()
    assert _counts(session) == before
    assert _grades(_school(session, "城关新区小学")) == grades
    assert _school(session, "新学校") is None


def test_missing_and_repeated_columns_are_reported_on_line_1(session):
    missing = _run(session, "学校名称,镇街\n甲校,城关街道\n")
    assert {(p.line, p.column) for p in missing.problems} == {
        (1, "类型"),
        (1, "年级"),
        (1, "班级数"),
        (1, "学生数"),
    }
    english = _run(session, "school,town,level,grade\nA,Q01,primary,4\n")
    assert {p.column for p in english.problems} == {"classes", "students"}
    twice = _run(session, f"{HEADER},students\n甲校,城关街道,小学,4,2,80,80\n")
    assert _only(twice)[:2] == (1, "students") and "appears twice" in twice.problems[0].msgid


@pytest.mark.parametrize(
    "column", ["学生姓名", "Name of a student", "身份证号", "家长电话", "出生日期"]
)
def test_columns_with_a_childs_personal_data_are_refused(session, column):
    before = _counts(session)
    text = f"{HEADER},{column}\n甲校,城关街道,小学,4,2,80,张三\n"
    result = _run(session, text)
    assert _only(result)[:2] == (1, column)
    assert "personal data" in result.problems[0].msgid
    assert _counts(session) == before


def test_unknown_harmless_columns_are_ignored_and_contact_name_is_not_a_childs(session):
    text = f"序号,{HEADER},联系人姓名,备注\n1,甲校,城关街道,小学,4,2,80,钱老师,\n"
    assert _run(session, text).problems == []
    plan = session.scalar(select(SchoolPlan).join(SchoolPlan.school).where(School.name == "甲校"))
    assert plan.contact_name == "钱老师"


@pytest.mark.parametrize("username", ["school", "consultant", "instructor"])
def test_only_coordinators_may_import(session, username):
    before = _counts(session)
    with pytest.raises(NotFound):
        import_schools(session, _user(session, username), GOOD.encode(), school_year=2026)
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf \r\n", "is empty"),
        (f"{HEADER}\n\n".encode(), "only the header line"),
        ("学校名称,镇街\n".encode("utf-16"), "neither UTF-8 nor GB18030"),
        (b"\x00\x01\x02binary", "neither UTF-8 nor GB18030"),
        (b"\x81\x30", "neither UTF-8 nor GB18030"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_files_that_cannot_be_read_are_reported_whole(session, data, fragment):
    result = _run(session, data)
    line, column, msgid = _only(result)
    assert (line, column) == (0, "") and fragment in msgid


def test_more_than_20000_rows_are_refused(session):
    before = _counts(session)
    text = HEADER + "\n" + "甲校,城关街道,小学,4,2,80\n" * (MAX_ROWS + 1)
    assert len(text.encode()) < 2 * 1024 * 1024
    result = _run(session, text)
    assert (
        "more than {max} rows" in _only(result)[2] and result.problems[0].params["max"] == MAX_ROWS
    )
    assert _counts(session) == before
