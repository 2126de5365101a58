"""Importing hotline and petition records from CSV: every line checked, then all written or none.

Columns: 日期, 镇街, 类别, 内容; optionally 渠道 (12345热线 or 信访; the hotline when empty) and
是否企业来电 (是/否). A file with one bad line writes nothing and says, by line and column, what is
wrong. A record already imported (same day, town, category, channel and text) is counted and
left as it is, so a file sent twice adds nothing the second time.

Only the day, town, category, channel, whether a firm called, and the text's first
SUMMARY_MAX characters are kept: the seasonal analysis and the city's figures need no more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from programs import audit
from programs.accounts.models import User
from programs.csvfile import Checker, Column, Problem, name_key, read_table, word_key
from programs.directory.models import Town
from programs.i18n import LOCALES, N_, gettext
from programs.prevention.models import CATEGORIES, CHANNELS, SUMMARY_MAX, HotlineRecord

COLUMNS = (
    Column("day", ("日期", "date", "来电日期", "受理日期", "登记日期", "day"), required=True),
    Column("town", ("镇街", "town", "所属镇街", "镇/街道", "乡镇街道"), required=True),
    Column("category", ("类别", "category", "诉求类别", "问题类别", "分类"), required=True),
    Column("text", ("内容", "text", "诉求内容", "来电内容", "摘要"), required=True),
    Column("channel", ("渠道", "channel", "来源")),
    Column("from_enterprise", ("是否企业来电", "from enterprise", "企业来电")),
)
CATEGORY_WORDS = {
    "wage_arrears": ("欠薪", "拖欠工资", "讨薪", "工资拖欠"),
    "labour_contract": ("劳动合同", "解除劳动合同", "辞退", "劳动关系"),
    "social_insurance": ("社保", "社会保险", "五险一金"),
    "work_injury": ("工伤",),
    "commercial": ("商事纠纷", "合同纠纷", "货款", "经济纠纷"),
    "consumer": ("消费", "消费纠纷", "消费投诉"),
    "other": ("其它",),
}
CHANNEL_WORDS = {"hotline": ("12345", "热线", "12345热线"), "petition": ("信访",)}
OLDEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Imported:
    """What an import did, or why it did nothing."""

    added: int = 0
    already: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_records(session: Session, actor: User, data: bytes, *, today: date) -> Imported:
    """Check every line of the file; write every new record, or none when any line is wrong."""
    table, problems = read_table(data, COLUMNS)
    if table is None or problems:
        return Imported(problems=problems)
    check = Checker()
    towns = {name_key(t.name): t.id for t in session.scalars(select(Town))}
    categories, channels = _category_words(), _channel_words()
    records: dict[str, HotlineRecord] = {}
    for line, row in table.rows:
        name = table.headers.get
        cell = table.cell
        day = _required(check, cell(row, "day"), line, name("day", ""))
        if day:
            day = check.day(day, line, name("day", ""), OLDEST, today)
        town_text = _required(check, cell(row, "town"), line, name("town", ""))
        town_id = towns.get(name_key(town_text)) if town_text else None
        if town_text and town_id is None:
            check.add(
                line,
                name("town", ""),
                N_("Line {line}, column {column}: “{value}” is not a town of the city."),
                value=town_text[:40],
            )
        category_text = _required(check, cell(row, "category"), line, name("category", ""))
        category = (
            check.choice(category_text, line, name("category", ""), categories, _names(CATEGORIES))
            if category_text
            else None
        )
        text = check.text(cell(row, "text"), line, name("text", ""), 10_000) or ""
        channel = "hotline"
        if cell(row, "channel"):
            channel = check.choice(
                cell(row, "channel"), line, name("channel", ""), channels, _names(CHANNELS)
            )
        from_enterprise = False
        if cell(row, "from_enterprise"):
            from_enterprise = check.yes_no(
                cell(row, "from_enterprise"), line, name("from_enterprise", "")
            )
        if not (day and town_id and category and channel) or from_enterprise is None:
            continue
        fingerprint = hashlib.sha256(
            "\x1f".join((day.isoformat(), str(town_id), category, channel, text)).encode()
        ).hexdigest()
        records.setdefault(
            fingerprint,
            HotlineRecord(
                received_on=day,
                town_id=town_id,
                channel=channel,
                category=category,
                from_enterprise=from_enterprise,
                summary=text[:SUMMARY_MAX],
                fingerprint=fingerprint,
                imported_by_id=actor.id,
            ),
        )
    if check.problems:
        return Imported(problems=check.problems)
    known = _known(session, list(records))
    new = [record for key, record in records.items() if key not in known]
    session.add_all(new)
    session.flush()
    if new:
        audit.record(
            session,
            "hotline.imported",
            new[0],
            actor_id=actor.id,
            count=len(new),
            already=len(table.rows) - len(new),
        )
    return Imported(added=len(new), already=len(table.rows) - len(new))


def _required(check: Checker, value: str, line: int, column: str) -> str:
    if not value:
        check.empty(line, column)
    return value


def _known(session: Session, fingerprints: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        known.update(
            session.scalars(
                select(HotlineRecord.fingerprint).where(HotlineRecord.fingerprint.in_(chunk))
            )
        )
    return known


def _names(labels: dict[str, str]) -> list[dict[str, object]]:
    return [{"msgid": label, "params": {}} for label in labels.values()]


def _words(labels: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    words: dict[str, str] = {}
    for code, label in labels.items():
        for word in (code, label, *aliases.get(code, ())):
            words.setdefault(word_key(word), code)
        for locale in LOCALES:
            words.setdefault(word_key(gettext(locale, label)), code)
    return words


@cache
def _category_words() -> dict[str, str]:
    return _words(CATEGORIES, CATEGORY_WORDS)


@cache
def _channel_words() -> dict[str, str]:
    return _words(CHANNELS, CHANNEL_WORDS)
