"""The enterprise legal check-up report: built by hand from plain data, laid out as PDF, read
back with poppler.

The words around the data are translated later, so wording is checked in English (the source
language); in Chinese the tests check the fonts, the values that come from the data (firm,
number, findings, citations, consultant) and labels looked up in the catalog as it stands.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from programs.i18n import format_date, gettext
from reports import registry
from reports.checkups import (
    GRADES,
    TITLE,
    CheckupReport,
    CheckupReportType,
    ReportCounts,
    ReportItem,
    checkup_report_html,
    checkup_report_pdf,
)
from tests.reports.test_pdf import assert_cjk_font_embedded, run, squeeze, tool

EXAMINED_ON = date(2026, 9, 11)  # a Friday
GENERATED_ON = date(2026, 11, 20)
MM = 72 / 25.4  # PDF points per millimetre


def _item(position: int, code: str, area: str, title: str, bases: tuple[str, ...], **rest):
    values = {
        "position": position,
        "code": code,
        "area": area,
        "title": title,
        "question": f"Whether the firm meets the rule on {title.lower()}",
        "bases": bases,
        "result": "compliant",
    }
    return ReportItem(**{**values, **rest})


# The four findings: one high and urgent, open and overdue; one fixed awaiting verification;
# one accepted as a risk; one high, fixed and verified at a return visit.
OVERDUE = _item(
    1,
    "written_contract",
    "Labour and employment",
    "Written labour contracts",
    ("《中华人民共和国劳动合同法》第十条第二款", "《中华人民共和国劳动合同法》第八十二条第一款"),
    result="finding",
    risk="high",
    urgent=True,
    finding="抽查28名在职职工，其中6名入职超过一个月仍未订立书面劳动合同。",
    recommendation="立即与上述6名职工补签书面劳动合同，并核算应支付的二倍工资差额，建立入职一个月内签约的台账。",
    fix_due_on=date(2026, 10, 9),
    fix_status="open",
    overdue=True,
)
FIXED = _item(
    2,
    "social_insurance",
    "Labour and employment",
    "Social insurance registration",
    ("《中华人民共和国社会保险法》第五十八条第一款",),
    result="finding",
    risk="medium",
    finding="3名新入职职工未在用工之日起三十日内办理社会保险登记。",
    recommendation="为上述职工补办社会保险登记并补缴费用，入职手续清单中增加参保环节。",
    fix_due_on=date(2026, 10, 30),
    fix_status="fixed",
    fixed_on=date(2026, 10, 20),
    fix_note="已于10月20日为3名职工补办参保登记，附社保缴费凭证。",
)
ACCEPTED = _item(
    5,
    "contract_templates",
    "Contracts",
    "Sales contract templates",
    ("《中华人民共和国民法典》第四百九十六条第二款",),
    result="finding",
    risk="low",
    finding="销售合同格式条款中的免责条款未以显著方式提示对方注意。",
    recommendation="对免责、限责条款加粗提示并要求对方签字确认。",
    fix_due_on=date(2026, 12, 31),
    fix_status="accepted",
    accepted_on=date(2026, 10, 15),
    fix_note="公司书面确认：现有客户均为长期合作方，暂不修改合同文本，自行承担相应风险。",
)
VERIFIED = _item(
    7,
    "personal_information",
    "Personal information",
    "Protection of employees' personal information",
    ("《中华人民共和国个人信息保护法》第五十一条", "《中华人民共和国个人信息保护法》第十三条"),
    result="finding",
    risk="high",
    finding="人事档案电子表格含职工身份证号码及银行账号，存放于共享盘，全员可读取。",
    recommendation="收回共享权限，仅限人事专员访问；制定个人信息处理内部制度并开展培训。",
    fix_due_on=date(2026, 10, 16),
    fix_status="verified",
    fixed_on=date(2026, 9, 25),
    fix_note="已收回共享盘权限，制定《员工个人信息保护制度》。",
    verified_on=date(2026, 11, 6),
)
FINDINGS = (OVERDUE, FIXED, ACCEPTED, VERIFIED)
OTHERS = (
    _item(3, "working_hours", "Labour and employment", "Working hours and overtime",
          ("《中华人民共和国劳动法》第四十一条",)),
    _item(4, "wage_payment", "Labour and employment", "Payment of wages",
          ("《保障农民工工资支付条例》第十一条",)),
    _item(6, "capital", "Corporate governance", "Paid-in capital",
          ("《中华人民共和国公司法》第四十七条",)),
    _item(8, "work_safety", "Work safety", "Work safety responsibilities",
          ("《中华人民共和国安全生产法》第二十一条",)),
    _item(9, "trademarks", "Intellectual property", "Registered trademarks",
          ("《中华人民共和国商标法》第四十九条",)),
    _item(10, "invoices", "Tax", "Invoices",
          ("《中华人民共和国发票管理办法》第二十条",)),
    _item(11, "export_control", "Foreign trade", "Export control",
          ("《中华人民共和国出口管制法》第十二条",),
          result="not_applicable", finding="企业无出口业务。"),
    _item(12, "emissions", "Environmental protection", "Pollutant discharge permit",
          ("《中华人民共和国环境保护法》第四十五条",)),
)  # fmt: skip
REASONS = (
    ("{count} high-risk findings, {urgent} of them urgent", {"count": 2, "urgent": 1}),
    (
        "The finding on {item} is past its due date ({date})",
        {"item": {"msgid": "Written labour contracts", "params": {}}, "date": date(2026, 10, 9)},
    ),
)
SUMMARY = (
    "企业整体守法意识较好，劳动用工和个人信息保护方面存在较为突出的问题。\n"
    "建议企业在一个月内完成书面劳动合同的补签，并建立常态化的合规自查机制。"
)


def sample_report(**changes) -> CheckupReport:
    """A bearing maker's check-up: 12 items, 4 findings of mixed risk and fix status."""
    values = {
        "number": "TJ-2026-0007",
        "enterprise_name": "清河市恒达精密轴承有限公司",
        "credit_code": "91371500MA3C8X2K7P",
        "town": "烟庄镇",
        "industry": "Manufacturing",
        "employees": 186,
        "address": "清河市烟庄镇工业园区轴承路18号",
        "consultant_name": "王明远",
        "consultant_title": "律师",
        "consultant_organisation": "江苏清河明远律师事务所",
        "requested_on": date(2026, 8, 24),
        "examined_on": EXAMINED_ON,
        "grade": "red",
        "grade_reasons": REASONS,
        "summary": SUMMARY,
        "items": FINDINGS + OTHERS,
        "status": "reported",
        "closed_on": None,
        "generated_on": GENERATED_ON,
    }
    return CheckupReport(**{**values, **changes})


def green_report() -> CheckupReport:
    """The same firm a year later: every item compliant or not applicable."""
    items = tuple(
        replace(
            item,
            result="compliant",
            risk=None,
            urgent=False,
            finding="",
            recommendation="",
            fix_due_on=None,
            fix_status=None,
            fixed_on=None,
            fix_note="",
            verified_on=None,
            accepted_on=None,
            overdue=False,
        )
        if item.result == "finding"
        else item
        for item in FINDINGS + OTHERS
    )
    return sample_report(
        number="TJ-2027-0003",
        grade="green",
        grade_reasons=(("No finding of high or medium risk", {}),),
        summary="企业各项制度较为完善，未发现明显法律风险。",
        items=items,
    )


def many_findings_report(count: int = 40) -> CheckupReport:
    """A long report: `count` findings, each with its own citation, to span several pages."""
    items = []
    for n in range(1, count + 1):
        items.append(
            replace(
                FIXED if n % 2 else OVERDUE,
                position=n,
                code=f"item_{n}",
                bases=(f"《清河市企业合规测试条例》第{n}条", *OVERDUE.bases),
                finding=f"第{n}项检查发现的问题：" + OVERDUE.finding,
                recommendation=f"第{n}项整改建议：" + OVERDUE.recommendation * 2,
            )
        )
    return sample_report(items=tuple(items))


# --- poppler helpers -----------------------------------------------------------------------------


def text_of(path: Path, *pages: int) -> str:
    """The text in reading order (not -layout: a table cell's lines stay together), squeezed."""
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return squeeze(run(tool("pdftotext"), *span, path, "-"))


def pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run(tool("pdfinfo"), path), re.M).group(1))


def page_texts(path: Path) -> list[str]:
    """Each page's text, squeezed."""
    return [text_of(path, n) for n in range(1, pages(path) + 1)]


_WORD = re.compile(
    r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
)


def margin_words(path: Path, page: int) -> tuple[str, str]:
    """The words in the top (header) and bottom (footer) margins of a page, squeezed.

    report.css gives the page 20 mm of top margin and 18 mm of bottom margin; A4 is 297 mm.
    """
    xml = run(tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), path, "-")
    top, bottom = [], []
    for y_min, y_max, escaped in _WORD.findall(xml):
        word = html.unescape(escaped)
        if float(y_max) <= 20 * MM:
            top.append(word)
        elif float(y_min) >= (297 - 18) * MM:
            bottom.append(word)
    return "".join(top), "".join(bottom)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def chinese(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("checkup") / "report-zh.pdf"
    path.write_bytes(checkup_report_pdf(sample_report()))
    return path


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("checkup") / "report-en.pdf"
    path.write_bytes(checkup_report_pdf(sample_report(), "en"))
    return path


# --- The data ------------------------------------------------------------------------------------


def test_counts():
    assert sample_report().counts == ReportCounts(
        checked=12,
        compliant=7,
        findings=4,
        not_applicable=1,
        high=2,
        medium=1,
        low=1,
        urgent=1,
        fixed=1,
        verified=1,
        accepted=1,
        open=1,
        overdue=1,
    )
    counts = green_report().counts
    assert (counts.findings, counts.compliant, counts.open) == (0, 11, 0)


def test_items_come_in_report_order():
    report = sample_report()
    assert [i.position for i in report.items] == list(range(1, 13))
    assert [i.position for i in report.findings] == [1, 2, 5, 7]


def test_the_data_must_make_sense():
    with pytest.raises(ValueError):
        replace(OVERDUE, risk=None)  # a finding has a risk level
    with pytest.raises(ValueError):
        replace(OVERDUE, fix_status="done")
    with pytest.raises(ValueError):
        replace(OVERDUE, result="pending")
    with pytest.raises(ValueError):
        sample_report(grade="yellow")


# --- The PDF -------------------------------------------------------------------------------------


def test_the_report_in_chinese(chinese):
    assert chinese.read_bytes().startswith(b"%PDF-")
    assert_cjk_font_embedded(chinese)
    assert pages(chinese) > 1
    text = text_of(chinese)
    report = sample_report()
    for value in (
        report.enterprise_name,
        report.number,
        report.credit_code,
        report.town,
        report.address,
        report.consultant_name,
        report.consultant_organisation,
        format_date(EXAMINED_ON, "zh_Hans"),
        squeeze(SUMMARY),
    ):
        assert value in text, value
    for item in FINDINGS:
        assert squeeze(item.finding) in text, item.code
        assert squeeze(item.recommendation) in text, item.code
        for basis in item.bases:
            assert basis in text, basis
    assert squeeze(FIXED.fix_note) in text and squeeze(ACCEPTED.fix_note) in text
    # The grade's words as the Chinese catalog has them (its English id until translated).
    assert squeeze(gettext("zh_Hans", GRADES["red"])) in text
    assert squeeze(gettext("zh_Hans", TITLE)) in text_of(chinese, 1)


def test_the_cover_has_no_running_header_or_footer(chinese):
    top, bottom = margin_words(chinese, 1)
    assert (top, bottom) == ("", "")
    report = sample_report()
    top, bottom = margin_words(chinese, 2)
    assert squeeze(gettext("zh_Hans", TITLE)) in top  # the running title
    assert report.enterprise_name in top and report.number in top  # the running note
    assert "2" in bottom  # page 2 of n
    cover = text_of(chinese, 1)
    assert report.enterprise_name in cover and report.number in cover
    assert report.consultant_name in cover and report.consultant_organisation in cover
    assert format_date(GENERATED_ON, "zh_Hans") in cover


def test_the_wording_in_english(english):
    assert pages(english) > 1
    cover = text_of(english, 1)
    for words in (
        "Enterprise legal check-up report",
        "No. TJ-2026-0007",
        "Red: serious and urgent",
        "Issued by Friday Law Service Day · legal check-up",
        EXAMINED_ON.isoformat(),
    ):
        assert squeeze(words) in cover, words
    text = text_of(english)
    for words in (
        "2 high-risk findings, 1 of them urgent",
        # a nested message and a date, written the reader's way
        "The finding on Written labour contracts is past its due date (2026-10-09)",
        "Items checked",
        "Recommendations and their legal basis",
        "Checked: Whether the firm meets the rule on written labour contracts",
        "Items found compliant",
        "Items that do not apply to the firm",
        "企业无出口业务。",
        "Fixed on 2026-10-20: 已于10月20日",
        "Verified by the consultant at a return visit on 2026-11-06",
        "Accepted as a risk by the firm in writing on 2026-10-15",
        "To be fixed by 2026-10-09; past its due date",
        "Consultant (signature)",
        "Organisation (seal)",
        "It is legal advice, not a guarantee",
    ):
        assert squeeze(words) in text, words
    # The overdue mark is on the one open finding past its day, in the table and the fix list.
    assert text.count("pastitsduedate") == 2  # the grade's reason and the fix list
    assert text.count("Overdue") == 3  # the summary's count, the findings table, the fix list


def test_the_findings_table(english):
    text = text_of(english)
    start = text.index(squeeze("2. Findings of the check-up"))
    table = text[start : text.index(squeeze("3. Recommendations and their legal basis"))]
    assert squeeze("No. Area Item Risk Finding Fix by Fix status") in table
    for item in FINDINGS:
        assert squeeze(item.finding) in table, item.code
        assert item.fix_due_on.isoformat() in table, item.code
    for words in ("Urgent", "Overdue", "Fixed, awaiting verification", "Accepted as a risk"):
        assert table.count(squeeze(words)) == 1, words
    assert table.count("High") == 2 and "Medium" in table and "Low" in table
    for item in OTHERS:  # compliant and not applicable items are not findings
        assert squeeze(item.title) not in table


def test_a_green_report_has_no_findings_sections(tmp_path):
    red = checkup_report_html(sample_report(), "en")
    green = checkup_report_html(green_report(), "en")
    for words in (
        "Recommendations and their legal basis",
        "Fix status",
        "Fix by",
        "Findings by risk",
    ):
        assert words in red and words not in green, words
    assert "No finding was made" not in red
    path = _write(tmp_path, "green.pdf", checkup_report_pdf(green_report(), "en"))
    text = text_of(path)
    assert squeeze("Green: no significant risk") in text
    assert squeeze("No finding was made: every item checked was found compliant") in text
    assert squeeze("No finding of high or medium risk") in text
    for item in FINDINGS:  # now compliant, with their basis
        assert item.bases[0] in text


def test_the_findings_table_header_repeats_and_recommendations_do_not_split(tmp_path):
    report = many_findings_report(40)
    path = _write(tmp_path, "long.pdf", checkup_report_pdf(report, "en"))
    text = page_texts(path)
    header = squeeze("Area Item Risk Finding Fix by Fix status")
    assert sum(header in t for t in text) >= 2  # the findings table goes on over pages
    for item in report.findings:
        # The block of each finding (its recommendation and its own citation) is on one page.
        assert any(squeeze(item.recommendation) in t and item.bases[0] in t for t in text), (
            item.code
        )


def test_data_cannot_inject_markup(tmp_path):
    hostile = "<b>bold</b></style><p>x"
    report = sample_report(
        enterprise_name=hostile,
        summary=hostile,
        address=hostile,
        items=(
            replace(OVERDUE, finding=hostile, recommendation=hostile, bases=(hostile,)),
            *OTHERS,
        ),
    )
    page = checkup_report_html(report)
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;/style&gt;" in page
    # Only the template's own style elements close: base.html's and the report's.
    assert page.count("</style>") == 2
    path = _write(tmp_path, "hostile.pdf", checkup_report_pdf(report, "en"))
    assert squeeze(hostile) in text_of(path)  # printed as text, not markup
    top, _ = margin_words(path, 2)
    assert "<b>bold</b>" in top  # the running note, escaped in the generated CSS


def test_the_registered_report_type(tmp_path):
    report_type = registry.get("checkup_report")
    assert isinstance(report_type, CheckupReportType)
    assert report_type in registry.all_types()
    assert report_type.title == TITLE
    filename, mimetype, data = report_type.render(green_report(), "zh_Hans")
    assert filename == "checkup-report-TJ-2027-0003.pdf"
    assert mimetype == "application/pdf" and data.startswith(b"%PDF-")
    path = _write(tmp_path, filename, data)
    assert "清河市恒达精密轴承有限公司" in text_of(path)
    with pytest.raises(TypeError):
        report_type.render(OVERDUE, "zh_Hans")
    with pytest.raises(TypeError):
        report_type.render({"number": "TJ-2026-0007"}, "zh_Hans")


def test_a_closed_check_up_says_so():
    report = sample_report(status="closed", closed_on=GENERATED_ON - timedelta(days=1))
    html = checkup_report_html(report, "en")
    assert "Closed on 2026-11-19" in html
    assert "Reported: fixes under way" in checkup_report_html(sample_report(), "en")
    assert "archived" in checkup_report_html(sample_report(status="archived"), "en")


def test_a_report_asked_for_again_is_laid_out_once(monkeypatch):
    from reports import checkups

    laid_out = []
    real = checkups.write_pdf
    monkeypatch.setattr(checkups, "write_pdf", lambda html: laid_out.append(1) or real(html))
    checkups._LAID_OUT.clear()
    report = sample_report()
    first = checkup_report_pdf(report)
    assert checkup_report_pdf(sample_report()) == first  # equal data: the same file, kept
    assert len(laid_out) == 1
    # Anything the report shows changed, another language, another day: laid out again.
    checkup_report_pdf(replace(report, summary=report.summary + "（补充）"))
    checkup_report_pdf(report, "en")
    checkup_report_pdf(replace(report, generated_on=report.generated_on + timedelta(days=1)))
    assert len(laid_out) == 4
