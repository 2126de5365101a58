"""Plain term plans for the report tests: what the study-tour queries would hand over."""

from __future__ import annotations

import random
from datetime import date, timedelta

from reports.study_tours import PlanRow, TermPlan

CITY = "清河市"
BASE = "清河市未成年人保护研学基地"
TOWNS = ["城关街道", "新华街道", "青年街道", "运河街道", "烟庄镇", "康宁镇", "魏湾镇", "松林镇"]
ACTIVITIES = [
    "模拟法庭",
    "防欺凌情景剧",
    "网络安全课堂",
    "自护自救演练",
    "禁毒教育展",
    "交通安全体验",
]
INSTRUCTORS = ["钱文静", "孙立新", "李晓燕", "周海涛", "郑国强", "冯志刚", "刘建军", "杨春生"]
SLOTS = ["上午 09:00–10:30", "下午 14:00–15:30"]
SCHOOL_ONE = "清河市实验小学"


def schools(n: int = 60) -> list[tuple[str, str]]:
    """(school, town) pairs with realistic Chinese names."""
    words = ["实验", "第一", "第二", "第三", "明德", "育才", "朝阳", "光明", "新华", "运河"]
    out = [(SCHOOL_ONE, "城关街道")]
    for i in range(n - 1):
        town = TOWNS[i % len(TOWNS)]
        kind = "小学" if i % 3 else "初级中学"
        out.append(
            (f"{town.removesuffix('街道').removesuffix('镇')}{words[i % len(words)]}{kind}", town)
        )
    return list(dict.fromkeys(out))


def rows(count: int, *, start: date = date(2026, 9, 1), seed: int = 7, only=None) -> list[PlanRow]:
    """`count` visits from `start` on Tuesdays to Thursdays outside the National Day week, two
    groups per slot at the base or one touring; visits in 2027 are provisional (its holiday
    arrangement is not out yet). 150 visits fill an autumn term."""
    rng = random.Random(seed)
    pool = schools()
    out: list[PlanRow] = []
    day = start
    while len(out) < count:
        if day.weekday() in (1, 2, 3) and not (day.month == 10 and day.day <= 7):
            for slot in SLOTS:
                touring = rng.random() < 0.15
                for _ in range(1 if touring else 2):
                    if len(out) >= count:
                        break
                    school, town = only or rng.choice(pool)
                    classes = rng.choice([1, 2, 2, 3])
                    students = classes * rng.randint(38, 46)
                    out.append(
                        PlanRow(
                            on=day,
                            weekday=day.weekday(),
                            slot=slot,
                            kind="touring" if touring else "base",
                            school=school,
                            town=town,
                            grade=rng.choice([4, 5, 6, 7, 8]),
                            classes=classes,
                            students=students,
                            teachers=max(1, students // 20 - rng.choice([0, 0, 0, 1])),
                            activities=tuple(rng.sample(ACTIVITIES, rng.choice([1, 2]))),
                            instructors=tuple(rng.sample(INSTRUCTORS, rng.choice([1, 2]))),
                            status="published" if day < date(2026, 12, 1) else "draft",
                            provisional=day.year == 2027,
                        )
                    )
        day += timedelta(days=1)
    return out


def city_plan(count: int = 150, **changes) -> TermPlan:
    """A city-wide autumn-term plan of `count` visits."""
    values = dict(
        city=CITY,
        base=BASE,
        school_year=2026,
        term="autumn",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 20),
        rows=tuple(rows(count, start=date(2026, 9, 8))),
        generated_on=date(2026, 8, 25),
        provisional_years=(2027,),
    )
    values.update(changes)
    return TermPlan(**values)


def school_plan(**changes) -> TermPlan:
    """One school's plan: five visits over the term, the last in provisional January 2027."""
    visits = [
        (date(2026, 9, 15), SLOTS[0], "base", 4, 2, 86, 5, ("模拟法庭",), ("郑国强", "钱文静"), "published"),
        (date(2026, 10, 20), SLOTS[1], "base", 5, 2, 90, 4, ("防欺凌情景剧",), ("孙立新",), "published"),
        (date(2026, 11, 12), SLOTS[0], "touring", 6, 3, 131, 7, ("网络安全课堂", "自护自救演练"), ("李晓燕",), "published"),
        (date(2026, 12, 8), SLOTS[0], "base", 7, 2, 92, 5, ("禁毒教育展",), ("冯志刚",), "draft"),
        (date(2027, 1, 5), SLOTS[1], "base", 8, 1, 45, 3, ("交通安全体验",), ("刘建军",), "draft"),
    ]  # fmt: skip
    values = dict(
        city=CITY,
        base=BASE,
        school_year=2026,
        term="autumn",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 20),
        rows=tuple(_school_row(*visit) for visit in visits),
        generated_on=date(2026, 8, 25),
        school=SCHOOL_ONE,
    )
    values.update(changes)
    return TermPlan(**values)


def _school_row(
    on, slot, kind, grade, classes, students, teachers, activities, instructors, status
):
    return PlanRow(
        on=on,
        weekday=on.weekday(),
        slot=slot,
        kind=kind,
        school=SCHOOL_ONE,
        town="城关街道",
        grade=grade,
        classes=classes,
        students=students,
        teachers=teachers,
        activities=activities,
        instructors=instructors,
        status=status,
        provisional=on.year == 2027,
    )
