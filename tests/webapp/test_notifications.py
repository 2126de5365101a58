"""Notifications: inbox at once, e-mail after commit through a real SMTP server."""

from email import message_from_bytes
from email.header import decode_header, make_header

from sqlalchemy import select

from programs.accounts.models import User
from programs.notifications import services
from programs.notifications.models import OutboundMail


def _user(session, username):
    return session.scalar(select(User).where(User.username == username))


def test_mail_is_sent_after_commit_in_the_users_language(db, session, smtp_server):
    smtp, received = smtp_server
    services.deliver_after_commit(db, smtp)
    user = _user(session, "mediator")
    services.notify(
        session,
        user,
        "Welcome to Fengqiao",
        "Your account {username} has been approved. You can now use Fengqiao: your home page shows what you can do.",
        {"username": "mediator"},
    )
    session.flush()
    assert received == []  # nothing leaves before the commit
    session.commit()
    assert len(received) == 1
    message = message_from_bytes(received[0].content)
    assert str(make_header(decode_header(message["Subject"]))) == "欢迎使用枫桥"
    assert "mediator" in message.get_payload(decode=True).decode()
    assert session.scalar(select(OutboundMail.status).order_by(OutboundMail.id.desc())) == "sent"


def test_rolled_back_change_sends_no_mail(db, session, smtp_server):
    smtp, received = smtp_server
    services.deliver_after_commit(db, smtp)
    services.notify(session, _user(session, "mediator"), "Welcome to Fengqiao")
    session.flush()
    session.rollback()
    session.commit()
    assert received == []


def test_unreachable_server_marks_failed_and_the_tick_retries(db, session, smtp_server):
    from dataclasses import replace

    smtp, received = smtp_server
    dead = replace(smtp, port=1)  # nothing listens there
    services.notify(session, _user(session, "mediator"), "Welcome to Fengqiao")
    session.commit()
    assert services.deliver_pending(db, dead) == 0
    mail = session.scalar(select(OutboundMail).order_by(OutboundMail.id.desc()))
    session.refresh(mail)
    assert mail.status == "failed" and mail.last_error
    assert services.deliver_pending(db, smtp, retry_failed=True) == 1
    session.refresh(mail)
    assert mail.status == "sent"
    assert len(received) == 1


def test_without_smtp_mail_stays_in_the_local_outbox(db, session):
    from programs.config import SmtpSettings

    services.notify(session, _user(session, "mediator"), "Welcome to Fengqiao")
    session.commit()
    services.deliver_pending(db, SmtpSettings(host=None))
    mail = session.scalar(select(OutboundMail).order_by(OutboundMail.id.desc()))
    session.refresh(mail)
    assert mail.status == "local"


def test_users_without_an_address_get_only_the_inbox(session):
    user = _user(session, "mediator")
    user.email = None
    before = session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc()))
    services.notify(session, user, "Welcome to Fengqiao")
    session.flush()
    assert session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc())) == before
    assert services.unread_count(session, user.id) >= 1


def test_mark_read_touches_only_the_owners_messages(session):
    mediator, coordinator = _user(session, "mediator"), _user(session, "coordinator")
    services.notify(session, mediator, "Welcome to Fengqiao")
    services.notify(session, coordinator, "Welcome to Fengqiao")
    session.flush()
    assert services.mark_read(session, mediator.id) >= 1
    assert services.unread_count(session, mediator.id) == 0
    assert services.unread_count(session, coordinator.id) >= 1


def test_the_outbox_page_shows_local_mail(login, session):
    services.notify(session, _user(session, "mediator"), "Welcome to Fengqiao")
    session.commit()
    html = login("coordinator").get("/admin/outbox").get_data(as_text=True)
    assert "mediator@demo.fengqiao.local" in html


def test_a_released_savepoint_does_not_send_before_the_commit(db, session, smtp_server):
    smtp, received = smtp_server
    services.deliver_after_commit(db, smtp)
    with session.begin_nested():
        services.notify(session, _user(session, "mediator"), "Welcome to Fengqiao")
    assert received == []  # the savepoint was released, but nothing is committed yet
    session.commit()
    assert len(received) == 1
