"""Replaying a period of history through the live parameters and a draft, writing nothing.

Each question the rules were asked in the period (see `history`) is asked again twice: with
the live parameter version and with the draft. What would change is counted the way the
program reads it (schools covered, visits per consultant, cases escalated, stages overdue) and
every decision whose outcome differs is kept with both decisions, so the page can put the two
"why"s side by side.

Each question is asked again on the facts it had then: knock-on effects (a refused booking
would have left its seats to a later one) are not followed. The page says so.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import rules
from programs.checkups.models import GRADE_SHORT
from programs.decisions import services as decisions
from programs.i18n import N_
from programs.study_tours.models import Visit
from programs.whatif.history import Asked, asked

Verdict = tuple[tuple[str, tuple[tuple[str, Any], ...], tuple[int, ...]], ...]


def verdict(decision: rules.Decision | None) -> Verdict:
    """What a decision decided, without the words it said it in: two decisions with the same
    verdict did the same thing (a reason may name a parameter's value and still agree)."""
    if decision is None:
        return ()
    return tuple((f.rule, tuple(sorted(f.outcome.items())), f.fact_ids) for f in decision.fired)


@dataclass(frozen=True)
class Pair:
    """One question asked again, and what the live parameters and the draft decided."""

    asked: Asked
    live: rules.Decision | None
    draft: rules.Decision | None

    @property
    def changed(self) -> bool:
        return verdict(self.live) != verdict(self.draft)


@dataclass(frozen=True)
class Measure:
    """A count the program is read by, with the live parameters and with the draft."""

    label: str  # a message id
    live: int
    draft: int
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def difference(self) -> int:
        return self.draft - self.live


@dataclass(frozen=True)
class Table:
    """Counts by name (visits per consultant), with the live parameters and with the draft."""

    title: str  # a message id
    rows: tuple[Measure, ...]  # label: the name itself, or a message id when `translated`
    translated: bool = False


@dataclass(frozen=True)
class Replay:
    ruleset: str
    start: date
    end: date
    live: rules.ParameterValues
    draft: rules.ParameterValues
    pairs: tuple[Pair, ...]
    measures: tuple[Measure, ...]
    tables: tuple[Table, ...]
    seconds: float

    @property
    def changed(self) -> list[Pair]:
        return [p for p in self.pairs if p.changed]

    def verdicts(self, side: str) -> list[Verdict]:
        """Every decision's verdict on one side ("live" or "draft"), in history's order."""
        return [verdict(getattr(p, side)) for p in self.pairs]


def _ask(ruleset: str, item: Asked, parameters: rules.ParameterValues) -> rules.Decision | None:
    facts = item.facts(parameters.values)
    if facts is None:
        return None
    return rules.decide(ruleset, facts, parameters=parameters)


def _count(pairs: Sequence[Pair], test: Callable[[rules.Decision], bool]) -> tuple[int, int]:
    live = sum(1 for p in pairs if p.live is not None and test(p.live))
    draft = sum(1 for p in pairs if p.draft is not None and test(p.draft))
    return live, draft


def _has(key: str) -> Callable[[rules.Decision], bool]:
    return lambda d: any(f.outcome.get(key) for f in d.fired)


def _allowed(d: rules.Decision) -> bool:
    return not d.is_refused


def _measure(label: str, pairs: Sequence[Pair], test: Callable[[rules.Decision], bool]) -> Measure:
    return Measure(label, *_count(pairs, test))


def _fact(decision: rules.Decision, kind: str) -> Mapping[str, Any]:
    return next((f for f in decision.facts if f.get("kind") == kind), {})


def _table(title: str, live: Counter[str], draft: Counter[str]) -> Table:
    names = sorted(set(live) | set(draft), key=lambda n: (-max(live[n], draft[n]), n))
    return Table(title, tuple(Measure(n, live[n], draft[n]) for n in names))


def _by(pairs: Sequence[Pair], name: Callable[[rules.Decision], str | None]) -> Table:
    sides: dict[str, Counter[str]] = {"live": Counter(), "draft": Counter()}
    for pair in pairs:
        for side, counter in sides.items():
            decision = getattr(pair, side)
            found = name(decision) if decision is not None else None
            if found:
                counter[found] += 1
    return _table("", sides["live"], sides["draft"])


def _first_in_line(decision: rules.Decision) -> Mapping[str, Any] | None:
    """The candidate a pairing decision leaves first in line: the best-ranked eligible one
    (every other candidate is refused, with its reason)."""
    eligible = {i for f in decision.fired if f.outcome.get("eligible") for i in f.fact_ids}
    candidates = [
        f for f in decision.facts if f.get("kind") == "candidate" and f.get("id") in eligible
    ]
    return min(candidates, key=lambda f: f.get("rank", 0), default=None)


def _paired_with(decision: rules.Decision) -> str | None:
    best = _first_in_line(decision)
    return best["consultant"] if best else None


def _pairings(
    items: Sequence[Asked], live: rules.ParameterValues, draft: rules.ParameterValues
) -> Iterator[Pair]:
    """Pairings in the order they were asked, each side's candidates carrying the load that
    side's own earlier pairings would have given them (a consultant it spared has fewer firms
    when the next firm asks), so a lower limit is not broken by the replay itself. Each side
    depends on history and its own parameters alone: replaying a published draft as the live
    parameters gives exactly what the draft gave."""
    moved = {"live": Counter[int](), "draft": Counter[int]()}  # firms given less history's
    for item in items:
        facts = item.facts(live.values) or []
        logged = rules.Decision.from_record(item.record) if item.record else None
        happened = _first_in_line(logged) if logged else None
        decided = {}
        for side, parameters in (("live", live), ("draft", draft)):
            load = moved[side]
            shifted = [
                {**f, "load": max(0, f["load"] + load[f["consultant_id"]])}
                if f.get("kind") == "candidate"
                else f
                for f in facts
            ]
            decided[side] = rules.decide("friday_pairing", shifted, parameters=parameters)
            best = _first_in_line(decided[side])
            if best is not None:
                load[best["consultant_id"]] += 1
            if happened is not None:
                load[happened["consultant_id"]] -= 1
        yield Pair(item, decided["live"], decided["draft"])


Summary = tuple[list[Measure], list[Table]]


def _pairing_summary(_session: Session, pairs: Sequence[Pair]) -> Summary:
    """Each firm as its last pairing of the period left it: with which consultant, or none."""
    ends: dict[str, dict[str, str | None]] = {"live": {}, "draft": {}}
    for pair in pairs:
        for side, end in ends.items():
            decision = getattr(pair, side)
            if decision is not None:
                end[_fact(decision, "request").get("firm", "")] = _paired_with(decision)
    paired = {side: [c for c in end.values() if c] for side, end in ends.items()}
    alone = {side: sum(1 for c in end.values() if not c) for side, end in ends.items()}
    per = _table("", Counter(paired["live"]), Counter(paired["draft"]))
    return [
        Measure(N_("Firms paired with a consultant"), len(paired["live"]), len(paired["draft"])),
        Measure(N_("Firms left without a consultant"), alone["live"], alone["draft"]),
    ], [Table(N_("Firms per consultant at the end of the period"), per.rows)]


def _study_summary(session: Session, pairs: Sequence[Pair]) -> Summary:
    """Bookings allowed; schools covered and left unplaced; the sessions the allowed used."""
    visits = [p.asked.subject_id for p in pairs if p.asked.subject_type == "visits"]
    session_of = dict(
        session.execute(select(Visit.id, Visit.session_id).where(Visit.id.in_(visits))).all()
    )
    counted = {}
    for side in ("live", "draft"):
        asked_for, placed, sessions = set(), set(), set()
        for pair in pairs:
            decision = getattr(pair, side)
            if decision is None:
                continue
            school = _fact(decision, "visit").get("school")
            asked_for.add(school)
            if not decision.is_refused:
                placed.add(school)
                sessions.add(session_of.get(pair.asked.subject_id, pair.asked.subject_id))
        counted[side] = (len(placed), len(asked_for - placed), len(sessions))
    labels = (N_("Schools covered"), N_("Schools left unplaced"), N_("Sessions used"))
    return [
        _measure(N_("Bookings allowed"), pairs, _allowed),
        *(
            Measure(label, counted["live"][n], counted["draft"][n])
            for n, label in enumerate(labels)
        ),
    ], []


def _friday_visit_summary(_session: Session, pairs: Sequence[Pair]) -> Summary:
    per = _by(pairs, lambda d: None if d.is_refused else _fact(d, "visit").get("consultant"))
    return [_measure(N_("Visits allowed"), pairs, _allowed)], [
        Table(N_("Visits per consultant"), per.rows)
    ]


def _escalation_summary(_session: Session, pairs: Sequence[Pair]) -> Summary:
    return [_measure(N_("Cases escalated"), pairs, _has("escalate"))], []


def _deadline_summary(_session: Session, pairs: Sequence[Pair]) -> Summary:
    def warned(decision: rules.Decision) -> bool:
        return _has("warn")(decision) and not _has("overdue")(decision)

    return [
        _measure(N_("Stages warned of before their last day"), pairs, warned),
        _measure(N_("Stages overdue"), pairs, _has("overdue")),
    ], []


def _grade_summary(_session: Session, pairs: Sequence[Pair]) -> Summary:
    def grade(decision: rules.Decision) -> str | None:
        found = (f.outcome["grade"] for f in decision.fired if "grade" in f.outcome)
        return next((GRADE_SHORT[g] for g in found), None)

    return [_measure(N_("Follow-ups set"), pairs, _has("follow_up"))], [
        Table(N_("Check-ups by grade"), _by(pairs, grade).rows, translated=True)
    ]


# The counts a coordinator reads each ruleset's work by (the others: how many were refused).
SUMMARIES: dict[str, Callable[[Session, Sequence[Pair]], Summary]] = {
    "checkup_grade": _grade_summary,
    "dispute_deadline": _deadline_summary,
    "dispute_escalation": _escalation_summary,
    "friday_pairing": _pairing_summary,
    "friday_visit": _friday_visit_summary,
    "study_visit": _study_summary,
}


def replay(
    session: Session,
    ruleset: str,
    values: Mapping[str, Any],
    start: date,
    end: date,
    today: date,
) -> Replay:
    """Ask the period's questions again with the live parameters and with `values`.

    Reads only: nothing is logged, no record changes (the tests hold it to that).
    """
    began = time.perf_counter()
    live_row = decisions.live_parameters(session, ruleset)
    live = live_row or rules.ParameterValues(None, rules.registry.get(ruleset).defaults)
    draft = rules.ParameterValues(None, rules.validate_parameters(ruleset, dict(values)))
    items = asked(session, ruleset, start, end, today)
    if ruleset == "friday_pairing":
        pairs = tuple(_pairings(items, live, draft))
    else:
        pairs = tuple(Pair(i, _ask(ruleset, i, live), _ask(ruleset, i, draft)) for i in items)
    summary = SUMMARIES.get(ruleset)
    measures, tables = summary(session, pairs) if summary else ([], [])
    common = [
        _measure(N_("Questions the rules answered"), pairs, lambda _d: True),
    ]
    refused = _measure(N_("Refused"), pairs, lambda d: d.is_refused)
    # A pairing refuses every candidate but the chosen one; rules that never refuse say nothing.
    if ruleset != "friday_pairing" and (refused.live or refused.draft):
        common.append(refused)
    return Replay(
        ruleset=ruleset,
        start=start,
        end=end,
        live=live,
        draft=draft,
        pairs=pairs,
        measures=(*common, *measures),
        tables=tuple(tables),
        seconds=time.perf_counter() - began,
    )
