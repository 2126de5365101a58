"""The import pages: upload, every problem by line and column, preview, confirm, template."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from programs.directory.credit_code import check_character
from programs.directory.models import Consultant, Enterprise, Town
from tests.helpers import csrf_token

HEADER = "企业名称,统一社会信用代码,镇街,行业,职工人数,所属商会"


def _code(serial: int) -> str:
    first17 = f"91370000{serial:09d}"
    return first17 + check_character(first17)


NEW = _code(11)


def _upload(client, url: str, text: str, *, encoding: str = "utf-8"):
    token = csrf_token(client, url)
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(text.encode(encoding)), "list.csv")},
        content_type="multipart/form-data",
    )


def _confirm(client, url: str, html: str, **override: str):
    fields = dict(
        re.findall(r'name="(csrf_token|token|fingerprint)" type="hidden" value="([^"]*)"', html)
    )
    return client.post(url, data={**fields, "action": "apply", **override})


def _firm(session, code: str) -> Enterprise | None:
    return session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


def test_the_lists_link_to_the_imports_for_coordinators_only(login):
    coordinator = login("coordinator")
    assert "/directory/enterprises/import" in coordinator.get("/directory/enterprises").get_data(
        as_text=True
    )
    assert "/directory/consultants/import" in coordinator.get("/directory/consultants").get_data(
        as_text=True
    )
    consultant = login("consultant")
    assert "/import" not in consultant.get("/directory/enterprises").get_data(as_text=True)
    assert "/import" not in consultant.get("/directory/consultants").get_data(as_text=True)


@pytest.mark.parametrize("role", ["consultant", "mediator", "chamber", "enterprise"])
def test_only_coordinators_may_open_the_imports(login, role):
    client = login(role)
    for url in (
        "/directory/enterprises/import",
        "/directory/consultants/import",
        "/directory/enterprises/import/template.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_a_bad_file_lists_every_problem_by_line_and_column_and_changes_nothing(login, session):
    client = login("coordinator")
    url = "/directory/enterprises/import"
    page = client.get(url).get_data(as_text=True)
    assert "企业名称,统一社会信用代码,镇街,行业" in page
    bad = f"{HEADER}\n新公司,{NEW},城关街道,制造业,10,\n坏公司,{NEW[:-1]}Z,火星镇,制造业,x,\n"
    response = _upload(client, url, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "火星镇" in html and "不是本市的镇街" in html
    assert html.count('<td class="num">3</td>') == 3  # credit code, town, employees
    assert 'name="fingerprint"' not in html  # nothing to confirm
    assert _firm(session, NEW) is None


def test_a_good_file_is_previewed_then_applied_on_confirmation(login, session):
    client = login("coordinator")
    url = "/directory/enterprises/import"
    firm = session.scalars(select(Enterprise).order_by(Enterprise.id)).first()
    employees = firm.employee_count
    good = (
        f"{HEADER}\n"
        f"清河市新创科技有限公司,{NEW},城关街道,信息技术,25,清河市电子商务协会\n"
        f"{firm.name},{firm.credit_code},{firm.town.name},{firm.industry},{firm.employee_count + 1},\n"
    )
    response = _upload(client, url, good, encoding="gb18030")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "清河市新创科技有限公司" in html and NEW in html
    assert f"{firm.employee_count} → {firm.employee_count + 1}" in html
    assert "清河市电子商务协会" in html
    assert _firm(session, NEW) is None  # not yet

    response = _confirm(client, url, html)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/directory/enterprises")
    session.expire_all()
    created = _firm(session, NEW)
    assert (created.employee_count, [c.name for c in created.chambers]) == (
        25,
        ["清河市电子商务协会"],
    )
    assert session.get(Enterprise, firm.id).employee_count == employees + 1
    listing = client.get("/directory/enterprises?q=新创").get_data(as_text=True)
    assert "清河市新创科技有限公司" in listing

    # The held file is gone once applied: confirming twice does not import twice.
    again = _confirm(client, url, html)
    assert again.status_code == 302 and again.headers["Location"].endswith(url)


def test_a_confirmation_after_the_directory_changed_shows_the_new_preview(login, session):
    client = login("coordinator")
    url = "/directory/enterprises/import"
    html = _upload(client, url, f"{HEADER}\n新公司,{NEW},城关街道,制造业,10,\n").get_data(
        as_text=True
    )
    town = session.scalar(select(Town).where(Town.code == "Q02"))
    session.add(Enterprise(name="别人先加的", credit_code=NEW, town_id=town.id, industry="other"))
    session.commit()
    response = _confirm(client, url, html)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "别人先加的 → 新公司" in page  # the line now updates that firm
    session.expire_all()
    assert _firm(session, NEW).name == "别人先加的"
    assert _confirm(client, url, page).status_code == 302  # confirming what is shown now
    session.expire_all()
    assert _firm(session, NEW).name == "新公司"


def test_a_file_held_for_one_coordinator_cannot_be_confirmed_with_a_made_up_token(login, session):
    client = login("coordinator")
    url = "/directory/enterprises/import"
    html = _upload(client, url, f"{HEADER}\n新公司,{NEW},城关街道,制造业,10,\n").get_data(
        as_text=True
    )
    response = _confirm(client, url, html, token="A" * 32)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert _confirm(client, url, html, token="../../secret_key").status_code == 400
    assert _firm(session, NEW) is None


def test_consultants_are_imported_through_their_page(login, session):
    client = login("coordinator")
    url = "/directory/consultants/import"
    text = "专家姓名,单位,镇街,专长,每个星期五走访上限,在岗\n林晓东,清河正衡律师事务所,城关街道,劳动用工、合同,3,离岗\n"
    html = _upload(client, url, text).get_data(as_text=True)
    assert "劳动用工" in html and "合同" in html
    assert _confirm(client, url, html).status_code == 302
    new = session.scalar(select(Consultant).where(Consultant.name == "林晓东"))
    assert (new.expertise, new.visits_per_friday, new.active) == (["contracts", "labour"], 3, False)
    listing = client.get("/directory/consultants").get_data(as_text=True)
    assert re.search(r'林晓东(</a>)? <span class="tag">不在岗', listing)  # not on duty


def test_a_missing_file_is_refused_beside_the_field(login):
    client = login("coordinator")
    url = "/directory/consultants/import"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 422


@pytest.mark.parametrize("kind", ["enterprises", "consultants"])
def test_the_empty_sheet_has_chinese_headers_excel_reads_as_utf8(login, kind):
    response = login("coordinator").get(f"/directory/{kind}/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    first = body.decode("utf-8-sig").splitlines()[0]
    assert first.startswith(
        "企业名称,统一社会信用代码" if kind == "enterprises" else "专家姓名,单位"
    )
