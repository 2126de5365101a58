"""Operations on accounts: create, sign up, approve, reject, reset passwords, log in."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

import rules
from programs import audit
from programs.accounts import throttle
from programs.accounts.models import ORGANISATION_OF_ROLE, ROLES, User
from programs.db import utcnow
from programs.decisions import services as decisions
from programs.directory import credit_code
from programs.directory.models import (
    INDUSTRIES,
    SCHOOL_LEVELS,
    Enterprise,
    School,
    Town,
)
from programs.errors import DomainError, NotFound
from programs.i18n import N_
from programs.notifications.services import notify

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
MIN_PASSWORD = 8


def _check_username(session: Session, username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise DomainError(
            N_(
                "Use 3 to 60 lower-case letters, digits, dots, hyphens or underscores, "
                "starting with a letter or digit."
            ),
            field="username",
        )
    if session.scalar(select(User.id).where(User.username == username)):
        raise DomainError(
            N_("The username {username} is taken; please choose another."),
            {"username": username},
            field="username",
        )
    return username


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise DomainError(
            N_("The password needs at least {n} characters."), {"n": MIN_PASSWORD}, field="password"
        )
    if password.isdigit() or password.isalpha():
        raise DomainError(
            N_("Mix letters with digits or symbols in the password."), field="password"
        )
    return password


def hash_password(password: str) -> str:
    """A salted scrypt hash."""
    return generate_password_hash(password, method="scrypt")


def create_user(
    session: Session,
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str,
    role: str,
    email: str | None = None,
    phone: str = "",
    locale: str = "zh_Hans",
    organisation_id: int | None = None,
    status: str = "active",
) -> User:
    """Create an account (a coordinator's action, or the demo city); bind it to its organisation."""
    if role not in ROLES:
        raise DomainError(N_("Unknown role {role}."), {"role": role}, field="role")
    column = ORGANISATION_OF_ROLE.get(role)
    if column and organisation_id is None:
        raise DomainError(
            N_("Choose the organisation this account belongs to."), field="organisation_id"
        )
    user = User(
        username=_check_username(session, username),
        password_hash=hash_password(_check_password(password)),
        display_name=display_name.strip() or username,
        role=role,
        email=(email or "").strip() or None,
        phone=phone.strip(),
        locale=locale,
        status=status,
    )
    if column:
        setattr(user, column, organisation_id)
    if status == "active":
        user.approved_at = utcnow()
        user.approved_by_id = actor.id if actor else None
    session.add(user)
    session.flush()
    audit.record(session, "user.created", user, actor_id=actor.id if actor else None, role=role)
    return user


@dataclass(frozen=True)
class EnterpriseSignup:
    """What a firm types on the sign-up page."""

    credit_code: str
    name: str
    town_id: int
    industry: str
    employee_count: int
    contact_name: str
    username: str
    password: str
    email: str | None
    phone: str
    locale: str = "zh_Hans"


@dataclass(frozen=True)
class SchoolSignup:
    """What a school types on the sign-up page."""

    name: str
    town_id: int
    level: str
    contact_name: str
    username: str
    password: str
    email: str | None
    phone: str
    locale: str = "zh_Hans"


def _town(session: Session, town_id: int) -> Town:
    town = session.get(Town, town_id)
    if town is None:
        raise DomainError(N_("Choose a town from the list."), field="town_id")
    return town


def _notify_coordinators(session: Session, user: User, base_url: str) -> None:
    coordinators = session.scalars(
        select(User).where(User.role == "coordinator", User.status == "active")
    ).all()
    for coordinator in coordinators:
        notify(
            session,
            coordinator,
            N_("New sign-up awaiting approval: {name}"),
            N_("{name} signed up as {role}. Please review the account before it can be used."),
            {"name": user.display_name, "role": {"msgid": ROLES[user.role]}},
            link=f"/admin/users/{user.id}",
            base_url=base_url,
        )


def _signup_decision(
    session: Session, role: str, given_name: str, organisation: Enterprise | School | None
) -> rules.Decision:
    """Ask the signup rules; a refusal stops the sign-up with the rule's reason."""
    column = ORGANISATION_OF_ROLE[role]
    accounts = 0
    if organisation is not None:
        accounts = (
            session.scalar(
                select(func.count())
                .select_from(User)
                .where(
                    getattr(User, column) == organisation.id, User.status.in_(("active", "pending"))
                )
            )
            or 0
        )
    decision = rules.decide(
        "signup",
        {
            "kind": "signup",
            "role": role,
            "organisation": given_name[:120],
            "accounts": accounts,
            "organisation_known": organisation is not None,
            "name_matches": organisation is None or organisation.name == given_name,
            "registered_name": organisation.name if organisation is not None else None,
        },
        parameters=decisions.live_parameters(session, "signup"),
    )
    if decision.is_refused:
        reason = decision.refusals[0].reason
        raise DomainError(reason.msgid, dict(reason.params))
    return decision


def signup_enterprise(session: Session, form: EnterpriseSignup, *, base_url: str = "") -> User:
    """A firm asks for an account by its unified social credit code.

    A firm already in the directory is bound to its record; a new one is added, pending. Either
    way the account waits for a coordinator's approval before it sees anything.
    """
    try:
        code = credit_code.validate(form.credit_code)
    except credit_code.CreditCodeError as exc:
        raise DomainError(exc.reason, field="credit_code") from None
    if form.industry not in INDUSTRIES:
        raise DomainError(N_("Choose an industry from the list."), field="industry")
    if form.employee_count < 0:
        raise DomainError(N_("The number cannot be negative."), field="employee_count")
    town = _town(session, form.town_id)
    username = _check_username(session, form.username)
    _check_password(form.password)
    enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    decision = _signup_decision(session, "enterprise", form.name.strip(), enterprise)
    if enterprise is None:
        enterprise = Enterprise(
            name=form.name.strip(),
            credit_code=code,
            town_id=town.id,
            industry=form.industry,
            employee_count=form.employee_count,
            contact_name=form.contact_name.strip(),
            contact_phone=form.phone.strip(),
            status="pending",
        )
        session.add(enterprise)
        session.flush()
    user = User(
        username=username,
        password_hash=hash_password(form.password),
        display_name=form.contact_name.strip() or form.name.strip(),
        role="enterprise",
        status="pending",
        email=(form.email or "").strip() or None,
        phone=form.phone.strip(),
        locale=form.locale,
        enterprise_id=enterprise.id,
    )
    session.add(user)
    session.flush()
    decisions.log(session, decision, subject=user)
    audit.record(session, "user.signed_up", user, enterprise_id=enterprise.id)
    _notify_coordinators(session, user, base_url)
    return user


def signup_school(session: Session, form: SchoolSignup, *, base_url: str = "") -> User:
    """A school asks for an account by its name and town; a coordinator approves it."""
    if form.level not in SCHOOL_LEVELS:
        raise DomainError(N_("Choose the kind of school from the list."), field="level")
    name = form.name.strip()
    if len(name) < 2:
        raise DomainError(N_("Enter the school's full name."), field="name")
    town = _town(session, form.town_id)
    username = _check_username(session, form.username)
    _check_password(form.password)
    school = session.scalar(select(School).where(School.town_id == town.id, School.name == name))
    decision = _signup_decision(session, "school", name, school)
    if school is None:
        school = School(name=name, town_id=town.id, level=form.level, status="pending")
        session.add(school)
        session.flush()
    user = User(
        username=username,
        password_hash=hash_password(form.password),
        display_name=form.contact_name.strip() or name,
        role="school",
        status="pending",
        email=(form.email or "").strip() or None,
        phone=form.phone.strip(),
        locale=form.locale,
        school_id=school.id,
    )
    session.add(user)
    session.flush()
    decisions.log(session, decision, subject=user)
    audit.record(session, "user.signed_up", user, school_id=school.id)
    _notify_coordinators(session, user, base_url)
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such account."))
    return user


def approve(session: Session, actor: User, user_id: int, *, base_url: str = "") -> User:
    """Let a signed-up account in; its organisation joins the directory, and it is welcomed."""
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound(N_("No such account."))
    if user.status != "pending":
        raise DomainError(
            N_("This account is not awaiting approval (it is {status})."),
            {"status": user.status},
        )
    user.status = "active"
    user.approved_at = utcnow()
    user.approved_by_id = actor.id
    organisation = user.organisation
    if organisation is not None and getattr(organisation, "status", "active") == "pending":
        organisation.status = "active"
    audit.record(session, "user.approved", user, actor_id=actor.id)
    notify(
        session,
        user,
        N_("Welcome to Fengqiao"),
        N_(
            "Your account {username} has been approved. You can now use Fengqiao: "
            "your home page shows what you can do."
        ),
        {"username": user.username},
        link="/",
        base_url=base_url,
    )
    return user


def reject(session: Session, actor: User, user_id: int, reason: str, *, base_url: str = "") -> User:
    """Turn a sign-up down, saying why; the reason reaches the applicant by mail if they gave one."""
    reason = reason.strip()
    if not reason:
        raise DomainError(N_("Say why the sign-up is turned down."), field="reason")
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFound(N_("No such account."))
    if user.status != "pending":
        raise DomainError(
            N_("This account is not awaiting approval (it is {status})."),
            {"status": user.status},
        )
    user.status = "rejected"
    audit.record(session, "user.rejected", user, actor_id=actor.id, reason=reason)
    notify(
        session,
        user,
        N_("Your sign-up was not approved"),
        N_("Your sign-up for {username} was not approved: {reason}"),
        {"username": user.username, "reason": reason},
        base_url=base_url,
    )
    return user


def set_status(session: Session, actor: User, user_id: int, status: str) -> User:
    """Disable or re-enable an account; a coordinator cannot lock themself out."""
    if status not in ("active", "disabled"):
        raise DomainError(N_("Unknown status {status}."), {"status": status})
    user = get_user(session, user_id)
    if user.id == actor.id and status != "active":
        raise DomainError(N_("You cannot disable your own account."))
    user.status = status
    user.session_version += 1
    audit.record(session, f"user.{status}", user, actor_id=actor.id)
    return user


def reset_password(session: Session, actor: User, user_id: int) -> str:
    """Give the account a new random password (shown once to the coordinator); old sessions end."""
    user = get_user(session, user_id)
    password = f"{secrets.token_urlsafe(6)}-{secrets.randbelow(90) + 10}"
    user.password_hash = hash_password(password)
    user.session_version += 1
    throttle.unlock(session, user.username, now=utcnow())
    audit.record(session, "user.password_reset", user, actor_id=actor.id)
    return password


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user changes their own password, proving they know the current one."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError(N_("The current password is not right."), field="current_password")
    try:
        _check_password(new)
    except DomainError as exc:
        exc.field = "new_password"
        raise
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(session, "user.password_changed", user, actor_id=user.id)


def set_locale(session: Session, user: User, locale: str) -> None:
    """Remember the language the user reads."""
    from programs.i18n import LOCALES

    if locale in LOCALES:
        user.locale = locale


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a login; say plainly why it fails, without revealing which usernames exist."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not check_password_hash(user.password_hash, password):
        raise DomainError(N_("The username or password is not right."), field="password")
    if user.status == "pending":
        raise DomainError(
            N_("Your account is waiting for a coordinator's approval. You will be notified.")
        )
    if user.status == "rejected":
        raise DomainError(N_("Your sign-up was not approved. Please contact the coordinator."))
    if user.status != "active":
        raise DomainError(N_("This account is disabled. Please contact the coordinator."))
    user.last_login_at = utcnow()
    return user


def pending_count(session: Session) -> int:
    """How many sign-ups wait for approval."""
    return (
        session.scalar(select(func.count()).select_from(User).where(User.status == "pending")) or 0
    )
