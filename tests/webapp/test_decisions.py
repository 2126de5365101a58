"""Pages: the decision log, "why", overriding, and the rule-parameter form."""

from sqlalchemy import select

from programs.accounts.models import User
from programs.decisions import services
from programs.decisions.models import ParameterVersion
from tests.helpers import post_form


def _record(session):
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    fact = {
        "kind": "signup",
        "role": "enterprise",
        "organisation": "清河示例公司",
        "accounts": 9,
        "organisation_known": True,
        "name_matches": True,
        "registered_name": "清河示例公司",
    }
    return services.decide(session, "signup", fact, actor=coordinator).record


def test_why_page_explains_in_chinese(login, session):
    record = _record(session)
    session.commit()
    html = login("coordinator").get(f"/decisions/{record.id}").get_data(as_text=True)
    assert "too_many_accounts" in html
    assert "清河示例公司已有 9 个账号（最多 3 个）" in html
    assert "拒绝" in html


def test_why_page_is_not_for_other_roles(login, session):
    record = _record(session)
    session.commit()
    assert login("enterprise").get(f"/decisions/{record.id}").status_code == 404


def test_override_without_reason_keeps_the_form(login, session):
    record = _record(session)
    session.commit()
    client = login("coordinator")
    url = f"/decisions/{record.id}"
    response = post_form(client, f"{url}/override", {"outcome": "allow", "reason": ""}, page=url)
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    response = post_form(
        client, f"{url}/override", {"outcome": "allow", "reason": "试点企业，特批"}, page=url
    )
    assert response.status_code == 302
    assert "试点企业，特批" in client.get(url).get_data(as_text=True)


def test_parameter_form_rejects_out_of_range_beside_the_field(login, session):
    client = login("coordinator")
    url = "/admin/parameters/signup"
    page = client.get(url).get_data(as_text=True)
    assert "每家企业或学校的账号数" in page
    response = post_form(client, url, {"p_max_accounts_per_organisation": "0", "note": "试试"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="p_max_accounts_per_organisation-error"' in html
    assert "试试" in html  # the note typed is kept
    assert session.scalar(select(ParameterVersion)) is None


def test_parameter_change_is_saved_and_shown_in_history(login, session):
    client = login("coordinator")
    url = "/admin/parameters/signup"
    response = post_form(
        client, url, {"p_max_accounts_per_organisation": "5", "note": "商会申请增加"}
    )
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "3 → 5" in html and "商会申请增加" in html
    assert services.live_parameters(session, "signup").values["max_accounts_per_organisation"] == 5


def test_unknown_ruleset_is_404(login):
    assert login("coordinator").get("/admin/parameters/nope").status_code == 404


def test_decision_log_lists_decisions(login, session):
    record = _record(session)
    session.commit()
    html = login("coordinator").get("/admin/decisions?ruleset=signup").get_data(as_text=True)
    assert f'/decisions/{record.id}"' in html
