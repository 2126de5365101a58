"""The monthly roster on the demo city: drafted from the open requests through the rules,
published to consultants and firms, drafted again without touching what was published."""

from datetime import date

import pytest
from sqlalchemy import func, select

from programs.accounts.models import User
from programs.decisions.models import DecisionRecord
from programs.errors import DomainError
from programs.friday import roster
from programs.friday.models import FridayRequest, FridayVisit
from programs.notifications.models import Notification

TODAY = date(2026, 11, 28)
DECEMBER = date(2026, 12, 1)


@pytest.fixture
def coordinator(session):
    return session.scalar(select(User).where(User.username == "coordinator"))


def test_a_draft_places_the_open_requests_on_working_fridays_through_the_rules(
    session, coordinator
):
    waiting = session.scalar(
        select(func.count()).select_from(FridayRequest).where(FridayRequest.status == "open")
    )
    done = roster.draft(session, coordinator, DECEMBER, TODAY)
    assert done.placed + done.left == waiting and done.placed > 0
    visits = roster.visits_of(session, done.roster)
    assert len(visits) == done.placed
    assert all(v.on.weekday() == 4 and v.on.month == 12 and v.status == "draft" for v in visits)
    assert date(2027, 1, 1) not in {v.on for v in visits}
    per_day: dict[tuple[int, date], int] = {}
    for v in session.scalars(select(FridayVisit).where(FridayVisit.status != "cancelled")):
        per_day[(v.consultant_id, v.on)] = per_day.get((v.consultant_id, v.on), 0) + 1
    assert all(
        n <= v.consultant.visits_per_friday
        for v in visits
        for n in [per_day[(v.consultant_id, v.on)]]
    )
    why = session.scalars(
        select(DecisionRecord.ruleset).where(
            DecisionRecord.subject_type == "friday_visits",
            DecisionRecord.subject_id == visits[0].id,
        )
    ).all()
    assert set(why) == {"friday_visit", "friday_roster"}


def test_publishing_tells_and_a_second_draft_keeps_what_was_published(session, coordinator):
    first = roster.draft(session, coordinator, DECEMBER, TODAY)
    before = session.scalar(select(func.count()).select_from(Notification))
    published = roster.publish(session, coordinator, first.roster.id)
    assert published == first.placed
    assert session.scalar(select(func.count()).select_from(Notification)) > before
    again = roster.draft(session, coordinator, DECEMBER, TODAY)
    assert again.placed == 0  # nothing is open any more; published visits stay
    statuses = {v.status for v in roster.visits_of(session, first.roster)}
    assert statuses == {"published"}


def test_a_past_month_is_refused_in_words(session, coordinator):
    with pytest.raises(DomainError) as caught:
        roster.draft(session, coordinator, date(2026, 10, 1), TODAY)
    assert caught.value.field == "month"
