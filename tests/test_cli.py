"""The `fengqiao` command on a fresh SQLite database: upgrade, demo data, tick, create-user."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

FENGQIAO = str(Path(sys.executable).with_name("fengqiao"))


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "FENGQIAO_INSTANCE_PATH": str(tmp_path / "instance"),
        "FENGQIAO_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }


def run(env, *args, input=None):
    return subprocess.run(
        [FENGQIAO, *args],
        env=env,
        capture_output=True,
        text=True,
        input=input,
        check=False,
        timeout=120,
    )


@pytest.mark.slow
def test_fresh_database_upgrade_demo_and_tick_are_repeatable(env):
    assert "empty ->" in run(env, "db", "upgrade").stdout
    assert "up to date" in run(env, "db", "upgrade").stdout
    first = run(env, "demo-data")
    assert first.returncode == 0, first.stderr
    assert "enterprises +505" in first.stdout
    second = run(env, "demo-data")
    assert "enterprises +0" in second.stdout and "users +0" in second.stdout
    tick = run(env, "tick", "--today", "2026-11-28")
    assert tick.returncode == 0, tick.stderr
    assert "holiday_data" in tick.stdout and "'provisional': [2027]" in tick.stdout
    assert "checkups: {'reminded_findings'" in tick.stdout
    again = run(env, "tick", "--today", "2026-11-28")
    assert "'changed': []" in again.stdout
    assert "checkups: {'reminded_findings': 0" in again.stdout  # reminded once a day at most
    out = Path(env["FENGQIAO_INSTANCE_PATH"]).parent / "report.pdf"
    written = run(env, "report", "--period", "2026-Q3", "--out", str(out), "--today", "2026-11-28")
    assert written.returncode == 0, written.stderr
    assert out.read_bytes().startswith(b"%PDF") and "2026-Q3" in written.stdout
    assert run(env, "report", "--period", "2026-13", "--out", str(out)).returncode == 2
    assert (
        run(env, "report", "--period", "2026", "--town", "无此镇", "--out", str(out)).returncode
        == 2
    )
    planned = run(
        env, "plan-study-tours", "--term", "2027-spring", "--today", "2026-11-28", "--apply"
    )
    assert planned.returncode == 0, planned.stderr
    assert "0 not placed" in planned.stdout and "applied:" in planned.stdout
    assert run(env, "plan-study-tours", "--term", "spring-2027").returncode == 2


def test_commands_refuse_an_unmigrated_database(env):
    result = run(env, "demo-data")
    assert result.returncode == 1
    assert "fengqiao db upgrade" in result.stderr


@pytest.mark.slow
def test_create_user_explains_a_bad_password_in_chinese(env):
    run(env, "db", "upgrade")
    result = run(env, "create-user", "--username", "admin", "--password", "short")
    assert result.returncode == 1
    assert "密码至少需要" in result.stderr
    ok = run(env, "create-user", "--username", "admin", "--password", "long-enough-1")
    assert ok.returncode == 0, ok.stderr
