"""A mixed workload of the city's requests, played against a running server over HTTP.

Used by the load bench (`bench/load_bench.py`, long, 50 clients, on gunicorn and PostgreSQL) and
by its short form in the test suite (`tests/live/test_load.py`, a few seconds, a handful of
clients, asserting outcomes only). The kinds of request:

- booking: a Friday request for a firm, through the API (`POST /api/v1/friday/requests`, a
  coordinator's token; a firm drawn at random, so the rules pair it with a consultant or keep
  its pairing): the busiest booking route, as every firm of a city may ask every week;
- case update: a dispute case moved from intake to mediation through the API (each case
  opened for the purpose beforehand, so each move really writes);
- dashboards: the page each role lands on after signing in, and the coordinators' figures
  (`/reports/`), with the session cookie the login form gave;
- feed: a personal calendar feed (`/feeds/<token>.ics`), as calendar clients poll them;
- PDF: a firm's check-up report (`/checkups/<id>/report.pdf`) downloaded by a coordinator.

Each client is a thread with one keep-alive connection (`http.client`: light, so that the
clients take as little of the machine as they can from the server they measure) and a fixed
list of requests drawn from the weights with its own seed: bounded and repeatable.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from sqlalchemy import select

from calendars import today as shanghai_today
from programs.accounts import tokens
from programs.accounts.models import User
from programs.calendar import feeds
from programs.checkups.models import Checkup
from programs.db import Database
from programs.demo import DEMO_PASSWORD
from programs.directory.categories import PROBLEM_CATEGORIES
from programs.directory.models import Enterprise
from programs.disputes import services as dispute_services

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ROLES = ("coordinator", "consultant", "mediator", "enterprise", "chamber", "school", "instructor")
FEED_USERS = ("coordinator", "consultant", "mediator", "enterprise", "school", "instructor")
BOOKING = "booking: Friday request (API)"
CASE_UPDATE = "case update: dispute move (API)"
FEED = "feed: personal .ics"
PDF = "PDF: check-up report"
FIGURES = "dashboard /reports/"


def dashboard(role: str) -> str:
    """The name of a role's landing page among the kinds."""
    return f"dashboard /{role}"


# The mix of a working day, in per cent of the requests: people mostly look (their pages, the
# figures; calendar apps poll the feeds), and book, move cases and download reports less.
WEIGHTS: dict[str, float] = {
    BOOKING: 20,
    CASE_UPDATE: 10,
    **{dashboard(role): 5 for role in ROLES},
    FIGURES: 7,
    FEED: 25,
    PDF: 3,
}


@dataclass(frozen=True)
class Call:
    """One request: what to send and which status means it was served."""

    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expect: int


@dataclass
class Workload:
    """What the requests need from the database: tokens, cookies, firms, cases to move, feeds
    and check-ups; `prepare` makes it (committed) before the clients start."""

    url: str
    coordinator: dict[str, str]
    mediator: dict[str, str]
    cookies: dict[str, str]
    firms: list[int]
    case_ids: list[int]  # at intake, moved to mediation one by one
    feeds: list[str]
    checkups: list[int]
    period: str
    counter: Iterator[int] = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.cases = iter(self.case_ids)

    def call(self, kind: str, rng: random.Random) -> Call:
        """The next request of `kind`, with fresh inputs where it writes."""
        if kind == BOOKING:
            with self.lock:
                n = next(self.counter)
            body = {
                "kind": "enterprise",
                "enterprise_id": rng.choice(self.firms),
                "topics": rng.sample(sorted(PROBLEM_CATEGORIES), 2),
                "description": f"负载测试 {n}",
            }
            return _json(kind, "/api/v1/friday/requests", self.coordinator, body, 201)
        if kind == CASE_UPDATE:
            with self.lock:
                case_id = next(self.cases)
            body = {"to_stage": "mediation", "reason": "双方同意调解", "from_stage": "intake"}
            path = f"/api/v1/disputes/cases/{case_id}/move"
            return _json(kind, path, self.mediator, body, 200)
        if kind == FEED:
            return Call(kind, "GET", f"/feeds/{rng.choice(self.feeds)}.ics", {}, None, 200)
        if kind == PDF:
            path = f"/checkups/{rng.choice(self.checkups)}/report.pdf"
            return Call(kind, "GET", path, {"Cookie": self.cookies["coordinator"]}, None, 200)
        if kind == FIGURES:
            path = f"/reports/?period={self.period}"
            return Call(kind, "GET", path, {"Cookie": self.cookies["coordinator"]}, None, 200)
        role = kind.removeprefix("dashboard /")
        return Call(kind, "GET", f"/{role}", {"Cookie": self.cookies[role]}, None, 200)


def _json(kind: str, path: str, auth: dict[str, str], body: object, expect: int) -> Call:
    headers = {**auth, "Content-Type": "application/json"}
    return Call(kind, "POST", path, headers, json.dumps(body).encode(), expect)


def prepare(database: Database, url: str, cases: int) -> Workload:
    """Tokens, feed addresses and `cases` dispute cases at intake, committed; then a signed-in
    session of each role through the login form of the server at `url`."""
    today = shanghai_today()
    with database.transaction() as session:
        users = {
            u.username: u for u in session.scalars(select(User).where(User.username.in_(ROLES)))
        }
        label = f"load {time.monotonic_ns()}"
        coordinator = tokens.create(session, users["coordinator"], label)[1]
        mediator = tokens.create(session, users["mediator"], label)[1]
        feed_tokens = [feeds.regenerate(session, users[name]).token for name in FEED_USERS]
        firms = list(session.scalars(select(Enterprise.id).where(Enterprise.status == "active")))
        firm = users["enterprise"].enterprise_id
        opened = [
            dispute_services.open_case(
                session,
                users["mediator"],
                dispute_services.CaseInput(
                    case_type="labour", enterprise_id=firm, subject="wage_arrears", workers=2
                ),
                today=today,
                announce=False,
            )
            for _ in range(cases)
        ]
        session.flush()
        case_ids = [case.id for case in opened]
        graded = list(
            session.scalars(
                select(Checkup.id)
                .where(Checkup.grade.is_not(None), Checkup.id < 10_000_000)
                .order_by(Checkup.id)
            )
        )
    return Workload(
        url=url,
        coordinator={"Authorization": f"Bearer {coordinator}"},
        mediator={"Authorization": f"Bearer {mediator}"},
        cookies={role: sign_in(url, role) for role in ROLES},
        firms=firms,
        case_ids=case_ids,
        feeds=feed_tokens,
        checkups=graded,
        period=f"{today:%Y-%m}",
    )


def signed_in(url: str, username: str) -> requests.Session:
    """A browser-like session signed in through the login form (demo password)."""
    browser = requests.Session()
    page = browser.get(f"{url}/login", timeout=60).text
    answer = browser.post(
        f"{url}/login",
        data={
            "csrf_token": CSRF.search(page).group(1),
            "username": username,
            "password": DEMO_PASSWORD,
        },
        timeout=60,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: {answer.status_code}")
    return browser


def sign_in(url: str, username: str) -> str:
    """The Cookie header of a session signed in through the login form, as a browser would."""
    browser = signed_in(url, username)
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


@dataclass
class Result:
    """The answers to one kind of request."""

    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    server_errors: int = 0  # 5xx, counted among the errors too
    samples: list[str] = field(default_factory=list)  # the first few errors, to print

    @property
    def requests(self) -> int:
        return len(self.times_ms)


@dataclass
class Run:
    """A played workload: results by kind and how long it took."""

    results: dict[str, Result]
    seconds: float

    def throughput(self, kind: str) -> float:
        return self.results[kind].requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.results.values())

    @property
    def server_errors(self) -> int:
        return sum(r.server_errors for r in self.results.values())


def plan(weights: dict[str, float], clients: int, each: int, seed: int) -> list[list[str]]:
    """Each client's list of kinds, drawn from the weights (the same for the same seed)."""
    kinds, shares = list(weights), list(weights.values())
    return [random.Random(seed + i).choices(kinds, shares, k=each) for i in range(clients)]


SERVER_KEEP_ALIVE = 2.0  # seconds gunicorn keeps an idle connection open (its default)


def play(
    url: str,
    lists: list[list[str]],
    make: Callable[[str, random.Random], Call],
    think: tuple[float, float] | None = None,
) -> Run:
    """Send each list of requests from its own client thread, all starting together; wait for
    every answer. `think`: each client waits a random time between these seconds before each
    request (a person reading the page), so that a client is a person at work, not a loop."""
    parts = urlsplit(url)
    results: dict[str, Result] = {kind: Result() for kind in {k for ks in lists for k in ks}}
    lock = threading.Lock()
    start = threading.Barrier(len(lists) + 1)

    def client(number: int, kinds: list[str]) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        start.wait()
        for kind in kinds:
            if think is not None:
                pause = rng.uniform(*think)
                time.sleep(pause)
                if pause >= SERVER_KEEP_ALIVE:  # the server has closed it: a new one, as a
                    connection.close()  # browser opens (http.client reconnects on its own)
            call = make(kind, rng)
            began = time.perf_counter()
            status, problem = _send(connection, call)
            elapsed = 1000 * (time.perf_counter() - began)
            with lock:
                result = results[kind]
                result.times_ms.append(elapsed)
                if status != call.expect:
                    result.errors += 1
                    result.server_errors += status >= 500
                    if len(result.samples) < 3:
                        result.samples.append(f"{call.method} {call.path}: {status} {problem}")
        connection.close()

    threads = [
        threading.Thread(target=client, args=(n, kinds), daemon=True)
        for n, kinds in enumerate(lists)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Run(results, time.perf_counter() - began)


def _send(connection: http.client.HTTPConnection, call: Call) -> tuple[int, str]:
    """The status (0 when no answer came) and, for an unexpected one, the start of the body."""
    try:
        connection.request(call.method, call.path, body=call.body, headers=call.headers)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        connection.close()  # the next request opens a new connection
        return 0, f"{type(exc).__name__}: {exc}"
    if response.status != call.expect:
        return response.status, body[:200].decode("utf-8", "replace")
    return response.status, ""


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)] if ordered else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(run: Run, order: list[str]) -> list[str]:
    """The lines of a table: kind, requests, errors, throughput, p50, p95."""
    lines = [f"{'kind':<34} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"]
    for kind in order:
        result = run.results.get(kind)
        if result is None:
            continue
        lines.append(
            f"{kind:<34} {result.requests:>8} {result.errors:>6} "
            f"{run.throughput(kind):>8.1f} {median(result.times_ms):>8.0f} "
            f"{percentile(result.times_ms, 0.95):>8.0f}"
        )
    return lines
