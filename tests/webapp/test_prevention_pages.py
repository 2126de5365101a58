"""The seasonal list's page: the peaks with their evidence and the method in words, for
coordinators only; the import of hotline records, refused whole with its problems by line."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from programs.prevention import seasonal, services
from programs.prevention.models import HotlineRecord
from tests.helpers import csrf_token


def test_a_coordinator_reads_the_seasons_and_how_they_were_found(login, session):
    from calendars import today

    html = login("coordinator").get("/prevention/seasons").get_data(as_text=True)
    assert "时令清单" in html and "如何认定时令高发" in html
    # The method's numbers are the ones the analysis uses.
    assert f"{seasonal.RATIO} 倍" in html and f"至少需要 {seasonal.MIN_YEARS} 个完整年度" in html
    found = services.seasons(session, today())
    assert found.analysis.patterns
    for pattern in found.analysis.patterns:
        assert pattern.town in html
    first = found.analysis.patterns[0]
    block = html[html.index('<details class="pattern">') :]
    block = block[: block.index("</details>")]
    shown = [
        [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)</td>', row)]
        for row in re.findall(r'<tr><th scope="row">\d+</th>(.*?)</tr>', block)
    ]
    assert shown == [
        counts for _year, counts in services.evidence_rows(found, first.town, first.category)
    ]


def test_only_coordinators_open_it(login):
    assert login("mediator").get("/prevention/seasons").status_code == 403


def test_a_bad_file_comes_back_with_its_lines_and_imports_nothing(login, session):
    client = login("coordinator")
    before = session.scalar(select(func.count()).select_from(HotlineRecord))
    bad = (
        "日期,镇街,类别,内容\n2026-01-05,城关街道,欠薪,拖欠工资\n2026-01-05,火星镇,欠薪,拖欠工资\n"
    )
    token = csrf_token(client, "/prevention/seasons")
    response = client.post(
        "/prevention/seasons",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "h.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "火星镇" in html and "不是本市的镇街" in html and 'role="alert"' in html
    assert session.scalar(select(func.count()).select_from(HotlineRecord)) == before
    good = bad.replace("火星镇", "城关街道").replace("拖欠工资\n", "拖欠工资二\n", 1)
    response = client.post(
        "/prevention/seasons",
        data={"csrf_token": token, "file": (io.BytesIO(good.encode()), "h.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(HotlineRecord)) == before + 2


def test_a_coordinator_approves_preventive_work_from_the_page(login, session):
    """Opening the page proposes work for the coming peaks; approving one files its Friday
    request through the Friday rules, and the page then links to it."""
    from programs.friday.models import FridayRequest
    from programs.prevention.models import SeasonalAction

    client = login("coordinator")
    html = client.get("/prevention/seasons").get_data(as_text=True)
    assert "未来高峰前的预防工作" in html
    action = session.scalar(
        select(SeasonalAction)
        .where(SeasonalAction.kind == "friday_session", SeasonalAction.status == "proposed")
        .order_by(SeasonalAction.peak_starts_on, SeasonalAction.id)
        .limit(1)
    )
    assert action is not None and f"/prevention/actions/{action.id}" in html
    token = csrf_token(client, "/prevention/seasons")
    response = client.post(
        f"/prevention/actions/{action.id}", data={"csrf_token": token, "action": "approve"}
    )
    assert response.status_code == 302
    session.refresh(action)
    assert action.status == "approved"
    request = session.get(FridayRequest, action.outcome["friday_request"])
    assert request.town_id == action.town_id and request.kind == "village"
    page = client.get("/prevention/seasons").get_data(as_text=True)
    assert f"/friday/requests/{request.id}" in page
    again = client.post(
        f"/prevention/actions/{action.id}", data={"csrf_token": token, "action": "approve"}
    )
    assert again.status_code == 302  # refused in words, nothing filed twice
    assert (
        session.scalar(
            select(func.count()).where(
                FridayRequest.id > request.id, FridayRequest.town_id == request.town_id
            )
        )
        == 0
    )


def test_the_analysis_is_made_again_only_when_its_records_change(login, monkeypatch):
    made = []
    real = services.seasons
    monkeypatch.setattr(services, "seasons", lambda s, today: made.append(1) or real(s, today))
    client = login("coordinator")
    first = client.get("/prevention/seasons").get_data(as_text=True)
    assert client.get("/prevention/seasons").status_code == 200 and len(made) == 1  # kept
    town = re.search(r"<td>([^<]*(?:镇|街道))</td>", first).group(1)
    token = csrf_token(client, "/prevention/seasons")
    data = f"日期,镇街,类别,内容\n2026-01-09,{town},欠薪,新来电一\n".encode()
    response = client.post(
        "/prevention/seasons",
        data={"csrf_token": token, "file": (io.BytesIO(data), "h.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    client.get("/prevention/seasons")
    assert len(made) == 2  # a record was added: made again
