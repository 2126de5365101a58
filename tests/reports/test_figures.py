"""The figures of the Friday service and the loop, against a hand count on a small fixed data set
in a town of the test's own (so the demo city's records do not count): period edges, the town
filter, groups, the records behind each figure and their CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from programs.directory.models import Chamber, Consultant, Town
from programs.disputes.models import RESOLVING_STAGE, CaseTransition, DisputeCase
from programs.friday.models import FridayRequest, FridayVisit, Pairing, Problem
from reports import figures
from reports.figures import Scope, percentile
from tests.helpers import make_firm

NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def town(session):
    town = Town(code="T-FIG", name="测试镇", kind="town")
    other = Town(code="T-FIG2", name="对照镇", kind="town")
    session.add_all([town, other])
    session.flush()
    town.other = other
    return town


def _firm(session, town, name):
    return make_firm(session, town, name)


@pytest.fixture
def friday_data(session, town):
    """Visits in and around November 2026 in the test's towns:

    - 6 Nov, firm A (recorded, 60 min): labour solved, contracts not solved
    - 13 Nov, firm A again (recorded, 90 min): labour solved
    - 20 Nov, chamber C (recorded, 30 min): management not solved
    - 27 Nov, firm B (published, not recorded): does not count
    - 30 Oct, firm B (recorded): outside the period
    - 6 Nov, firm D in the other town (recorded, 45 min): outside the town
    """
    consultant = session.scalar(select(Consultant).order_by(Consultant.id))
    a, b = _firm(session, town, "测试甲公司"), _firm(session, town, "测试乙公司")
    d = _firm(session, town.other, "对照丁公司")
    chamber = Chamber(name="测试商会", town_id=town.id)
    session.add(chamber)
    session.flush()

    def visit(on, status, minutes=None, firm=None, problems=(), chamber_id=None):
        request = FridayRequest(
            kind="chamber" if chamber_id else "enterprise",
            enterprise_id=firm.id if firm else None,
            chamber_id=chamber_id,
            town_id=(firm.town_id if firm else town.id),
            venue_kind="chamber" if chamber_id else "premises",
            topics=["labour"],
            headcount=20 if chamber_id else None,
        )
        session.add(request)
        session.flush()
        row = FridayVisit(
            request_id=request.id,
            consultant_id=consultant.id,
            on=on,
            status=status,
            minutes=minutes,
        )
        session.add(row)
        session.flush()
        for category, solved in problems:
            session.add(
                Problem(visit_id=row.id, category=category, description="问题", solved=solved)
            )
        session.flush()
        return row

    visit(date(2026, 11, 6), "done", 60, a, [("labour", True), ("contracts", False)])
    visit(date(2026, 11, 13), "done", 90, a, [("labour", True)])
    visit(date(2026, 11, 20), "done", 30, None, [("management", False)], chamber_id=chamber.id)
    visit(date(2026, 11, 27), "published", None, b, [])
    visit(date(2026, 10, 30), "done", 60, b, [("tax", True)])
    visit(date(2026, 11, 6), "done", 45, d, [("labour", True)])
    # Pairings: A since October (in force), B ended on 15 Nov (not in force on 30 Nov),
    # D in the other town.
    session.add_all(
        [
            Pairing(enterprise_id=a.id, consultant_id=consultant.id, started_on=date(2026, 10, 1)),
            Pairing(
                enterprise_id=b.id,
                consultant_id=consultant.id,
                started_on=date(2026, 10, 1),
                ended_on=date(2026, 11, 15),
            ),
            Pairing(enterprise_id=d.id, consultant_id=consultant.id, started_on=date(2026, 10, 1)),
        ]
    )
    session.flush()
    return consultant


def test_friday_figures_by_hand(session, town, friday_data):
    scope = Scope(*NOV, town_id=town.id)
    value = figures.get("friday.visits").value(session, scope)
    assert (value.total, value.groups) == (3, {"chamber": 1, "enterprise": 2})
    assert figures.get("friday.entities_visited").value(session, scope).total == 2  # A, C
    problems = figures.get("friday.problems").value(session, scope)
    assert (problems.total, problems.groups) == (
        4,
        {"contracts": 1, "labour": 2, "management": 1},
    )
    solved = figures.get("friday.problems_solved").value(session, scope)
    assert (solved.total, solved.groups) == (2, {"labour": 2})
    hours = figures.get("friday.consultant_hours").value(session, scope)
    assert hours.total == pytest.approx((60 + 90 + 30) / 60)
    assert figures.get("friday.pairings").value(session, scope).total == 1
    # The period's edges: the 30 October visit counts in a period that starts that day.
    october_on = Scope(date(2026, 10, 30), date(2026, 11, 6), town_id=town.id)
    assert figures.get("friday.visits").value(session, october_on).total == 2
    assert (
        figures.get("friday.visits")
        .value(session, Scope(date(2026, 10, 31), date(2026, 11, 5), town_id=town.id))
        .total
        == 0
    )
    # The other town alone.
    other = Scope(*NOV, town_id=town.other.id)
    assert figures.get("friday.problems").value(session, other).groups == {"labour": 1}


def test_the_records_behind_a_figure_and_their_csv(session, town, friday_data):
    scope = Scope(*NOV, town_id=town.id)
    table = figures.get("friday.problems").table(session, scope)
    assert [(row[0], row[1]) for row in table.rows] == [
        (date(2026, 11, 6), "测试甲公司"),
        (date(2026, 11, 6), "测试甲公司"),
        (date(2026, 11, 13), "测试甲公司"),
        (date(2026, 11, 20), "测试商会"),
    ]
    text = table.csv("zh_Hans").decode("utf-8-sig").splitlines()
    assert text[0].split(",")[:3] == ["星期五", "企业、商会或村社区", "镇街"]
    assert len(text) == 1 + 4 and "劳动用工" in text[1] and "是" in text[1]


def _case(session, town, number, case_type, opened_on, **fields):
    case = DisputeCase(
        number=number,
        case_type=case_type,
        stage=fields.pop("stage", "intake"),
        stage_entered_on=opened_on,
        opened_on=opened_on,
        team="professional_mediation",
        town_id=town.id,
        **fields,
    )
    session.add(case)
    session.flush()
    return case


def _move(session, case, from_stage, to_stage, on, days):
    """A move written as the loop writes it (the case's day of resolution included)."""
    if case.resolved_on is None and to_stage == RESOLVING_STAGE[case.case_type]:
        case.resolved_on = on
    session.add(
        CaseTransition(
            case_id=case.id, from_stage=from_stage, to_stage=to_stage, on=on, days_in_stage=days
        )
    )
    session.flush()


@pytest.fixture
def loop_data(session, town):
    """Cases of the test's town:

    - L1 labour, opened 2 Nov, mediation 10 days, feedback on 12 Nov (resolved in November),
      recovered 8,000, return visit 20 Nov satisfaction 4, escalated 3 Nov
    - L2 labour, opened 28 Oct, mediation 20 days, feedback on 30 Nov (resolved, last day)
    - C1 commercial, opened 5 Nov, still in mediation (not resolved), overdue
    - R1 review, opened 1 Nov, closed 1 Dec (the day after: not resolved in November), 3
      contracts, loss avoided 2,000
    - R2 review, opened 3 Nov, closed 10 Nov: 2 contracts, 500 recovered, satisfaction none
    """
    l1 = _case(session, town, "LD-T-1", "labour", date(2026, 11, 2), stage="feedback",
               amount_recovered=Decimal(8000), return_visit_on=date(2026, 11, 20),
               satisfaction=4, escalated=True, escalated_on=date(2026, 11, 3))  # fmt: skip
    _move(session, l1, "intake", "mediation", date(2026, 11, 2), 0)
    _move(session, l1, "mediation", "feedback", date(2026, 11, 12), 10)
    l2 = _case(session, town, "LD-T-2", "labour", date(2026, 10, 28), stage="feedback")
    _move(session, l2, "intake", "mediation", date(2026, 10, 28), 0)
    _move(session, l2, "mediation", "feedback", date(2026, 11, 30), 20)
    _case(session, town, "CD-T-1", "commercial", date(2026, 11, 5), stage="mediation",
          overdue=True, due_on=date(2026, 11, 20))  # fmt: skip
    r1 = _case(session, town, "CR-T-1", "contract_review", date(2026, 11, 1), stage="closed",
               contracts_reviewed=3, loss_avoided=Decimal(2000), closed_on=date(2026, 12, 1))  # fmt: skip
    _move(session, r1, "findings", "closed", date(2026, 12, 1), 30)
    r2 = _case(session, town, "CR-T-2", "contract_review", date(2026, 11, 3), stage="closed",
               contracts_reviewed=2, amount_recovered=Decimal(500), closed_on=date(2026, 11, 10))  # fmt: skip
    _move(session, r2, "findings", "closed", date(2026, 11, 10), 7)


def test_loop_figures_by_hand(session, town, loop_data):
    scope = Scope(*NOV, town_id=town.id)
    opened = figures.get("disputes.opened").value(session, scope)
    assert (opened.total, opened.groups) == (
        4,
        {"commercial": 1, "contract_review": 2, "labour": 1},
    )
    resolved = figures.get("disputes.resolved").value(session, scope)
    assert (resolved.total, resolved.groups) == (3, {"contract_review": 1, "labour": 2})
    assert figures.get("disputes.disputes_resolved").value(session, scope).total == 2
    recovered = figures.get("disputes.recovered").value(session, scope)
    assert recovered.total == Decimal(8500)
    assert recovered.groups == {"contract_review": Decimal(500), "labour": Decimal(8000)}
    assert figures.get("disputes.contracts_reviewed").value(session, scope).total == 2
    # December counts R1's closing.
    december = Scope(date(2026, 12, 1), date(2026, 12, 31), town_id=town.id)
    assert figures.get("disputes.contracts_reviewed").value(session, december).total == 3
    days = figures.get("disputes.days_per_stage").value(session, scope)
    assert days.groups == {"findings": 7, "intake": 0, "mediation": 15}
    p90 = figures.get("disputes.days_per_stage_p90").value(session, scope)
    assert p90.groups["mediation"] == 20
    assert figures.get("disputes.overdue").value(session, scope).total == 1
    by_stage = figures.get("disputes.open_by_stage").value(session, scope)
    assert by_stage.groups == {"feedback": 2, "mediation": 1}  # the reviews are closed
    assert figures.get("disputes.escalated").value(session, scope).total == 1
    assert figures.get("disputes.satisfaction").value(session, scope).total == 4
    other = Scope(*NOV, town_id=town.other.id)
    assert figures.get("disputes.opened").value(session, other).total == 0


def test_percentile_by_nearest_rank():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([5], 90) == 5
    assert percentile([3, 1, 2], 50) == 2
    with pytest.raises(ValueError):
        percentile([], 90)


def test_every_figure_runs_over_the_demo_city(session):
    """Each registered figure's statement runs on this engine over the whole city, and its
    value is computed from the same rows its table lists."""
    scope = Scope(date(2025, 12, 1), date(2026, 11, 30))
    for figure in figures.all_figures():
        table = figure.table(session, scope)
        value = figure.value_of(table)
        assert value.records == len(table.rows), figure.key
        if figure.aggregate == "count":
            assert value.total == len(table.rows), figure.key
        if figure.group_by and figure.aggregate in ("count", "sum"):
            assert sum(value.groups.values()) == pytest.approx(value.total), figure.key


def _same(left, right):
    if left is None or right is None:
        return left is right
    return float(left) == pytest.approx(float(right), abs=1e-9)


@pytest.mark.parametrize(
    "start_on, end_on, in_a_town",
    [
        (date(2025, 12, 1), date(2026, 11, 30), False),
        (date(2026, 11, 1), date(2026, 11, 30), False),
        (date(2025, 12, 1), date(2026, 11, 30), True),
        (date(2026, 11, 6), date(2026, 11, 6), True),
        (date(2030, 1, 1), date(2030, 12, 31), False),  # nothing recorded
    ],
)
def test_the_database_aggregates_what_the_records_add_up_to(session, start_on, end_on, in_a_town):
    """Every figure's value, aggregated by the database, equals the value computed from the
    records its page lists: in all, per group and in number of records."""
    town_id = session.scalar(select(Town.id).order_by(Town.id)) if in_a_town else None
    scope = Scope(start_on, end_on, town_id)
    for figure in figures.all_figures():
        by_database = figure.value(session, scope)
        by_hand = figure.value_of(figure.table(session, scope))
        assert by_database.records == by_hand.records, figure.key
        assert _same(by_database.total, by_hand.total), figure.key
        assert by_database.groups.keys() == by_hand.groups.keys(), figure.key
        for group, expected in by_hand.groups.items():
            assert _same(by_database.groups[group], expected), (figure.key, group)


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        Scope(date(2026, 11, 30), date(2026, 11, 1))


def test_a_figure_by_month_in_one_read_equals_month_by_month(session):
    from reports.dashboard import monthly
    from reports.periods import last_months, parse_period

    months = last_months(parse_period("2026-11"), 14)
    for key, day in (("friday.visits", "on"), ("disputes.disputes_resolved", "resolved_on")):
        figure = figures.get(key)
        counts = monthly(session, figure, day, months, None)
        assert counts == {
            m: figure.value(session, Scope(m.start_on, m.end_on)).total for m in months
        }, key
        assert sum(counts.values()) > 0, key
    with pytest.raises(ValueError):
        monthly(session, figures.get("friday.consultant_hours"), "on", months, None)
