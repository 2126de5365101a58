"""What the legal check-up report costs to lay out, against WeasyPrint's own floor.

In one run, each after a warm-up render (fonts, the catalog and the templates loaded once):

- the floor: a one-page HTML of one Chinese line with report.css, through reports.pdf.write_pdf
  (what any PDF costs here: WeasyPrint, fontconfig, the CJK font subset, the PDF writer);
- the report: a realistic check-up of 20 items with 8 findings of mixed risk and fix status,
  through checkup_report_pdf (templates, translation and layout included), laid out afresh
  each time, and then asked for again (served from the layouts kept).

Prints the median and p95 wall time of each, the ratio report / floor, and the report's page
count and size. There is no target yet: `run()` returns True.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from weasyprint import HTML

from reports import checkups
from reports.checkups import CheckupReport, ReportItem, checkup_report_html, checkup_report_pdf
from reports.pdf import STATIC_DIR, StaticFilesFetcher, write_pdf

RUNS = 20  # timed renders of each, after one warm-up
EXAMINED_ON = date(2026, 9, 11)
GENERATED_ON = date(2026, 11, 20)
FLOOR_HTML = (
    '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>floor</title>'
    '<link rel="stylesheet" href="report.css"></head>'
    "<body><p>企业法治体检报告 Enterprise legal check-up report</p></body></html>"
)

# (code, area, title, legal basis) of the 20 items a manufacturer's checklist holds.
CHECKLIST = [
    ("written_contract", "Labour and employment", "Written labour contracts",
     ("《中华人民共和国劳动合同法》第十条第二款", "《中华人民共和国劳动合同法》第八十二条第一款")),
    ("probation", "Labour and employment", "Probation periods",
     ("《中华人民共和国劳动合同法》第十九条第一款",)),
    ("working_hours", "Labour and employment", "Working hours and overtime",
     ("《中华人民共和国劳动法》第四十一条",)),
    ("wage_payment", "Labour and employment", "Payment of wages",
     ("《保障农民工工资支付条例》第十一条",)),
    ("social_insurance", "Labour and employment", "Social insurance registration",
     ("《中华人民共和国社会保险法》第五十八条第一款",)),
    ("rules_procedure", "Labour and employment", "Rules of the workplace",
     ("《中华人民共和国劳动合同法》第四条第二款",)),
    ("contract_templates", "Contracts", "Sales contract templates",
     ("《中华人民共和国民法典》第四百九十六条第二款",)),
    ("contract_ledger", "Contracts", "Contract ledger and seals",
     ("《中华人民共和国民法典》第四百九十条第一款",)),
    ("capital", "Corporate governance", "Paid-in capital",
     ("《中华人民共和国公司法》第四十七条第一款",)),
    ("shareholder_meetings", "Corporate governance", "Shareholders' resolutions",
     ("《中华人民共和国公司法》第五十九条",)),
    ("personal_information", "Personal information", "Employees' personal information",
     ("《中华人民共和国个人信息保护法》第五十一条", "《中华人民共和国个人信息保护法》第十三条")),
    ("work_safety", "Work safety", "Work safety responsibilities",
     ("《中华人民共和国安全生产法》第二十一条",)),
    ("safety_training", "Work safety", "Safety training",
     ("《中华人民共和国安全生产法》第二十八条第一款",)),
    ("fire_safety", "Work safety", "Fire safety",
     ("《中华人民共和国消防法》第十六条",)),
    ("trademarks", "Intellectual property", "Registered trademarks",
     ("《中华人民共和国商标法》第四十九条",)),
    ("trade_secrets", "Intellectual property", "Trade secrets",
     ("《中华人民共和国反不正当竞争法》第九条",)),
    ("invoices", "Tax", "Invoices", ("《中华人民共和国发票管理办法》第二十条",)),
    ("emissions", "Environmental protection", "Pollutant discharge permit",
     ("《中华人民共和国环境保护法》第四十五条",)),
    ("hazardous_waste", "Environmental protection", "Hazardous waste",
     ("《中华人民共和国固体废物污染环境防治法》第七十八条",)),
    ("export_control", "Foreign trade", "Export control", ("《中华人民共和国出口管制法》第十二条",)),
]  # fmt: skip
# Item position -> (risk, urgent, fix status); the other items are compliant, one not applicable.
FINDINGS = {
    1: ("high", True, "open"),
    2: ("medium", False, "fixed"),
    5: ("high", False, "verified"),
    7: ("low", False, "accepted"),
    8: ("medium", False, "open"),
    11: ("high", True, "verified"),
    13: ("medium", False, "fixed"),
    19: ("low", False, "open"),
}
NOT_APPLICABLE = {20}
FINDING = "抽查发现{title}方面存在问题：相关制度未建立或未执行，台账缺失，部分文件未经签字确认。"
RECOMMENDATION = (
    "建议企业在整改期限内完善{title}相关制度，指定专人负责，建立台账并定期自查；"
    "对已经发生的问题逐一纠正，保留书面记录，必要时咨询法律顾问。"
)


def _item(position: int) -> ReportItem:
    code, area, title, bases = CHECKLIST[position - 1]
    common = {
        "position": position,
        "code": code,
        "area": area,
        "title": title,
        "question": f"Whether the firm meets the rule on {title.lower()}",
        "bases": bases,
    }
    if position in NOT_APPLICABLE:
        return ReportItem(**common, result="not_applicable", finding="企业无出口业务。")
    if position not in FINDINGS:
        return ReportItem(**common, result="compliant")
    risk, urgent, fix_status = FINDINGS[position]
    due = EXAMINED_ON + timedelta(days=28 if urgent else 49)
    done = fix_status in ("fixed", "verified")
    return ReportItem(
        **common,
        result="finding",
        risk=risk,
        urgent=urgent,
        finding=FINDING.format(title=title),
        recommendation=RECOMMENDATION.format(title=title),
        fix_due_on=due,
        fix_status=fix_status,
        fixed_on=due - timedelta(days=7) if done else None,
        fix_note="已完成整改，附制度文本和台账复印件。" if done else "",
        verified_on=due + timedelta(days=14) if fix_status == "verified" else None,
        accepted_on=due - timedelta(days=3) if fix_status == "accepted" else None,
        overdue=fix_status == "open" and due < GENERATED_ON,
    )


def realistic_report() -> CheckupReport:
    """A manufacturer's check-up: 20 items, 8 findings, graded red."""
    return CheckupReport(
        number="TJ-2026-0042",
        enterprise_name="清河市恒达精密轴承有限公司",
        credit_code="91371500MA3C8X2K7P",
        town="烟庄镇",
        industry="Manufacturing",
        employees=186,
        address="清河市烟庄镇工业园区轴承路18号",
        consultant_name="王明远",
        consultant_title="律师",
        consultant_organisation="江苏清河明远律师事务所",
        requested_on=date(2026, 8, 24),
        examined_on=EXAMINED_ON,
        grade="red",
        grade_reasons=(
            ("{count} high-risk findings, {urgent} of them urgent", {"count": 3, "urgent": 2}),
            ("{count} findings are past their fix date", {"count": 3}),
        ),
        summary=(
            "企业整体守法意识较好，劳动用工、个人信息保护和安全生产方面存在较为突出的问题。\n"
            "建议企业在一个月内完成高风险事项的整改，并建立常态化的合规自查机制。"
        ),
        items=tuple(_item(n) for n in range(1, len(CHECKLIST) + 1)),
        status="reported",
        closed_on=None,
        generated_on=GENERATED_ON,
    )


def _times(make: Callable[[], bytes], runs: int) -> tuple[list[float], bytes]:
    """Wall times in ms of `runs` calls after one warm-up, and the last result."""
    data = make()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        data = make()
        times.append((time.perf_counter() - start) * 1000)
    return times, data


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def _pages(html: str) -> int:
    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticFilesFetcher()
    ).render()
    return len(document.pages)


def run() -> bool:
    """Measure, print the report; no target, so True."""
    report = realistic_report()
    counts = report.counts
    floor, _ = _times(lambda: write_pdf(FLOOR_HTML), RUNS)
    # Laid out afresh each time (the layout cache emptied first), then served from it.
    full, pdf = _times(lambda: (checkups._LAID_OUT.clear(), checkup_report_pdf(report))[1], RUNS)
    again, _ = _times(lambda: checkup_report_pdf(report), RUNS)
    pages = _pages(checkup_report_html(report))
    print(
        f"{RUNS} renders of each after a warm-up; the report has {counts.checked} items, "
        f"{counts.findings} findings"
    )
    print(
        f"  floor (one-page HTML)      median {statistics.median(floor):7.0f} ms   "
        f"p95 {_p95(floor):7.0f} ms"
    )
    print(
        f"  check-up report (zh_Hans)  median {statistics.median(full):7.0f} ms   "
        f"p95 {_p95(full):7.0f} ms"
    )
    print(f"  report / floor (medians) = {statistics.median(full) / statistics.median(floor):.1f}")
    print(
        f"  the same report again      median {statistics.median(again):7.1f} ms   "
        f"p95 {_p95(again):7.1f} ms (laid out once, kept)"
    )
    print(f"  report: {pages} pages, {len(pdf) / 1024:.0f} KB")
    return True
