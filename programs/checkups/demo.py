"""The legal check-ups' part of the demo city: a year of check-ups on the Friday visits, their
findings, the fixes and the return visits, and a few requests waiting for their Friday.

About a hundred of the year's recorded Friday visits to single firms (one per firm) carry a
check-up, the way the consultants do them: started on the visit, examined item by item, graded
by the rules on the day; about 2.5 findings a report, as DOMAIN.md reports of check-up practice
elsewhere. Each finding then runs its course from the visit's day (`fate` draws it, pure): about
65 % fixed in time and verified at a later Friday, 8 % fixed late and verified, 7 % accepted as
a risk in writing, 20 % still open today (those past their day are overdue, so the reminders
have something to remind); one verification in ten first sends the fix back with a note.

A red or orange grade opens a Friday follow-up request. Those of check-ups examined more than
six weeks ago are booked and recorded as the return visit, where the consultant verifies what
was fixed by then (cancelled, if the rules refuse every Friday tried); the recent ones stay
open for next month's roster, and what the firm fixes meanwhile waits for them ("fixed").

Everything goes through the real operations, as the coordinator, without notifications, with
two exceptions where only the firm itself may act: marking a fix and accepting a risk are the
firm's own (services.mark_fixed, services.accept_risk), and the demo creates no accounts for the
firms. So only the demo firm (the "enterprise" login's) marks its fix through its account; for
the others the demo writes on the item what mark_fixed or accept_risk would (fixed_by_id and
accepted_by_id None, the audit entry without an actor) and the coordinator verifies through
services.verify_fix, which also closes the check-up. An acceptance is therefore never the last
step of a check-up: it comes before a verification of the same check-up, or is left undone.

No finding of the demo is an urgent labour risk: that would open a prevention task in the
three-end loop, whose demo year its scenario test counts by hand. Urgent high risks are in the
other areas. The demo firm gets exactly one check-up: reported, three findings (one verified at
its return visit, one overdue, one not yet due), none under way, so its login can ask for a new
one. Three other firms have just asked for theirs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import TZ, working_fridays
from programs import audit
from programs.accounts.models import User
from programs.checkups import services
from programs.checkups.models import Checkup, CheckupItem
from programs.checkups.services import ExamInput, ItemResult, RequestInput
from programs.directory.models import Enterprise
from programs.errors import DomainError
from programs.friday import services as friday
from programs.friday.models import FridayRequest, FridayVisit
from rules.checkups import CHECK_ITEMS

SEED = 7_2026
CHECKUPS = 100  # in the year, the demo firm's included
FINDINGS_PER_REPORT = 2.5
RETURN_AFTER_DAYS = 42  # a follow-up older than this has had its return visit
# The check-up tests book the demo consultant on the last Friday before today: left free.
DEMO_CONSULTANT_FREE_DAYS = 21


@dataclass(frozen=True)
class ItemTexts:
    """How often an item is a finding (relative weight), what consultants find, what they
    recommend, and what the firm says it did."""

    weight: float
    findings: tuple[str, ...]
    recommendation: str
    fixed: str


TEXTS: dict[str, ItemTexts] = {
    "written_contract": ItemTexts(
        3,
        (
            "3名员工入职超过一个月未签订书面劳动合同",
            "部分劳动合同到期后继续用工，未及时续签",
            "劳动合同由企业单方保管，未交付员工本人一份",
        ),
        "一个月内补签书面劳动合同，核算并支付二倍工资差额；建立合同到期前三十日提醒台账",
        "已与相关员工补签书面劳动合同，二倍工资差额已核算发放，合同台账已建立",
    ),
    "probation": ItemTexts(
        2,
        (
            "一年期劳动合同约定三个月试用期，超过法定上限",
            "试用期工资低于约定工资的百分之八十",
            "员工调岗后再次约定试用期",
        ),
        "按劳动合同期限调整试用期约定，补足试用期工资差额；同一员工只约定一次试用期",
        "已修订劳动合同试用期条款，试用期工资差额已补发",
    ),
    "social_insurance": ItemTexts(
        3,
        (
            "5名新入职员工超过三十日未办理社会保险登记",
            "以劳务协议代替劳动合同，未为员工缴纳社会保险",
            "社会保险缴费基数低于员工实际工资",
        ),
        "立即为相关员工办理社会保险登记并补缴，按实际工资申报缴费基数",
        "已为相关员工办理社会保险登记并补缴，缴费基数已按实际工资调整",
    ),
    "working_hours": ItemTexts(
        3,
        (
            "生产旺季每月加班超过三十六小时",
            "休息日加班既未安排补休也未支付加班费",
            "加班费以当地最低工资为基数计算",
        ),
        "合理安排排班，将加班控制在法定限度内；按百分之一百五十、二百、三百的标准足额支付加班费",
        "已调整排班制度并补发加班费差额，加班审批和考勤记录已规范",
    ),
    "wage_payment": ItemTexts(
        1.5,
        (
            "工资经常推迟至次月二十日以后发放",
            "工资以现金发放，无员工签收的工资表",
            "部分员工绩效工资被长期扣留",
        ),
        "按月足额、按时以货币形式支付工资，建立工资支付台账并由员工签字确认，保存二年以上",
        "工资已改为每月固定日期银行代发，工资支付台账已建立并经员工签字确认",
    ),
    "non_compete": ItemTexts(
        2,
        (
            "竞业限制协议未约定离职后按月支付经济补偿",
            "对普通操作工约定竞业限制义务",
            "竞业限制期限约定为三年，超过法定上限",
        ),
        "竞业限制仅限高级管理人员、高级技术人员和其他负有保密义务的人员，期限不超过二年，并约定按月支付经济补偿",
        "已重新签订竞业限制协议，明确适用人员、期限和按月支付的经济补偿",
    ),
    "contract_templates": ItemTexts(
        3,
        (
            "销售合同格式条款中免除本方责任的条款未作提示说明",
            "合同范本缺少违约责任条款，争议解决条款约定不明",
            "采购合同仍沿用《合同法》时期的旧范本",
        ),
        "按民法典修订合同范本，对免除或者限制责任的条款加粗提示并按对方要求说明，留存提示说明的证据",
        "已按民法典修订合同范本，格式条款加粗提示并增设对方确认栏",
    ),
    "seal_control": ItemTexts(
        2.5,
        (
            "公章、合同专用章由业务员随身携带，无用印登记",
            "未制定印章管理制度，用印无审批记录",
            "发现预先加盖公章的空白合同",
        ),
        "制定印章管理制度，指定专人保管，建立用印审批和登记台账，严禁在空白文书上用印",
        "已制定印章管理制度，印章由行政部专人保管，用印登记台账已启用",
    ),
    "contract_performance": ItemTexts(
        2,
        (
            "交货后未取得对方签收的验收单据",
            "应收账款未定期对账，部分货款接近诉讼时效",
            "合同变更仅有口头约定，无书面补充协议",
        ),
        "建立合同履行台账，保存发货、验收、对账和催款的书面凭证；合同变更签订书面补充协议",
        "合同履行台账已建立，逾期账款已发函催收并取得对方对账确认",
    ),
    "capital_contribution": ItemTexts(
        1.5,
        (
            "公司章程约定的认缴出资期限为二十年，超过五年",
            "股东未按章程约定期限缴纳认缴出资",
        ),
        "修改公司章程，将认缴出资期限调整为自公司成立之日起五年内，督促股东按期缴纳",
        "股东会已决议修改章程，出资期限已调整并完成备案",
    ),
    "capital_transition": ItemTexts(
        1.5,
        (
            "章程约定的剩余出资期限至2045年，尚未按新公司法调整",
            "股东对调整出资期限尚未形成股东会决议",
        ),
        "在2027年6月30日前召开股东会，将剩余出资期限调整至2032年6月30日前，修改章程并办理变更登记",
        "股东会已决议调整出资期限，章程修正案已提交登记机关",
    ),
    "trademarks": ItemTexts(
        1.5,
        (
            "主要产品使用的商标未申请注册",
            "注册商标将于半年内到期，尚未办理续展",
            "商标注册在法定代表人个人名下",
        ),
        "及时提出商标注册和续展申请，将使用中的商标注册或转让至公司名下",
        "商标注册（续展）申请已提交，已取得受理通知书",
    ),
    "trade_secrets": ItemTexts(
        2,
        (
            "核心技术图纸存放在共享电脑中，未设访问权限",
            "接触技术秘密的员工未签订保密协议",
            "离职员工未办理涉密资料交接",
        ),
        "梳理商业秘密清单，分级设置接触权限，与涉密员工签订保密协议，规范离职交接",
        "已梳理商业秘密清单并设置访问权限，涉密员工均已签订保密协议",
    ),
    "pi_rules": ItemTexts(
        2,
        (
            "未制定个人信息保护内部管理制度",
            "员工和客户个人信息以明文表格存储，无访问控制",
            "未对员工开展个人信息保护培训",
        ),
        "制定个人信息保护管理制度和操作规程，分类管理个人信息，采取加密、去标识化等措施并定期培训",
        "个人信息保护制度已发布，数据已加密存储，已组织全员培训",
    ),
    "pi_audit": ItemTexts(
        1,
        ("从未开展个人信息保护合规审计", "合规审计未形成书面报告"),
        "按规定频次开展个人信息保护合规审计，形成审计报告并留存",
        "已委托第三方完成个人信息保护合规审计并取得审计报告",
    ),
    "pi_officer": ItemTexts(
        1,
        (
            "未指定个人信息保护负责人",
            "个人信息保护负责人的联系方式未公开，也未报送主管部门",
        ),
        "指定个人信息保护负责人，公开其联系方式并报送履行个人信息保护职责的部门",
        "已任命个人信息保护负责人，联系方式已公开并报送",
    ),
    "cross_border": ItemTexts(
        1.5,
        (
            "客户个人信息传输至境外关联公司，未签订个人信息出境标准合同",
            "向境外提供个人信息前未取得个人的单独同意",
        ),
        "评估出境情形，签订个人信息出境标准合同并备案，履行告知义务并取得个人的单独同意",
        "已签订个人信息出境标准合同并完成备案，告知和单独同意流程已上线",
    ),
    "export_control": ItemTexts(
        1.5,
        (
            "出口产品未对照管制清单进行物项筛查",
            "未建立出口管制内部合规制度",
            "未审查最终用户和最终用途",
        ),
        "建立出口管制内部合规制度，出口前对照管制清单筛查物项、审查最终用户和最终用途，需许可的依法申请",
        "出口管制合规制度已建立，物项筛查和最终用户审查已纳入出口流程",
    ),
    "work_safety": ItemTexts(
        2,
        (
            "未按规定配备专职安全生产管理人员",
            "新入职员工未经安全生产教育培训即上岗",
            "安全生产教育培训记录不完整",
        ),
        "按规定设置安全生产管理机构或配备安全生产管理人员，新员工上岗前完成安全培训并建立培训档案",
        "已配备安全生产管理人员，新员工安全培训已补训并建档",
    ),
}
AREA_NAMES = {
    "labour": "劳动用工",
    "contracts": "合同管理",
    "governance": "公司治理",
    "ip": "知识产权",
    "data": "个人信息保护",
    "export": "出口合规",
    "safety": "安全生产",
}
SIGNERS = ("王建国 总经理", "李秀英 法定代表人", "张伟 副总经理", "刘洋 总经理", "陈志强 执行董事")
REASONS = (
    "相关业务将于年内停止",
    "整改所需投入较大，拟在下一年度预算中安排",
    "公司正在进行业务调整",
)
VERIFIED = (
    "回访现场核查，整改到位",
    "已查阅整改材料原件，确认整改完成",
    "抽查相关档案，整改已落实",
)
SENT_BACK = (
    "整改材料缺少员工签字页，请补齐后再报",
    "制度已起草，但尚未经职工代表大会讨论通过",
    "仅提交了模板，未见实际签署的文本",
)
NOTES = (
    "希望重点查看劳动合同和规章制度",
    "新招了一批员工，想看看用工是否规范",
    "准备开展出口业务，想了解合规要求",
)


# --- The course of a finding (pure) --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a finding after the report: fixed, accepted, verified, or sent back."""

    on: date
    action: str  # "fix", "accept", "verify", "send_back"


ORDER = {"accept": 0, "fix": 1, "send_back": 2, "verify": 3}  # on one day


def _friday_after(rng: random.Random, on: date) -> date:
    """A working Friday after `on`, within the next three weeks or so."""
    start = on + timedelta(days=1 + 7 * rng.choice((0, 0, 1, 2)))
    return working_fridays(start, start + timedelta(days=35))[0]


def fate(
    rng: random.Random,
    examined_on: date,
    due_on: date,
    today: date,
    *,
    return_on: date | None = None,
    waits_for_return: bool = False,
) -> tuple[Step, ...]:
    """A finding's steps before `today`: open (none), accepted, or fixed (in time or late)
    and verified at a later Friday (the return visit `return_on` if it comes after the fix),
    once in ten first sent back. A step that would fall on `today` or later is not taken; a
    fix made while the check-up `waits_for_return` (an open follow-up) waits for it."""
    span = max(1, (due_on - examined_on).days)
    roll = rng.random()
    if roll < 0.20:
        return ()
    if roll < 0.27:
        on = examined_on + timedelta(days=rng.randint(min(5, span), span))
        return (Step(on, "accept"),) if on < today else ()
    if roll < 0.92:
        fixed = examined_on + timedelta(days=rng.randint(min(3, span), span))
    else:
        fixed = due_on + timedelta(days=rng.randint(3, 30))
    if fixed >= today:
        return ()
    steps = [Step(fixed, "fix")]
    if waits_for_return:
        return tuple(steps)
    visit = return_on if return_on is not None and return_on >= fixed else None
    verify_on = visit or _friday_after(rng, fixed)
    if verify_on >= today:
        return tuple(steps)
    if rng.random() < 0.10:
        steps.append(Step(verify_on, "send_back"))
        fixed = verify_on + timedelta(days=rng.randint(3, 14))
        if fixed >= today:
            return tuple(steps)
        steps.append(Step(fixed, "fix"))
        verify_on = _friday_after(rng, fixed)
        if verify_on >= today:
            return tuple(steps)
    steps.append(Step(verify_on, "verify"))
    return tuple(steps)


def settle_last_by_verification(courses: list[tuple[Step, ...]]) -> list[tuple[Step, ...]]:
    """Only a verification closes a check-up through the services: when every finding would be
    settled and an acceptance comes last, the acceptances after the last verification move to
    its day (signed at the return visit); with no verification at all, the last acceptance is
    not made."""
    ends = [course[-1].action if course else "open" for course in courses]
    if not courses or any(end not in ("accept", "verify") for end in ends):
        return courses
    verified = [course[-1].on for course in courses if course[-1].action == "verify"]
    if not verified:
        last = max(range(len(courses)), key=lambda n: courses[n][-1].on)
        return [() if n == last else course for n, course in enumerate(courses)]
    latest = max(verified)
    return [  # an acceptance is its course's only step
        (Step(latest, "accept"),)
        if course[-1].action == "accept" and course[-1].on > latest
        else course
        for course in courses
    ]


# --- Loading -------------------------------------------------------------------------------------


def load(session: Session, today: date) -> int:
    """Add the check-ups' demo year once; returns the check-ups added."""
    if session.scalar(select(func.count()).select_from(Checkup)):
        return 0
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    if coordinator is None:
        return 0
    player = _Player(session, coordinator, today)
    visits = player.chosen_visits(CHECKUPS - 1)
    demo_visit = player.demo_firm_visit()
    if demo_visit is not None:
        visits.append((demo_visit.id, demo_visit.on))
    for visit_id, _on in sorted(visits, key=lambda v: (v[1], v[0])):  # numbered in date order
        if demo_visit is not None and visit_id == demo_visit.id:
            player.demo_firm_checkup(demo_visit)
        else:
            player.year_checkup(visit_id)
    player.fresh_requests(3)
    return session.scalar(select(func.count()).select_from(Checkup)) or 0


class _Player:
    """Plays each check-up's year through the services, in the order of the visits."""

    def __init__(self, session: Session, coordinator: User, today: date):
        self.session = session
        self.coordinator = coordinator
        self.today = today
        self.rng = random.Random(SEED)
        self.firm_user = session.scalar(
            select(User).where(User.username == "enterprise", User.status == "active")
        )
        self.demo_firm_id = self.firm_user.enterprise_id if self.firm_user else None
        self.demo_consultant_id = session.scalar(
            select(User.consultant_id).where(User.username == "consultant")
        )

    # -- choosing

    def _visits(self, start: date, end: date) -> list[tuple[int, int, date]]:
        """The recorded visits to single active firms between two days: (visit, firm, day)."""
        return [
            (visit_id, firm_id, on)
            for visit_id, firm_id, on in self.session.execute(
                select(FridayVisit.id, FridayRequest.enterprise_id, FridayVisit.on)
                .join(FridayVisit.request)
                .join(Enterprise, Enterprise.id == FridayRequest.enterprise_id)
                .where(
                    FridayVisit.status == "done",
                    FridayRequest.kind == "enterprise",
                    Enterprise.status == "active",
                    FridayVisit.on.between(start, end),
                )
                .order_by(FridayVisit.on, FridayVisit.id)
            )
        ]

    def chosen_visits(self, count: int) -> list[tuple[int, date]]:
        """`count` of the year's visits, one per firm (not the demo firm), evenly over the
        year: one drawn from each of `count` runs of the visits in the order of their days."""
        by_firm: dict[int, list[tuple[int, date]]] = defaultdict(list)
        for visit_id, firm_id, on in self._visits(
            self.today - timedelta(days=364), self.today - timedelta(days=1)
        ):
            if firm_id != self.demo_firm_id:
                by_firm[firm_id].append((visit_id, on))
        one_each = sorted(
            (self.rng.choice(by_firm[firm]) for firm in sorted(by_firm)),
            key=lambda v: (v[1], v[0]),
        )
        count = min(count, len(one_each))
        runs = [one_each[n * len(one_each) // count : (n + 1) * len(one_each) // count]
                for n in range(count)]  # fmt: skip
        return [self.rng.choice(run) for run in runs]

    # -- one check-up

    def _examine(
        self,
        visit: FridayVisit,
        choose: Callable[[list[str]], dict[str, tuple[str, bool]]],
    ) -> Checkup:
        """Start a check-up on the visit and finish it with the findings `choose` picks from its
        checklist (code -> (risk, urgent)); every other item compliant or, now and then, not
        applicable."""
        checkup = services.start_on_visit(self.session, self.coordinator, visit.id, today=visit.on)
        findings = choose([item.code for item in checkup.items])
        results = []
        for item in checkup.items:
            if item.code in findings:
                risk, urgent = findings[item.code]
                texts = TEXTS[item.code]
                results.append(
                    ItemResult(
                        item.id,
                        "finding",
                        risk=risk,
                        urgent=urgent,
                        finding=self.rng.choice(texts.findings),
                        recommendation=texts.recommendation,
                    )
                )
            else:
                result = "not_applicable" if self.rng.random() < 0.04 else "compliant"
                results.append(ItemResult(item.id, result))
        services.record_examination(
            self.session,
            self.coordinator,
            checkup.id,
            ExamInput(visit.id, tuple(results), summary=_summary(findings), finish=True),
            today=visit.on,
            announce=False,
        )
        at = datetime.combine(visit.on, time(16, 30), tzinfo=TZ)
        checkup.created_at = at
        if checkup.follow_up_request is not None:
            checkup.follow_up_request.created_at = at
        return checkup

    def _findings(self, codes: list[str]) -> dict[str, tuple[str, bool]]:
        """Each item a finding with a chance by its weight, about 2.5 a report; the risk high
        (20 %, half of those urgent, but never an urgent labour risk), medium or low."""
        total = sum(TEXTS[code].weight for code in codes)
        found: dict[str, tuple[str, bool]] = {}
        for code in codes:
            if self.rng.random() >= min(0.9, FINDINGS_PER_REPORT * TEXTS[code].weight / total):
                continue
            risk = self.rng.choices(("high", "medium", "low"), (20, 40, 40))[0]
            urgent = (
                risk == "high" and CHECK_ITEMS[code].area != "labour" and self.rng.random() < 0.5
            )
            found[code] = (risk, urgent)
        return found

    def year_checkup(self, visit_id: int) -> None:
        """One firm's check-up: examined on the visit, its return visit, its findings' courses."""
        visit = self.session.get(FridayVisit, visit_id)
        checkup = self._examine(visit, self._findings)
        return_on = self._return_visit(checkup)
        follow_up = checkup.follow_up_request
        waits = follow_up is not None and follow_up.status == "open"
        findings = checkup.findings
        courses = [
            fate(
                self.rng,
                visit.on,
                item.fix_due_on,
                self.today,
                return_on=return_on,
                waits_for_return=waits,
            )
            for item in findings
        ]
        self._play(checkup, list(zip(findings, settle_last_by_verification(courses), strict=True)))

    # -- the fixes

    def _play(self, checkup: Checkup, courses: list[tuple[CheckupItem, tuple[Step, ...]]]) -> None:
        steps = sorted(
            ((step, item) for item, course in courses for step in course),
            key=lambda s: (s[0].on, ORDER[s[0].action], s[1].position),
        )
        for step, item in steps:
            getattr(self, f"_{step.action}")(item, step.on)

    def _fix(self, item: CheckupItem, on: date) -> None:
        note = TEXTS[item.code].fixed
        if self.firm_user is not None and item.checkup.enterprise_id == self.demo_firm_id:
            services.mark_fixed(
                self.session, self.firm_user, item.id, note, today=on, announce=False
            )
            return
        # What mark_fixed writes; only the firm's own account may call it.
        item.fix_status = "fixed"
        item.fixed_on = on
        item.fix_note = note
        item.fixed_by_id = None
        self.session.flush()
        audit.record(self.session, "checkup.fixed", item.checkup, actor_id=None, item=item.code)

    def _accept(self, item: CheckupItem, on: date) -> None:
        # What accept_risk writes; only the firm's own account may call it.
        item.fix_status = "accepted"
        item.accepted_on = on
        item.acceptance = (
            f"本公司已知悉体检报告指出的问题（{item.finding}）及整改建议，"
            f"因{self.rng.choice(REASONS)}，经公司研究决定暂不整改，自行承担由此产生的法律风险。"
        )
        item.accepted_signer = self.rng.choice(SIGNERS)
        item.accepted_by_id = None
        self.session.flush()
        audit.record(
            self.session, "checkup.risk_accepted", item.checkup, actor_id=None, item=item.code
        )

    def _verify(self, item: CheckupItem, on: date) -> None:
        services.verify_fix(
            self.session,
            self.coordinator,
            item.id,
            confirmed=True,
            visited_on=on,
            note=self.rng.choice(VERIFIED),
            today=on,
            announce=False,
        )

    def _send_back(self, item: CheckupItem, on: date) -> None:
        services.verify_fix(
            self.session,
            self.coordinator,
            item.id,
            confirmed=False,
            visited_on=on,
            note=self.rng.choice(SENT_BACK),
            today=on,
            announce=False,
        )

    # -- the return visit

    def _return_visit(self, checkup: Checkup, *, always: bool = False) -> date | None:
        """Book and record the follow-up request as the return visit, two to five weeks after
        the examination, if the check-up was examined more than six weeks ago (or `always`);
        cancel the request if the rules refuse every Friday tried. Its day, or None."""
        request = checkup.follow_up_request
        examined_on = checkup.examined_on
        if request is None or examined_on is None:
            return None
        if not always and examined_on >= self.today - timedelta(days=RETURN_AFTER_DAYS):
            return None
        earliest = examined_on + timedelta(days=14 + 7 * self.rng.randint(0, 2))
        fridays = working_fridays(earliest, self.today - timedelta(days=1))[:3]
        pairing = friday.current_pairing(self.session, checkup.enterprise_id)
        consultants = [checkup.consultant_id]
        if pairing is not None and pairing.consultant_id not in consultants:
            consultants.append(pairing.consultant_id)
        for on in fridays:
            for consultant_id in consultants:
                if consultant_id is None or (
                    consultant_id == self.demo_consultant_id
                    and on > self.today - timedelta(days=DEMO_CONSULTANT_FREE_DAYS)
                ):
                    continue
                booked_on = max(examined_on, on - timedelta(days=self.rng.randint(14, 20)))
                try:
                    visit = friday.book_visit(
                        self.session,
                        self.coordinator,
                        request.id,
                        consultant_id,
                        on,
                        today=booked_on,
                        announce=False,
                    )
                except DomainError:
                    continue
                friday.record_visit(
                    self.session,
                    self.coordinator,
                    visit.id,
                    friday.RecordInput(
                        met=self.rng.choice(("总经理", "人事主管", "法务负责人", "行政主管")),
                        minutes=self.rng.choice((30, 45, 60)),
                        notes=f"{checkup.number}整改回访",
                    ),
                    today=on,
                )
                visit.created_at = datetime.combine(booked_on, time(10, 0), tzinfo=TZ)
                visit.recorded_at = datetime.combine(on, time(17, 30), tzinfo=TZ)
                return on
        friday.cancel_request(
            self.session, self.coordinator, request.id, "整改情况改由电话和书面材料核实"
        )
        return None

    # -- the demo firm, and the fresh requests

    def demo_firm_checkup(self, visit: FridayVisit) -> None:
        """The demo firm's one check-up: three findings, one verified at the return visit, one
        overdue today, one not yet due."""

        def choose(codes: list[str]) -> dict[str, tuple[str, bool]]:
            verified = next(
                (
                    c
                    for c in ("written_contract", "social_insurance", "trade_secrets")
                    if c in codes
                ),
                next(c for c in codes if c not in ("contract_templates", "seal_control")),
            )
            return {
                verified: ("high", False),  # fixed, and verified at the return visit
                "contract_templates": ("medium", False),  # due in 30 days: overdue today
                "seal_control": ("low", False),  # due in 90 days: not yet
            }

        checkup = self._examine(visit, choose)
        item = next(i for i in checkup.findings if i.risk == "high")
        return_on = self._return_visit(checkup, always=True)
        fixed_on = visit.on + timedelta(days=self.rng.randint(6, 12))
        if return_on is None:  # verified when the consultant next came by
            return_on = working_fridays(fixed_on + timedelta(days=1), self.today)[0]
        self._fix(item, min(fixed_on, return_on))
        self._verify(item, return_on)

    def demo_firm_visit(self) -> FridayVisit | None:
        """A recorded visit to the demo firm 36 to 90 days ago, or one booked and recorded
        then: its findings then fall due before and after today."""
        if self.firm_user is None or self.demo_firm_id is None:
            return None
        start, end = self.today - timedelta(days=90), self.today - timedelta(days=36)
        mine = [v for v in self._visits(start, end) if v[1] == self.demo_firm_id]
        if mine:
            return self.session.get(FridayVisit, mine[-1][0])
        pairing = friday.current_pairing(self.session, self.demo_firm_id)
        if pairing is None:
            return None
        for on in reversed(working_fridays(start + timedelta(days=14), end)):
            asked_on = on - timedelta(days=20)
            request = friday.submit_request(
                self.session,
                self.coordinator,
                friday.RequestInput(
                    kind="enterprise", topics=("labour",), enterprise_id=self.demo_firm_id
                ),
                today=asked_on,
                source="firm",
                announce=False,
            )
            try:
                visit = friday.book_visit(
                    self.session,
                    self.coordinator,
                    request.id,
                    pairing.consultant_id,
                    on,
                    today=on - timedelta(days=14),
                    announce=False,
                )
            except DomainError:
                friday.cancel_request(self.session, self.coordinator, request.id, "另行安排")
                continue
            friday.record_visit(
                self.session,
                self.coordinator,
                visit.id,
                friday.RecordInput(met="总经理、人事主管", minutes=90),
                today=on,
            )
            return visit
        return None

    def fresh_requests(self, count: int) -> None:
        """A few firms without a check-up have just asked for one."""
        taken = set(self.session.scalars(select(Checkup.enterprise_id)))
        firms = [
            firm_id
            for firm_id in self.session.scalars(
                select(Enterprise.id).where(Enterprise.status == "active").order_by(Enterprise.id)
            )
            if firm_id not in taken and firm_id != self.demo_firm_id
        ]
        for n, firm_id in enumerate(self.rng.sample(firms, min(count, len(firms)))):
            try:
                services.request_checkup(
                    self.session,
                    self.coordinator,
                    RequestInput(enterprise_id=firm_id, note=NOTES[n % len(NOTES)]),
                    today=self.today,
                    announce=False,
                )
            except DomainError:
                continue


def _summary(findings: dict[str, tuple[str, bool]]) -> str:
    """The consultant's overall opinion, from the findings."""
    if not findings:
        return "本次体检各项均符合要求，企业法治状况良好，建议保持现有管理制度并定期自查。"
    areas = "、".join(
        dict.fromkeys(AREA_NAMES[CHECK_ITEMS[code].area] for code in sorted(findings, key=_rank))
    )
    risks = [risk for risk, _urgent in findings.values()]
    n = len(findings)
    if any(urgent for _risk, urgent in findings.values()):
        return (
            f"企业在{areas}方面存在重大紧急风险，须立即整改；本次共发现{n}项问题，"
            "顾问将跟进回访，核实整改情况。"
        )
    if "high" in risks:
        return (
            f"企业在{areas}方面存在较大法律风险，本次共发现{n}项问题，其中高风险"
            f"{risks.count('high')}项，须优先整改；顾问将回访核实整改情况。"
        )
    if "medium" in risks:
        return (
            f"企业基本建立了合规管理制度，但在{areas}方面存在{n}项问题，需按期整改，"
            "顾问将回访核实。"
        )
    return f"企业总体经营较规范，未发现重大法律风险；{areas}方面{n}项轻微问题建议按期完善。"


def _rank(code: str) -> int:
    return list(CHECK_ITEMS).index(code)
