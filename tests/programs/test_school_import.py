"""Importing schools from CSV: all or nothing, problems by line and column."""

import pytest
from sqlalchemy import func, select

from programs.accounts.models import User
from programs.directory.models import School, SchoolGrade
from programs.errors import NotFound
from programs.study_tours.models import SchoolPlan
from programs.study_tours.school_import import import_schools

GOOD = """学校名称,镇街,类型,年级,班级数,学生数,联系人,研学年级,研学班级数
城关新区小学,城关街道,小学,4,3,130,王老师,,
城关新区小学,城关街道,小学,5,3,128,,5,2
城关新区小学,城关街道,小学,6,3,125,,,
新华外国语初中,Q02,初中,7,6,280,,,
"""


def _coordinator(session):
    return session.scalar(select(User).where(User.username == "coordinator"))


def _counts(session):
    return (
        session.scalar(select(func.count()).select_from(School)),
        session.scalar(select(func.count()).select_from(SchoolGrade)),
    )


def test_a_good_file_creates_schools_grades_and_the_plan(session):
    result = import_schools(session, _coordinator(session), GOOD.encode(), school_year=2026)
    assert result.problems == []
    assert (result.created, result.updated, result.grades) == (2, 0, 4)
    school = session.scalar(select(School).where(School.name == "城关新区小学"))
    assert [g.grade for g in school.grades] == [4, 5, 6]
    plan = session.scalar(select(SchoolPlan).where(SchoolPlan.school_id == school.id))
    assert (plan.grade, plan.classes, plan.students, plan.contact_name) == (5, 2, 85, "王老师")


def test_english_headers_and_gb18030_work_and_reimport_updates(session):
    english = "school,town,level,grade,classes,students\n城关新区小学,Q01,primary,5,2,90\n"
    result = import_schools(
        session, _coordinator(session), english.encode("gb18030"), school_year=2026
    )
    assert result.problems == [] and result.encoding == "gb18030" and result.created == 1
    again = import_schools(session, _coordinator(session), english.encode(), school_year=2026)
    assert (again.created, again.updated) == (0, 1)


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("城关新区小学,不存在镇,小学,5,2,90", "镇街", "not a town"),
        ("城关新区小学,城关街道,大学,5,2,90", "类型", "not a kind of school"),
        ("城关新区小学,城关街道,小学,8,2,90", "年级", "has no grade"),
        ("城关新区小学,城关街道,小学,5,二,90", "班级数", "not a whole number"),
        ("城关新区小学,城关街道,小学,5,3,2", "学生数", "cannot fill"),
    ],
)
def test_each_problem_is_reported_by_line_and_column_and_nothing_changes(
    session, line, column, fragment
):
    before = _counts(session)
    data = "学校名称,镇街,类型,年级,班级数,学生数\n新学校,城关街道,小学,4,2,80\n" + line + "\n"
    result = import_schools(session, _coordinator(session), data.encode(), school_year=2026)
    [problem] = result.problems
    assert (problem.line, problem.column) == (3, column)
    assert fragment in problem.msgid
    assert _counts(session) == before


def test_duplicate_grades_and_missing_columns(session):
    data = "学校名称,镇街,类型,年级,班级数,学生数\nA校,城关街道,小学,4,2,80\nA校,城关街道,小学,4,2,80\n"
    assert (
        "twice"
        in import_schools(session, _coordinator(session), data.encode(), school_year=2026)
        .problems[0]
        .msgid
    )
    missing = import_schools(
        session, _coordinator(session), "学校名称,镇街\n".encode(), school_year=2026
    )
    assert {p.column for p in missing.problems} == {"类型", "年级", "班级数", "学生数"}


def test_personal_data_columns_are_refused(session):
    data = "学校名称,镇街,类型,年级,班级数,学生数,学生姓名\nA校,城关街道,小学,4,2,80,张三\n"
    result = import_schools(session, _coordinator(session), data.encode(), school_year=2026)
    assert result.problems and result.problems[0].column == "学生姓名"
    assert session.scalar(select(School).where(School.name == "A校")) is None


def test_only_coordinators_import(session):
    school_user = session.scalar(select(User).where(User.username == "school"))
    with pytest.raises(NotFound):
        import_schools(session, school_user, GOOD.encode(), school_year=2026)


def test_empty_and_binary_files(session):
    assert import_schools(session, _coordinator(session), b"", school_year=2026).problems
    assert import_schools(
        session, _coordinator(session), b"\xff\xfe\x00\x00garbage", school_year=2026
    ).problems
