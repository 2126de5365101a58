"""The Friday Law Service Day's part of the demo city: neighbouring towns, studios, a few
declared conflicts, a year of requests, visits and problems, and requests waiting for a roster.

The city reports about 530 entities visited and 740 problems solved a year; the history here has
the same orders of magnitude for the twelve months before today. Everything is made through the
real operations (requests pair firms through the rules, visits are checked by the rules on the
day they were booked, records are made on the visit's Friday), so every visit can say why.
Notifications are left out of the history (nobody wants 600 old messages).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import TZ, working_fridays
from programs.accounts.models import User
from programs.directory.models import Chamber, Consultant, Enterprise, Town
from programs.errors import DomainError
from programs.friday import services
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    Pairing,
    Studio,
    TownNeighbour,
)

SEED = 5_2026
# Problem categories, weighted as the city reports them (management, contracts, labour and IP
# first), with a short description each of what a consultant typically finds.
PROBLEMS = {
    "labour": (
        30,
        [
            "部分员工未签订书面劳动合同",
            "加班费计算基数低于法定标准",
            "试用期约定超过法定上限",
            "社会保险未在用工之日起三十日内登记",
            "竞业限制协议未约定经济补偿",
        ],
    ),
    "contracts": (
        26,
        [
            "供货合同违约责任条款缺失",
            "合同对账与验收流程不清",
            "格式条款未作提示说明",
            "应收账款催收时效将届满",
        ],
    ),
    "management": (
        20,
        ["公司章程与实际治理不符", "股东出资期限需按新公司法调整", "规章制度未经民主程序"],
    ),
    "intellectual_property": (
        14,
        ["商标被仿冒使用", "专利申请前技术资料外泄风险", "软件著作权未登记"],
    ),
    "compliance": (5, ["个人信息处理未做合规审计", "安全生产管理人员未配备"]),
    "tax": (3, ["发票管理不规范"]),
    "financing": (2, ["民间借贷利率约定过高"]),
}
STUDIOS = ("城关法律助企工作室", "轴承产业法律助企工作室", "开发区法律助企工作室")


def load(session: Session, today: date) -> int:
    """Add the Friday program's demo data once; returns the visits added."""
    if session.scalar(select(func.count()).select_from(FridayRequest)):
        return 0
    rng = random.Random(SEED)
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    if coordinator is None:
        return 0
    towns = list(session.scalars(select(Town).order_by(Town.id)))
    _neighbours(session, towns)
    _studios(session, towns)
    firms = list(
        session.scalars(
            select(Enterprise).where(Enterprise.status == "active").order_by(Enterprise.id)
        )
    )
    consultants = list(session.scalars(select(Consultant).order_by(Consultant.id)))
    _conflicts(session, rng, firms, consultants, today)
    visits = _history(session, rng, coordinator, firms, today)
    _waiting(session, rng, coordinator, firms, today)
    _office_hours(session, rng, coordinator, firms, consultants, today)
    return visits


def _neighbours(session: Session, towns: list[Town]) -> None:
    """Towns in a ring, each bordering the next, plus the city centre bordering four."""
    pairs = set()
    for n, town in enumerate(towns):
        other = towns[(n + 1) % len(towns)]
        pairs |= {(town.id, other.id), (other.id, town.id)}
    if len(towns) > 8:
        for other in towns[4:12:2]:
            pairs |= {(towns[0].id, other.id), (other.id, towns[0].id)}
    session.add_all(TownNeighbour(town_id=a, neighbour_id=b) for a, b in sorted(pairs) if a != b)
    session.flush()


def _studios(session: Session, towns: list[Town]) -> None:
    for n, name in enumerate(STUDIOS):
        town = towns[(n * 5) % len(towns)]
        session.add(Studio(name=name, town_id=town.id, address=f"{town.name}政务服务中心"))
    session.flush()


def _conflicts(
    session: Session,
    rng: random.Random,
    firms: list[Enterprise],
    consultants: list[Consultant],
    today: date,
) -> None:
    for consultant in rng.sample(consultants, 3):
        firm = rng.choice(firms)
        session.add(
            ConsultantConflict(
                consultant_id=consultant.id,
                enterprise_id=firm.id,
                reason="曾担任该企业对方当事人的代理律师",
                declared_on=today - timedelta(days=rng.randint(30, 300)),
            )
        )
    session.flush()


def _problems(rng: random.Random, topics: list[str]) -> tuple[services.ProblemInput, ...]:
    count = rng.choices((0, 1, 2, 3), (10, 52, 30, 8))[0]
    found = []
    for n in range(count):
        category = topics[n] if n < len(topics) else _category(rng)
        found.append(
            services.ProblemInput(
                category=category,
                description=rng.choice(PROBLEMS[category][1]),
                solved=rng.random() < 0.88,
            )
        )
    if found and not found[-1].solved and rng.random() < 0.5:
        last = found[-1]
        found[-1] = services.ProblemInput(last.category, last.description, False, True)
    return tuple(found)


def _category(rng: random.Random) -> str:
    codes = list(PROBLEMS)
    return rng.choices(codes, [PROBLEMS[c][0] for c in codes])[0]


def _topics(rng: random.Random) -> list[str]:
    first = _category(rng)
    if rng.random() < 0.3:
        second = _category(rng)
        if second != first:
            return [first, second]
    return [first]


def _history(
    session: Session,
    rng: random.Random,
    coordinator: User,
    firms: list[Enterprise],
    today: date,
) -> int:
    """Twelve months of Fridays: requests filed a week or two before, booked, recorded."""
    fridays = working_fridays(today - timedelta(days=364), today - timedelta(days=1))
    chambers = list(session.scalars(select(Chamber).order_by(Chamber.id)))
    towns = list(session.scalars(select(Town).order_by(Town.id)))
    pool = firms[:]
    rng.shuffle(pool)
    visited = 0
    per_friday = max(1, round(620 / max(1, len(fridays))))
    for friday in fridays:
        asked_on = friday - timedelta(days=rng.randint(7, 20))
        for _ in range(per_friday + rng.randint(-3, 3)):
            kind = rng.choices(("enterprise", "chamber", "village"), (90, 5, 5))[0]
            if kind == "enterprise":
                if not pool:
                    pool = firms[:]
                    rng.shuffle(pool)
                firm = pool.pop()
                data = services.RequestInput(
                    kind="enterprise",
                    enterprise_id=firm.id,
                    topics=tuple(_topics(rng)),
                    description="",
                )
            elif kind == "chamber" and chambers:
                data = services.RequestInput(
                    kind="chamber",
                    chamber_id=rng.choice(chambers).id,
                    topics=tuple(_topics(rng)),
                    headcount=rng.randint(15, 60),
                )
            else:
                town = rng.choice(towns)
                data = services.RequestInput(
                    kind="village",
                    town_id=town.id,
                    place=f"{town.name}{rng.choice('东南西北')}村",
                    topics=tuple(_topics(rng)),
                    headcount=rng.randint(20, 70),
                )
            visited += _ask_book_record(session, rng, coordinator, data, asked_on, friday, today)
    return visited


def _ask_book_record(
    session: Session,
    rng: random.Random,
    coordinator: User,
    data: services.RequestInput,
    asked_on: date,
    friday: date,
    today: date,
) -> int:
    try:
        request = services.submit_request(
            session, coordinator, data, today=asked_on, source="firm", announce=False
        )
    except DomainError:
        return 0
    request.created_at = datetime.combine(asked_on, time(9, rng.randint(0, 59)), tzinfo=TZ)
    consultant_id = _consultant_for(session, request, rng)
    if consultant_id is None:
        return 0
    visit = None
    for week in range(3):  # the paired consultant's Friday may be full: the next one, then
        on = friday + timedelta(weeks=week)
        if on >= today:
            break
        try:
            visit = services.book_visit(
                session,
                coordinator,
                request.id,
                consultant_id,
                on,
                today=asked_on,
                announce=False,
            )
            break
        except DomainError:
            continue
    if visit is None:
        return 0  # still waiting: it goes on next month's roster
    friday = visit.on
    record = services.RecordInput(
        met=rng.choice(("总经理", "总经理、人事主管", "法务负责人", "财务负责人、人事专员")),
        minutes=rng.choice((45, 60, 60, 90, 90, 120)),
        problems=_problems(rng, list(request.topics)),
    )
    visit.created_at = request.created_at
    services.record_visit(session, coordinator, visit.id, record, today=friday)
    visit.recorded_at = datetime.combine(friday, time(17, 30), tzinfo=TZ)
    for problem in visit.problems:
        if problem.follow_up_request is not None:
            problem.follow_up_request.created_at = visit.recorded_at
    return 1


def _consultant_for(session: Session, request: FridayRequest, rng: random.Random) -> int | None:
    if request.enterprise_id is not None:
        pairing = services.current_pairing(session, request.enterprise_id)
        return pairing.consultant_id if pairing else None
    wanted = set(request.topics)
    able = [
        c.id
        for c in session.scalars(select(Consultant).where(Consultant.active))
        if wanted <= set(c.expertise)
    ]
    return rng.choice(able) if able else None


def _waiting(
    session: Session,
    rng: random.Random,
    coordinator: User,
    firms: list[Enterprise],
    today: date,
) -> None:
    """Requests filed in the last fortnight, waiting for next month's roster; the demo firm
    login's own firm has one of them."""
    demo_firm = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
    demo_consultant = session.scalar(
        select(User.consultant_id).where(User.username == "consultant")
    )
    if demo_firm is not None and demo_consultant is not None:
        # The demo logins meet: the demo firm's paired consultant is the demo consultant.
        pairing = services.current_pairing(session, demo_firm)
        if pairing is not None and pairing.consultant_id != demo_consultant:
            pairing.ended_on = today - timedelta(days=30)
            pairing.end_reason = "demo"
            session.flush()
        if pairing is None or pairing.consultant_id != demo_consultant:
            session.add(
                Pairing(
                    enterprise_id=demo_firm,
                    consultant_id=demo_consultant,
                    started_on=today - timedelta(days=30),
                )
            )
            session.flush()
    chosen = rng.sample(firms, 36)
    if demo_firm is not None and all(f.id != demo_firm for f in chosen):
        chosen[0] = session.get(Enterprise, demo_firm)
    mine = session.get(Consultant, demo_consultant) if demo_consultant else None
    for n, firm in enumerate(chosen):
        topics = tuple(_topics(rng))
        if mine is not None and firm.id == demo_firm:
            topics = tuple(mine.expertise[:1])
        data = services.RequestInput(
            kind="enterprise",
            enterprise_id=firm.id,
            topics=topics,
            description=rng.choice(PROBLEMS[_category(rng)][1]),
        )
        asked_on = today - timedelta(days=14 - n // 3)
        try:
            request = services.submit_request(
                session, coordinator, data, today=asked_on, source="firm", announce=False
            )
        except DomainError:
            continue
        request.created_at = datetime.combine(asked_on, time(10, n), tzinfo=TZ)


def _office_hours(
    session: Session,
    rng: random.Random,
    coordinator: User,
    firms: list[Enterprise],
    consultants: list[Consultant],
    today: date,
) -> None:
    """Office hours at each studio on the coming four working Fridays, some half-hours booked."""
    studios = list(session.scalars(select(Studio).order_by(Studio.id)))
    fridays = working_fridays(today + timedelta(days=1), today + timedelta(weeks=5))[:4]
    for friday in fridays:
        for n, studio in enumerate(studios):
            consultant = consultants[(friday.toordinal() // 7 + n * 7) % len(consultants)]
            try:
                hours = services.open_office_hours(
                    session,
                    coordinator,
                    services.OfficeHoursInput(
                        studio.id, consultant.id, friday, time(9, 0), time(11, 30)
                    ),
                    today=today,
                )
            except DomainError:
                continue
            for at in services.half_hours(hours.starts, hours.ends):
                if rng.random() < 0.4:
                    firm = rng.choice(firms)
                    try:
                        services.book_half_hour(
                            session,
                            coordinator,
                            hours.id,
                            at,
                            enterprise_id=firm.id,
                            topic=_category(rng),
                            today=today,
                        )
                    except DomainError:
                        continue
