"""Settings read from the environment, shared by the web app, the CLI and the tick.

Every setting has a documented default so that `make run` works with nothing configured:

FENGQIAO_INSTANCE_PATH   folder for the SQLite database, the generated secret key and the mail
                         outbox (default: ./instance)
FENGQIAO_DATABASE_URL    SQLAlchemy URL (default: SQLite in the instance folder); for PostgreSQL
                         use postgresql+psycopg://user@host:5432/dbname
FENGQIAO_SECRET_KEY      session signing key (default: generated once into the instance folder)
FENGQIAO_SMTP_HOST       SMTP server; unset means mail goes to the local outbox instead
FENGQIAO_SMTP_PORT       default 25 (587 with STARTTLS is common)
FENGQIAO_SMTP_USER, FENGQIAO_SMTP_PASSWORD   optional login
FENGQIAO_SMTP_STARTTLS   "1" to upgrade the connection with STARTTLS (default 0)
FENGQIAO_MAIL_FROM       sender address (default fengqiao@localhost)
FENGQIAO_BASE_URL        address used in links inside e-mails (default http://127.0.0.1:5000)
FENGQIAO_DEFAULT_LOCALE  zh_Hans (default) or en
FENGQIAO_PDF_LAYOUTS     PDF layouts at once on the machine, each beside the web worker in a
                         process of its own (default: half the cores); 0 lays out in the worker
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

LOCALES = ("zh_Hans", "en")


@dataclass(frozen=True)
class SmtpSettings:
    """Where outgoing mail goes; `host=None` keeps it in the local outbox."""

    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "fengqiao@localhost"


@dataclass(frozen=True)
class Settings:
    """Process-wide settings; build with `Settings.from_env()` and override with `replace()`."""

    instance_path: Path
    database_url: str
    secret_key: str
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    base_url: str = "http://127.0.0.1:5000"
    default_locale: str = "zh_Hans"
    # PDF layouts at once on the machine, each in a process of its own (None: half the cores;
    # 0: in the web worker itself, as the tests' apps do).
    pdf_layouts: int | None = None

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        """Read the FENGQIAO_* variables documented in this module."""
        env = os.environ if environ is None else environ
        instance = Path(env.get("FENGQIAO_INSTANCE_PATH") or Path.cwd() / "instance").resolve()
        url = env.get("FENGQIAO_DATABASE_URL") or f"sqlite:///{instance / 'fengqiao.sqlite3'}"
        locale = env.get("FENGQIAO_DEFAULT_LOCALE", "zh_Hans")
        if locale not in LOCALES:
            raise ValueError(f"FENGQIAO_DEFAULT_LOCALE must be one of {LOCALES}, not {locale!r}")
        return cls(
            instance_path=instance,
            database_url=url,
            secret_key=env.get("FENGQIAO_SECRET_KEY") or "",
            smtp=SmtpSettings(
                host=env.get("FENGQIAO_SMTP_HOST") or None,
                port=int(env.get("FENGQIAO_SMTP_PORT", "25")),
                user=env.get("FENGQIAO_SMTP_USER") or None,
                password=env.get("FENGQIAO_SMTP_PASSWORD") or None,
                starttls=env.get("FENGQIAO_SMTP_STARTTLS", "0") == "1",
                sender=env.get("FENGQIAO_MAIL_FROM", "fengqiao@localhost"),
            ),
            base_url=env.get("FENGQIAO_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            default_locale=locale,
            pdf_layouts=int(env["FENGQIAO_PDF_LAYOUTS"])
            if env.get("FENGQIAO_PDF_LAYOUTS")
            else None,
        )

    def with_secret_key(self) -> Settings:
        """Return settings whose secret key is set, generating one into the instance folder once.

        The key never lives in the repository; a generated key survives restarts so that
        sessions stay valid.
        """
        if self.secret_key:
            return self
        self.instance_path.mkdir(parents=True, exist_ok=True)
        key_file = self.instance_path / "secret_key"
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return replace(self, secret_key=key_file.read_text().strip())
