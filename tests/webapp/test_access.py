"""Who may see what: every role against the directory pages; records of others are 404."""

import pytest
from sqlalchemy import select

from programs.accounts.models import User
from programs.directory.models import Chamber, Enterprise, School

PAGES = {
    "/directory/enterprises": {"coordinator", "consultant", "mediator", "chamber"},
    "/directory/chambers": {"coordinator", "consultant", "mediator"},
    "/directory/consultants": {"coordinator", "consultant", "mediator"},
    "/directory/schools": {"coordinator", "instructor"},
    "/admin/users": {"coordinator"},
    "/admin/users/new": {"coordinator"},
    "/admin/outbox": {"coordinator"},
    "/checkups/": {"coordinator", "consultant", "enterprise"},
    "/checkups/new": {"coordinator", "enterprise"},
    "/reports/": {"coordinator"},
    "/inbox": {
        "coordinator",
        "consultant",
        "mediator",
        "enterprise",
        "chamber",
        "school",
        "instructor",
    },
    "/account": {
        "coordinator",
        "consultant",
        "mediator",
        "enterprise",
        "chamber",
        "school",
        "instructor",
    },
}
ROLES = ["coordinator", "consultant", "mediator", "enterprise", "chamber", "school", "instructor"]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(login, role):
    client = login(role)
    for url, allowed in PAGES.items():
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, url, status)


def _me(session, username):
    return session.scalar(select(User).where(User.username == username))


def test_a_firm_sees_its_own_record(login, session):
    me = _me(session, "enterprise")
    client = login("enterprise")
    assert client.get(f"/directory/enterprises/{me.enterprise_id}").status_code == 200
    assert client.get(f"/directory/enterprises/{me.enterprise_id}/edit").status_code == 200


def test_a_firm_guessing_another_firms_url_gets_404(login, session):
    me = _me(session, "enterprise")
    other = session.scalar(select(Enterprise.id).where(Enterprise.id != me.enterprise_id))
    client = login("enterprise")
    for url in (f"/directory/enterprises/{other}", f"/directory/enterprises/{other}/edit"):
        response = client.get(url)
        assert response.status_code == 404
        assert "不存在" in response.get_data(as_text=True)
    # Indistinguishable from a firm that does not exist at all.
    assert client.get("/directory/enterprises/99999999").status_code == 404


def test_a_school_sees_only_itself(login, session):
    me = _me(session, "school")
    other = session.scalar(select(School.id).where(School.id != me.school_id))
    client = login("school")
    assert client.get(f"/directory/schools/{me.school_id}").status_code == 200
    assert client.get(f"/directory/schools/{other}").status_code == 404


def test_a_chamber_sees_its_members_but_not_other_firms(login, session):
    me = _me(session, "chamber")
    chamber = session.get(Chamber, me.chamber_id)
    member_ids = {m.id for m in chamber.members}
    outsider = session.scalar(select(Enterprise.id).where(Enterprise.id.not_in(member_ids)))
    client = login("chamber")
    assert client.get(f"/directory/enterprises/{next(iter(member_ids))}").status_code == 200
    assert client.get(f"/directory/enterprises/{outsider}").status_code == 404
    listing = client.get("/directory/enterprises").get_data(as_text=True)
    assert session.get(Enterprise, outsider).name not in listing
    other_chamber = session.scalar(select(Chamber.id).where(Chamber.id != me.chamber_id))
    assert client.get(f"/directory/chambers/{other_chamber}").status_code == 404


def test_a_chamber_cannot_edit_a_member(login, session):
    me = _me(session, "chamber")
    member = session.get(Chamber, me.chamber_id).members[0]
    assert login("chamber").get(f"/directory/enterprises/{member.id}/edit").status_code == 404


def test_staff_see_any_firm_but_only_coordinators_edit(login, session):
    firm = session.scalar(select(Enterprise.id))
    for role in ("consultant", "mediator"):
        client = login(role)
        assert client.get(f"/directory/enterprises/{firm}").status_code == 200
        assert client.get(f"/directory/enterprises/{firm}/edit").status_code == 404
    assert login("coordinator").get(f"/directory/enterprises/{firm}/edit").status_code == 200


def test_a_school_cannot_open_a_firm(login, session):
    firm = session.scalar(select(Enterprise.id))
    assert login("school").get(f"/directory/enterprises/{firm}").status_code == 404


def test_inbox_messages_of_others_cannot_be_opened(login, session):
    from programs.notifications.models import Notification

    coordinator = _me(session, "coordinator")
    note = session.scalar(select(Notification).where(Notification.user_id == coordinator.id))
    client = login("mediator")
    from tests.helpers import post_form

    assert post_form(client, f"/inbox/{note.id}", {}, page="/inbox").status_code == 404
