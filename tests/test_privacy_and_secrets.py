"""Personal data kept to what the programs need, and no secret in the repository.

Every column that can hold a person's details is listed here with whose details they are; a
new one fails until someone says whose (so a child's name cannot slip into the schema). The
study base keeps only counts of children. The repository holds no key, password or token."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import Integer, select

import programs.models  # noqa: F401  (every table)
from programs.accounts.models import User
from programs.db import Base

ROOT = Path(__file__).resolve().parents[1]
PERSONAL = re.compile(
    r"name|birth|id_number|identity|phone|address|gender|sex|photo|email|(^|_)age$"
)

# Whose details each such column holds. None of them is a child's.
WHOSE = {
    "activities.name": "an activity's title",
    "api_tokens.name": "a token's label",
    "case_parties.name": "a party to a dispute case (a worker, a firm, an authority)",
    "chambers.name": "an organisation",
    "chambers.address": "an organisation",
    "checkup_fix_documents.filename": "a file's name",
    "closure_imports.filename": "a file's name",
    "consultants.name": "a legal consultant (staff)",
    "consultants.phone": "a legal consultant (staff)",
    "dispute_cases.counterparty_name": "the other side of a dispute (a firm or a person)",
    "enterprises.name": "an organisation",
    "enterprises.address": "an organisation",
    "enterprises.contact_name": "a firm's contact person (an adult)",
    "enterprises.contact_phone": "a firm's contact person (an adult)",
    "instructors.name": "a study-base instructor (staff)",
    "instructors.phone": "a study-base instructor (staff)",
    "login_attempts.address": "the network address a login came from",
    "login_attempts.username": "the name typed at the login form",
    "outbound_mail.to_address": "a user's e-mail",
    "safety_plans.emergency_phone": "the school's teacher in charge (an adult)",
    "school_plans.contact_name": "the school's contact teacher (an adult)",
    "school_plans.contact_phone": "the school's contact teacher (an adult)",
    "schools.name": "an organisation",
    "schools.address": "an organisation",
    "studios.name": "a place",
    "studios.address": "a place",
    "study_bases.name": "a place",
    "study_bases.address": "a place",
    "table_stamps.name": "a table's name",
    "towns.name": "a place",
    "users.display_name": "an account holder (an adult)",
    "users.username": "an account holder (an adult)",
    "users.email": "an account holder (an adult)",
    "users.phone": "an account holder (an adult)",
}
STUDY_TABLES = {
    "schools",
    "school_grades",
    "school_plans",
    "visits",
    "visit_activities",
    "visit_change_requests",
    "waitlist_entries",
    "safety_plans",
    "study_sessions",
}


def test_every_column_of_personal_details_says_whose_they_are():
    found = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if PERSONAL.search(column.name)
    }
    assert found - WHOSE.keys() == set(), "say whose details these columns hold"
    assert WHOSE.keys() - found == set(), "no longer in the schema: remove them here"


def test_the_study_base_keeps_counts_of_children_not_children():
    tables = [t for t in Base.metadata.tables.values() if t.name in STUDY_TABLES]
    assert len(tables) == len(STUDY_TABLES)
    for table in tables:
        for column in table.columns:
            if "student" in column.name or "pupil" in column.name or "child" in column.name:
                assert isinstance(column.type, Integer), f"{table.name}.{column.name}"


def test_passwords_are_kept_as_scrypt_hashes(session):
    hashes = session.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("scrypt:") for h in hashes)


SECRET_PATTERNS = {
    "a private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "an API token of ours": re.compile(r"\bfq_[A-Za-z0-9_-]{30,}"),
    "a cloud key": re.compile(r"\b(AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})\b"),
    "a set secret key": re.compile(r"SECRET_KEY\s*=\s*['\"][^'\"]{8,}['\"]"),
    "a password in a database address": re.compile(r"postgresql(\+\w+)?://[^:/\s]+:[^@/\s]+@"),
}


def test_no_secret_is_in_the_repository():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 100
    found = []
    for name in files:
        path = ROOT / name
        if name == "tests/test_privacy_and_secrets.py" or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (fonts, images)
        found += [(name, what) for what, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
    assert found == []
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "instance" in ignored  # where the generated secret key and the database live
