"""Logging in and out, the role home pages, the account page."""

import pytest

from programs.accounts.models import ROLES
from tests.helpers import csrf_token, post_form


def test_login_page_is_in_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html


def test_english_can_be_chosen(client):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in to Fengqiao" in html
    assert "Log in to Fengqiao" in client.get("/login").get_data(as_text=True)  # remembered


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_login_lands_on_its_home_page(login, role):
    client = login(role)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{role}"
    page = client.get(f"/{role}")
    assert page.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_home_pages_are_closed(login, role):
    client = login(role)
    for other in ROLES:
        if other != role:
            assert client.get(f"/{other}").status_code == 403


def test_wrong_password_keeps_the_username_and_explains(client):
    response = post_form(client, "/login", {"username": "coordinator", "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名或密码不正确" in html
    assert 'value="coordinator"' in html


def test_pending_account_is_told_to_wait(client):
    response = post_form(client, "/login", {"username": "hengtong-hr", "password": "demo1234"})
    assert response.status_code == 422
    assert "等待协调员审核" in response.get_data(as_text=True)


def test_pages_need_a_login(client):
    response = client.get("/coordinator")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_next_parameter_cannot_leave_the_site(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "coordinator", "password": "demo1234", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_logout_needs_a_post_with_a_token(login):
    client = login("coordinator")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    response = post_form(client, "/logout", {}, page="/coordinator")
    assert response.status_code == 302
    assert client.get("/coordinator").status_code == 302


def test_changing_the_password_ends_other_sessions(login):
    first = login("mediator")
    second = login("mediator")
    response = post_form(
        first,
        "/account",
        {
            "action": "password",
            "pw-current_password": "demo1234",
            "pw-new_password": "new-pass-42",
            "pw-confirm": "new-pass-42",
        },
    )
    assert response.status_code == 302
    assert first.get("/mediator").status_code == 200
    assert second.get("/mediator").status_code == 302  # logged out
    login("mediator", "new-pass-42")


def test_language_preference_is_saved(login):
    client = login("consultant")
    post_form(client, "/account", {"action": "language", "lang-locale": "en"})
    assert "My account" in client.get("/account").get_data(as_text=True)
