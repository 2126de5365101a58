"""The shape of the code: imports point one way, and the engine stays behind rules/."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["rules", "calendars", "programs", "reports", "webapp"]


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {
                    (str(path.relative_to(ROOT)), alias.name.split(".")[0]) for alias in node.names
                }
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(ROOT)), node.module.split(".")[0]))
    return found


def test_import_linter_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_rules_and_calendars_import_nothing_of_ours():
    for package in ("rules", "calendars"):
        ours = {(f, m) for f, m in _imports(package) if m in PACKAGES and m != package}
        assert not ours, ours


def test_only_rules_imports_durable_rules():
    for package in PACKAGES:
        if package == "rules":
            continue
        assert not {(f, m) for f, m in _imports(package) if m == "durable"}, package


def test_only_webapp_imports_flask():
    for package in ("rules", "calendars", "programs", "reports"):
        flaskish = {(f, m) for f, m in _imports(package) if m.startswith("flask")}
        assert not flaskish, flaskish
