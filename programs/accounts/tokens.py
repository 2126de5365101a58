"""API tokens: a user makes, names and revokes the keys other systems use to act as them.

token, secret = tokens.create(session, user, "热线系统")   # the secret is shown once
tokens.user_for(session, secret, today=today)               # the user, or None
tokens.revoke(session, user, token.id)
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from programs import audit
from programs.accounts.models import ApiToken, User
from programs.db import utcnow
from programs.errors import DomainError, NotFound
from programs.i18n import N_

PREFIX = "fq_"
MAX_LIVE = 10


def digest(secret: str) -> str:
    """What is kept of a secret (a random secret needs no slow hash)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def live_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens not revoked, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret (kept nowhere: show it once)."""
    name = name.strip()
    if not name:
        raise DomainError(N_("Name the token after the system that will use it."), field="name")
    if len(name) > 80:
        raise DomainError(N_("Keep the name under 80 characters."), field="name")
    live = live_tokens(session, user)
    if any(token.name == name for token in live):
        raise DomainError(
            N_("You already have a token named {name}; choose another name."),
            {"name": name},
            field="name",
        )
    if len(live) >= MAX_LIVE:
        raise DomainError(
            N_("You have {count} tokens already; revoke one you no longer use first."),
            {"count": len(live)},
            field="name",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:10], digest=digest(secret))
    session.add(token)
    session.flush()
    audit.record(session, "api_token.created", token, actor_id=user.id, name=name)
    return token, secret


def revoke(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (at once: the next call with it is refused)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(N_("The page you asked for does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, "api_token.revoked", token, actor_id=user.id, name=token.name)
    return token


def user_for(session: Session, secret: str, *, today: date) -> User | None:
    """The active user a secret belongs to, or None (unknown, revoked, or the account is not
    active). Notes the day the token was used."""
    if not secret.startswith(PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.last_used_on != today:
        token.last_used_on = today
    return token.user
