"""Sending notifications: into the inbox at once, by e-mail once the transaction has committed."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from programs.accounts.models import User
from programs.config import SmtpSettings
from programs.db import Database, utcnow
from programs.i18n import N_, translate
from programs.notifications.models import Notification, OutboundMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_QUEUED = "fengqiao.mail_queued"


def notify(
    session: Session,
    user: User,
    subject: str,
    body: str = "",
    params: dict[str, Any] | None = None,
    *,
    link: str | None = None,
    base_url: str = "",
) -> Notification:
    """Put a message in `user`'s inbox and, if they have an address, queue it as e-mail.

    `subject` and `body` are message ids with `{name}` parameters; the inbox translates them when
    read, the mail is translated now into the user's language.
    """
    params = params or {}
    note = Notification(
        user_id=user.id, subject_msgid=subject, body_msgid=body, params=params, link=link
    )
    session.add(note)
    if user.email:
        text = translate(body, user.locale, params) if body else ""
        if link:
            text += "\n\n" + base_url + link
        footer = translate(
            N_("This message was sent by Fengqiao. You can also read it in your inbox."),
            user.locale,
        )
        session.add(
            OutboundMail(
                notification=note,
                to_address=user.email,
                subject=translate(subject, user.locale, params),
                body=f"{text}\n\n-- \n{footer}\n",
            )
        )
        session.info[_QUEUED] = True
    return note


def unread_count(session: Session, user_id: int) -> int:
    """How many inbox messages the user has not opened."""
    from sqlalchemy import func

    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one message (or all of them) read; only the owner's messages are touched."""
    stmt = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return session.execute(stmt.values(read_at=utcnow())).rowcount


def _claim(db: Database, mail_id: int, ready: tuple[str, ...]) -> OutboundMail | None:
    """Take one mail for sending; the conditional update makes two senders never send it twice."""
    with db.transaction(write=True) as session:
        claimed = session.execute(
            update(OutboundMail)
            .where(OutboundMail.id == mail_id, OutboundMail.status.in_(ready))
            .values(status="sending", attempts=OutboundMail.attempts + 1)
        ).rowcount
        if not claimed:
            return None
        return session.get(OutboundMail, mail_id)


def _send(smtp: SmtpSettings, mail: OutboundMail) -> None:
    message = EmailMessage()
    message["From"] = formataddr(("枫桥 Fengqiao", smtp.sender))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=smtp.sender.partition("@")[2] or "fengqiao")
    message.set_content(mail.body)
    with smtplib.SMTP(smtp.host or "", smtp.port, timeout=10) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
        client.send_message(message)


def deliver_pending(db: Database, smtp: SmtpSettings, *, retry_failed: bool = False) -> int:
    """Send queued mail; without an SMTP host it stays readable in the local outbox.

    Called after each commit that queued mail, and by the tick (with `retry_failed`) to retry
    what failed. Returns how many mails were sent.
    """
    ready = ("pending", "failed") if retry_failed else ("pending",)
    with db.transaction(write=True) as session:
        ids = session.scalars(
            select(OutboundMail.id)
            .where(OutboundMail.status.in_(ready), OutboundMail.attempts < MAX_ATTEMPTS)
            .order_by(OutboundMail.id)
        ).all()
        if not smtp.host:
            session.execute(
                update(OutboundMail).where(OutboundMail.id.in_(ids)).values(status="local")
            )
            return 0
    sent = 0
    for mail_id in ids:
        mail = _claim(db, mail_id, ready)
        if mail is None:
            continue
        try:
            _send(smtp, mail)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail %s to %s failed: %s", mail.id, mail.to_address, exc)
            values: dict[str, Any] = {"status": "failed", "last_error": str(exc)[:2000]}
        else:
            values = {"status": "sent", "sent_at": utcnow(), "last_error": ""}
            sent += 1
        with db.transaction(write=True) as session:
            session.execute(update(OutboundMail).where(OutboundMail.id == mail_id).values(**values))
    return sent


def deliver_after_commit(db: Database, smtp: SmtpSettings) -> None:
    """Deliver queued mail whenever a session of `db` commits a transaction that queued some.

    SQLAlchemy also reports a released savepoint as a commit; only the outermost transaction
    counts, since until it commits the mail rows are invisible to the sender's connection.
    """

    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return
        if session.info.pop(_QUEUED, False):
            try:
                deliver_pending(db, smtp)
            except SQLAlchemyError:
                # The work is committed; the mail stays queued and the tick sends it. A busy
                # database must not turn a saved booking into an error page.
                log.exception("mail delivery after commit failed; the tick will retry")

    def _after_rollback(session: Session, previous: Any) -> None:
        if previous.parent is None:
            session.info.pop(_QUEUED, None)

    event.listen(db.sessionmaker, "after_commit", _after_commit)
    event.listen(db.sessionmaker, "after_soft_rollback", _after_rollback)
