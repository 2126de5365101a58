"""The three-end loop's part of the demo city: a year of the bearing town's cases of every type.

The town reports 329 labour and sales disputes resolved, 169 contracts reviewed and over ¥6.76
million of losses recovered in a year; `plan` writes a year of about that size as scripts (when
a case opens, each move with its day, the return visit; the seeded year comes out somewhat
larger: about 360 resolved, 230 contracts, ¥5.8 million), and `load` plays them in the order of
their days through the real operations, so every case can say which rules moved it and why.
A few cases are left where they stand today: one whose mediation falls due tomorrow under
LDMAL art. 14, some overdue (on the supervision list), some in progress. The tick of today
then warns and marks them, as it would have on the day. `plan` is pure, so the scenario test
can count the year by hand from it.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import next_working_day, periods
from programs.accounts import services as accounts
from programs.accounts.models import User
from programs.directory.models import Enterprise, Town
from programs.disputes import daily, services
from programs.disputes.models import CaseTeamMember, DisputeCase

SEED = 3_2026
DEMO_STAFF = (
    ("mediator_wang", "王芳", "mediator", ("professional_mediation",)),
    ("mediator_chen", "陈刚", "mediator", ("industry_mediation",)),
)
# Who works in which team: the demo logins, and two more mediators.
TEAMS = {
    "mediator": ("professional_mediation", "industry_mediation"),
    "consultant": ("precise_legal_service",),
}

LABOUR_SUBJECTS = (("wage_arrears", 45), ("dismissal", 15), ("work_injury", 12),
                   ("social_insurance", 13), ("overtime", 15))  # fmt: skip
COMMERCIAL_SUBJECTS = (("sales", 50), ("supply", 20), ("payment", 30))
REVIEW_SUBJECTS = (("sales", 45), ("supply", 25), ("employment", 20), ("lease", 10))
SUMMARIES = {
    "wage_arrears": "拖欠{n}名工人{m}个月工资",
    "dismissal": "解除劳动合同未支付经济补偿",
    "work_injury": "车间工伤待遇争议",
    "social_insurance": "未足额缴纳社会保险",
    "overtime": "加班费计算争议",
    "sales": "轴承销售货款纠纷",
    "supply": "钢材供货质量纠纷",
    "payment": "应收账款逾期未付",
}
TERMS = (
    "被申请人于十日内一次性支付",
    "被申请人分两期支付，首期于签字之日支付，余款三十日内付清",
    "双方确认欠款金额，被申请人于本月底前付清",
)


@dataclass(frozen=True)
class Move:
    """One step of a script: on this day, move to this stage (or record the return visit)."""

    on: date
    to_stage: str
    reason: str
    outcome: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Script:
    """A case's year: who, what, and its moves in order. `child` is the dispute a contract
    review opens at its `dispute_opened` move."""

    key: int
    case_type: str
    subject: str
    opened_on: date
    firm: int  # index into the bearing town's firms
    counterparty: int | None
    workers: int
    amount: Decimal
    moves: tuple[Move, ...]
    visit: tuple[date, int] | None = None  # the return visit: day, satisfaction
    contracts: int = 0
    child: Script | None = None

    def moves_until(self, today: date) -> tuple[Move, ...]:
        """The moves made before today (the demo stops the year at yesterday)."""
        return tuple(m for m in self.moves if m.on < today)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


class _Writer:
    """Builds one script's moves, day by day."""

    def __init__(self, rng: random.Random, opened_on: date):
        self.rng = rng
        self.on = opened_on
        self.moves: list[Move] = []

    def after(self, low: int, high: int, stage: str, reason: str, **outcome: Any) -> None:
        self.on += timedelta(days=self.rng.randint(low, high))
        self.moves.append(Move(self.on, stage, reason, outcome))

    def after_period(self, days: int, low: int, high: int, stage: str, reason: str) -> None:
        """Move `low`..`high` days after a period of `days` from today's stage has ended."""
        due = periods.add_days(self.on, days).due_on
        self.on = due
        self.after(low, high, stage, reason)

    def wait(self, low: int, high: int) -> date:
        self.on += timedelta(days=self.rng.randint(low, high))
        return self.on


def _resolution(w: _Writer, amount: Decimal) -> tuple[date, int]:
    """Feedback, the return visit and the coordinator's closing."""
    visit = w.wait(3, 12)
    w.after(1, 6, "closed", "回访完成，结案")
    return visit, w.rng.choices((5, 4, 3, 2), (60, 30, 8, 2))[0]


def _labour(rng: random.Random, key: int, opened_on: date, firm: int) -> Script:
    subject = _weighted(rng, LABOUR_SUBJECTS)
    collective = rng.random() < 0.05
    workers = rng.randint(10, 30) if collective else rng.choices((1, 2, 3, 5), (70, 15, 10, 5))[0]
    amount = Decimal(workers * rng.randint(4, 60) * 1000)
    w = _Writer(rng, opened_on)
    w.after(0, 2, "mediation", "双方同意调解")
    path = rng.random()
    agreed = (amount * Decimal(rng.choice(("0.7", "0.8", "0.9", "1")))).quantize(Decimal("1"))
    terms = {"agreement_terms": rng.choice(TERMS), "agreed_amount": agreed}
    if path < 0.55:
        w.after(2, 13, "agreement", "达成调解协议", **terms)
        w.after(3, 20, "feedback", "协议已履行")
    elif path < 0.75:
        w.after(2, 13, "agreement", "达成调解协议", **terms)
        w.after(3, 25, "judicial_confirmation", "双方共同申请司法确认")
        w.after(7, 25, "feedback", "法院裁定确认协议有效，已履行")
    else:
        if rng.random() < 0.5:
            w.after(3, 10, "arbitration_application", "一方不愿继续调解", mediation_failed=True)
        else:
            w.after_period(15, 1, 4, "arbitration_application", "调解期满未达成协议")
        w.after(1, 4, "arbitration_accepted", "仲裁委受理")
        final = subject in ("overtime", "social_insurance") or amount < 30000
        w.after(20, 44, "award", "仲裁裁决作出", award_final_eligible=final)
        if final:
            w.after(1, 3, "final", "终局裁决")
        w.after(16, 16, "feedback", "起诉期满，裁决生效并履行")
    visit = _resolution(w, amount)
    return Script(key, "labour", subject, opened_on, firm, None, workers, amount,
                  tuple(w.moves), visit)  # fmt: skip


def _commercial(rng: random.Random, key: int, opened_on: date, firm: int, other: int) -> Script:
    subject = _weighted(rng, COMMERCIAL_SUBJECTS)
    amount = Decimal(rng.randint(2, 120) * 5000)
    w = _Writer(rng, opened_on)
    w.after(0, 3, "mediation", "双方同意由行业调解组织调解")
    agreed = (amount * Decimal(rng.choice(("0.6", "0.75", "0.9")))).quantize(Decimal("1"))
    terms = {"agreement_terms": rng.choice(TERMS), "agreed_amount": agreed}
    path = rng.random()
    if path < 0.45:
        w.after(5, 28, "agreement", "达成调解协议", **terms)
        w.after(3, 25, "judicial_confirmation", "双方共同申请司法确认")
        w.after(7, 25, "feedback", "法院裁定确认协议有效，已履行")
    elif path < 0.85:
        w.after(5, 28, "agreement", "达成调解协议", **terms)
        w.after(5, 25, "feedback", "协议已履行")
    else:
        w.after(10, 28, "litigation", "调解不成，申请人起诉")
        w.after(30, 90, "feedback", "法院判决已生效")
    visit = _resolution(w, amount)
    return Script(key, "commercial", subject, opened_on, firm, other, 0, amount,
                  tuple(w.moves), visit)  # fmt: skip


def _review(rng: random.Random, key: int, opened_on: date, firm: int, other: int) -> Script:
    subject = _weighted(rng, REVIEW_SUBJECTS)
    contracts = rng.choices((1, 2, 3), (80, 15, 5))[0]
    w = _Writer(rng, opened_on)
    w.after(0, 3, "reviewing", "开始审查")
    loss = Decimal(0)
    if rng.random() < 0.7:
        loss = Decimal(rng.choice((8, 12, 20, 30, 45, 60, 90, 150)) * 1000)
    findings = {
        "findings": "违约责任、付款条件条款存在漏洞",
        "loopholes_fixed": rng.randint(1, 4),
        "contracts_reviewed": contracts,
    }
    w.after(3, 12, "findings", "审查完成，出具意见", **findings)
    child = None
    if rng.random() < 0.08:
        w.after(1, 3, "dispute_opened", "审查发现正在发生的纠纷，转调解", live_dispute=True,
                opens="commercial")  # fmt: skip
        opened = w.on
        c = _Writer(rng, opened)
        c.after(0, 3, "mediation", "双方同意由行业调解组织调解")
        c.after(5, 20, "agreement", "达成调解协议", agreement_terms=rng.choice(TERMS),
                agreed_amount=Decimal(rng.randint(2, 40) * 5000))  # fmt: skip
        c.after(5, 20, "feedback", "协议已履行")
        child_visit = _resolution(c, Decimal(0))
        # The review's case opens it with the review's subject where a dispute has it
        # (services._open_found_dispute); the script says the same.
        found = subject if subject in dict(COMMERCIAL_SUBJECTS) else "sales"
        child = Script(key * 1000, "commercial", found, opened, firm, other, 0,
                       Decimal(rng.randint(2, 40) * 5000), tuple(c.moves), child_visit)  # fmt: skip
        w.after(1, 5, "closed", "已转纠纷案件，审查结案")
    else:
        outcome: dict[str, Any] = {}
        if loss:
            recovered = rng.random() < 0.4
            outcome = {
                "amount_recovered" if recovered else "loss_avoided": loss,
                "loss_evidence": "补充协议及回款凭证" if recovered else "修订后的合同文本",
            }
        w.after(1, 5, "closed", "漏洞已补正，审查结案", **outcome)
    return Script(key, "contract_review", subject, opened_on, firm, other, 0, Decimal(0),
                  tuple(w.moves), None, contracts, child)  # fmt: skip


def _stalled(today: date, key: int, firm: int, rng: random.Random) -> list[Script]:
    """Cases standing where they are today: one due tomorrow under art. 14, some overdue."""
    scripts = []
    # Labour mediation entered so that its 15 days end on the next working day (counted as the
    # law counts: the mediator's list says it falls due tomorrow, or on Monday).
    target = next_working_day(today + timedelta(days=1))
    entered = today - timedelta(days=14)
    while periods.add_days(entered, 15).due_on > target:
        entered -= timedelta(days=1)
    if periods.add_days(entered, 15).due_on == target:
        w = _Writer(rng, entered - timedelta(days=1))
        w.after(1, 1, "mediation", "双方同意调解")
        scripts.append(Script(key, "labour", "wage_arrears", entered - timedelta(days=1), firm,
                              None, 3, Decimal(36000), tuple(w.moves)))  # fmt: skip
    for i, days_ago in enumerate((22, 26, 35)):  # labour mediation past its 15 days
        opened = today - timedelta(days=days_ago + 1)
        w = _Writer(rng, opened)
        w.after(1, 1, "mediation", "双方同意调解")
        scripts.append(Script(key + 1 + i, "labour", "dismissal", opened, firm + 1 + i, None, 1,
                              Decimal(24000), tuple(w.moves)))  # fmt: skip
    for i, days_ago in enumerate((40, 52)):  # commercial mediation past the centre's 30 days
        opened = today - timedelta(days=days_ago + 1)
        w = _Writer(rng, opened)
        w.after(1, 1, "mediation", "双方同意调解")
        scripts.append(Script(key + 10 + i, "commercial", "payment", opened, firm + 5 + i,
                              firm + 9 + i, 0, Decimal(180000), tuple(w.moves)))  # fmt: skip
    return scripts


def plan(today: date, firms: int, *, seed: int = SEED) -> list[Script]:
    """The bearing town's year before `today`, as scripts (pure; `firms` firms to choose from)."""
    rng = random.Random(seed)
    start = today - timedelta(days=364)
    scripts: list[Script] = []
    key = 1
    counts = (("labour", 215), ("commercial", 150), ("contract_review", 178))
    for case_type, count in counts:
        for _ in range(count):
            opened = start + timedelta(days=rng.randint(0, 340))
            firm = rng.randrange(firms)
            other = (firm + rng.randrange(1, firms)) % firms
            if case_type == "labour":
                scripts.append(_labour(rng, key, opened, firm))
            elif case_type == "commercial":
                scripts.append(_commercial(rng, key, opened, firm, other))
            else:
                scripts.append(_review(rng, key, opened, firm, other))
            key += 1
    scripts.extend(_stalled(today, key, rng.randrange(max(1, firms - 12)), rng))
    return sorted(scripts, key=lambda s: (s.opened_on, s.key))


def _staff(session: Session) -> dict[str, User]:
    users = {u.username: u for u in session.scalars(select(User).where(User.role.in_(
        ("coordinator", "mediator", "consultant"))))}  # fmt: skip
    for username, name, role, _teams in DEMO_STAFF:
        if username not in users:
            users[username] = accounts.create_user(
                session,
                actor=None,
                username=username,
                password="demo1234",
                display_name=name,
                role=role,
                email=f"{username}@demo.fengqiao.local",
            )
    members = {(m.team, m.user_id) for m in session.scalars(select(CaseTeamMember))}
    wanted = [(team, users[name]) for name, teams in TEAMS.items() if name in users
              for team in teams]  # fmt: skip
    wanted += [(team, users[u]) for u, _n, _r, teams in DEMO_STAFF for team in teams]
    for team, user in wanted:
        if (team, user.id) not in members:
            session.add(CaseTeamMember(team=team, user_id=user.id))
    session.flush()
    return users


def load(session: Session, today: date) -> int:
    """Add the loop's demo year once (the bearing town's firms); returns the cases added."""
    if session.scalar(select(func.count()).select_from(DisputeCase)):
        return 0
    from programs.demo import BEARING_TOWN

    users = _staff(session)
    if "coordinator" not in users:
        return 0
    town = session.scalar(select(Town).where(Town.code == BEARING_TOWN))
    firms = list(
        session.scalars(
            select(Enterprise)
            .where(Enterprise.town_id == town.id, Enterprise.status == "active")
            .order_by(Enterprise.id)
        )
    )
    if len(firms) < 20:
        return 0
    scripts = plan(today, len(firms))
    player = _Player(session, users, firms, today)
    for script in scripts:
        player.schedule(script)
    player.run()
    daily.tick(session, today)
    return session.scalar(select(func.count()).select_from(DisputeCase)) or 0


class _Player:
    """Plays the scripts' events in the order of their days through the real operations."""

    def __init__(self, session: Session, users: dict[str, User], firms: list[Enterprise],
                 today: date):  # fmt: skip
        self.session = session
        self.users = users
        self.firms = firms
        self.today = today
        self.events: list[tuple[date, int, int, str, Any]] = []
        self.order = 0
        self.cases: dict[int, int] = {}  # script key -> case id
        self.rng = random.Random(SEED + 1)

    def push(self, on: date, kind: str, key: int, payload: Any) -> None:
        if on >= self.today:
            return
        self.order += 1
        heapq.heappush(self.events, (on, self.order, key, kind, payload))

    def schedule(self, script: Script) -> None:
        self.push(script.opened_on, "open", script.key, script)

    def _actor(self, case: DisputeCase, move: Move) -> User:
        if move.to_stage == "closed":
            return self.users["coordinator"]
        if case.case_type == "contract_review":
            return self.users["consultant"]
        return self.session.get(User, case.assignee_id) if case.assignee_id else self.users[
            "coordinator"]  # fmt: skip

    def _continue(self, script: Script, case: DisputeCase) -> None:
        for move in script.moves:
            self.push(move.on, "move", script.key, (script, move))
        if script.visit is not None:
            feedback_on = next(m.on for m in script.moves if m.to_stage == "feedback")
            visit_on = min(script.visit[0], next(m.on for m in script.moves if m.to_stage ==
                                                 "closed"))  # fmt: skip
            self.push(max(visit_on, feedback_on), "visit", script.key, script)

    def run(self) -> None:
        while self.events:
            on, _order, key, kind, payload = heapq.heappop(self.events)
            getattr(self, f"_{kind}")(on, key, payload)

    def _open(self, on: date, key: int, script: Script) -> None:
        firm = self.firms[script.firm % len(self.firms)]
        other = (
            self.firms[script.counterparty % len(self.firms)]
            if script.counterparty is not None
            else None
        )
        opener = self.users["coordinator" if script.key % 2 else (
            "consultant" if script.case_type == "contract_review" else "mediator")]  # fmt: skip
        named = tuple(
            services.WorkerInput(f"工人{i + 1}", "") for i in range(min(script.workers, 2))
        )
        data = services.CaseInput(
            case_type=script.case_type,
            subject=script.subject,
            enterprise_id=firm.id,
            counterparty_id=other.id
            if other is not None and script.case_type == "commercial"
            else None,
            counterparty_name=other.name if other is not None else "",
            summary=SUMMARIES.get(script.subject, "合同审查").format(n=script.workers, m=2),
            workers=script.workers,
            amount_claimed=script.amount,
            knew_on=on - timedelta(days=self.rng.randint(5, 60)),
            named_workers=named if script.case_type == "labour" else (),
            contracts=script.contracts,
            documents=(("application", "调解申请书"), ("evidence", "证据材料")),
        )
        case = services.open_case(self.session, opener, data, today=on, announce=False)
        self.cases[key] = case.id
        self._continue(script, case)

    def _move(self, on: date, key: int, payload: tuple[Script, Move]) -> None:
        script, move = payload
        case = self.session.get(DisputeCase, self.cases[key])
        outcome = dict(move.outcome)
        opens = outcome.pop("opens", None)
        services.move_case(
            self.session,
            self._actor(case, move),
            case.id,
            move.to_stage,
            today=on,
            reason=move.reason,
            outcome=services.Outcome(opens=opens, **outcome),
            announce=False,
        )
        if move.to_stage == "dispute_opened" and script.child is not None:
            child = self.session.scalar(select(DisputeCase).where(DisputeCase.parent_id == case.id))
            self.cases[script.child.key] = child.id
            self._continue(script.child, child)

    def _visit(self, on: date, key: int, script: Script) -> None:
        case = self.session.get(DisputeCase, self.cases[key])
        if case.stage != "feedback":
            return
        assert script.visit is not None
        actor = self.session.get(User, case.assignee_id) if case.assignee_id else self.users[
            "coordinator"]  # fmt: skip
        result = services.record_feedback(
            self.session,
            actor,
            case.id,
            services.FeedbackInput(on, script.visit[1], "当事人对调解结果表示满意"),
            today=on,
            announce=False,
            friday_follow_up=False,
        )
        if result.prevention is not None:
            task = result.prevention
            done_on = on + timedelta(days=self.rng.randint(8, 20))
            self.push(done_on, "prevent", task.id, done_on)

    def _prevent(self, on: date, task_id: int, _payload: Any) -> None:
        task = self.session.get(DisputeCase, task_id)
        services.move_case(
            self.session,
            self.users["consultant"],
            task.id,
            "done",
            today=on,
            reason="到企业开展劳动用工专题培训",
            outcome=services.Outcome(activity_on=on, activity_note="专题培训一次"),
            announce=False,
        )
        close_on = on + timedelta(days=self.rng.randint(1, 5))
        self.push(close_on, "close_task", task.id, None)

    def _close_task(self, on: date, task_id: int, _payload: Any) -> None:
        services.move_case(
            self.session, self.users["coordinator"], task_id, "closed", today=on,
            reason="预防任务完成", announce=False,
        )  # fmt: skip
