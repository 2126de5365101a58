"""The what-if pages: a draft made from the parameter form, its replay read in Chinese with
both whys, a bad period refused beside its field, publishing and discarding."""

from __future__ import annotations

import re

from sqlalchemy import select

from calendars import today
from programs.decisions import services as decisions
from programs.whatif import services as whatif
from programs.whatif.models import ParameterDraft
from programs.whatif.replay import replay
from tests.helpers import post_form

URL = "/admin/parameters/dispute_escalation"


def _live(session) -> dict:
    """The live parameters as stored now (the test's session keeps what it read before)."""
    session.info.pop("fengqiao.live_parameters", None)
    return decisions.parameter_values(session, "dispute_escalation")


def _draft(client, session, threshold: str = "200000") -> ParameterDraft:
    live = _live(session)
    response = post_form(
        client,
        URL,
        {
            "p_collective_workers_min": str(live["collective_workers_min"]),
            "p_amount_threshold": threshold,
            "note": "试一试较低的上报金额",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    row = session.scalar(select(ParameterDraft).order_by(ParameterDraft.id.desc()))
    assert response.headers["Location"].endswith(f"{URL}/drafts/{row.id}")
    return row


def test_a_draft_is_replayed_and_read_in_chinese(login, session):
    client = login("coordinator")
    row = _draft(client, session)
    assert row.values["amount_threshold"] == 200_000
    assert _live(session)["amount_threshold"] != 200_000
    html = client.get(f"{URL}/drafts/{row.id}").get_data(as_text=True)
    assert "尚未发布" in html and "会有哪些不同" in html and "上报的案件" in html
    start, end = whatif.default_period(today())
    result = replay(session, "dispute_escalation", row.values, start, end, today())
    escalated = next(m for m in result.measures if m.label == "Cases escalated")
    row_html = re.search(r"<th scope=\"row\">上报的案件</th>(.*?)</tr>", html).group(1)
    assert re.findall(r'class="num">(?:<strong>)?([+\d-]+)', row_html)[:3] == [
        str(escalated.live),
        str(escalated.draft),
        f"{escalated.difference:+d}" if escalated.difference else "0",
    ]
    # Both whys of a changed decision, side by side, the draft's naming the new threshold.
    assert "按现行参数的理由" in html and "按草稿的理由" in html
    assert len(re.findall(r"<li>\s*<h3>", html)) == min(len(result.changed), 100)


def test_a_bad_period_comes_back_with_its_message(login, session):
    client = login("coordinator")
    row = _draft(client, session)
    response = client.get(f"{URL}/drafts/{row.id}?start_on=2026-06-01&end_on=2026-01-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="end_on-error"' in html and 'value="2026-06-01"' in html
    response = client.get(f"{URL}/drafts/{row.id}?start_on=2020-01-01&end_on=2026-01-01")
    assert response.status_code == 422 and "最多回放两年" in response.get_data(as_text=True)


def test_publishing_makes_it_live_and_the_draft_says_so(login, session):
    client = login("coordinator")
    row = _draft(client, session, "250000")
    response = post_form(
        client, f"{URL}/drafts/{row.id}/publish", {}, page=f"{URL}/drafts/{row.id}"
    )
    assert response.status_code == 302
    assert _live(session)["amount_threshold"] == 250_000
    session.refresh(row)
    html = client.get(URL).get_data(as_text=True)
    assert f"已发布为第 {row.published_version} 版" in html
    # A second publish of the same draft is refused in words, and nothing changes.
    response = post_form(
        client, f"{URL}/drafts/{row.id}/publish", {}, page=f"{URL}/drafts/{row.id}"
    )
    assert "已经发布或作废" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_discarding_leaves_the_live_parameters(login, session):
    client = login("coordinator")
    before = _live(session)
    row = _draft(client, session, "123456")
    response = post_form(
        client, f"{URL}/drafts/{row.id}/discard", {}, page=f"{URL}/drafts/{row.id}"
    )
    assert response.status_code == 302
    session.refresh(row)
    assert row.status == "discarded"
    assert _live(session) == before
    assert "已作废" in client.get(f"{URL}/drafts/{row.id}").get_data(as_text=True)


def test_only_coordinators_see_drafts(login, session):
    row = _draft(login("coordinator"), session)
    assert login("mediator").get(f"{URL}/drafts/{row.id}").status_code == 403
    assert login("coordinator").get(f"/admin/parameters/signup/drafts/{row.id}").status_code == 404


def test_the_draft_page_is_translated_whole(login, session):
    from programs.accounts.models import User
    from tests.webapp.test_translation_completeness import (
        _data_text,
        _data_words,
        _holiday_names,
        _read,
        _untranslated_chinese,
        _untranslated_english,
    )

    client = login("coordinator")
    row = _draft(client, session)
    url = f"{URL}/drafts/{row.id}"
    html = client.get(url).get_data(as_text=True)
    assert "按草稿的理由" in html
    assert _untranslated_chinese(_read(html).texts, _data_words(session)) == []
    user = session.scalar(select(User).where(User.username == "coordinator"))
    user.locale = "en"
    session.flush()
    html = client.get(url).get_data(as_text=True)
    assert "Why, with the draft" in html
    assert _untranslated_english(_read(html).texts, _data_text(session), _holiday_names()) == []
