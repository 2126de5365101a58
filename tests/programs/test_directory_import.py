"""Importing enterprises and consultants from CSV: checked in full, previewed, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.directory import importing
from programs.directory.credit_code import check_character
from programs.directory.importing import apply, read_consultants, read_enterprises
from programs.directory.models import (
    Chamber,
    Consultant,
    ConsultantExpertise,
    Enterprise,
    Town,
    chamber_members,
)
from programs.errors import Conflict, DomainError, NotFound

TODAY = date(2026, 11, 28)
HEADER = "企业名称,统一社会信用代码,镇街,行业"


def _code(serial: int) -> str:
    """A valid credit code no demo firm has (the demo uses division 371599)."""
    first17 = f"91370000{serial:09d}"
    return first17 + check_character(first17)


NEW_A, NEW_B, NEW_C = _code(1), _code(2), _code(3)


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _coordinator(session) -> User:
    return _user(session, "coordinator")


def _enterprises(session, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return read_enterprises(data, session, today=TODAY)


def _consultants(session, text: str | bytes):
    return read_consultants(text.encode() if isinstance(text, str) else text, session)


def _firm(session, code: str) -> Enterprise | None:
    return session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


def _a_demo_firm(session) -> Enterprise:
    return session.scalars(select(Enterprise).order_by(Enterprise.id)).first()


def _counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Enterprise, Consultant, ConsultantExpertise, chamber_members, AuditEntry)
    )


def _where(preview) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in preview.problems]


def _only(preview) -> tuple[int, str, str]:
    assert len(preview.problems) == 1, preview.problems
    [problem] = preview.problems
    return problem.line, problem.column, problem.msgid


# --- Enterprises: good files --------------------------------------------------------------------


def test_a_good_file_creates_and_updates_enterprises_and_audits_each(session):
    firm = _a_demo_firm(session)
    text = (
        "企业名称,统一社会信用代码,镇街,行业,企业类型,职工人数,是否出口,成立日期,联系电话,所属商会\n"
        f"清河市新星轴承有限公司,{NEW_A},烟庄镇,制造业,有限责任公司,85,是,2015-03-01,"
        "0534-1234567,清河市轴承行业协会、清河市青年企业家商会\n"
        f"{firm.name},{firm.credit_code},{firm.town.name},批发零售,,1234,否,,,\n"
    )
    before = _counts(session)
    preview = _enterprises(session, text)
    assert preview.problems == [] and preview.encoding == "utf-8"
    assert [(r.line, r.action) for r in preview.rows] == [(2, "create"), (3, "update")]
    assert (preview.created, preview.updated, preview.unchanged) == (1, 1, 0)
    assert _counts(session) == before  # reading writes nothing

    done = apply(session, _coordinator(session), preview)
    assert (done.created, done.updated, done.unchanged) == (1, 1, 0)
    new = _firm(session, NEW_A)
    assert (new.name, new.town.code, new.industry, new.legal_form, new.status) == (
        "清河市新星轴承有限公司",
        "Q06",
        "manufacturing",
        "limited",
        "active",
    )
    assert (new.employee_count, new.exports, new.incorporated_on) == (85, True, date(2015, 3, 1))
    assert new.contact_phone == "0534-1234567"
    assert sorted(c.name for c in new.chambers) == ["清河市轴承行业协会", "清河市青年企业家商会"]
    session.refresh(firm)
    assert (firm.industry, firm.employee_count, firm.exports) == ("wholesale_retail", 1234, False)

    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(("enterprise.created", "enterprise.updated")))
        .order_by(AuditEntry.id)
    ).all()
    created, updated = entries[-2:]
    assert (created.action, created.subject_id, created.data["source"]) == (
        "enterprise.created",
        new.id,
        "csv",
    )
    assert created.data["values"]["incorporated_on"] == "2015-03-01"
    assert created.actor_id == _coordinator(session).id
    assert updated.subject_id == firm.id and updated.data["line"] == 3
    assert updated.data["changes"]["employee_count"][1] == 1234


def test_the_preview_says_each_change_old_and_new(session):
    firm = _a_demo_firm(session)
    old_count = firm.employee_count
    text = f"{HEADER},职工人数\n{firm.name},{firm.credit_code},{firm.town.name},制造业,{old_count + 1}\n"
    [row] = _enterprises(session, text).rows
    changed = {c.field: c for c in row.changes}
    assert changed["employee_count"].old == old_count
    assert changed["employee_count"].new == old_count + 1
    assert changed["employee_count"].msgid == "{field}: {old} → {new}"
    assert row.record_id == firm.id and row.key == firm.credit_code


def test_a_file_that_says_what_the_directory_holds_changes_nothing(session):
    firm = _a_demo_firm(session)
    text = f"{HEADER}\n{firm.name},{firm.credit_code},{firm.town.name},{firm.industry}\n"
    preview = _enterprises(session, text)
    assert [r.action for r in preview.rows] == ["same"] and preview.rows[0].changes == ()
    before = _counts(session)
    done = apply(session, _coordinator(session), preview)
    assert (done.created, done.updated, done.unchanged) == (0, 0, 1)
    assert _counts(session) == before  # no audit entry either


def test_gb18030_as_excel_saves_it_in_china_and_utf8_with_bom(session):
    text = f"{HEADER}\n清河市宏达机械制造有限公司,{NEW_A},城关街道,制造业\n"
    preview = _enterprises(session, text.encode("gb18030"))
    assert preview.problems == [] and preview.encoding == "gb18030"
    assert preview.rows[0].name == "清河市宏达机械制造有限公司"
    bom = _enterprises(session, ("\ufeff" + text).encode())
    assert bom.problems == [] and bom.encoding == "utf-8"


def test_english_headers_codes_and_labels_work_too(session):
    text = (
        " Name ,Credit_Code,TOWN,industry,Legal Form,Employees,exports,holds ip\n"
        f"Qinghe Software Ltd,{NEW_A.lower()},q01,Information technology,LLC,12,yes,Y\n"
        f"Qinghe Farm,{NEW_B},Q09,agriculture,sole_proprietorship,3,no,n\n"
    )
    preview = _enterprises(session, text)
    assert preview.problems == []
    first, second = (r.values for r in preview.rows)
    assert first["credit_code"] == NEW_A  # upper-cased
    assert (first["industry"], first["legal_form"], first["exports"], first["holds_ip"]) == (
        "information_technology",
        "limited",
        True,
        True,
    )
    assert (second["industry"], second["legal_form"], second["exports"]) == (
        "agriculture",
        "sole_proprietorship",
        False,
    )


@pytest.mark.parametrize(
    ("written", "industry"),
    [
        ("制造业", "manufacturing"),
        ("农、林、牧、渔业", "agriculture"),
        ("交通运输、仓储和邮政业", "logistics"),
        ("批发和零售业", "wholesale_retail"),
        ("商贸", "wholesale_retail"),
        ("餐饮", "hospitality"),
        ("租赁和商务服务业", "services"),
        ("Hotels and catering", "hospitality"),
    ],
)
def test_industries_as_people_write_them(session, written, industry):
    [row] = _enterprises(session, f'{HEADER}\n甲公司,{NEW_A},城关街道,"{written}"\n').rows
    assert row.values["industry"] == industry


@pytest.mark.parametrize(
    "written", ["2015-03-01", "2015/3/1", "2015.03.01", "2015年3月1日", "20150301", "2015/3/1 0:00"]
)
def test_dates_of_incorporation_as_excel_and_people_write_them(session, written):
    text = f"{HEADER},成立日期\n甲公司,{NEW_A},城关街道,制造业,{written}\n"
    [row] = _enterprises(session, text).rows
    assert row.values["incorporated_on"] == date(2015, 3, 1)


def test_headers_with_units_tabs_and_unread_columns(session):
    text = (
        "序号\t企业名称\t统一社会信用代码\t镇/街道\t所属行业\t职工人数（人）\t备注\n"
        f"1\t甲公司\t{NEW_A}\t城关街道\t建筑业\t40\t老客户\n"
    )
    preview = _enterprises(session, text)
    assert preview.problems == []
    assert preview.rows[0].values["employee_count"] == 40
    assert preview.ignored == ["序号", "备注"]


def test_chamber_memberships_are_replaced_and_wu_empties_them(session):
    firm = _a_demo_firm(session)
    base = f"{firm.name},{firm.credit_code},{firm.town.name},{firm.industry}"
    text = f"{HEADER},所属商会\n{base},清河市浙江商会；清河市电子商务协会\n"
    apply(session, _coordinator(session), _enterprises(session, text))
    session.refresh(firm)
    assert sorted(c.name for c in firm.chambers) == ["清河市浙江商会", "清河市电子商务协会"]
    apply(session, _coordinator(session), _enterprises(session, f"{HEADER},所属商会\n{base},无\n"))
    session.refresh(firm)
    assert firm.chambers == []


def test_an_empty_cell_leaves_what_the_directory_holds(session):
    firm = _a_demo_firm(session)
    address, employees = firm.address, firm.employee_count
    text = f"{HEADER},地址,职工人数\n{firm.name},{firm.credit_code},{firm.town.name},{firm.industry},,\n"
    preview = _enterprises(session, text)
    assert preview.rows[0].action == "same"
    apply(session, _coordinator(session), preview)
    session.refresh(firm)
    assert (firm.address, firm.employee_count) == (address, employees)


# --- Enterprises: problems ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        (f"乙公司,{NEW_B[:-1]}X,城关街道,制造业", "统一社会信用代码", "not a valid unified social"),
        ("乙公司,91370000000002,城关街道,制造业", "统一社会信用代码", "not a valid unified social"),
        (f"乙公司,{NEW_B},火星镇,制造业", "镇街", "is not a town of the city"),
        (f"乙公司,{NEW_B},城关街道,航天", "行业", "is not one of the choices"),
        (f"乙公司,{NEW_B},城关街道,", "行业", "the cell is empty"),
        (f",{NEW_B},城关街道,制造业", "企业名称", "the cell is empty"),
        (f"{'乙' * 121},{NEW_B},城关街道,制造业", "企业名称", "at most {max} characters"),
        (f"乙公司,{NEW_A},城关街道,制造业", "统一社会信用代码", "already on line {first}"),
    ],
)
def test_each_bad_enterprise_line_is_reported_by_line_and_column(session, cells, column, fragment):
    text = f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n{cells}\n"
    preview = _enterprises(session, text)
    line, got, msgid = _only(preview)
    assert (line, got) == (3, column) and fragment in msgid
    assert msgid.startswith("Line {line}, column {column}: ")
    assert (preview.problems[0].params["line"], preview.problems[0].params["column"]) == (3, column)
    assert preview.rows == []


def test_a_wrong_check_digit_says_why(session):
    wrong = NEW_A[:-1] + ("0" if NEW_A[-1] != "0" else "1")
    preview = _enterprises(session, f"{HEADER}\n甲公司,{wrong},城关街道,制造业\n")
    [problem] = preview.problems
    assert problem.params["value"] == wrong
    assert "last character does not match" in problem.params["reason"]["msgid"]


def test_a_duplicate_credit_code_names_the_first_line(session):
    text = f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n乙公司,{NEW_B},城关街道,制造业\n丙,{NEW_A.lower()},城关街道,制造业\n"
    [problem] = _enterprises(session, text).problems
    assert (problem.line, problem.params["first"]) == (4, 2)


def test_an_unknown_town_names_a_few_real_ones(session):
    [problem] = _enterprises(session, f"{HEADER}\n甲公司,{NEW_A},火星镇,制造业\n").problems
    assert problem.params["value"] == "火星镇"
    assert "城关街道" in problem.params["examples"] and len(problem.params["examples"]) == 3


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("职工人数", "八十", "is not a whole number"),
        ("职工人数", "-3", "is negative"),
        ("是否出口", "也许", "write 是 or 否"),
        ("成立日期", "2015-02-30", "is not a date"),
        ("成立日期", "2999-01-01", "is not between {low} and {high}"),
        ("企业类型", "国企", "is not one of the choices"),
        ("所属商会", "清河市轴承行业协会、火星商会", "is not a chamber in the directory"),
    ],
)
def test_optional_cells_are_checked_too(session, column, value, fragment):
    text = f"{HEADER},{column}\n甲公司,{NEW_A},城关街道,制造业,{value}\n"
    line, got, msgid = _only(_enterprises(session, text))
    assert (line, got) == (2, column) and fragment in msgid


def test_one_bad_line_among_good_ones_changes_nothing(session):
    firm = _a_demo_firm(session)
    employees = firm.employee_count
    text = (
        f"{HEADER},职工人数\n"
        f"{firm.name},{firm.credit_code},{firm.town.name},{firm.industry},{employees + 10}\n"
        f"甲公司,{NEW_A},城关街道,制造业,10\n"
        f"乙公司,{NEW_B},火星镇,制造业,x\n"
        f"丙公司,{NEW_C},城关街道,制造业,5\n"
    )
    before = _counts(session)
    preview = _enterprises(session, text)
    assert _where(preview) == [(4, "镇街"), (4, "职工人数")]
    assert preview.rows == []
    with pytest.raises(DomainError):
        apply(session, _coordinator(session), preview)
    session.expire_all()
    assert _counts(session) == before
    assert _firm(session, NEW_A) is None
    assert session.get(Enterprise, firm.id).employee_count == employees


def test_missing_and_repeated_columns_are_reported_on_line_1(session):
    missing = _enterprises(session, "企业名称,镇街\n甲公司,城关街道\n")
    assert _where(missing) == [(1, "统一社会信用代码"), (1, "行业")]
    assert missing.problems[0].params["columns"] == ["企业名称", "统一社会信用代码", "镇街", "行业"]
    english = _enterprises(session, "name,town\nA,Q01\n")
    assert [p.column for p in english.problems] == ["credit_code", "industry"]
    twice = _enterprises(session, f"{HEADER},industry\n甲,{NEW_A},城关街道,制造业,制造业\n")
    assert _only(twice)[:2] == (1, "industry") and "appears twice" in twice.problems[0].msgid


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (f"{HEADER}\n\n".encode(), "only the header line"),
        ("企业名称\n".encode("utf-16"), "neither UTF-8 nor GB18030"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_files_that_cannot_be_read_are_reported_whole(session, data, fragment):
    preview = _enterprises(session, data)
    line, column, msgid = _only(preview)
    assert (line, column) == (0, "") and fragment in msgid


# --- Applying -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["consultant", "enterprise", "chamber", "mediator"])
def test_only_coordinators_may_apply(session, username):
    preview = _enterprises(session, f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n")
    with pytest.raises(NotFound):
        apply(session, _user(session, username), preview)
    assert _firm(session, NEW_A) is None


def test_a_firm_added_after_the_check_stops_the_whole_import(session):
    text = f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n乙公司,{NEW_B},城关街道,制造业\n"
    preview = _enterprises(session, text)
    town = session.scalar(select(Town).where(Town.code == "Q01"))
    session.add(Enterprise(name="乙", credit_code=NEW_B, town_id=town.id, industry="other"))
    session.flush()
    before = _counts(session)
    with pytest.raises(Conflict):
        apply(session, _coordinator(session), preview)
    assert _counts(session) == before and _firm(session, NEW_A) is None


def test_the_fingerprint_names_what_would_be_written(session):
    text = f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n"
    first = _enterprises(session, text)
    assert _enterprises(session, text).fingerprint == first.fingerprint
    apply(session, _coordinator(session), first)
    assert _enterprises(session, text).fingerprint != first.fingerprint  # now "same"


def test_the_import_flushes_and_never_commits(session, monkeypatch):
    def refuse() -> None:
        raise AssertionError("the caller commits")

    monkeypatch.setattr(session, "commit", refuse)
    preview = _enterprises(session, f"{HEADER}\n甲公司,{NEW_A},城关街道,制造业\n")
    apply(session, _coordinator(session), preview)
    assert _firm(session, NEW_A) is not None


def test_the_templates_have_the_chinese_headers_and_read_back(session):
    data = importing.template_csv("enterprises")
    assert data.startswith("\ufeff企业名称,统一社会信用代码,镇街,行业,".encode())
    assert "only the header line" in _only(_enterprises(session, data))[2]
    data = importing.template_csv("consultants")
    assert data.decode("utf-8-sig").startswith("专家姓名,单位,镇街,职称,专长,每个星期五走访上限")
    assert "only the header line" in _only(_consultants(session, data))[2]


def test_no_word_stands_for_two_codes():
    for words in (importing._industries(), importing._legal_forms(), importing._expertise_words()):
        assert words  # building them checks the tables (ValueError on a clash)
    with pytest.raises(ValueError, match="stands for both"):
        importing._words({"a": "A", "b": "B"}, {"a": ("x",), "b": ("X",)})


# --- Consultants --------------------------------------------------------------------------------

CONSULTANTS = "专家姓名,单位,镇街,职称,专长,每个星期五走访上限,联系电话,在岗\n"


def _a_demo_consultant(session) -> Consultant:
    return session.scalars(select(Consultant).order_by(Consultant.id)).first()


def test_consultants_are_created_and_matched_by_name_and_organisation(session):
    known = _a_demo_consultant(session)
    spaced = " ".join(known.name)  # "王 伟": the same person
    text = (
        CONSULTANTS
        + "林晓东,清河正衡律师事务所,城关街道,律师,劳动用工、合同/知识产权,3,13800000000,在岗\n"
        + f"{spaced},{known.organisation},{known.home_town.name},,税务；融资,1,,否\n"
    )
    preview = _consultants(session, text)
    assert preview.problems == [] and [r.action for r in preview.rows] == ["create", "update"]
    assert preview.rows[1].record_id == known.id and preview.rows[1].name == known.name
    done = apply(session, _coordinator(session), preview)
    assert (done.created, done.updated) == (1, 1)
    new = session.scalar(select(Consultant).where(Consultant.name == "林晓东"))
    assert (new.organisation, new.home_town.code, new.title, new.visits_per_friday) == (
        "清河正衡律师事务所",
        "Q01",
        "律师",
        3,
    )
    assert new.expertise == ["contracts", "intellectual_property", "labour"]
    assert (new.phone, new.active) == ("13800000000", True)
    session.refresh(known)
    assert known.name == known.name.replace(" ", "")  # the directory's spelling stays
    assert (known.expertise, known.visits_per_friday, known.active) == (
        ["financing", "tax"],
        1,
        False,
    )
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "consultant.updated", AuditEntry.subject_id == known.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.data["changes"]["expertise"][1] == ["financing", "tax"]


@pytest.mark.parametrize(
    ("written", "areas"),
    [
        ("劳动用工", ("labour",)),
        ("合同、知识产权", ("contracts", "intellectual_property")),
        ("企业管理;税务;合规;融资", ("compliance", "financing", "management", "tax")),
        ("劳动争议，商标", ("intellectual_property", "labour")),
        ("Labour and employment|Tax", ("labour", "tax")),
        ("contracts", ("contracts",)),
        ("合同、合同审查", ("contracts",)),
        ("无", ()),
    ],
)
def test_expertise_aliases(session, written, areas):
    text = f"专家姓名,单位,镇街,专长\n林晓东,清河正衡律师事务所,城关街道,{written}\n"
    [row] = _consultants(session, text).rows
    assert row.values["expertise"] == areas


def test_an_unknown_area_of_expertise_lists_the_choices(session):
    text = "专家姓名,单位,镇街,专长\n林晓东,清河正衡律师事务所,城关街道,合同、婚姻家庭\n"
    line, column, msgid = _only(_consultants(session, text))
    assert (line, column) == (2, "专长") and "not one of the choices" in msgid
    choices = _consultants(session, text).problems[0].params["choices"]
    assert {"msgid": "Labour and employment", "params": {}} in choices


def test_existing_expertise_rows_that_stay_are_kept(session):
    known = _a_demo_consultant(session)
    keep = known.expertise[0]
    text = f"专家姓名,单位,镇街,专长\n{known.name},{known.organisation},{known.home_town.name},{keep}、融资\n"
    apply(session, _coordinator(session), _consultants(session, text))
    session.refresh(known)
    assert known.expertise == sorted({keep, "financing"})


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        (
            "林晓东,清河正衡律师事务所,城关街道,,,11,,",
            "每个星期五走访上限",
            "outside {low} to {high}",
        ),
        (
            "林晓东,清河正衡律师事务所,城关街道,,,0,,",
            "每个星期五走访上限",
            "outside {low} to {high}",
        ),
        ("林晓东,清河正衡律师事务所,城关街道,,,2,,休假", "在岗", "write 是 or 否"),
        ("林晓东,,城关街道,,,2,,", "单位", "the cell is empty"),
        ("林晓东,清河正衡律师事务所,火星镇,,,2,,", "镇街", "is not a town of the city"),
        ("林晓东,清河正衡律师事务所,城关街道,,风水,2,,", "专长", "not one of the choices"),
        ("林 晓东,清河正衡律师事务所,城关街道,,,2,,", "专家姓名", "already on line {first}"),
    ],
)
def test_each_bad_consultant_line_is_reported_and_nothing_changes(session, cells, column, fragment):
    before = _counts(session)
    text = CONSULTANTS + "林晓东,清河正衡律师事务所,城关街道,律师,合同,2,,是\n" + cells + "\n"
    preview = _consultants(session, text)
    line, got, msgid = _only(preview)
    assert (line, got) == (3, column) and fragment in msgid
    with pytest.raises(DomainError):
        apply(session, _coordinator(session), preview)
    assert _counts(session) == before


def test_the_same_name_at_another_organisation_is_a_new_consultant_with_a_warning(session):
    known = _a_demo_consultant(session)
    text = f"专家姓名,单位,镇街\n{known.name},清河新设律师事务所,城关街道\n"
    preview = _consultants(session, text)
    assert preview.problems == [] and preview.rows[0].action == "create"
    [warning] = preview.warnings
    assert (warning.line, warning.column) == (2, "专家姓名")
    assert known.organisation in warning.params["other"]
    done = apply(session, _coordinator(session), preview)
    assert done.created == 1


def test_two_directory_consultants_of_one_name_and_organisation_are_a_problem(session):
    known = _a_demo_consultant(session)
    session.add(
        Consultant(
            name=known.name, organisation=known.organisation, home_town_id=known.home_town_id
        )
    )
    session.flush()
    text = f"专家姓名,单位,镇街\n{known.name},{known.organisation},城关街道\n"
    line, column, msgid = _only(_consultants(session, text))
    assert (line, column) == (2, "专家姓名") and "cannot say which one" in msgid


def test_english_consultant_headers(session):
    text = "Name,Organisation,Town,Expertise,Visits per Friday,Active\nLin,Zhengheng,Q02,tax,2,inactive\n"
    [row] = _consultants(session, text).rows
    assert row.values == {
        "name": "Lin",
        "organisation": "Zhengheng",
        "home_town_id": session.scalar(select(Town.id).where(Town.code == "Q02")),
        "expertise": ("tax",),
        "visits_per_friday": 2,
        "active": False,
    }


def test_a_consultant_deleted_after_the_check_stops_the_import(session):
    known = _a_demo_consultant(session)
    text = f"专家姓名,单位,镇街,职称\n{known.name},{known.organisation},城关街道,教授\n"
    preview = _consultants(session, text)
    known.organisation = "别处"
    session.flush()
    with pytest.raises(Conflict):
        apply(session, _coordinator(session), preview)
    session.refresh(known)
    assert known.title != "教授"


def test_a_chamber_may_be_written_with_half_width_brackets(session):
    chamber = session.scalar(select(Chamber).where(Chamber.name.like("%（总商会）")))
    written = chamber.name.replace("（", "(").replace("）", ")")
    text = f"{HEADER},所属商会\n甲公司,{NEW_A},城关街道,制造业,{written}\n"
    [row] = _enterprises(session, text).rows
    assert row.values["chamber_ids"] == (chamber.id,)
