"""Data-quality checks find exactly the records that would make a report's figures wrong, in a
town of the test's own, and nothing else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from programs.directory.models import Consultant, Enterprise, Town
from programs.disputes.models import CaseDocument, CaseTransition, DisputeCase
from programs.friday.models import FridayRequest, FridayVisit, Problem
from reports import quality
from reports.figures import Scope

TODAY = date(2026, 12, 10)
NOV = Scope(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def town(session):
    town = Town(code="T-QA", name="质检镇", kind="town")
    session.add(town)
    session.flush()
    return town


def _resolved(session, town, number, case_type, **fields):
    case = DisputeCase(
        number=number,
        case_type=case_type,
        stage="feedback" if case_type != "contract_review" else "closed",
        stage_entered_on=date(2026, 11, 10),
        opened_on=date(2026, 11, 1),
        resolved_on=date(2026, 11, 10),
        team="professional_mediation",
        town_id=town.id,
        **fields,
    )
    session.add(case)
    session.flush()
    to = "feedback" if case_type != "contract_review" else "closed"
    session.add(CaseTransition(case_id=case.id, from_stage="mediation", to_stage=to,
                               on=date(2026, 11, 10), days_in_stage=5))  # fmt: skip
    session.flush()
    return case


def _found(session, town, key):
    scope = Scope(NOV.start_on, NOV.end_on, town.id)
    check = next(c for c in quality.CHECKS if c.key == key)
    return check.table(session, scope, TODAY).rows


def test_a_recovered_amount_needs_its_record(session, town):
    _resolved(session, town, "LD-Q-1", "labour", amount_recovered=Decimal(5000))
    _resolved(session, town, "LD-Q-2", "labour", amount_recovered=Decimal(5000),
              agreement_terms="一次性支付")  # fmt: skip
    documented = _resolved(session, town, "LD-Q-3", "labour", amount_recovered=Decimal(800))
    session.add(CaseDocument(case_id=documented.id, kind="ruling", title="仲裁裁决书",
                             received_on=date(2026, 11, 9)))  # fmt: skip
    _resolved(session, town, "CR-Q-1", "contract_review", loss_avoided=Decimal(3000))
    _resolved(session, town, "CR-Q-2", "contract_review", loss_avoided=Decimal(3000),
              findings="违约金条款缺失")  # fmt: skip
    _resolved(session, town, "LD-Q-4", "labour")  # nothing recovered: nothing to support
    session.flush()
    assert [row[0] for row in _found(session, town, "recovered_unsupported")] == [
        "CR-Q-1",
        "LD-Q-1",
    ]


def test_a_visit_with_no_problem_recorded(session, town):
    consultant = session.scalar(select(Consultant).order_by(Consultant.id))
    firm = Enterprise(name="质检公司", credit_code="91000000000000QA01", town_id=town.id,
                      industry="services")  # fmt: skip
    session.add(firm)
    session.flush()
    visits = []
    for on, status in ((date(2026, 11, 6), "done"), (date(2026, 11, 13), "done"),
                       (date(2026, 11, 20), "published")):  # fmt: skip
        request = FridayRequest(kind="enterprise", enterprise_id=firm.id, town_id=town.id,
                                venue_kind="premises", topics=["labour"])  # fmt: skip
        session.add(request)
        session.flush()
        visit = FridayVisit(request_id=request.id, consultant_id=consultant.id, on=on,
                            status=status, minutes=60)  # fmt: skip
        session.add(visit)
        session.flush()
        visits.append(visit)
    session.add(Problem(visit_id=visits[0].id, category="labour", description="x", solved=True))
    session.flush()
    assert [row[0] for row in _found(session, town, "visit_without_problems")] == [
        date(2026, 11, 13)
    ]


def test_an_open_case_without_a_deadline(session, town):
    def case(number, since, **fields):
        row = DisputeCase(number=number, case_type="prevention", stage="done",
                          stage_entered_on=since, opened_on=since, team="precise_legal_service",
                          town_id=town.id, **fields)  # fmt: skip
        session.add(row)
        session.flush()

    case("PT-Q-1", date(2026, 10, 31))  # 30 days before 30 Nov: stuck
    case("PT-Q-2", date(2026, 11, 1))  # 29 days: not yet
    case("PT-Q-3", date(2026, 9, 1), due_on=date(2026, 12, 31))  # has a deadline
    case("PT-Q-4", date(2026, 9, 1), closed_on=date(2026, 11, 2))  # closed
    assert [row[0] for row in _found(session, town, "case_without_deadline")] == ["PT-Q-1"]


def test_problems_lists_only_the_checks_that_find_something(session, town):
    found = quality.problems(session, Scope(NOV.start_on, NOV.end_on, town.id), TODAY)
    assert found == []
