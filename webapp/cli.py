"""The `fengqiao` command: set up the database, load the demo city, serve, and maintenance.

Commands run without a Flask application context: each opens the database itself and commits
once at the end (or rolls back on error), like a web request does.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from programs import hooks, schema
from programs.config import Settings
from programs.db import Database
from programs.i18n import LOCALES, compile_catalogs
from programs.notifications.services import deliver_after_commit


def _settings() -> Settings:
    return Settings.from_env()


def _database(settings: Settings, *, deliver_mail: bool = True) -> Database:
    """Open the database; mail queued by a command is delivered once the command commits."""
    if settings.database_url.startswith("sqlite"):
        settings.instance_path.mkdir(parents=True, exist_ok=True)
    database = Database.from_url(settings.database_url)
    if deliver_mail:
        deliver_after_commit(database, settings.smtp)
    return database


@click.group()
def main() -> None:
    """Fengqiao: the city's legal-service and minors-protection programs."""
    hooks.install()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or bring it up to date (safe to run again)."""
    database = _database(_settings())
    before = schema.current_revision(database.engine)
    schema.upgrade(database.engine, revision)
    after = schema.current_revision(database.engine)
    click.echo(f"database: {database.engine.url.render_as_string(hide_password=True)}")
    click.echo(
        f"schema: {before or 'empty'} -> {after}"
        if before != after
        else f"schema: {after} (up to date)"
    )


@db.command("current")
def db_current() -> None:
    """Print the schema revision of the database and the newest one available."""
    database = _database(_settings())
    click.echo(
        f"database: {schema.current_revision(database.engine)}  newest: {schema.head_revision()}"
    )


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo city (deterministic; running it again adds nothing)."""
    from programs import demo

    settings = _settings()
    database = _database(settings)
    _require_schema(database)
    with database.transaction(write=True) as session:
        report = demo.load(session)
    added = ", ".join(f"{name} +{n}" for name, n in report.added.items())
    click.echo(f"demo city {demo.CITY}: {added}")


def _require_schema(database: Database) -> None:
    if schema.current_revision(database.engine) != schema.head_revision():
        click.echo(
            "The database schema is not up to date: run `fengqiao db upgrade` first.", err=True
        )
        sys.exit(1)


def _print_logins(database: Database, settings: Settings, host: str, port: int) -> None:
    from programs import demo
    from programs.accounts.models import ROLES, User
    from programs.i18n import translate

    with database.transaction() as session:
        present = set(session.scalars(select(User.username).where(User.status == "active")))
    logins = [login for login in demo.build_city().logins if login.username in present]
    click.echo("")
    click.echo(f"  枫桥 Fengqiao  →  http://{host}:{port}/")
    if logins:
        click.echo(f"  演示账号 Demo logins (密码 password: {demo.DEMO_PASSWORD})")
        for login in logins:
            role = translate(ROLES[login.role], "zh_Hans")
            click.echo(f"    {login.username:<12} {role}")
    click.echo("")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the web pages with the development server (use gunicorn in production)."""
    from webapp import create_app

    settings = _settings()
    database = _database(settings, deliver_mail=False)  # create_app installs delivery
    _require_schema(database)
    app = create_app({"FENGQIAO_SETTINGS": settings, "DATABASE": database})
    _print_logins(database, settings, host, port)
    app.run(host=host, port=port, debug=debug, threaded=True, use_reloader=False)


@main.command()
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: today in Shanghai)")
def tick(today_text: str | None) -> None:
    """Time-driven work: re-check dates when holiday data changed, retry mail. Run from cron."""
    from datetime import date

    from calendars.workdays import today as shanghai_today
    from programs import tick as ticker

    settings = _settings()
    database = _database(settings)
    _require_schema(database)
    today = date.fromisoformat(today_text) if today_text else shanghai_today()
    report = ticker.run(database, settings, today)
    for name, result in report.results.items():
        click.echo(f"{name}: {result}")
    click.echo(f"mail sent: {report.mail_sent}")


@main.command("plan-study-tours")
@click.option("--term", "term_code", required=True, help="e.g. 2027-spring or 2026-autumn")
@click.option("--apply", "apply_", is_flag=True, help="also add the visits as drafts")
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: today in Shanghai)")
def plan_study_tours(term_code: str, apply_: bool, today_text: str | None) -> None:
    """Plan a term of the study base; print what it did and what it could not."""
    from datetime import date

    from calendars.workdays import today as shanghai_today
    from programs.accounts.models import User
    from programs.errors import DomainError
    from programs.i18n import translate
    from programs.study_tours import planner
    from programs.study_tours.terms import Term

    database = _database(_settings())
    _require_schema(database)
    today = date.fromisoformat(today_text) if today_text else shanghai_today()
    try:
        term = Term.parse(term_code)
    except DomainError as error:
        click.echo(translate(error.msgid, "zh_Hans", error.params), err=True)
        sys.exit(2)
    with database.transaction(write=True) as session:
        coordinator = session.scalar(
            select(User)
            .where(User.role == "coordinator", User.status == "active")
            .order_by(User.id)
        )
        if coordinator is None:
            click.echo(
                "No active coordinator account: create one with `fengqiao create-user`.", err=True
            )
            sys.exit(1)
        draft = planner.run(session, coordinator, term, today)
        m = draft.result["metrics"]
        click.echo(
            f"{term.code}: {m['schools_due']} due, {m['placed_base']} at the base, "
            f"{m['placed_touring']} touring, {m['unplaced']} not placed, "
            f"wishes met {m['preferences_met']}/{m['with_preferences']}, "
            f"seats used {m['seat_utilisation_used']:.0%}"
            + ("  [provisional holiday data]" if draft.provisional else "")
        )
        if draft.result["shortfall"]:
            message = draft.result["shortfall"]["message"]
            click.echo(translate(message["msgid"], "zh_Hans", message["params"]))
        if apply_:
            applied = planner.apply(session, coordinator, draft.id, today)
            click.echo(
                f"applied: {applied.created} draft visits, {applied.replaced} replaced, {len(applied.skipped)} skipped"
            )
        else:
            click.echo(f"draft {draft.id} kept; apply it on the planner page or with --apply")


@main.command("report")
@click.option("--period", "period_code", required=True, help="2026-11, 2026-Q4 or 2026")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
@click.option("--town", "town_name", default=None, help="one town's name (default: the city)")
@click.option("--locale", default="zh_Hans", show_default=True, type=click.Choice(LOCALES))
@click.option("--today", "today_text", default=None, help="YYYY-MM-DD (default: today in Shanghai)")
def report(
    period_code: str, out_path: str, town_name: str | None, locale: str, today_text: str | None
) -> None:
    """Write the program report of a month, quarter or year as PDF."""
    from datetime import date
    from pathlib import Path

    from calendars.workdays import today as shanghai_today
    from programs.directory.models import Town
    from programs.errors import DomainError
    from programs.i18n import translate
    from reports.periods import parse_period
    from reports.program_report import program_report, program_report_pdf

    database = _database(_settings())
    _require_schema(database)
    today = date.fromisoformat(today_text) if today_text else shanghai_today()
    try:
        period = parse_period(period_code)
    except DomainError as error:
        click.echo(translate(error.msgid, locale, error.params), err=True)
        sys.exit(2)
    with database.transaction() as session:
        town_id = None
        if town_name:
            town = session.scalar(select(Town).where(Town.name == town_name.strip()))
            if town is None:
                names = "、".join(session.scalars(select(Town.name).order_by(Town.name)))
                click.echo(f"{town_name}: no such town; the towns are {names}", err=True)
                sys.exit(2)
            town_id = town.id
        data = program_report(session, period, town_id, today=today, locale=locale)
        pdf = program_report_pdf(data, locale)
    target = Path(out_path)
    # Written beside the target under a hidden name, then renamed: a reader (or a kill) never
    # meets half a report under the report's name.
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(pdf)
    partial.replace(target)
    click.echo(
        f"{target}: {len(pdf) // 1024} KB, {period.code}, {len(data.problems)} data problems"
    )


@main.command("backup")
@click.option(
    "--out",
    "out_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="the archive to write (default: <instance>/backups/fengqiao-<time>.zip)",
)
@click.option("--locale", default="zh_Hans", show_default=True, type=click.Choice(LOCALES))
def backup_command(out_path: str | None, locale: str) -> None:
    """Back the whole database up to one archive (safe while people work)."""
    from datetime import UTC, datetime
    from pathlib import Path

    from programs import backup
    from programs.errors import DomainError
    from programs.i18n import translate

    settings = _settings()
    database = _database(settings, deliver_mail=False)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = Path(out_path or settings.instance_path / "backups" / f"fengqiao-{stamp}.zip")
    try:
        done = backup.backup(database.engine, target)
    except DomainError as error:
        click.echo(translate(error.msgid, locale, error.params), err=True)
        sys.exit(2)
    click.echo(
        f"{done.path}: {done.rows} rows in {len(done.counts)} tables, schema {done.revision}"
    )


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="replace every record of a database that has some")
@click.option("--locale", default="zh_Hans", show_default=True, type=click.Choice(LOCALES))
def restore_command(archive: str, replace: bool, locale: str) -> None:
    """Restore an archive made by `fengqiao backup`: all of it or, on any problem, nothing."""
    from pathlib import Path

    from programs import backup
    from programs.errors import DomainError
    from programs.i18n import translate

    database = _database(_settings(), deliver_mail=False)
    try:
        done = backup.restore(database.engine, Path(archive), replace=replace)
    except DomainError as error:
        click.echo(translate(error.msgid, locale, error.params), err=True)
        sys.exit(2)
    click.echo(
        f"{done.path}: {done.rows} rows restored in {len(done.counts)} tables "
        f"(backup of {done.created_at}, schema {done.revision}); restart the server."
    )


@main.group()
def translations() -> None:
    """Message catalogs."""


@translations.command("compile")
@click.option("--force", is_flag=True)
def translations_compile(force: bool) -> None:
    """Compile the .po catalogs (done automatically when they change)."""
    for path in compile_catalogs(force=force):
        click.echo(f"compiled {path}")


@main.command("create-user")
@click.option("--username", required=True)
@click.option("--role", default="coordinator", show_default=True)
@click.option("--name", "display_name", default="")
@click.option("--email", default=None)
@click.password_option()
def create_user(
    username: str, role: str, display_name: str, email: str | None, password: str
) -> None:
    """Create an account from the command line (the first coordinator of a new installation)."""
    from programs.accounts import services
    from programs.errors import DomainError
    from programs.i18n import translate

    database = _database(_settings())
    _require_schema(database)
    try:
        with database.transaction(write=True) as session:
            services.create_user(
                session,
                actor=None,
                username=username,
                password=password,
                display_name=display_name or username,
                role=role,
                email=email,
            )
    except DomainError as error:
        click.echo(translate(error.msgid, "zh_Hans", error.params), err=True)
        sys.exit(1)
    click.echo(f"created {username} ({role})")


if __name__ == "__main__":
    main()
