"""Faults: a process killed at any moment leaves no half-written plan or file, and a gunicorn
worker that dies is replaced while the others serve on.

The commands are killed with SIGKILL (no clean-up runs) at moments spread over their work; the
invariant must hold whenever the kill lands: all of the work or none of it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from programs.audit import AuditEntry
from programs.directory.models import School, Town
from programs.study_tours.models import PlanDraft, Visit
from tests.live.conftest import BIN, CSRF

# Seconds after which the command is killed; the last one lets it finish even on a busy machine.
KILL_AFTER = (0.3, 0.6, 0.9, 1.2, 1.6, 2.5, 300)


def _run_killed(real_server, arguments: list[str], after: float) -> int | None:
    """Run `fengqiao …` against the server's database; kill it after `after` seconds (if it is
    still running). Its exit code, or None when it was killed."""
    process = subprocess.Popen(
        [str(BIN / "fengqiao"), *arguments],
        env=real_server.environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return process.wait(after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        return None


def _plan_state(real_server) -> tuple[int, int, int | None]:
    """Plans drafted, the planner's draft visits, and how many visits the newest plan's
    application says it created (None when it was not applied)."""
    with real_server.database.transaction() as session:
        drafts = session.scalar(select(func.count()).select_from(PlanDraft))
        visits = session.scalar(
            select(func.count()).where(Visit.source == "planner", Visit.status == "draft")
        )
        newest = session.scalar(select(PlanDraft).order_by(PlanDraft.id.desc()).limit(1))
        applied = None
        if newest is not None and newest.applied_at is not None:
            entry = session.scalar(
                select(AuditEntry).where(
                    AuditEntry.action == "plan.applied", AuditEntry.subject_id == newest.id
                )
            )
            applied = entry.data["created"]
    return drafts, visits, applied


def test_a_plan_applied_is_all_there_or_not_there_whenever_killed(real_server):
    finished = 0
    for after in KILL_AFTER:
        drafts, visits, _applied = _plan_state(real_server)
        _run_killed(real_server, ["plan-study-tours", "--term", "2027-spring", "--apply"], after)
        now_drafts, now_visits, applied = _plan_state(real_server)
        if now_drafts == drafts:
            assert now_visits == visits, f"killed after {after}s: visits without their plan"
        else:  # the plan landed: drafted, applied, and every visit it made is there
            assert now_drafts == drafts + 1 and applied == now_visits > 0, after
            finished += 1
    assert finished >= 1  # the check also saw the whole plan land


def test_a_report_killed_while_written_leaves_no_half_file(real_server, tmp_path):
    target = tmp_path / "2026.pdf"
    complete = 0
    for after in KILL_AFTER:
        code = _run_killed(real_server, ["report", "--period", "2026", "--out", str(target)], after)
        if target.exists():
            data = target.read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
            complete += code == 0
            target.unlink()
    assert complete >= 1
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []


def _workers(master: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}


def test_a_crashed_worker_is_replaced_and_the_others_serve_on(real_server):
    if real_server.kind != "postgresql":
        pytest.skip("the development server has no workers; gunicorn runs on PostgreSQL")
    headers = real_server.bearer("coordinator")
    before = _workers(real_server.process.pid)
    assert len(before) == 3
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    answers = [
        requests.get(f"{real_server.url}/api/v1/me", headers=headers, timeout=30).status_code
        for _ in range(30)
    ]
    assert answers == [200] * 30
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = _workers(real_server.process.pid)
        if len(now) == 3 and victim not in now:
            break
        time.sleep(0.2)
    assert len(now) == 3 and victim not in now


def _post_killed(real_server, browser, url: str, after: float | None, **request) -> object:
    """POST to the server from another thread; unless `after` is None, kill the whole server
    (every worker) `after` seconds later and start it again. The answer's status, or the name
    of the error the client met when the server died under it."""
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(
                browser.post(url, timeout=300, allow_redirects=False, **request).status_code
            )
        except requests.RequestException as error:
            answers.append(type(error).__name__)

    sender = threading.Thread(target=send)
    sender.start()
    if after is not None:
        time.sleep(after)
        real_server.kill()
    sender.join(300)
    if after is not None:
        real_server.start()
    return answers[0] if answers else None


def _planner_page(real_server, browser) -> tuple[str, str]:
    url = f"{real_server.url}/study/planner?term=2027-spring"
    return url, CSRF.search(browser.get(url, timeout=120).text).group(1)


def _drafts_whole(real_server) -> int:
    """Every draft the planner kept is whole: its audit entry is there and counts as many
    placements as the draft holds. The number of drafts."""
    with real_server.database.transaction() as session:
        drafts = session.scalars(select(PlanDraft)).all()
        entries = {
            e.subject_id: e.data
            for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "plan.drafted"))
        }
        for draft in drafts:
            metrics = entries[draft.id]
            placed = metrics["placed_base"] + metrics["placed_touring"]
            assert len(draft.result["placements"]) == placed, draft.id
        assert len(entries) == len(drafts)
        return len(drafts)


def test_the_server_killed_while_a_plan_is_drafted_keeps_all_of_it_or_none(real_server):
    """The planner page's run is killed (the whole server) at moments spread over the work:
    a draft is there whole, with its audit entry, or not at all."""
    outcomes = []
    for after in (0.1, 0.4, 0.8, None):
        before = _drafts_whole(real_server)
        browser = real_server.signed_in("coordinator")
        url, token = _planner_page(real_server, browser)
        answer = _post_killed(
            real_server, browser, url, after, data={"csrf_token": token, "action": "run"}
        )
        now = _drafts_whole(real_server)
        assert now in (before, before + 1), (after, answer)
        outcomes.append((after, now - before, answer))
    assert outcomes[-1][1:] == (1, 302)  # left alone, it drafts


def test_the_server_killed_while_a_plan_is_applied_keeps_all_of_it_or_none(real_server):
    """Through the planner page: a draft is made, then applied while the whole server is
    killed at moments spread over the work, and started again; the plan is applied whole (with
    every visit it made) or not at all, and can then be applied again."""
    outcomes = []
    for after in (0.1, 0.3, 0.6, 1.0, None):
        browser = real_server.signed_in("coordinator")
        url, token = _planner_page(real_server, browser)
        ran = browser.post(
            url, data={"csrf_token": token, "action": "run"}, timeout=300, allow_redirects=False
        )
        assert ran.status_code == 302
        with real_server.database.transaction() as session:
            draft_id = session.scalar(select(PlanDraft.id).order_by(PlanDraft.id.desc()).limit(1))
        data = {"csrf_token": token, "action": "apply", "draft_id": draft_id}
        answer = _post_killed(real_server, browser, url, after, data=data)
        _drafts, visits, applied = _plan_state(real_server)
        with real_server.database.transaction() as session:
            landed = session.get(PlanDraft, draft_id).applied_at is not None
        if landed:
            assert applied == visits > 0, (after, answer)
        outcomes.append((after, landed, answer))
    assert outcomes[-1][1:] == (True, 302)  # left alone, it applies


def test_the_server_killed_during_an_import_keeps_all_of_it_or_none(real_server):
    """(Last in the file: it adds thousands of schools.) The school import page posts a file
    of 1,500 new schools; the whole server (every worker) is killed while it works, at moments
    spread over the import, then started again: each time the schools are all there or none
    is."""
    with real_server.database.transaction() as session:
        town = session.scalar(select(Town.name).order_by(Town.id).limit(1))
    outcomes = []
    for n, after in enumerate((0.05, 0.15, 0.3, 0.6, 1.2, None)):
        prefix = f"断电测试{n}-{uuid.uuid4().hex[:6]}"
        rows = ["学校名称,镇街,类型,年级,班级数,学生数"]
        rows += [f"{prefix}第{i}小学,{town},小学,4,2,80" for i in range(1500)]
        browser = real_server.signed_in("coordinator")
        url = f"{real_server.url}/study/schools/import"
        token = CSRF.search(browser.get(url, timeout=60).text).group(1)
        files = {"file": ("schools.csv", "\n".join(rows).encode(), "text/csv")}
        answer = _post_killed(
            real_server, browser, url, after, data={"csrf_token": token}, files=files
        )
        with real_server.database.transaction() as session:
            found = session.scalar(select(func.count()).where(School.name.like(f"{prefix}%")))
        assert found in (0, 1500), (after, found, answer)
        outcomes.append((after, found, answer))
    assert outcomes[-1][1:] == (1500, 302)  # left alone, it imports all
