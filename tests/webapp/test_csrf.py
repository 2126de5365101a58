"""Every form carries a CSRF token, and a post without it changes nothing."""

from html.parser import HTMLParser

from sqlalchemy import select

from programs.accounts.models import User


class _Forms(HTMLParser):
    """Collects, for each POST form, whether it carries a CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append(False)
        elif tag == "input" and self.forms and (attrs.get("name") or "").endswith("csrf_token"):
            self.forms[-1] = bool(attrs.get("value"))


def test_every_form_on_the_main_pages_has_a_token(login):
    client = login("coordinator")
    for url in ["/admin/users/new", "/account", "/inbox", "/coordinator", "/admin/users/8"]:
        parser = _Forms()
        parser.feed(client.get(url).get_data(as_text=True))
        assert parser.forms, url
        assert all(parser.forms), url


def test_post_without_token_is_refused_and_changes_nothing(login, session):
    pending = session.scalar(select(User).where(User.username == "hengtong-hr"))
    client = login("coordinator")
    response = client.post(f"/admin/users/{pending.id}/approve")
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, pending.id).status == "pending"


def test_login_without_token_is_refused(client):
    response = client.post("/login", data={"username": "coordinator", "password": "demo1234"})
    assert response.status_code == 400


def test_session_cookie_is_http_only_and_same_site(login):
    client = login("coordinator")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
