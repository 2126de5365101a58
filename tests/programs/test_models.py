"""Constraints the database itself enforces, on both engines."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from programs.accounts.models import User
from programs.directory.models import (
    Consultant,
    Enterprise,
    School,
    SchoolGrade,
    Town,
)
from programs.notifications.models import Notification
from programs.study_tours.models import Activity


def _town(session):
    return session.scalars(select(Town).order_by(Town.id)).first()


def _rejects(session, obj):
    session.add(obj)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_credit_code_is_unique(session):
    existing = session.scalars(select(Enterprise)).first()
    _rejects(
        session,
        Enterprise(
            name="重复公司",
            credit_code=existing.credit_code,
            town_id=existing.town_id,
            industry="other",
        ),
    )


def test_credit_code_must_have_18_characters(session):
    _rejects(
        session,
        Enterprise(
            name="短码公司", credit_code="9135", town_id=_town(session).id, industry="other"
        ),
    )


def test_industry_must_be_known(session):
    _rejects(
        session,
        Enterprise(
            name="未知行业公司",
            credit_code="91350100M000100Y43",
            town_id=_town(session).id,
            industry="alchemy",
        ),
    )


def test_employee_count_cannot_be_negative(session):
    _rejects(
        session,
        Enterprise(
            name="负数公司",
            credit_code="91350100M000100Y43",
            town_id=_town(session).id,
            industry="other",
            employee_count=-1,
        ),
    )


def test_school_name_is_unique_within_a_town(session):
    school = session.scalars(select(School)).first()
    _rejects(session, School(name=school.name, town_id=school.town_id, level="primary"))


def test_same_school_name_in_another_town_is_fine(session):
    school = session.scalars(select(School)).first()
    other_town = session.scalar(select(Town).where(Town.id != school.town_id))
    session.add(School(name=school.name, town_id=other_town.id, level="primary"))
    session.flush()


@pytest.mark.parametrize(("grade", "students"), [(0, 10), (13, 10), (3, -1)])
def test_grades_are_within_range(session, grade, students):
    school = session.scalars(select(School)).first()
    _rejects(session, SchoolGrade(school_id=school.id, grade=grade, students=students, classes=1))


def test_consultant_visits_per_friday_are_bounded(session):
    _rejects(session, Consultant(name="测试", home_town_id=_town(session).id, visits_per_friday=0))


def test_activity_grade_range_must_be_ordered(session):
    base_id = session.scalars(select(Activity.base_id)).first()
    _rejects(
        session,
        Activity(
            base_id=base_id,
            code="bad",
            name="坏活动",
            grade_min=8,
            grade_max=4,
            group_min=10,
            group_max=20,
        ),
    )


def _user(**kw):
    values = dict(username="x-test", display_name="X", password_hash="h", role="mediator")
    values.update(kw)
    return User(**values)


def test_enterprise_account_must_be_bound_to_an_enterprise(session):
    _rejects(session, _user(role="enterprise"))


def test_a_mediator_account_cannot_be_bound_to_a_school(session):
    school = session.scalars(select(School)).first()
    _rejects(session, _user(role="mediator", school_id=school.id))


def test_unknown_role_is_rejected(session):
    _rejects(session, _user(role="superuser"))


def test_usernames_are_stored_in_lower_case(session):
    _rejects(session, _user(username="MixedCase"))


def test_username_is_unique(session):
    _rejects(session, _user(username="coordinator"))


def test_foreign_keys_are_enforced(session):
    _rejects(
        session,
        Enterprise(
            name="无镇公司", credit_code="91350100M000100Y43", town_id=999999, industry="other"
        ),
    )


def test_datetimes_come_back_aware_in_utc(session):
    user = session.scalar(select(User).where(User.username == "coordinator"))
    note = Notification(
        user_id=user.id, subject_msgid="x", created_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    )
    session.add(note)
    session.flush()
    session.expire_all()
    again = session.get(Notification, note.id)
    assert again.created_at == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    assert again.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(session):
    user = session.scalar(select(User).where(User.username == "coordinator"))
    session.add(Notification(user_id=user.id, subject_msgid="x", created_at=datetime(2026, 1, 2)))
    with pytest.raises(StatementError):
        session.flush()
    session.rollback()
