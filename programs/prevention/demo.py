"""The demo city's hotline and petition records: five years of calls by town and category, with
the seasons a city like it sees, so that the seasonal list shows something true on first run.

Every town calls at its own steady rate for each category (a Poisson count a month), and four
seasons come back every year on top of it:

- wage arrears before the Spring Festival (December and January) in the three towns with the
  most factories and building sites, when workers go home and ask for the year's pay;
- work injuries in the heat of July and August in the most industrial town;
- labour contracts and dismissals in March, when workers change jobs after the festival, in the
  two largest sub-districts;
- commercial disputes over unpaid bills before the year's accounts close in December, in the
  most industrial town.

Deterministic (a fixed seed); loading it again adds nothing (the records' fingerprints).
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from programs.directory.models import Enterprise, Town
from programs.prevention.models import CATEGORIES, HotlineRecord

SEED = 12345
YEARS = 5  # whole years before this one, and this year to today
# A town's usual calls a month, by category.
BASE_RATE = {
    "wage_arrears": 1.2,
    "labour_contract": 1.0,
    "social_insurance": 0.8,
    "work_injury": 0.5,
    "commercial": 0.9,
    "consumer": 1.5,
    "other": 0.7,
}
# (which towns: rank by factories and building sites, or "subdistricts"), category, months, ×
SEASONS = (
    ("industrial", 3, "wage_arrears", (12, 1), 5.0),
    ("industrial", 1, "work_injury", (7, 8), 8.0),
    ("subdistricts", 2, "labour_contract", (3,), 5.0),
    ("industrial", 1, "commercial", (12,), 4.0),
)
TEXTS = {
    "wage_arrears": "反映{firm}拖欠工资，涉及{n}人",
    "labour_contract": "咨询解除劳动合同经济补偿",
    "social_insurance": "反映单位未足额缴纳社会保险",
    "work_injury": "反映车间工伤待遇未落实",
    "commercial": "反映货款逾期未付",
    "consumer": "消费纠纷投诉",
    "other": "其他诉求",
}


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _seasonal_towns(session: Session) -> dict[str, list[int]]:
    industrial = [
        town_id
        for town_id, _n in session.execute(
            select(Town.id, func.count(Enterprise.id))
            .outerjoin(
                Enterprise,
                (Enterprise.town_id == Town.id)
                & Enterprise.industry.in_(("manufacturing", "construction")),
            )
            .group_by(Town.id)
            .order_by(func.count(Enterprise.id).desc(), Town.id)
        )
    ]
    subdistricts = list(
        session.scalars(
            select(Town.id)
            .outerjoin(Enterprise, Enterprise.town_id == Town.id)
            .where(Town.kind == "subdistrict")
            .group_by(Town.id)
            .order_by(func.count(Enterprise.id).desc(), Town.id)
        )
    )
    return {"industrial": industrial, "subdistricts": subdistricts}


def load(session: Session, today: date) -> int:
    """Write the records (those not there yet); how many were added."""
    towns = list(session.scalars(select(Town).order_by(Town.id)))
    if not towns:
        return 0
    ranked = _seasonal_towns(session)
    boost: dict[tuple[int, str, int], float] = {}
    for group, count, category, months, factor in SEASONS:
        for town_id in ranked[group][:count]:
            for month in months:
                boost[town_id, category, month] = factor
    rng = random.Random(SEED)
    rows: dict[str, dict[str, object]] = {}
    for year in range(today.year - YEARS, today.year + 1):
        for month in range(1, 13):
            if date(year, month, 1) > today:
                break
            for town in towns:
                for category in CATEGORIES:
                    mean = BASE_RATE[category] * boost.get((town.id, category, month), 1.0)
                    for n in range(_poisson(rng, mean)):
                        day = date(year, month, rng.randint(1, 28))
                        if day > today:
                            continue
                        text = TEXTS[category].format(firm="某企业", n=rng.randint(3, 40))
                        fingerprint = hashlib.sha256(
                            f"demo\x1f{day}\x1f{town.id}\x1f{category}\x1f{n}".encode()
                        ).hexdigest()
                        rows[fingerprint] = {
                            "received_on": day,
                            "town_id": town.id,
                            "channel": "petition" if rng.random() < 0.1 else "hotline",
                            "category": category,
                            "from_enterprise": category == "commercial" or rng.random() < 0.15,
                            "summary": text,
                            "fingerprint": fingerprint,
                        }
    known = set(session.scalars(select(HotlineRecord.fingerprint)))
    new = [row for key, row in rows.items() if key not in known]
    if new:
        session.execute(HotlineRecord.__table__.insert(), new)
    return len(new)
