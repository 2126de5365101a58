"""The yardstick of the load bench: a bare Flask route, served by gunicorn exactly as Fengqiao is
(`gunicorn … 'bench.bare_app:create_app()'`), so that the ratio of the two says what Fengqiao
itself costs on this machine, whatever the machine."""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    """A Flask app with one route that answers a short text and touches nothing else."""
    app = Flask(__name__)

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
