"""The demo city: a deterministic, realistic county-level city to try Fengqiao with.

`build_city()` draws the whole city from a fixed seed (pure data, no database); `load()` writes it
with natural keys (town code, credit code, school name and town, username...), so loading twice
gives the same city and duplicates nothing. Sizes follow DOMAIN.md: 16 towns; about 90 primary,
35 junior and 10 senior schools with real-sized grades; about 500 enterprises with a
bearing-industry cluster in one town; 6 chambers; 30 consultants; one study base.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from calendars import TZ
from calendars import today as shanghai_today
from programs.accounts import services as accounts
from programs.accounts.models import User
from programs.directory.credit_code import ALPHABET, check_character
from programs.directory.models import (
    LEVEL_GRADES,
    Chamber,
    Consultant,
    ConsultantExpertise,
    Enterprise,
    School,
    SchoolGrade,
    Town,
)
from programs.i18n import N_
from programs.notifications.services import notify
from programs.study_tours.models import Activity, StudyBase

SEED = 20261128
CITY = "清河市"
DIVISION = "371599"  # an administrative division code no real county uses
DEMO_PASSWORD = "demo1234"
BEARING_TOWN = "Q06"

TOWNS = [
    ("Q01", "城关街道", "subdistrict"),
    ("Q02", "新华街道", "subdistrict"),
    ("Q03", "青年街道", "subdistrict"),
    ("Q04", "先锋街道", "subdistrict"),
    ("Q05", "运河街道", "subdistrict"),
    (BEARING_TOWN, "烟庄镇", "town"),
    ("Q07", "康宁镇", "town"),
    ("Q08", "魏湾镇", "town"),
    ("Q09", "刘集镇", "town"),
    ("Q10", "松林镇", "town"),
    ("Q11", "赵庄镇", "town"),
    ("Q12", "金河镇", "town"),
    ("Q13", "戴家湾镇", "town"),
    ("Q14", "尚店镇", "town"),
    ("Q15", "八里桥镇", "town"),
    ("Q16", "潘店镇", "town"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志强海燕晓东文博思远雪梅"
    "立新宏亮春生秋菊凤兰德福振华永刚晓峰俊杰子涵浩然欣怡宇航佳琪家豪婷婷雨轩梓萱"
)
FIRM_WORDS = [
    "华鑫",
    "恒通",
    "金源",
    "鲁新",
    "宏达",
    "瑞丰",
    "鼎盛",
    "永兴",
    "泰和",
    "顺发",
    "万隆",
    "天成",
    "福瑞",
    "聚源",
    "长城",
    "东方",
    "新星",
    "宏远",
    "汇通",
    "昌盛",
    "隆鑫",
    "德润",
    "博远",
    "鑫海",
    "正源",
    "中兴",
    "和信",
    "盛达",
    "金鼎",
    "华泰",
    "通达",
    "兴业",
    "嘉禾",
    "润泽",
    "利民",
    "安达",
    "广源",
    "荣华",
    "振兴",
    "富民",
    "腾飞",
    "凯旋",
    "鸿运",
    "环宇",
    "晨光",
    "运河",
    "清源",
    "海川",
    "同心",
    "九州",
    "四海",
    "精工",
    "宏图",
    "恒昌",
    "久盛",
    "佳和",
    "金桥",
    "银河",
    "远航",
    "新时代",
    "华夏",
    "卓越",
    "百川",
]

# (industry, sector, name suffix, share of firms outside the bearing town)
INDUSTRY_MIX = [
    ("manufacturing", "机械制造", "机械制造有限公司", 14),
    ("manufacturing", "纺织服装", "纺织有限公司", 8),
    ("manufacturing", "食品加工", "食品有限公司", 6),
    ("manufacturing", "五金配件", "五金制品有限公司", 5),
    ("construction", "建筑施工", "建筑工程有限公司", 9),
    ("wholesale_retail", "商贸流通", "商贸有限公司", 16),
    ("logistics", "货运物流", "物流有限公司", 7),
    ("hospitality", "餐饮住宿", "餐饮管理有限公司", 6),
    ("information_technology", "软件与电商", "网络科技有限公司", 6),
    ("agriculture", "种植养殖", "农业科技有限公司", 8),
    ("services", "商务服务", "企业管理咨询有限公司", 6),
    ("other", "其他", "实业有限公司", 3),
]

CONSULTANT_TITLES = ["律师", "高级合伙人律师", "法律顾问", "仲裁员", "公证员", "法学副教授"]
LAW_FIRMS = [
    "清河正衡律师事务所",
    "清河明法律师事务所",
    "山东衡信律师事务所清河分所",
    "清河运河律师事务所",
    "清河市法学会",
    "清河市公证处",
]

ACTIVITIES = [
    # code, name, description, grades, group size, minutes, room, tours schools, instructors
    (
        "mock-court",
        "少年模拟法庭剧本杀",
        "学生分饰法官、检察官、辩护人和当事人，在真实案例改编的剧本中体验庭审，其余同学担任陪审与旁听。",
        (5, 9),
        (30, 100),
        120,
        "模拟法庭",
        True,
        2,
    ),
    (
        "traffic-safety",
        "交通安全沉浸式教育课",
        "在沉浸式场景中学习过马路、乘车和骑行安全。",
        (1, 9),
        (20, 100),
        90,
        "交通安全体验馆",
        True,
        1,
    ),
    (
        "anti-bullying",
        "防欺凌情景剧",
        "通过情景剧认识校园欺凌，学会求助与保护他人。",
        (4, 9),
        (30, 100),
        90,
        "多功能厅",
        True,
        1,
    ),
    (
        "online-safety",
        "网络安全与防沉迷课堂",
        "识别网络诈骗、保护个人信息、合理使用网络。",
        (4, 12),
        (30, 120),
        60,
        "数字课堂",
        True,
        1,
    ),
    (
        "drug-prevention",
        "禁毒教育展馆参观",
        "在讲解员带领下参观禁毒教育展馆。",
        (4, 12),
        (40, 120),
        60,
        "禁毒教育展馆",
        False,
        1,
    ),
    (
        "self-protection",
        "自护自救体验：防溺水与消防",
        "防溺水、消防逃生的体验式训练，每次一个班。",
        (3, 8),
        (20, 60),
        90,
        "安全体验区",
        False,
        1,
    ),
]

CHAMBERS = [
    ("清河市轴承行业协会", BEARING_TOWN),
    ("清河市工商业联合会（总商会）", None),
    ("清河市青年企业家商会", None),
    ("清河市浙江商会", None),
    ("清河市建筑业协会", None),
    ("清河市电子商务协会", None),
]


@dataclass(frozen=True)
class DemoEnterprise:
    """One firm of the demo city."""

    name: str
    credit_code: str
    town_code: str
    industry: str
    sector: str
    legal_form: str
    employee_count: int
    exports: bool
    holds_ip: bool
    processes_personal_data: bool
    personal_data_subjects: int | None
    incorporated_on: date
    address: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class DemoSchool:
    """One school and its grades (students, classes)."""

    name: str
    town_code: str
    level: str
    grades: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class DemoConsultant:
    """One chief legal consultant."""

    name: str
    title: str
    organisation: str
    home_town_code: str
    visits_per_friday: int
    expertise: tuple[str, ...]
    phone: str


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: username, role, what it is bound to, and how to introduce it."""

    username: str
    role: str
    display_name: str
    organisation: str | None = None


@dataclass(frozen=True)
class DemoSignup:
    """A sign-up waiting for approval, so the coordinator has something to do on first run."""

    username: str
    role: str
    display_name: str
    organisation: str
    days_ago: int


@dataclass
class City:
    """Everything the demo city holds, as plain data."""

    towns: list[tuple[str, str, str]]
    enterprises: list[DemoEnterprise] = field(default_factory=list)
    chambers: list[tuple[str, str | None, list[str]]] = field(default_factory=list)
    consultants: list[DemoConsultant] = field(default_factory=list)
    schools: list[DemoSchool] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    signups: list[DemoSignup] = field(default_factory=list)


def _person(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.45:
        return surname + rng.choice(GIVEN)
    return surname + rng.choice(GIVEN) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def _credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        org = "".join(rng.choice(ALPHABET[:10]) for _ in range(8)) + rng.choice(ALPHABET)
        first17 = "91" + DIVISION + org
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _employees(rng: random.Random) -> int:
    # Most firms are small; a few are large (log-normal, as firm sizes are).
    return max(3, min(3000, int(rng.lognormvariate(3.4, 1.0))))


def _enterprise(
    rng: random.Random,
    town_code: str,
    town_name: str,
    mix: tuple,
    used_names: set[str],
    used_codes: set[str],
) -> DemoEnterprise:
    industry, sector, suffix, _share = mix
    while True:
        name = f"{CITY}{town_name.removesuffix('街道').removesuffix('镇')}{rng.choice(FIRM_WORDS)}{suffix}"
        if name not in used_names:
            used_names.add(name)
            break
        suffix_variant = rng.choice(["第二", "新", "中", "东", "西", "南", "北"])
        name = f"{CITY}{rng.choice(FIRM_WORDS)}{suffix_variant}{suffix}"
        if name not in used_names:
            used_names.add(name)
            break
    employees = _employees(rng)
    personal = (
        industry in ("wholesale_retail", "information_technology", "hospitality")
        and rng.random() < 0.7
    )
    legal_form = (
        "limited"
        if rng.random() < 0.88
        else rng.choice(["joint_stock", "partnership", "individual_business"])
    )
    return DemoEnterprise(
        name=name,
        credit_code=_credit_code(rng, used_codes),
        town_code=town_code,
        industry=industry,
        sector=sector,
        legal_form=legal_form,
        employee_count=employees,
        exports=(sector in ("机械制造", "轴承制造", "纺织服装", "五金配件") and rng.random() < 0.4),
        holds_ip=rng.random()
        < (0.5 if industry in ("manufacturing", "information_technology") else 0.15),
        processes_personal_data=personal,
        personal_data_subjects=(int(rng.lognormvariate(9, 1.5)) if personal else None),
        incorporated_on=date(rng.randint(1996, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        address=f"{CITY}{town_name}{rng.choice(['工业园', '兴业路', '建设路', '振兴街', '运河路', '民生路'])}{rng.randint(1, 399)}号",
        contact_name=_person(rng),
        contact_phone=_phone(rng),
    )


def _grades(rng: random.Random, level: str) -> tuple[tuple[int, int, int], ...]:
    per_school = {"primary": 780, "junior": 1030, "senior": 1850, "nine_year": 1200}[level]
    class_size = {"primary": 43, "junior": 46, "senior": 50, "nine_year": 44}[level]
    grades = list(LEVEL_GRADES[level])
    size = per_school * rng.uniform(0.55, 1.45)
    rows = []
    for grade in grades:
        students = max(12, int(size / len(grades) * rng.uniform(0.9, 1.1)))
        rows.append((grade, students, max(1, round(students / class_size))))
    return tuple(rows)


def _schools(rng: random.Random) -> list[DemoSchool]:
    schools: list[DemoSchool] = []
    # Sub-districts are the dense centre of the city and have more and larger schools.
    weights = {code: (2.2 if kind == "subdistrict" else 1.0) for code, _n, kind in TOWNS}
    codes = [code for code, _n, _k in TOWNS]
    names = {code: name for code, name, _k in TOWNS}

    def spread(total: int) -> dict[str, int]:
        counts = dict.fromkeys(codes, 0)
        for code in codes:  # every town has at least one school of each common level
            counts[code] = 1
        for _ in range(total - len(codes)):
            counts[rng.choices(codes, [weights[c] for c in codes])[0]] += 1
        return counts

    villages = [
        "东王",
        "西李",
        "后屯",
        "前屯",
        "北刘",
        "南张",
        "小营",
        "大营",
        "孙庄",
        "马集",
        "杨楼",
        "胡寨",
        "高庙",
        "河西",
        "桥头",
        "李官",
        "白塔",
        "柳林",
        "枣园",
        "杏园",
    ]
    for code, count in spread(88).items():
        short = names[code].removesuffix("街道").removesuffix("镇")
        labels = [f"{short}中心小学", f"{short}实验小学"] + [f"{short}{v}小学" for v in villages]
        for label in labels[:count]:
            schools.append(DemoSchool(label, code, "primary", _grades(rng, "primary")))
    for code, count in spread(33).items():
        short = names[code].removesuffix("街道").removesuffix("镇")
        labels = [
            f"{short}中学",
            f"{short}第二中学",
            f"{short}实验中学",
            f"{short}育才中学",
            f"{short}第三中学",
        ]
        for label in labels[:count]:
            schools.append(DemoSchool(label, code, "junior", _grades(rng, "junior")))
    for code in ("Q07", "Q10", "Q13", "Q16"):
        short = names[code].removesuffix("镇")
        schools.append(
            DemoSchool(f"{short}九年一贯制学校", code, "nine_year", _grades(rng, "nine_year"))
        )
    seniors = [
        "清河市第一中学",
        "清河市第二中学",
        "清河市第三中学",
        "清河市实验高级中学",
        "清河市育英中学",
        "清河市第一职业中专",
        "清河市第四中学",
        "清河市烟庄高级中学",
        "清河市康宁高级中学",
        "清河市外国语学校",
    ]
    senior_towns = [
        "Q01",
        "Q02",
        "Q03",
        "Q04",
        "Q05",
        BEARING_TOWN,
        "Q01",
        BEARING_TOWN,
        "Q07",
        "Q02",
    ]
    for label, code in zip(seniors, senior_towns, strict=True):
        schools.append(DemoSchool(label, code, "senior", _grades(rng, "senior")))
    return schools


def build_city(seed: int = SEED) -> City:
    """Draw the demo city; the same seed always gives the same city."""
    rng = random.Random(seed)
    city = City(towns=list(TOWNS))
    names = {code: name for code, name, _k in TOWNS}
    used_names: set[str] = set()
    used_codes: set[str] = set()

    bearing_mix = ("manufacturing", "轴承制造", "轴承有限公司", 0)
    for _ in range(130):
        city.enterprises.append(
            _enterprise(rng, BEARING_TOWN, names[BEARING_TOWN], bearing_mix, used_names, used_codes)
        )
    other_codes = [code for code, _n, _k in TOWNS if code != BEARING_TOWN]
    shares = [mix[3] for mix in INDUSTRY_MIX]
    for _ in range(375):
        code = rng.choice(other_codes)
        mix = rng.choices(INDUSTRY_MIX, shares)[0]
        city.enterprises.append(_enterprise(rng, code, names[code], mix, used_names, used_codes))

    by_sector: dict[str, list[str]] = {}
    for firm in city.enterprises:
        by_sector.setdefault(firm.sector, []).append(firm.credit_code)
    all_codes = [f.credit_code for f in city.enterprises]
    members = {
        "清河市轴承行业协会": rng.sample(by_sector["轴承制造"], 90),
        "清河市工商业联合会（总商会）": rng.sample(all_codes, 120),
        "清河市青年企业家商会": rng.sample(all_codes, 45),
        "清河市浙江商会": rng.sample(by_sector["商贸流通"] + by_sector["纺织服装"], 30),
        "清河市建筑业协会": list(by_sector["建筑施工"]),
        "清河市电子商务协会": list(by_sector["软件与电商"]) + rng.sample(by_sector["商贸流通"], 15),
    }
    city.chambers = [(name, town, sorted(members[name])) for name, town in CHAMBERS]

    areas = [
        "management",
        "contracts",
        "labour",
        "intellectual_property",
        "tax",
        "compliance",
        "financing",
    ]
    consultant_names: set[str] = set()
    while len(city.consultants) < 30:
        name = _person(rng)
        if name in consultant_names:
            continue
        consultant_names.add(name)
        # Labour and contracts are what firms ask about most; most consultants cover one of them.
        first = rng.choice(
            ["labour", "contracts", "labour", "contracts", "management", "intellectual_property"]
        )
        expertise = tuple(sorted({first, *rng.sample(areas, rng.randint(1, 2))}))
        city.consultants.append(
            DemoConsultant(
                name=name,
                title=rng.choice(CONSULTANT_TITLES),
                organisation=rng.choice(LAW_FIRMS),
                home_town_code=rng.choice([c for c, _n, _k in TOWNS]),
                visits_per_friday=rng.choice([1, 2, 2, 2, 3, 3]),
                expertise=expertise,
                phone=_phone(rng),
            )
        )

    city.schools = _schools(rng)

    bearing_firm = next(f for f in city.enterprises if f.town_code == BEARING_TOWN)
    first_primary = next(s for s in city.schools if s.level == "primary" and s.town_code == "Q01")
    city.logins = [
        DemoLogin("coordinator", "coordinator", "周主任"),
        DemoLogin("consultant", "consultant", city.consultants[0].name, city.consultants[0].name),
        DemoLogin("mediator", "mediator", "孙调解员"),
        DemoLogin("enterprise", "enterprise", bearing_firm.contact_name, bearing_firm.credit_code),
        DemoLogin("chamber", "chamber", "轴承协会秘书处", CHAMBERS[0][0]),
        DemoLogin(
            "school",
            "school",
            f"{first_primary.name}德育处",
            f"{first_primary.town_code}/{first_primary.name}",
        ),
        DemoLogin("instructor", "instructor", "钱老师"),
    ]
    later_firms = [f for f in city.enterprises[140:] if f.town_code != BEARING_TOWN]
    city.signups = [
        DemoSignup(
            "hengtong-hr", "enterprise", later_firms[0].contact_name, later_firms[0].credit_code, 2
        ),
        DemoSignup(
            "jinyuan-admin",
            "enterprise",
            later_firms[1].contact_name,
            later_firms[1].credit_code,
            1,
        ),
        DemoSignup(
            "liuji-school",
            "school",
            "刘集中心小学教务处",
            f"Q09/{next(s.name for s in city.schools if s.town_code == 'Q09')}",
            3,
        ),
    ]
    return city


@dataclass(frozen=True)
class LoadReport:
    """What `load` added (zero everywhere on a second run)."""

    added: dict[str, int]
    logins: list[DemoLogin]


def _study_base(session: Session, base: StudyBase, today: date) -> int:
    """Instructors, school closures, and the study base's history (see study_tours.demo)."""
    from programs.study_tours import demo as study_demo
    from programs.study_tours.terms import school_year_of

    instructors = study_demo.load_instructors(session, base)
    login = session.scalar(select(User).where(User.username == "instructor"))
    if login is not None and login.instructor_id is None:
        login.instructor_id = instructors[study_demo.DEMO_INSTRUCTOR].id
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    school_user = session.scalar(select(User).where(User.username == "school"))
    year = school_year_of(today)
    study_demo.load_closures(session, coordinator, [year - 1, year])
    study_demo.load_wishes(session, year)
    return study_demo.load_history(session, base, coordinator, today) + (
        study_demo.load_coming_weeks(session, base, coordinator, school_user, today)
    )


def _demo_signup(
    session: Session,
    city: City,
    signup: DemoSignup,
    towns: dict[str, Town],
    firms: dict[str, Enterprise],
    today: date,
) -> None:
    """A sign-up made through the real operation (so the rules decide and say why), back-dated."""
    email = f"{signup.username}@demo.fengqiao.local"
    if signup.role == "enterprise":
        firm = firms[signup.organisation]
        # The second firm types its name the short way, as people do; the rules notice.
        name = firm.name if signup.days_ago != 1 else firm.name.removeprefix(CITY)
        user = accounts.signup_enterprise(
            session,
            accounts.EnterpriseSignup(
                credit_code=firm.credit_code,
                name=name,
                town_id=firm.town_id,
                industry=firm.industry,
                employee_count=firm.employee_count,
                contact_name=signup.display_name,
                username=signup.username,
                password=DEMO_PASSWORD,
                email=email,
                phone="",
            ),
        )
    else:
        town_code, _, name = signup.organisation.partition("/")
        user = accounts.signup_school(
            session,
            accounts.SchoolSignup(
                name=name,
                town_id=towns[town_code].id,
                level="primary",
                contact_name=signup.display_name,
                username=signup.username,
                password=DEMO_PASSWORD,
                email=email,
                phone="",
            ),
        )
    user.created_at = datetime.combine(
        today - timedelta(days=signup.days_ago), time(9, 30), tzinfo=TZ
    )


def _upsert_counts() -> dict[str, int]:
    return dict.fromkeys(
        [
            "towns",
            "enterprises",
            "chambers",
            "consultants",
            "schools",
            "activities",
            "users",
            "visits",
            "friday_visits",
            "dispute_cases",
        ],
        0,
    )


def _date_decisions(session: Session) -> None:
    """Date the decisions about the demo's past requests, visits and check-ups when their
    records say they happened (they were all decided just now, while loading), so a what-if
    replay of last year finds last year's decisions."""
    from programs.checkups.models import Checkup
    from programs.decisions.models import DecisionRecord
    from programs.friday.models import FridayRequest, FridayVisit

    for model in (FridayRequest, FridayVisit, Checkup):
        happened = (
            select(model.created_at).where(model.id == DecisionRecord.subject_id).scalar_subquery()
        )
        session.execute(
            update(DecisionRecord)
            .where(DecisionRecord.subject_type == model.__tablename__)
            .values(created_at=func.coalesce(happened, DecisionRecord.created_at)),
            execution_options={"synchronize_session": False},
        )


def load(session: Session, city: City | None = None, *, today: date | None = None) -> LoadReport:
    """Write the demo city into the database, adding only what is missing."""
    city = city or build_city()
    today = today or shanghai_today()
    added = _upsert_counts()

    towns = {t.code: t for t in session.scalars(select(Town))}
    for code, name, kind in city.towns:
        if code not in towns:
            towns[code] = Town(code=code, name=name, kind=kind)
            session.add(towns[code])
            added["towns"] += 1
    session.flush()

    firms = {e.credit_code: e for e in session.scalars(select(Enterprise))}
    for f in city.enterprises:
        if f.credit_code in firms:
            continue
        firm = Enterprise(
            name=f.name,
            credit_code=f.credit_code,
            town_id=towns[f.town_code].id,
            industry=f.industry,
            sector=f.sector,
            legal_form=f.legal_form,
            employee_count=f.employee_count,
            exports=f.exports,
            holds_ip=f.holds_ip,
            processes_personal_data=f.processes_personal_data,
            personal_data_subjects=f.personal_data_subjects,
            incorporated_on=f.incorporated_on,
            address=f.address,
            contact_name=f.contact_name,
            contact_phone=f.contact_phone,
        )
        session.add(firm)
        firms[f.credit_code] = firm
        added["enterprises"] += 1
    session.flush()

    chambers = {c.name: c for c in session.scalars(select(Chamber))}
    for name, town_code, member_codes in city.chambers:
        chamber = chambers.get(name)
        if chamber is None:
            chamber = Chamber(
                name=name,
                town_id=towns[town_code].id if town_code else None,
                address=f"{CITY}{towns[town_code or 'Q01'].name}商会大厦",
            )
            session.add(chamber)
            chambers[name] = chamber
            added["chambers"] += 1
        present = {m.credit_code for m in chamber.members}
        for code in member_codes:
            if code not in present:
                chamber.members.append(firms[code])
    session.flush()

    consultants = {c.name: c for c in session.scalars(select(Consultant))}
    for c in city.consultants:
        if c.name in consultants:
            continue
        consultant = Consultant(
            name=c.name,
            title=c.title,
            organisation=c.organisation,
            home_town_id=towns[c.home_town_code].id,
            visits_per_friday=c.visits_per_friday,
            phone=c.phone,
            expertise_rows=[ConsultantExpertise(area=a) for a in c.expertise],
        )
        session.add(consultant)
        consultants[c.name] = consultant
        added["consultants"] += 1
    session.flush()

    schools = {(s.town_id, s.name): s for s in session.scalars(select(School))}
    for s in city.schools:
        key = (towns[s.town_code].id, s.name)
        if key in schools:
            continue
        school = School(
            name=s.name,
            town_id=key[0],
            level=s.level,
            address=f"{CITY}{towns[s.town_code].name}",
            grades=[SchoolGrade(grade=g, students=n, classes=k) for g, n, k in s.grades],
        )
        session.add(school)
        schools[key] = school
        added["schools"] += 1
    session.flush()

    base = session.scalar(select(StudyBase).where(StudyBase.name == f"{CITY}未成年人保护研学基地"))
    if base is None:
        base = StudyBase(
            name=f"{CITY}未成年人保护研学基地",
            town_id=towns["Q01"].id,
            address=f"{CITY}城关街道青少年宫路18号",
            seats_per_session=100,
            opening_weekdays=[1, 3],
            description="由未成年人保护联盟各成员单位共建，每周二、周四接待全市中小学研学。",
        )
        session.add(base)
        session.flush()
    existing = set(session.scalars(select(Activity.code)))
    for code, name, desc, grades, group, minutes, room, tours, needed in ACTIVITIES:
        if code in existing:
            continue
        session.add(
            Activity(
                base_id=base.id,
                code=code,
                name=name,
                description=desc,
                grade_min=grades[0],
                grade_max=grades[1],
                group_min=group[0],
                group_max=group[1],
                duration_minutes=minutes,
                room=room,
                tours_schools=tours,
                instructors_needed=needed,
            )
        )
        added["activities"] += 1
    session.flush()

    def organisation_id(role: str, key: str | None) -> int | None:
        if key is None:
            return None
        if role == "enterprise":
            return firms[key].id
        if role == "chamber":
            return chambers[key].id
        if role == "consultant":
            return consultants[key].id
        if role == "school":
            town_code, _, name = key.partition("/")
            return schools[(towns[town_code].id, name)].id
        return None

    usernames = set(session.scalars(select(User.username)))
    for login in city.logins:
        if login.username in usernames:
            continue
        user = accounts.create_user(
            session,
            actor=None,
            username=login.username,
            password=DEMO_PASSWORD,
            display_name=login.display_name,
            role=login.role,
            email=f"{login.username}@demo.fengqiao.local",
            organisation_id=organisation_id(login.role, login.organisation),
        )
        added["users"] += 1
        notify(
            session,
            user,
            N_("Welcome to Fengqiao"),
            N_("This is the demo city. Your home page shows what your role can do."),
        )
    for signup in city.signups:
        if signup.username in usernames:
            continue
        _demo_signup(session, city, signup, towns, firms, today)
        added["users"] += 1
    session.flush()
    added["visits"] = _study_base(session, base, today)
    session.flush()
    from programs.friday import demo as friday_demo

    added["friday_visits"] = friday_demo.load(session, today)
    session.flush()
    from programs.disputes import demo as disputes_demo

    added["dispute_cases"] = disputes_demo.load(session, today)
    session.flush()
    from programs.checkups import demo as checkups_demo

    added["checkups"] = checkups_demo.load(session, today)
    session.flush()
    from programs.prevention import demo as prevention_demo

    added["hotline_records"] = prevention_demo.load(session, today)
    session.flush()
    _date_decisions(session)
    return LoadReport(added=added, logins=city.logins)
