"""The yardsticks of the load bench: bare Flask routes, served by gunicorn exactly as Fengqiao is
(`gunicorn … 'bench.bare_app:create_app()'`), so that the ratio of the two says what Fengqiao
itself costs on this machine, whatever the machine.

- `GET /` answers a short text and touches nothing else;
- `POST /write` writes one row in a transaction of its own to the database of
  FENGQIAO_DATABASE_URL (the table `bench_writes`, made by the bench): the floor of any route
  that books something, whatever else it does.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

WRITES_TABLE = "CREATE TABLE IF NOT EXISTS bench_writes (id serial PRIMARY KEY, at timestamptz)"


def create_app() -> Flask:
    """The two routes; the engine is made on the first write, in each worker."""
    app = Flask(__name__)
    engines = []

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.post("/write")
    def write() -> tuple[str, int, dict[str, str]]:
        if not engines:
            url = os.environ["FENGQIAO_DATABASE_URL"]
            engines.append(create_engine(url, pool_size=4, pool_pre_ping=False))
        with engines[0].begin() as connection:
            connection.execute(text("INSERT INTO bench_writes (at) VALUES (now())"))
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
