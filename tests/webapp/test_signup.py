"""Self sign-up: a firm by its credit code, a school by name and town; a coordinator approves."""

from sqlalchemy import select

from programs.accounts.models import User
from programs.directory.models import Enterprise, School, Town
from programs.notifications.models import Notification, OutboundMail
from tests.helpers import post_form

NEW_CODE = "91350100M000100Y43"  # valid, not in the demo city


def _town_id(session):
    return session.scalar(select(Town.id).order_by(Town.code))


def _enterprise_form(session, **overrides):
    data = {
        "credit_code": NEW_CODE,
        "name": "福州示例科技有限公司",
        "town_id": _town_id(session),
        "industry": "information_technology",
        "employee_count": "35",
        "contact_name": "林晓",
        "phone": "13800000000",
        "email": "lin@example.com",
        "username": "fz-demo",
        "password": "secret-123",
        "confirm": "secret-123",
    }
    data.update(overrides)
    return data


def test_firm_signs_up_is_approved_and_finds_a_welcome(client, login, session):
    response = post_form(client, "/signup/enterprise", _enterprise_form(session))
    assert response.status_code == 302, response.get_data(as_text=True)
    user = session.scalar(select(User).where(User.username == "fz-demo"))
    assert user.status == "pending"
    assert user.enterprise.credit_code == NEW_CODE
    assert user.enterprise.status == "pending"

    # Not before approval.
    refused = post_form(client, "/login", {"username": "fz-demo", "password": "secret-123"})
    assert refused.status_code == 422

    coordinator = login("coordinator")
    assert "fz-demo" in coordinator.get("/admin/users?status=pending").get_data(as_text=True)
    inbox = coordinator.get("/inbox").get_data(as_text=True)
    assert "新的注册申请待审核" in inbox
    approved = post_form(
        coordinator, f"/admin/users/{user.id}/approve", {}, page=f"/admin/users/{user.id}"
    )
    assert approved.status_code == 302

    firm = login("fz-demo", "secret-123")
    home = firm.get("/enterprise").get_data(as_text=True)
    assert "福州示例科技有限公司" in home
    assert 'class="badge"' in home  # unread count in the shell
    inbox = firm.get("/inbox").get_data(as_text=True)
    assert "欢迎使用枫桥" in inbox
    session.expire_all()
    assert session.get(Enterprise, user.enterprise_id).status == "active"
    # No SMTP configured: the welcome mail is kept in the local outbox for the coordinator.
    mail = session.scalar(select(OutboundMail).where(OutboundMail.to_address == "lin@example.com"))
    assert mail.status == "local"
    assert "欢迎使用枫桥" in mail.subject


def test_signup_for_a_firm_already_in_the_directory_binds_to_it(client, login, session):
    firm = session.scalars(select(Enterprise).order_by(Enterprise.id.desc())).first()
    form = _enterprise_form(session, credit_code=firm.credit_code.lower(), name="别的名字")
    assert post_form(client, "/signup/enterprise", form).status_code == 302
    user = session.scalar(select(User).where(User.username == "fz-demo"))
    assert user.enterprise_id == firm.id
    # The coordinator reads, beside the account, which rule noticed the mismatch and why.
    html = login("coordinator").get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "name_differs_from_directory" in html
    assert f"与名录中的“{firm.name}”不一致" in html


def test_a_firm_with_enough_accounts_is_refused_by_the_rule(client, session):
    firm = session.scalars(select(Enterprise).order_by(Enterprise.id.desc())).first()
    for i in range(3):
        form = _enterprise_form(
            session, credit_code=firm.credit_code, name=firm.name, username=f"fz-{i}"
        )
        assert post_form(client, "/signup/enterprise", form).status_code == 302
    form = _enterprise_form(session, credit_code=firm.credit_code, name=firm.name, username="fz-4")
    response = post_form(client, "/signup/enterprise", form)
    assert response.status_code == 422
    assert "已有 3 个账号" in response.get_data(as_text=True)
    assert session.scalar(select(User).where(User.username == "fz-4")) is None


def test_a_bad_credit_code_is_explained_and_the_form_kept(client, session):
    form = _enterprise_form(session, credit_code="91350100M000100Y44")
    response = post_form(client, "/signup/enterprise", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "校验码不符" in html
    assert 'value="福州示例科技有限公司"' in html
    assert 'value="lin@example.com"' in html
    assert session.scalar(select(User).where(User.username == "fz-demo")) is None


def test_a_taken_username_is_refused_beside_the_field(client, session):
    response = post_form(
        client, "/signup/enterprise", _enterprise_form(session, username="coordinator")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "已被使用" in html
    assert 'id="username-error"' in html
    assert session.scalar(select(Enterprise).where(Enterprise.credit_code == NEW_CODE)) is None


def test_school_signs_up_by_name_and_town(client, session):
    town = _town_id(session)
    data = {
        "name": "城关新区小学",
        "town_id": town,
        "level": "primary",
        "contact_name": "王老师",
        "phone": "",
        "email": "",
        "username": "xinqu",
        "password": "school-2026",
        "confirm": "school-2026",
    }
    assert post_form(client, "/signup/school", data).status_code == 302
    user = session.scalar(select(User).where(User.username == "xinqu"))
    assert user.role == "school" and user.status == "pending"
    assert session.get(School, user.school_id).name == "城关新区小学"


def test_coordinator_rejects_with_a_reason(login, session):
    pending = session.scalar(select(User).where(User.username == "liuji-school"))
    coordinator = login("coordinator")
    response = post_form(
        coordinator,
        f"/admin/users/{pending.id}/reject",
        {"reason": "请用学校公章邮箱重新申请"},
        page=f"/admin/users/{pending.id}",
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, pending.id).status == "rejected"
    note = session.scalar(select(Notification).where(Notification.user_id == pending.id))
    assert note.params["reason"] == "请用学校公章邮箱重新申请"


def test_rejection_needs_a_reason(login, session):
    pending = session.scalar(select(User).where(User.username == "liuji-school"))
    coordinator = login("coordinator")
    response = post_form(
        coordinator,
        f"/admin/users/{pending.id}/reject",
        {"reason": ""},
        page=f"/admin/users/{pending.id}",
    )
    assert response.status_code == 422
    session.expire_all()
    assert session.get(User, pending.id).status == "pending"


def test_approving_twice_is_refused_plainly(login, session):
    pending = session.scalar(select(User).where(User.username == "hengtong-hr"))
    coordinator = login("coordinator")
    url = f"/admin/users/{pending.id}"
    post_form(coordinator, f"{url}/approve", {}, page=url)
    again = post_form(coordinator, f"{url}/approve", {}, page=url, follow_redirects=True)
    assert "不在待审核状态" in again.get_data(as_text=True)
