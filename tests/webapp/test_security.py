"""The doors: security headers on every answer, cookie flags, HSTS behind HTTPS."""

from __future__ import annotations

from dataclasses import replace

from programs import demo
from tests.helpers import csrf_token
from webapp import create_app
from webapp.security import HEADERS


def test_every_kind_of_answer_carries_the_headers(client):
    answers = {
        "login page": client.get("/login"),
        "redirect": client.get("/"),
        "stylesheet": client.get("/static/style.css"),
        "script": client.get("/static/app.js"),
        "no such page": client.get("/nowhere"),
        "api error": client.get("/api/v1/me"),
        "api document": client.get("/api/v1/openapi.json"),
    }
    for what, response in answers.items():
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (what, name)
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP here
        response.close()
    assert "script-src 'self'" in HEADERS["Content-Security-Policy"]
    assert "unsafe-inline" not in HEADERS["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_same_site_and_secure_behind_https(make_app, settings, db):
    def cookie_after_login(app) -> str:
        client = app.test_client()
        response = client.post(
            "/login",
            data={
                "csrf_token": csrf_token(client, "/login"),
                "username": "coordinator",
                "password": demo.DEMO_PASSWORD,
            },
        )
        assert response.status_code == 302
        return next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))

    plain = cookie_after_login(make_app())
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    https = create_app(
        {
            "TESTING": True,
            "FENGQIAO_SETTINGS": replace(settings, base_url="https://fq.example.cn"),
            "DATABASE": db,
        }
    )
    secure = cookie_after_login(https)
    assert "Secure" in secure and "HttpOnly" in secure
    assert (
        https.test_client()
        .get("/login")
        .headers["Strict-Transport-Security"]
        .startswith("max-age=")
    )
