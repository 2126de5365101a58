"""The mediation agreement and the application for its judicial confirmation, filled from a case
the dispute services moved to its agreement.

The words around the data are translated later, so wording is checked in English (the source
language); in Chinese the tests check the fonts and the values that come from the case: number,
parties, amounts in figures and capital numerals, dates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from calendars import periods
from programs.accounts.models import User
from programs.directory.models import Enterprise
from programs.disputes import services
from programs.disputes.models import DisputeCase
from programs.errors import DomainError, NotFound
from programs.i18n import format_date, gettext
from reports import registry
from reports.disputes import (
    AGREEMENT_TITLE,
    APPLICATION_TITLE,
    NO_AGREEMENT,
    NO_TERMS,
    AgreementDocument,
    ConfirmationApplication,
    Party,
    agreement_document,
    agreement_for,
    agreement_html,
    agreement_pdf,
    capital_yuan,
    confirmation_application,
    confirmation_application_for,
    confirmation_application_pdf,
    format_yuan,
)
from tests.reports.test_pdf import assert_cjk_font_embedded, first_page_png, pdftotext, squeeze

OPENED_ON = date(2026, 8, 25)
AGREED_ON = date(2026, 9, 1)  # 30 days later is 1 October, National Day: the period runs on
LAST_DAY = date(2026, 10, 8)  # the first working day after the National Day holiday
WORKERS = (("张建国", "13805310001"), ("李秀英", "13805310002"))
TERMS = (
    "一、被申请人于2026年9月10日前一次性支付申请人工资合计人民币80,000元；\n二、双方再无其他争议。"
)


# --- Amounts in capital numerals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("10", "壹拾元整"),
        ("100.5", "壹佰元零伍角"),
        ("80000", "捌万元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("100000000", "壹亿元整"),
        # The People's Bank's own examples (正确填写票据和结算凭证的基本规定).
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # Zeros between groups, cents alone, the largest amount a case takes.
        ("100500", "壹拾万零伍佰元整"),
        ("100000001", "壹亿零壹元整"),
        ("1000000000", "壹拾亿元整"),
        ("0.05", "伍分"),
        ("0.5", "伍角"),
        ("1.05", "壹元零伍分"),
    ],
)
def test_capital_yuan(amount, words):
    assert capital_yuan(Decimal(amount)) == words


def test_capital_yuan_takes_ints_and_strings():
    assert capital_yuan(80000) == capital_yuan("80000.00") == "捌万元整"


@pytest.mark.parametrize("amount", ["-1", "0.001", "NaN", "Infinity", "1e16", "abc"])
def test_capital_yuan_refuses_what_is_not_an_amount(amount):
    with pytest.raises(ValueError):
        capital_yuan(amount)


def test_format_yuan():
    assert format_yuan(Decimal("80000")) == "80,000.00"
    assert format_yuan(Decimal("1234567.8")) == "1,234,567.80"


# --- Cases ---------------------------------------------------------------------------------------


def _coordinator(session) -> User:
    return session.scalar(select(User).where(User.username == "coordinator"))


def _firms(session, count: int) -> list[Enterprise]:
    return list(
        session.scalars(
            select(Enterprise)
            .where(Enterprise.status == "active")
            .order_by(Enterprise.id)
            .limit(count)
        )
    )


def _to_agreement(session, case: DisputeCase, **outcome) -> DisputeCase:
    actor = _coordinator(session)
    services.move_case(
        session,
        actor,
        case.id,
        "mediation",
        today=OPENED_ON,
        reason="双方同意调解",
        announce=False,
    )
    return services.move_case(
        session,
        actor,
        case.id,
        "agreement",
        today=AGREED_ON,
        reason="双方达成调解协议",
        outcome=services.Outcome(**outcome),
        announce=False,
    )


def _labour_case(session, *, firm=None, agree: bool = True, **outcome) -> DisputeCase:
    firm = firm or _firms(session, 1)[0]
    case = services.open_case(
        session,
        _coordinator(session),
        services.CaseInput(
            case_type="labour",
            subject="wage_arrears",
            enterprise_id=firm.id,
            summary="拖欠2名工人3个月工资",
            workers=2,
            amount_claimed=Decimal("86000.00"),
            named_workers=tuple(services.WorkerInput(n, c) for n, c in WORKERS),
        ),
        today=OPENED_ON,
        announce=False,
    )
    if agree:
        outcome = outcome or {"agreement_terms": TERMS, "agreed_amount": Decimal("80000.00")}
        _to_agreement(session, case, **outcome)
    return case


@pytest.fixture
def labour_case(session) -> DisputeCase:
    """A wage-arrears case of two named workers against a firm, agreed on 1 September 2026."""
    return _labour_case(session)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_agreement_pdf(labour_case, tmp_path):
    path = _write(tmp_path, "agreement.pdf", agreement_pdf(labour_case))
    assert path.read_bytes().startswith(b"%PDF-")
    assert_cjk_font_embedded(path)
    text = squeeze(pdftotext(path))
    assert squeeze(gettext("zh_Hans", AGREEMENT_TITLE)) in text
    assert labour_case.number in text
    names = [p.name for p in labour_case.parties]
    assert len(names) == 3 and all(name in text for name in names)  # two workers and the firm
    assert labour_case.enterprise.credit_code in text
    assert labour_case.town.name in text  # the town's centre mediates
    assert labour_case.assignee.display_name in text  # the mediator signs
    assert "拖欠2名工人3个月工资" in text
    assert "86,000.00" in text and "捌万陆仟元整" in text  # claimed
    assert "80,000.00" in text and "捌万元整" in text  # agreed
    assert squeeze(TERMS) in text
    assert format_date(AGREED_ON, "zh_Hans") in text
    width, height = first_page_png(path)
    assert width < height  # A4 portrait


def test_confirmation_application_pdf(labour_case, tmp_path):
    path = _write(tmp_path, "application.pdf", confirmation_application_pdf(labour_case))
    assert path.read_bytes().startswith(b"%PDF-")
    assert_cjk_font_embedded(path)
    text = squeeze(pdftotext(path))
    assert squeeze(gettext("zh_Hans", APPLICATION_TITLE)) in text
    assert labour_case.number in text
    assert all(p.name in text for p in labour_case.parties)
    assert "80,000.00" in text and "捌万元整" in text
    assert format_date(AGREED_ON, "zh_Hans") in text
    assert periods.add_days(AGREED_ON, 30).due_on == LAST_DAY
    assert format_date(LAST_DAY, "zh_Hans") in text
    assert "《中华人民共和国民事诉讼法》第二百零五条" in text


def test_the_wording_in_english(labour_case, tmp_path):
    agreement = squeeze(pdftotext(_write(tmp_path, "a.pdf", agreement_pdf(labour_case, "en"))))
    town = labour_case.town.name
    for words in (
        "People's mediation agreement",
        f"No. {labour_case.number}",
        f"{town} one-stop dispute mediation centre",
        "Type of dispute: Labour dispute; subject: Wage arrears.",
        "80,000.00 yuan (in words: 捌万元整)",
        "within 30 days of its taking effect (Civil Procedure Law art. 205)",
        "made in 4 copies",  # three parties and the centre
        "Signature, seal or fingerprint",
        AGREED_ON.isoformat(),
    ):
        assert squeeze(words) in agreement, words
    application = squeeze(
        pdftotext(_write(tmp_path, "b.pdf", confirmation_application_pdf(labour_case, "en")))
    )
    for words in (
        "Application for judicial confirmation",
        f"The basic people's court where {town} lies",
        f"the applicants 张建国, 李秀英 and {labour_case.enterprise.name} reached on "
        f"{AGREED_ON.isoformat()}",
        f"within 30 days of its taking effect, that is by {LAST_DAY.isoformat()}.",
        "The period's last day falls on a day off",
        "reached the agreement voluntarily",
        "the content of the agreement is lawful",
    ):
        assert squeeze(words) in application, words


def test_the_application_gives_the_last_day_to_apply(labour_case):
    application = confirmation_application(labour_case)
    assert application.agreement.agreed_on == AGREED_ON
    assert application.last_day == LAST_DAY
    assert application.last_day_moved  # 1 October 2026 is a holiday


def test_the_documents_hold_plain_data(labour_case):
    document = agreement_document(labour_case)
    assert [(p.side, p.kind) for p in document.parties] == [
        ("applicant", "worker"),
        ("applicant", "worker"),
        ("respondent", "enterprise"),
    ]
    assert [(p.name, p.contact) for p in document.applicants] == list(WORKERS)
    assert document.agreed_amount == Decimal("80000.00")
    assert document.mediator == labour_case.assignee.display_name
    assert document.copies == 4


def test_no_agreement_yet(session):
    case = _labour_case(session, agree=False)
    services.move_case(
        session,
        _coordinator(session),
        case.id,
        "mediation",
        today=OPENED_ON,
        reason="双方同意调解",
        announce=False,
    )
    for make in (agreement_pdf, confirmation_application_pdf):
        with pytest.raises(DomainError) as raised:
            make(case)
        assert raised.value.msgid == NO_AGREEMENT


def test_agreement_without_terms(session):
    # The service refuses an agreement without terms; one whose terms were cleared later (a
    # correction in the database) is still not drawn up.
    case = _labour_case(session, agreed_amount=Decimal("1000"), agreement_terms="分期支付")
    case.agreement_terms = ""
    with pytest.raises(DomainError) as raised:
        agreement_pdf(case)
    assert raised.value.msgid == NO_TERMS


def test_an_agreement_sent_back_to_mediation_is_no_longer_drawn_up(session):
    firm, other = _firms(session, 2)
    actor = _coordinator(session)
    case = services.open_case(
        session,
        actor,
        services.CaseInput(
            case_type="commercial",
            subject="payment",
            enterprise_id=firm.id,
            counterparty_id=other.id,
            amount_claimed=Decimal("250000"),
        ),
        today=OPENED_ON,
        announce=False,
    )
    _to_agreement(session, case, agreement_terms="分期付清货款", agreed_amount=Decimal("200000"))
    assert agreement_document(case).respondents[0].credit_code == other.credit_code
    for stage in ("judicial_confirmation", "mediation"):  # the court did not confirm it
        services.move_case(
            session, actor, case.id, stage, today=date(2026, 9, 15), reason="法院裁定驳回申请"
        )
    with pytest.raises(DomainError) as raised:
        agreement_document(case)
    assert raised.value.msgid == NO_AGREEMENT


def test_served_to_staff_only(session):
    firm_user = session.scalar(select(User).where(User.username == "enterprise"))
    case = _labour_case(session, firm=session.get(Enterprise, firm_user.enterprise_id))
    filename, mimetype, data = agreement_for(
        session, _coordinator(session), case.id, locale="zh_Hans"
    )
    assert filename == f"mediation-agreement-{case.number}.pdf"
    assert mimetype == "application/pdf" and data.startswith(b"%PDF-")
    # The firm in the case sees the case, but not the workers the documents name.
    assert services.can_view(session, firm_user, case)
    for make in (agreement_for, confirmation_application_for):
        with pytest.raises(NotFound):
            make(session, firm_user, case.id, locale="zh_Hans")


# --- The report types and the layout -------------------------------------------------------------


def _plain_agreement(**changes) -> AgreementDocument:
    values = {
        "number": "CD-2026-0007",
        "case_type": "commercial",
        "subject": "sales",
        "town": "烟庄镇",
        "parties": (
            Party("applicant", "enterprise", "清河市甲轴承有限公司", credit_code="9"),
            Party("respondent", "enterprise", "清河市乙机械有限公司"),
        ),
        "summary": "",
        "amount_claimed": Decimal(0),
        "terms": "乙方于十日内付清货款",
        "agreed_amount": Decimal(0),
        "agreed_on": AGREED_ON,
    }
    return AgreementDocument(**{**values, **changes})


def test_registered_report_types():
    agreement = registry.get("mediation_agreement")
    application = registry.get("judicial_confirmation_application")
    assert {agreement, application} <= set(registry.all_types())
    filename, mimetype, data = application.render(
        ConfirmationApplication(_plain_agreement(), date(2026, 10, 8)), "zh_Hans"
    )
    assert filename == "judicial-confirmation-application-CD-2026-0007.pdf"
    assert mimetype == "application/pdf" and data.startswith(b"%PDF-")
    with pytest.raises(TypeError):
        agreement.render(ConfirmationApplication(_plain_agreement(), LAST_DAY), "zh_Hans")


def test_an_agreement_needs_a_party_on_each_side_and_terms():
    one_side = (Party("applicant", "enterprise", "清河市甲轴承有限公司"),)
    with pytest.raises(ValueError):
        _plain_agreement(parties=one_side)
    with pytest.raises(ValueError):
        _plain_agreement(terms=" ")
    with pytest.raises(ValueError):
        Party("joined", "authority", "清河市人民法院")


def test_no_amounts_no_amount_lines():
    html = agreement_html(_plain_agreement(), "en")
    assert "Amount claimed" not in html and "Amount agreed" not in html
    html = agreement_html(_plain_agreement(agreed_amount=Decimal("5")), "en")
    assert "Amount agreed" in html and "伍元整" in html


def test_data_cannot_inject_markup():
    hostile = '<img src="http://example.com/x.png">'
    html = agreement_html(_plain_agreement(terms=hostile, summary=hostile), "zh_Hans")
    assert hostile not in html
    assert "&lt;img" in html
