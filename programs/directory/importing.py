"""Importing enterprises and consultants from CSV: checked in full, shown, then applied all or nothing.

A coordinator sends the directory as a spreadsheet saved as CSV (UTF-8 or GB18030; see
programs/csvfile.py for encodings and header spellings). `read_enterprises` and `read_consultants`
check every line against the directory and return a `Preview`: each line's record, whether it will
be created, updated (field by field, old → new) or left as it is, and every problem by line and
column. Nothing is written until `apply`, which refuses a preview with any problem: a file with one
bad line changes nothing, so coordinators fix the spreadsheet and send it again rather than chase a
half-imported directory.

Which record a line means (upsert):
- an enterprise is the one with the same unified social credit code, the one thing about a firm
  that never changes (its name, town and industry may); found, it is updated, else created;
- a consultant is the one with the same name at the same organisation (spaces and full- or
  half-width forms ignored). A consultant who moved to another organisation comes in as a new
  record; the preview warns when the name is already known at another organisation.
The same enterprise or consultant twice in one file is a problem.

An empty cell, like a column the file does not have, leaves what the directory holds; a new
record takes the default (no employees, a limited company, two visits a Friday, active...).
Lists (chambers, expertise) replace the record's list; write 无 to empty it.

Enterprise columns: 企业名称, 统一社会信用代码, 镇街, 行业; optionally 细分行业, 企业类型, 职工人数,
是否出口, 拥有知识产权, 处理个人信息, 个人信息人数, 成立日期, 地址, 联系人, 联系电话, 所属商会.
Consultant columns: 专家姓名, 单位, 镇街; optionally 职称, 专长, 每个星期五走访上限, 联系电话, 在岗.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from calendars import today as shanghai_today
from programs import audit
from programs.accounts.models import User
from programs.csvfile import (
    YES_NO,
    Checker,
    Column,
    Problem,
    Table,
    name_key,
    read_table,
    split_list,
    template,
    word_key,
)
from programs.directory import credit_code
from programs.directory.models import (
    INDUSTRIES,
    LEGAL_FORMS,
    PROBLEM_CATEGORIES,
    Chamber,
    Consultant,
    ConsultantExpertise,
    Enterprise,
    Town,
)
from programs.errors import Conflict, DomainError, NotFound
from programs.i18n import LOCALES, N_, gettext

ENTERPRISE_COLUMNS = (
    Column(
        "name",
        (
            "企业名称",
            "name",
            "名称",
            "企业全称",
            "单位名称",
            "市场主体名称",
            "enterprise",
            "enterprise name",
            "company",
            "company name",
        ),
        required=True,
    ),
    Column(
        "credit_code",
        (
            "统一社会信用代码",
            "credit_code",
            "信用代码",
            "社会信用代码",
            "统一代码",
            "unified social credit code",
            "uscc",
        ),
        required=True,
    ),
    Column(
        "town",
        (
            "镇街",
            "town",
            "镇/街道",
            "镇街道",
            "所属镇街",
            "所在镇街",
            "乡镇街道",
            "乡镇",
            "town code",
        ),
        required=True,
    ),
    Column(
        "industry",
        ("行业", "industry", "所属行业", "行业门类", "行业类别", "行业分类"),
        required=True,
    ),
    Column("sector", ("细分行业", "sector", "主营业务", "主营", "line of business")),
    Column(
        "legal_form",
        ("企业类型", "legal_form", "类型", "组织形式", "市场主体类型", "公司类型", "company type"),
    ),
    Column(
        "employee_count",
        (
            "职工人数",
            "employee_count",
            "员工人数",
            "从业人数",
            "从业人员",
            "用工人数",
            "职工数",
            "employees",
            "number of employees",
            "headcount",
        ),
    ),
    Column("exports", ("是否出口", "exports", "出口", "有无出口", "export")),
    Column(
        "holds_ip",
        ("拥有知识产权", "holds_ip", "是否拥有知识产权", "有无知识产权", "知识产权", "商标专利"),
    ),
    Column(
        "processes_personal_data",
        ("处理个人信息", "processes_personal_data", "是否处理个人信息", "processes personal data"),
    ),
    Column(
        "personal_data_subjects",
        ("个人信息人数", "personal_data_subjects", "个人信息数量", "个人信息主体人数"),
    ),
    Column(
        "incorporated_on",
        (
            "成立日期",
            "incorporated_on",
            "成立时间",
            "注册日期",
            "date of incorporation",
            "incorporated",
        ),
    ),
    Column("address", ("地址", "address", "注册地址", "经营地址", "住所", "企业地址")),
    Column("contact_name", ("联系人", "contact_name", "联系人姓名", "contact", "contact person")),
    Column(
        "contact_phone",
        ("联系电话", "contact_phone", "联系人电话", "电话", "手机", "phone", "telephone"),
    ),
    Column(
        "chambers",
        ("所属商会", "chambers", "商会", "商会/协会", "所属商会协会", "行业协会", "member of"),
    ),
)

CONSULTANT_COLUMNS = (
    Column(
        "name",
        ("专家姓名", "name", "姓名", "专家", "咨询专家", "consultant", "consultant name"),
        required=True,
    ),
    Column(
        "organisation",
        (
            "单位",
            "organisation",
            "工作单位",
            "所在单位",
            "执业机构",
            "律师事务所",
            "律所",
            "organization",
        ),
        required=True,
    ),
    Column(
        "town",
        ("镇街", "town", "home_town", "所在镇街", "常驻镇街", "所属镇街", "联系镇街", "home town"),
        required=True,
    ),
    Column("title", ("职称", "title", "职务")),
    Column("expertise", ("专长", "expertise", "专业领域", "擅长领域", "业务专长", "专长领域")),
    Column(
        "visits_per_friday",
        (
            "每个星期五走访上限",
            "visits_per_friday",
            "每周五走访上限",
            "星期五走访上限",
            "走访上限",
            "visits per friday",
            "max visits",
        ),
    ),
    Column("phone", ("联系电话", "phone", "电话", "手机", "手机号", "mobile")),
    Column("active", ("在岗", "active", "是否在岗", "状态", "status")),
)

# Longest text each column may hold (the model's column sizes).
TEXT_LIMITS = {
    "name": 120,
    "sector": 60,
    "address": 200,
    "contact_name": 40,
    "contact_phone": 30,
    "title": 40,
    "organisation": 120,
    "phone": 30,
}
CONSULTANT_NAME_LIMIT = 40
MAX_EMPLOYEES = 1_000_000  # as on the profile form: a slipped digit, not a firm
MAX_SUBJECTS = 2_000_000_000
EARLIEST_INCORPORATION = date(1900, 1, 1)
NONE_WORDS = ("无", "没有", "none", "-", "—")  # an empty list, where an empty cell means "as is"

# How people write the vocabularies: the usual Chinese terms (the labels of the Chinese pages and
# of the national industry classification) and short forms. The codes, the English labels and
# the labels in every catalog are understood as well, without being listed here.
INDUSTRY_WORDS = {
    "manufacturing": ("制造业", "制造", "工业", "加工制造"),
    "construction": ("建筑业", "建筑", "建筑施工", "建筑工程"),
    "wholesale_retail": ("批发和零售业", "批发零售", "批发", "零售", "商贸", "商贸流通", "贸易"),
    "logistics": (
        "交通运输和物流",
        "交通运输、仓储和邮政业",
        "交通运输",
        "运输",
        "物流",
        "仓储",
        "货运物流",
    ),
    "hospitality": ("住宿和餐饮业", "住宿餐饮", "餐饮", "住宿", "酒店", "餐饮住宿"),
    "information_technology": (
        "信息技术服务",
        "信息传输、软件和信息技术服务业",
        "信息技术",
        "软件",
        "互联网",
        "电商",
        "软件与电商",
        "IT",
    ),
    "agriculture": ("农林牧渔业", "农、林、牧、渔业", "农业", "种植", "养殖", "种植养殖"),
    "services": ("商务服务业", "租赁和商务服务业", "商务服务", "服务业", "服务"),
    "other": ("其他", "其它"),
}
LEGAL_FORM_WORDS = {
    "limited": ("有限责任公司", "有限公司", "一人有限责任公司", "LLC", "Ltd", "limited company"),
    "joint_stock": ("股份有限公司", "股份公司", "股份制", "joint stock"),
    "partnership": ("合伙企业", "合伙", "有限合伙", "普通合伙", "有限合伙企业", "普通合伙企业"),
    "sole_proprietorship": ("个人独资企业", "个人独资", "独资企业", "独资"),
    "individual_business": ("个体工商户", "个体户", "个体", "个体经营"),
}
EXPERTISE_WORDS = {
    "management": ("企业管理", "管理", "公司治理", "公司法", "企业经营管理"),
    "contracts": ("合同", "合同审查", "合同纠纷", "合同管理", "合同起草"),
    "labour": ("劳动用工", "劳动", "劳动争议", "劳动人事", "用工", "劳资", "劳动关系", "labor"),
    "intellectual_property": ("知识产权", "知产", "商标", "专利", "IP"),
    "tax": ("税务", "税收", "财税", "税法"),
    "compliance": ("合规", "合规管理", "数据合规", "个人信息保护"),
    "financing": ("融资", "金融", "投融资", "债务融资"),
}
ACTIVE_WORDS = {
    **YES_NO,
    **dict.fromkeys(("在岗", "在职", "启用", "active"), True),
    **dict.fromkeys(("离岗", "离职", "停用", "暂停", "inactive"), False),
}

# What the preview calls each field (the labels of the directory's own pages).
FIELD_LABELS = {
    "name": N_("Enterprise name"),  # a consultant's name never changes: it names the record
    "credit_code": N_("Unified social credit code"),
    "town_id": N_("Town"),
    "industry": N_("Industry"),
    "sector": N_("Line of business"),
    "legal_form": N_("Legal form"),
    "employee_count": N_("Number of employees"),
    "exports": N_("Exports goods or services"),
    "holds_ip": N_("Holds trademarks, patents or other IP"),
    "processes_personal_data": N_("Processes personal information of customers"),
    "personal_data_subjects": N_("About how many people's personal information"),
    "incorporated_on": N_("Incorporated on"),
    "address": N_("Address"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Phone"),
    "chamber_ids": N_("Member of"),
    "organisation": N_("Organisation"),
    "title": N_("Title"),
    "home_town_id": N_("Home town"),
    "expertise": N_("Expertise"),
    "visits_per_friday": N_("Visits per Friday"),
    "phone": N_("Phone"),
    "active": N_("On duty"),
}
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "town_id",
    "industry",
    "sector",
    "legal_form",
    "employee_count",
    "exports",
    "holds_ip",
    "processes_personal_data",
    "personal_data_subjects",
    "incorporated_on",
    "address",
    "contact_name",
    "contact_phone",
)
CONSULTANT_FIELDS = (
    "name",
    "organisation",
    "title",
    "home_town_id",
    "visits_per_friday",
    "phone",
    "active",
)
STALE = N_("The directory changed after the file was checked; check the file again.")
_CHUNK = 500  # credit codes per query: well within every engine's limit on parameters


@dataclass(frozen=True)
class Change:
    """One field of one record: the value before (None for a new record) and from the file.

    `old` and `new` are what is stored; `msgid` and `params` say it to the reader.
    """

    field: str
    old: Any
    new: Any
    msgid: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Planned:
    """What one line of the file does: create, update or leave ("same") one record."""

    line: int
    action: str
    name: str
    key: str  # the credit code, or the consultant's organisation
    record_id: int | None
    values: dict[str, Any]  # every value the line gives, as the model stores it
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Preview:
    """A file read and checked: what applying it would do, or why it cannot be applied.

    `kind` is "enterprises" or "consultants". `warnings` do not stop the import; `ignored` names
    the columns that were not read; `encoding` is "utf-8" or "gb18030" (empty when the file
    could not be read as text). `rows` is empty when there are problems.
    """

    kind: str
    problems: list[Problem]
    rows: list[Planned] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    encoding: str = ""

    @property
    def created(self) -> int:
        """Records the file adds."""
        return sum(1 for row in self.rows if row.action == "create")

    @property
    def updated(self) -> int:
        """Records the file changes."""
        return sum(1 for row in self.rows if row.action == "update")

    @property
    def unchanged(self) -> int:
        """Records the file names that are already as it says."""
        return sum(1 for row in self.rows if row.action == "same")

    @property
    def fingerprint(self) -> str:
        """Names exactly what `apply` would write, so a confirmation applies what was shown."""
        plan = [[r.line, r.action, r.record_id, r.values] for r in self.rows]
        text = json.dumps([self.kind, plan], sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Applied:
    """What `apply` did."""

    created: int
    updated: int
    unchanged: int


def template_csv(kind: str) -> bytes:
    """An empty sheet for `kind` ("enterprises" or "consultants") with the Chinese headers."""
    return template(ENTERPRISE_COLUMNS if kind == "enterprises" else CONSULTANT_COLUMNS)


# --- Enterprises --------------------------------------------------------------------------------


def read_enterprises(data: bytes, session: Session, *, today: date | None = None) -> Preview:
    """Check a CSV of enterprises against the directory and say what importing it would do.

    Reads only; see `apply`. `today` bounds the dates of incorporation (default: today in
    Shanghai).
    """
    table, problems = read_table(data, ENTERPRISE_COLUMNS)
    if table is None:
        return Preview("enterprises", problems)
    directory = _Directory(session)
    check = Checker()
    latest = today or shanghai_today()
    seen: dict[str, int] = {}
    lines: list[tuple[int, dict[str, Any]]] = []
    for line, row in table.rows:
        before = len(check.problems)
        values = _enterprise_line(check, table, line, row, directory, seen, latest)
        if len(check.problems) == before:
            lines.append((line, values))
    if check.problems:
        return _refused("enterprises", check, table)

    codes = [values["credit_code"] for _line, values in lines]
    existing = {
        e.credit_code: e
        for e in _matching(
            session,
            select(Enterprise).options(selectinload(Enterprise.chambers)),
            Enterprise.credit_code,
            codes,
        )
    }
    rows = []
    for line, values in lines:
        found = existing.get(values["credit_code"])
        current = _enterprise_now(found) if found is not None else None
        rows.append(
            _plan(line, values, found, current, directory, values["name"], values["credit_code"])
        )
    return Preview("enterprises", [], rows, check.warnings, table.ignored, table.encoding)


def _enterprise_line(
    check: Checker,
    table: Table,
    line: int,
    row: list[str],
    directory: _Directory,
    seen: dict[str, int],
    latest: date,
) -> dict[str, Any]:
    """The values one line gives (only those it gives); problems go to `check`."""
    col = table.headers
    values: dict[str, Any] = {}

    def cell(key: str) -> str:
        return table.cell(row, key)

    for key in ("name", "credit_code", "town", "industry"):
        if not cell(key):
            check.empty(line, col[key])
    if cell("name"):
        values["name"] = check.text(cell("name"), line, col["name"], TEXT_LIMITS["name"])
    if cell("credit_code"):
        code = _credit_code(check, cell("credit_code"), line, col["credit_code"])
        if code is not None and code in seen:
            check.add(
                line,
                col["credit_code"],
                N_(
                    "Line {line}, column {column}: this credit code is already on line {first}; "
                    "keep one of the two lines."
                ),
                first=seen[code],
            )
        elif code is not None:
            seen[code] = line
            values["credit_code"] = code
    if cell("town"):
        values["town_id"] = directory.town(check, cell("town"), line, col["town"])
    if cell("industry"):
        values["industry"] = check.choice(
            cell("industry"), line, col["industry"], _industries(), _choices(INDUSTRIES)
        )
    if cell("legal_form"):
        values["legal_form"] = check.choice(
            cell("legal_form"), line, col["legal_form"], _legal_forms(), _choices(LEGAL_FORMS)
        )
    for key in ("sector", "address", "contact_name", "contact_phone"):
        if cell(key):
            values[key] = check.text(cell(key), line, col[key], TEXT_LIMITS[key])
    if cell("employee_count"):
        values["employee_count"] = check.whole(
            cell("employee_count"), line, col["employee_count"], 0, MAX_EMPLOYEES
        )
    if cell("personal_data_subjects"):
        values["personal_data_subjects"] = check.whole(
            cell("personal_data_subjects"), line, col["personal_data_subjects"], 0, MAX_SUBJECTS
        )
    for key in ("exports", "holds_ip", "processes_personal_data"):
        if cell(key):
            values[key] = check.yes_no(cell(key), line, col[key])
    if cell("incorporated_on"):
        values["incorporated_on"] = check.day(
            cell("incorporated_on"), line, col["incorporated_on"], EARLIEST_INCORPORATION, latest
        )
    if cell("chambers"):
        values["chamber_ids"] = directory.chambers(check, cell("chambers"), line, col["chambers"])
    return values


def _credit_code(check: Checker, text: str, line: int, column: str) -> str | None:
    try:
        return credit_code.validate(unicodedata.normalize("NFKC", text))
    except credit_code.CreditCodeError as error:
        check.add(
            line,
            column,
            N_(
                "Line {line}, column {column}: “{value}” is not a valid unified social credit "
                "code. {reason}"
            ),
            value=text[:40],
            reason={"msgid": error.reason, "params": {}},
        )
        return None


def _enterprise_now(enterprise: Enterprise) -> dict[str, Any]:
    values = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    values["chamber_ids"] = tuple(sorted(c.id for c in enterprise.chambers))
    return values


# --- Consultants --------------------------------------------------------------------------------


def read_consultants(data: bytes, session: Session) -> Preview:
    """Check a CSV of consultants against the directory and say what importing it would do.

    Reads only; see `apply`.
    """
    table, problems = read_table(data, CONSULTANT_COLUMNS)
    if table is None:
        return Preview("consultants", problems)
    directory = _Directory(session)
    check = Checker()
    everyone = list(
        session.scalars(
            select(Consultant)
            .options(selectinload(Consultant.expertise_rows))
            .order_by(Consultant.id)
        )
    )
    known: dict[tuple[str, str], list[Consultant]] = {}
    by_name: dict[str, list[Consultant]] = {}
    for consultant in everyone:
        known.setdefault(_consultant_key(consultant.name, consultant.organisation), []).append(
            consultant
        )
        by_name.setdefault(name_key(consultant.name), []).append(consultant)

    seen: dict[tuple[str, str], int] = {}
    rows = []
    for line, row in table.rows:
        before = len(check.problems)
        values = _consultant_line(check, table, line, row, directory)
        if len(check.problems) > before:
            continue
        column = table.headers["name"]
        key = _consultant_key(values["name"], values["organisation"])
        params = {"name": values["name"], "organisation": values["organisation"]}
        matches = known.get(key, [])
        if key in seen:
            check.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: {name} of {organisation} is already on line "
                    "{first}; keep one of the two lines."
                ),
                first=seen[key],
                **params,
            )
            continue
        seen[key] = line
        if len(matches) > 1:
            check.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: the directory holds {count} consultants named "
                    "{name} at {organisation}, so this line cannot say which one it means."
                ),
                count=len(matches),
                **params,
            )
            continue
        found = matches[0] if matches else None
        elsewhere = sorted(
            {c.organisation for c in by_name.get(name_key(values["name"]), []) if c is not found}
        )
        if found is None and elsewhere:
            check.warn(
                line,
                column,
                N_(
                    "Line {line}: {name} is already in the directory at {other}; this line adds "
                    "another consultant of that name at {organisation}."
                ),
                other=elsewhere,
                **params,
            )
        current = None
        if found is not None:
            # Matched despite spaces or full-width letters: the directory's spelling stays.
            values |= {"name": found.name, "organisation": found.organisation}
            current = _consultant_now(found)
        rows.append(
            _plan(line, values, found, current, directory, values["name"], values["organisation"])
        )
    if check.problems:
        return _refused("consultants", check, table)
    return Preview("consultants", [], rows, check.warnings, table.ignored, table.encoding)


def _consultant_line(
    check: Checker, table: Table, line: int, row: list[str], directory: _Directory
) -> dict[str, Any]:
    """The values one line gives (only those it gives); problems go to `check`."""
    col = table.headers
    values: dict[str, Any] = {}

    def cell(key: str) -> str:
        return table.cell(row, key)

    for key in ("name", "organisation", "town"):
        if not cell(key):
            check.empty(line, col[key])
    if cell("name"):
        values["name"] = check.text(cell("name"), line, col["name"], CONSULTANT_NAME_LIMIT)
    for key in ("organisation", "title", "phone"):
        if cell(key):
            values[key] = check.text(cell(key), line, col[key], TEXT_LIMITS[key])
    if cell("town"):
        values["home_town_id"] = directory.town(check, cell("town"), line, col["town"])
    if cell("visits_per_friday"):
        values["visits_per_friday"] = check.whole(
            cell("visits_per_friday"), line, col["visits_per_friday"], 1, 10
        )
    if cell("active"):
        values["active"] = check.yes_no(cell("active"), line, col["active"], _active_words())
    if cell("expertise"):
        values["expertise"] = _expertise(check, cell("expertise"), line, col["expertise"])
    return values


def _expertise(check: Checker, text: str, line: int, column: str) -> tuple[str, ...] | None:
    if text in NONE_WORDS:
        return ()
    found: set[str] = set()
    for part in split_list(text):
        code = check.choice(part, line, column, _expertise_words(), _choices(PROBLEM_CATEGORIES))
        if code is None:
            return None
        found.add(code)
    return tuple(sorted(found))


def _consultant_key(name: str, organisation: str) -> tuple[str, str]:
    return name_key(name), name_key(organisation)


def _consultant_now(consultant: Consultant) -> dict[str, Any]:
    values = {name: getattr(consultant, name) for name in CONSULTANT_FIELDS}
    values["expertise"] = tuple(sorted(consultant.expertise))
    return values


# --- Both ---------------------------------------------------------------------------------------


class _Directory:
    """The towns and chambers lines are checked against, loaded once per file."""

    def __init__(self, session: Session) -> None:
        towns = list(session.scalars(select(Town).order_by(Town.code)))
        chambers = list(session.scalars(select(Chamber).order_by(Chamber.name)))
        self.town_names = {t.id: t.name for t in towns}
        self.chamber_names = {c.id: c.name for c in chambers}
        self._towns = {name_key(t.name): t.id for t in towns}
        self._town_codes = {t.code.upper(): t.id for t in towns}
        self._chambers = {name_key(c.name): c.id for c in chambers}
        self._town_examples = [t.name for t in towns[:3]]
        self._chamber_examples = [c.name for c in chambers[:3]]

    def town(self, check: Checker, text: str, line: int, column: str) -> int | None:
        """A town by its name (城关街道) or its code (Q01)."""
        found = self._towns.get(name_key(text)) or self._town_codes.get(text.strip().upper())
        if found is None:
            check.add(
                line,
                column,
                N_(
                    "Line {line}, column {column}: “{value}” is not a town of the city; use a "
                    "name such as {examples}."
                ),
                value=text[:40],
                examples=self._town_examples,
            )
        return found

    def chambers(self, check: Checker, text: str, line: int, column: str) -> tuple[int, ...] | None:
        """Chambers by name, several separated by 、 or ;, or 无 for none."""
        if text in NONE_WORDS:
            return ()
        found: set[int] = set()
        for name in split_list(text):
            chamber = self._chambers.get(name_key(name))
            if chamber is None:
                check.add(
                    line,
                    column,
                    N_(
                        "Line {line}, column {column}: “{value}” is not a chamber in the "
                        "directory; use a name such as {examples}."
                    ),
                    value=name[:60],
                    examples=self._chamber_examples,
                )
                return None
            found.add(chamber)
        return tuple(sorted(found))

    def shown(self, name: str, value: Any) -> Any:
        """A value as the reader should see it: a parameter `programs.i18n.translate` renders."""
        if value is None or value == "" or value == ():
            return "—"
        if isinstance(value, bool):
            return _message(N_("Yes") if value else N_("No"))
        if name == "industry":
            return _message(INDUSTRIES[value])
        if name == "legal_form":
            return _message(LEGAL_FORMS[value])
        if name == "expertise":
            return [_message(PROBLEM_CATEGORIES[code]) for code in value]
        if name in ("town_id", "home_town_id"):
            return self.town_names.get(value, value)
        if name == "chamber_ids":
            return [self.chamber_names.get(i, str(i)) for i in value]
        return value


def _plan(
    line: int,
    values: dict[str, Any],
    found: Enterprise | Consultant | None,
    current: dict[str, Any] | None,
    directory: _Directory,
    name: str,
    key: str,
) -> Planned:
    changes = []
    for field_name, new in values.items():
        if field_name in ("credit_code", "organisation") or (
            field_name == "name" and current is None
        ):
            continue  # shown beside the changes
        old = None if current is None else current[field_name]
        if current is not None and old == new:
            continue
        params = {
            "field": _message(FIELD_LABELS[field_name]),
            "new": directory.shown(field_name, new),
        }
        if current is None:
            msgid = N_("{field}: {new}")
        else:
            msgid = N_("{field}: {old} → {new}")
            params["old"] = directory.shown(field_name, old)
        changes.append(Change(field_name, old, new, msgid, params))
    action = "create" if found is None else ("update" if changes else "same")
    record_id = None if found is None else found.id
    return Planned(line, action, name, key, record_id, values, tuple(changes))


def _refused(kind: str, check: Checker, table: Table) -> Preview:
    check.problems.sort(key=lambda p: p.line)  # stable: a line's problems stay in column order
    return Preview(kind, check.problems, [], check.warnings, table.ignored, table.encoding)


def _message(msgid: str) -> dict[str, Any]:
    return {"msgid": msgid, "params": {}}


def _choices(vocabulary: Mapping[str, str]) -> list[dict[str, Any]]:
    return [_message(label) for label in vocabulary.values()]


def _words(labels: Mapping[str, str], aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Every way of writing each code, keyed by csvfile.word_key. A word given for two codes is
    a mistake in the tables above; a translated label never overrides them."""
    words: dict[str, str] = {}
    for code, label in labels.items():
        for word in (code, label, *aliases.get(code, ())):
            if words.setdefault(word_key(word), code) != code:
                raise ValueError(f"{word!r} stands for both {words[word_key(word)]} and {code}")
    for code, label in labels.items():
        for locale in LOCALES:
            words.setdefault(word_key(gettext(locale, label)), code)
    return words


@cache
def _industries() -> dict[str, str]:
    return _words(INDUSTRIES, INDUSTRY_WORDS)


@cache
def _legal_forms() -> dict[str, str]:
    return _words(LEGAL_FORMS, LEGAL_FORM_WORDS)


@cache
def _expertise_words() -> dict[str, str]:
    return _words(PROBLEM_CATEGORIES, EXPERTISE_WORDS)


@cache
def _active_words() -> dict[str, bool]:
    return {word_key(word): value for word, value in ACTIVE_WORDS.items()}


def _matching(
    session: Session,
    stmt: Select[Any],
    column: InstrumentedAttribute[Any],
    values: list[Any],
) -> list[Any]:
    """The rows of `stmt` whose `column` is one of `values`, a few hundred values a query."""
    found: list[Any] = []
    for start in range(0, len(values), _CHUNK):
        found += session.scalars(stmt.where(column.in_(values[start : start + _CHUNK]))).all()
    return found


# --- Applying -----------------------------------------------------------------------------------


def apply(session: Session, actor: User, preview: Preview) -> Applied:
    """Write a checked file: every line, or nothing at all.

    Coordinators only. A preview with any problem is refused (DomainError). The records are
    locked and matched again; if the directory changed since the preview in a way that changes
    what a line means (a firm added meanwhile, a consultant deleted), nothing is written and
    Conflict asks for the file to be checked again. Each record created or changed gets an
    audit entry. Flushes, never commits: the caller's transaction holds the import.
    """
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    if preview.problems or not preview.rows:
        raise DomainError(
            N_(
                "The file has problems, so nothing was imported; correct the lines listed and "
                "send it again."
            )
        )
    write = _apply_enterprises if preview.kind == "enterprises" else _apply_consultants
    try:
        with session.begin_nested():  # all or nothing, whatever the caller does with an error
            return write(session, actor, preview)
    except IntegrityError as error:  # somebody added the same firm at the same moment
        raise Conflict(STALE) from error


def _apply_enterprises(session: Session, actor: User, preview: Preview) -> Applied:
    codes = [row.values["credit_code"] for row in preview.rows]
    found = {
        e.credit_code: e
        for e in _matching(
            session,
            select(Enterprise).options(selectinload(Enterprise.chambers)).with_for_update(),
            Enterprise.credit_code,
            codes,
        )
    }
    _still_the_same(preview.rows, lambda row: found.get(row.values["credit_code"]))
    _require_towns(session, {row.values["town_id"] for row in preview.rows})
    wanted = {i for row in preview.rows for i in row.values.get("chamber_ids", ())}
    chambers = {c.id: c for c in session.scalars(select(Chamber).where(Chamber.id.in_(wanted)))}
    if len(chambers) != len(wanted):
        raise Conflict(STALE)

    created: list[tuple[Enterprise, Planned]] = []
    updated: list[tuple[Enterprise, Planned, dict[str, list[Any]]]] = []
    for row in preview.rows:
        fields = {k: v for k, v in row.values.items() if k != "chamber_ids"}
        enterprise = found.get(row.values["credit_code"])
        if enterprise is None:
            enterprise = Enterprise(**fields, status="active")
            if "chamber_ids" in row.values:
                enterprise.chambers = [chambers[i] for i in row.values["chamber_ids"]]
            session.add(enterprise)
            created.append((enterprise, row))
            continue
        changes = _changes(_enterprise_now(enterprise), row.values)
        for name in changes:
            if name == "chamber_ids":
                enterprise.chambers = [chambers[i] for i in row.values["chamber_ids"]]
            else:
                setattr(enterprise, name, row.values[name])
        if changes:
            updated.append((enterprise, row, changes))
    return _audited(session, actor, "enterprise", preview, created, updated)


def _audited(
    session: Session,
    actor: User,
    kind: str,
    preview: Preview,
    created: list[tuple[Any, Any]],
    updated: list[tuple[Any, Any, dict[str, Any]]],
) -> Applied:
    """Flush, then audit every record the file created or changed, with its line."""
    session.flush()
    for record, row in created:
        audit.record(
            session,
            f"{kind}.created",
            record,
            actor_id=actor.id,
            source="csv",
            line=row.line,
            values=_jsonable(row.values),
        )
    for record, row, changes in updated:
        audit.record(
            session,
            f"{kind}.updated",
            record,
            actor_id=actor.id,
            source="csv",
            line=row.line,
            changes=changes,
        )
    session.flush()
    return Applied(len(created), len(updated), len(preview.rows) - len(created) - len(updated))


def _apply_consultants(session: Session, actor: User, preview: Preview) -> Applied:
    everyone = session.scalars(
        select(Consultant).options(selectinload(Consultant.expertise_rows)).with_for_update()
    ).all()
    known: dict[tuple[str, str], list[Consultant]] = {}
    for consultant in everyone:
        known.setdefault(_consultant_key(consultant.name, consultant.organisation), []).append(
            consultant
        )

    def match(row: Planned) -> Consultant | None:
        matches = known.get(_consultant_key(row.values["name"], row.values["organisation"]), [])
        if len(matches) > 1:
            raise Conflict(STALE)
        return matches[0] if matches else None

    _still_the_same(preview.rows, match)
    _require_towns(session, {row.values["home_town_id"] for row in preview.rows})

    created: list[tuple[Consultant, Planned]] = []
    updated: list[tuple[Consultant, Planned, dict[str, list[Any]]]] = []
    for row in preview.rows:
        consultant = match(row)
        if consultant is None:
            fields = {k: v for k, v in row.values.items() if k != "expertise"}
            consultant = Consultant(**fields)
            consultant.expertise_rows = [
                ConsultantExpertise(area=area) for area in row.values.get("expertise", ())
            ]
            session.add(consultant)
            created.append((consultant, row))
            continue
        changes = _changes(_consultant_now(consultant), row.values)
        for name in changes:
            if name == "expertise":
                _replace_expertise(consultant, row.values["expertise"])
            else:
                setattr(consultant, name, row.values[name])
        if changes:
            updated.append((consultant, row, changes))
    return _audited(session, actor, "consultant", preview, created, updated)


def _still_the_same(rows: Iterable[Planned], match: Callable[[Planned], Any]) -> None:
    """Each line still means the record it meant when the file was checked."""
    for row in rows:
        record = match(row)
        if (None if record is None else record.id) != row.record_id:
            raise Conflict(STALE)


def _require_towns(session: Session, ids: set[int]) -> None:
    if len(list(session.scalars(select(Town.id).where(Town.id.in_(ids))))) != len(ids):
        raise Conflict(STALE)


def _changes(current: dict[str, Any], values: dict[str, Any]) -> dict[str, list[Any]]:
    """Field: [old, new] for each value of the line the record does not have yet (JSON-ready,
    for the audit trail)."""
    return {
        name: [_json_value(current[name]), _json_value(new)]
        for name, new in values.items()
        if current[name] != new
    }


def _replace_expertise(consultant: Consultant, areas: tuple[str, ...]) -> None:
    """Keep the rows of areas that stay (deleting and re-adding one would collide on its key)."""
    for row in list(consultant.expertise_rows):
        if row.area not in areas:
            consultant.expertise_rows.remove(row)
    present = {row.area for row in consultant.expertise_rows}
    for area in areas:
        if area not in present:
            consultant.expertise_rows.append(ConsultantExpertise(area=area))


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in values.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
