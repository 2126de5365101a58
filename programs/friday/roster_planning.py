"""The monthly Friday roster planner: which consultant visits which open request on which Friday.

Pure: plain frozen dataclasses in, a `RosterPlan` out; no database, no clock, no randomness. The
same input gives the same plan, whatever the order of its tuples.

The planner acts for the coordinators (`by_coordinator`, so the booking lead time does not bind
it, but it never plans for today or a past day). Every visit it proposes passes every rule of the
"friday_visit" ruleset (build the facts with `visit_facts`); `verify` re-checks every hard
constraint of a plan from the input alone.

Hard constraints: the working Fridays of the month only (checked here with `calendars.day_info`,
whatever Fridays the caller passes); each consultant's own limit of visits a Friday, counting the
visits already booked; no visit on a day of leave, or by a consultant no longer active; never a
consultant who declared a conflict of interest with the firm or with the counterparty of its
matter (by name, ignoring case and spaces); the consultant's expertise covers every topic; a
group session has attendees, and no more than the parameter allows; a request at most once.

Goals, in strict order:

1. as many requests as possible, and a request of lower priority never takes the place of one of
   higher priority (follow-ups first, then the longest waiting, then the lowest id);
2. pairing continuity (一帮一): a firm's request goes to its paired consultant when they can take it;
3. the Fridays the request asked for;
4. a consultant of the same town, else of a town next to it;
5. a fair load: the consultant with the fewest visits in the month first, and a consultant's and
   the city's visits spread over the Fridays.

How. Goal 1 depends only on which consultant takes a request, not on the Friday: any request a
consultant may take fits on any of their Fridays with room. So the requests are matched to
consultants, each with a capacity (the free places over the month's open Fridays). Requests are
taken in priority order; each goes to the consultant with room that is best for goals 2 to 5; when
none of its consultants has room, an augmenting path (move a planned request to another of its
consultants, and so on, breadth first) makes room if any can be made. This is the greedy algorithm
on a transversal matroid, so the set planned is the largest possible, and of all the largest the
one that prefers higher priority at every step. A search that fails leaves a set of consultants that
are full with requests that can go nowhere else; they stay so, are marked dead and never searched
again, and a request with the same consultants fails at once: that keeps the whole month linear in
practice. Then bounded passes improve goals 2 to 5 without touching the set planned: move a request
to its paired consultant (pushing a request not paired with them elsewhere, or swapping), to an
asked-for Friday (of the same consultant, by swapping Fridays, or of another consultant), to a
nearer town, to a lighter load. Every move keeps the goals above it and improves its own, so the
passes end. Ties are broken by id.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from calendars import day_info
from programs.directory.categories import category_names
from programs.i18n import N_
from rules import Reason, nested, registry
from rules.friday import FRIDAY, GROUP_VENUES, VENUE_KINDS

__all__ = [
    "REQUEST_KINDS",
    "UNASSIGNED_CODES",
    "Assignment",
    "ClosedFriday",
    "ConsultantInfo",
    "Metrics",
    "RequestInfo",
    "RosterInput",
    "RosterParameters",
    "RosterPlan",
    "Unassigned",
    "fridays_of",
    "normalise_name",
    "plan",
    "priority_key",
    "verify",
    "visit_facts",
]

REQUEST_KINDS = ("enterprise", "chamber", "village")
# Why a request stays off the roster, most basic first; `Unassigned.code` is one of these.
UNASSIGNED_CODES = (
    "group_empty",  # a group session with no one signed up
    "group_too_large",  # more attendees than one session takes
    "no_friday",  # no Friday of the month is open for visits
    "no_expertise",  # no active consultant's expertise covers all the topics
    "conflict",  # every consultant who covers them declared a conflict of interest
    "on_leave",  # every one left is on leave on every open Friday
    "booked_full",  # every one left is full with visits booked before the roster
    "full",  # every one left is full with those and requests that come first
)
_PARAMETER_NAMES = ("lead_time_days", "group_headcount_max")
_DEFAULTS = registry.get("friday_visit").defaults
_NAME = 120  # the facts' limit on names
_TOWN_WORDS = ("same", "nearby", "other")
_SWAP_ROUNDS = 3  # sweeps over the requests for asked-for Fridays, then for towns
_LOAD_ROUNDS = 3  # sweeps over the requests for the load


def normalise_name(name: str) -> str:
    """A counterparty's name as conflicts compare it: no spaces, case folded."""
    return "".join(name.split()).casefold()


def fridays_of(month: date) -> tuple[date, ...]:
    """Every Friday of the month of `month`, working or not (the planner checks each)."""
    first = month.replace(day=1)
    on = first + timedelta(days=(FRIDAY - first.weekday()) % 7)
    found = []
    while on.month == first.month:
        found.append(on)
        on += timedelta(days=7)
    return tuple(found)


# --- Input --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultantInfo:
    """A chief legal consultant as the roster sees them.

    `expertise` holds problem-category codes; `per_friday_max` is their own limit of visits a
    Friday (1 to 10); `leave` the days they are away; `conflict_enterprises` and
    `conflict_counterparties` the firms (by id) and parties (by name) they declared a conflict
    of interest with. An inactive consultant gets no visits.
    """

    id: int
    name: str
    town_id: int
    expertise: frozenset[str] = frozenset()
    per_friday_max: int = 2
    leave: frozenset[date] = frozenset()
    conflict_enterprises: frozenset[int] = frozenset()
    conflict_counterparties: frozenset[str] = frozenset()
    active: bool = True


@dataclass(frozen=True)
class RequestInfo:
    """An open request waiting for a Friday.

    `kind` is "enterprise", "chamber" or "village"; `label` the name people know it by (the
    firm, the chamber, the village), and `venue` where the visit takes place when that is not
    the label (a studio's name). `topics` are problem-category codes. `waiting_since` is the
    day it was filed; `follow_up` marks a follow-up of a visit, a check-up or the labour loop,
    which comes first. `paired_consultant_id` is the firm's paired consultant (一帮一), if any.
    `counterparty` names the other side of the matter, for conflicts of interest. `headcount`
    counts who signed up for a chamber or village session (0 otherwise).
    """

    id: int
    kind: str
    label: str
    town_id: int
    waiting_since: date
    topics: frozenset[str] = frozenset()
    enterprise_id: int | None = None
    preferred_fridays: frozenset[date] = frozenset()
    follow_up: bool = False
    paired_consultant_id: int | None = None
    counterparty: str = ""
    venue_kind: str = "premises"
    headcount: int = 0
    venue: str = ""

    @property
    def venue_name(self) -> str:
        """Where the visit takes place, as people say it."""
        return self.venue or self.label


@dataclass(frozen=True)
class RosterParameters:
    """The "friday_visit" parameter values the roster must respect (the ruleset's defaults)."""

    lead_time_days: int = _DEFAULTS["lead_time_days"]
    group_headcount_max: int = _DEFAULTS["group_headcount_max"]

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | None = None) -> RosterParameters:
        """From a stored parameter set; the ruleset's defaults fill the gaps."""
        merged = {**registry.get("friday_visit").defaults, **(values or {})}
        return cls(**{name: int(merged[name]) for name in _PARAMETER_NAMES})

    def values(self) -> dict[str, int]:
        """As `rules.ParameterValues(version, values)` wants them."""
        return {name: getattr(self, name) for name in _PARAMETER_NAMES}


@dataclass(frozen=True)
class RosterInput:
    """Everything the planner needs for one month.

    `month` is the first day of the month; `today` the day the roster is planned. `fridays` are
    the Fridays to consider (empty: every Friday of the month); the planner drops any that is
    not a working Friday of the month still to come. `booked` lists (consultant id, date) of the
    visits already live that month: they count towards each consultant's limit. `neighbours`
    holds pairs of town ids that border each other (either order is enough). `by_coordinator`:
    the coordinators' roster is not bound by the booking lead time.
    """

    month: date
    today: date
    consultants: tuple[ConsultantInfo, ...]
    requests: tuple[RequestInfo, ...]
    fridays: tuple[date, ...] = ()
    booked: tuple[tuple[int, date], ...] = ()
    neighbours: frozenset[tuple[int, int]] = frozenset()
    parameters: RosterParameters = RosterParameters()
    by_coordinator: bool = True


def priority_key(request: RequestInfo) -> tuple[bool, date, int]:
    """The roster's order: follow-ups first, then the longest waiting, then the lowest id."""
    return (not request.follow_up, request.waiting_since, request.id)


# --- Output -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A request put on a Friday with a consultant, and why this consultant and this Friday.

    `paired`: the consultant is the request's paired consultant; `preferred`: the Friday is one
    the request asked for; `town`: "same", "nearby" or "other" (the consultant's town).
    """

    request_id: int
    consultant_id: int
    on: date
    paired: bool = False
    preferred: bool = False
    town: str = "other"
    why: tuple[Reason, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """As plain JSON, for `Roster.result`."""
        return {
            "request_id": self.request_id,
            "consultant_id": self.consultant_id,
            "on": self.on.isoformat(),
            "paired": self.paired,
            "preferred": self.preferred,
            "town": self.town,
            "why": [reason.to_record() for reason in self.why],
        }


@dataclass(frozen=True)
class Unassigned:
    """A request the roster leaves open, why (`code`, one of UNASSIGNED_CODES) and in words."""

    request_id: int
    code: str
    reason: Reason

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        return {"request_id": self.request_id, "code": self.code, "reason": self.reason.to_record()}


@dataclass(frozen=True)
class ClosedFriday:
    """A Friday given (or of the month) that the roster does not use, and why."""

    on: date
    reason: Reason

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        return {"on": self.on.isoformat(), "reason": self.reason.to_record()}


@dataclass(frozen=True)
class Metrics:
    """The plan in figures.

    `capacity` is the free places on the open Fridays before the plan (limits less visits
    booked, leave left out). `with_pair` counts planned requests that have a paired consultant,
    `pair_possible` those whose paired consultant could take them at all (active, covering the
    topics, no conflict, not on leave on every open Friday), `paired` those that got them.
    `with_preferences` counts planned requests that asked for Fridays, `preferred` those that got
    one. Loads are the month's visits per consultant (booked and planned), over the consultants
    with any free place; `fridays` the visits per open Friday.
    """

    requests: int
    assigned: int
    unassigned: int
    follow_ups: int
    follow_ups_assigned: int
    capacity: int
    with_pair: int
    pair_possible: int
    paired: int
    with_preferences: int
    preferred: int
    same_town: int
    nearby_town: int
    other_town: int
    consultants_used: int
    load_max: int
    load_min: int
    fridays: tuple[tuple[date, int], ...]

    @property
    def paired_share(self) -> float:
        """Of the planned requests whose paired consultant could take them, the share that did."""
        return self.paired / self.pair_possible if self.pair_possible else 1.0

    @property
    def preferred_share(self) -> float:
        """Of the planned requests that asked for Fridays, the share on one of them."""
        return self.preferred / self.with_preferences if self.with_preferences else 1.0

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        record: dict[str, Any] = {k: v for k, v in vars(self).items() if k != "fridays"}
        record["fridays"] = [[on.isoformat(), count] for on, count in self.fridays]
        record["paired_share"] = round(self.paired_share, 4)
        record["preferred_share"] = round(self.preferred_share, 4)
        return record


@dataclass(frozen=True)
class RosterPlan:
    """What the planner proposes for a month: the visits, the requests left open, the Fridays
    not used, and the figures."""

    month: date
    fridays: tuple[date, ...]
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    closed_fridays: tuple[ClosedFriday, ...]
    metrics: Metrics

    def assignment_of(self, request_id: int) -> Assignment | None:
        """The request's visit in the plan, if it has one."""
        return next((a for a in self.assignments if a.request_id == request_id), None)

    def to_record(self) -> dict[str, Any]:
        """As plain JSON, for `Roster.result`."""
        return {
            "month": self.month.isoformat(),
            "fridays": [on.isoformat() for on in self.fridays],
            "assignments": [a.to_record() for a in self.assignments],
            "unassigned": [u.to_record() for u in self.unassigned],
            "closed_fridays": [c.to_record() for c in self.closed_fridays],
            "metrics": self.metrics.to_record(),
        }


# --- Checks shared by the planner and verify ----------------------------------------------------


def _check_input(ri: RosterInput) -> None:
    if ri.month.day != 1:
        raise ValueError("the roster's month is given by its first day")
    for kind, items in (("consultant", ri.consultants), ("request", ri.requests)):
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate {kind} ids in the roster input")
    for c in ri.consultants:
        if not 1 <= c.per_friday_max <= 10:
            raise ValueError(f"consultant {c.id}: visits a Friday must be 1 to 10")
    for r in ri.requests:
        if r.kind not in REQUEST_KINDS:
            raise ValueError(f"request {r.id}: unknown kind {r.kind!r}")
        if r.venue_kind not in VENUE_KINDS:
            raise ValueError(f"request {r.id}: unknown venue kind {r.venue_kind!r}")
        if r.headcount < 0:
            raise ValueError(f"request {r.id}: a headcount cannot be negative")


def _closed_reason(on: date, ri: RosterInput) -> Reason | None:
    """Why the roster cannot use this date, or None for an open Friday of the month."""
    day = on.isoformat()
    month = ri.month.strftime("%Y-%m")
    if (on.year, on.month) != (ri.month.year, ri.month.month):
        return Reason(N_("{date} is not in {month}."), {"date": day, "month": month})
    if on.weekday() != FRIDAY:
        return Reason(N_("{date} is not a Friday."), {"date": day})
    info = day_info(on)
    if not info.working and info.holiday_name_en is not None:
        return Reason(
            N_("{date} is a day off for the {holiday} holiday: no Friday Law Service Day."),
            {
                "date": day,
                "holiday": info.holiday_name_en,
                "holiday_zh": info.holiday_name_zh or info.holiday_name_en,
            },
        )
    if not info.working:
        return Reason(N_("{date} is not a working day: no Friday Law Service Day."), {"date": day})
    ahead = (on - ri.today).days
    if ahead < 1:
        return Reason(
            N_("{date} is today or has passed; the roster plans the Fridays still to come."),
            {"date": day},
        )
    lead = ri.parameters.lead_time_days
    if not ri.by_coordinator and ahead < lead:
        return Reason(
            N_("{date} is only {ahead} days away, less than the lead time of {days} days."),
            {"date": day, "ahead": ahead, "days": lead},
        )
    return None


def _conflict(consultant: ConsultantInfo, request: RequestInfo) -> bool:
    if (
        request.enterprise_id is not None
        and request.enterprise_id in consultant.conflict_enterprises
    ):
        return True
    party = normalise_name(request.counterparty)
    return bool(party) and any(
        normalise_name(name) == party for name in consultant.conflict_counterparties
    )


def _group_problem(request: RequestInfo, params: RosterParameters) -> str | None:
    if request.venue_kind not in GROUP_VENUES:
        return None
    if request.headcount == 0:
        return "group_empty"
    if request.headcount > params.group_headcount_max:
        return "group_too_large"
    return None


# --- The planner's working state ----------------------------------------------------------------


class _Planner:
    """Requests (by priority) matched to consultants (by id), each on one of their Fridays.

    Indices: `r` a request in priority order, `i` a consultant in id order, `k` an open Friday in
    date order. A cell (i, k) has `cap[i][k]` free places before the plan (0 on leave).
    """

    def __init__(self, ri: RosterInput) -> None:
        _check_input(ri)
        self.ri = ri
        self.params = ri.parameters
        self.month_name = ri.month.strftime("%Y-%m")
        given = sorted(set(ri.fridays or fridays_of(ri.month)))
        self.closed: list[ClosedFriday] = []
        fridays: list[date] = []
        for on in given:
            why = _closed_reason(on, ri)
            if why is None:
                fridays.append(on)
            else:
                self.closed.append(ClosedFriday(on, why))
        self.fridays = fridays
        m = len(fridays)
        kx = {on: k for k, on in enumerate(fridays)}
        self.cons = sorted(ri.consultants, key=lambda c: c.id)
        self.reqs = sorted(ri.requests, key=priority_key)
        self.cx = {c.id: i for i, c in enumerate(self.cons)}
        booked_cell: Counter[tuple[int, date]] = Counter(ri.booked)
        month_key = (ri.month.year, ri.month.month)
        booked_month = Counter(cid for cid, on in ri.booked if (on.year, on.month) == month_key)
        self.day_total = [sum(n for (_, on), n in booked_cell.items() if on == f) for f in fridays]
        self.cell_load: list[list[int]] = []  # visits booked and planned, per cell
        self.cap: list[list[int]] = []
        for c in self.cons:
            loads = [booked_cell[(c.id, f)] for f in fridays]
            self.cell_load.append(loads)
            self.cap.append(
                [
                    0 if not c.active or f in c.leave else max(0, c.per_friday_max - loads[k])
                    for k, f in enumerate(fridays)
                ]
            )
        self.used = [[0] * m for _ in self.cons]
        self.cap_total = [sum(row) for row in self.cap]
        self.room = list(self.cap_total)
        self.load = [booked_month[c.id] for c in self.cons]
        self.dead = [False] * len(self.cons)
        self.occ: list[dict[int, int]] = [{} for _ in self.cons]  # request -> Friday
        self.town_of = [c.town_id for c in self.cons]
        self.near = set(ri.neighbours) | {(b, a) for a, b in ri.neighbours}
        # Requests.
        n = len(self.reqs)
        self.assign: list[tuple[int, int] | None] = [None] * n
        self.pair: list[int | None] = [
            self.cx.get(r.paired_consultant_id) if r.paired_consultant_id is not None else None
            for r in self.reqs
        ]
        self.prefk = [frozenset(kx[f] for f in r.preferred_fridays if f in kx) for r in self.reqs]
        self.problem: list[tuple[str, Reason] | None] = [None] * n
        self.elig: list[tuple[int, ...]] = [()] * n
        self.sig = [0] * n
        self.sig_sets: list[frozenset[int]] = []
        self._eligibility()

    # --- who may take what --------------------------------------------------------------------

    def _eligibility(self) -> None:
        """Each request's consultants (covering its topics, no conflict, some free place), and
        why a request has none."""
        active = [i for i, c in enumerate(self.cons) if c.active]
        by_topics: dict[frozenset[str], tuple[int, ...]] = {}
        sig_of: dict[tuple[int, ...], int] = {}
        by_enterprise: dict[int, set[int]] = {}
        by_party: dict[str, set[int]] = {}
        for i, c in enumerate(self.cons):
            for e in c.conflict_enterprises:
                by_enterprise.setdefault(e, set()).add(i)
            for name in c.conflict_counterparties:
                if normalise_name(name):
                    by_party.setdefault(normalise_name(name), set()).add(i)
        for r, req in enumerate(self.reqs):
            group = _group_problem(req, self.params)
            if group is not None:
                self.problem[r] = (group, self._group_reason(req, group))
                continue
            if not self.fridays:
                self.problem[r] = ("no_friday", self._no_friday_reason(req))
                continue
            cover = by_topics.get(req.topics)
            if cover is None:
                cover = tuple(i for i in active if req.topics <= self.cons[i].expertise)
                by_topics[req.topics] = cover
            if not cover:
                self.problem[r] = ("no_expertise", self._no_expertise_reason(req))
                continue
            conflicted: set[int] = set()
            if req.enterprise_id is not None:
                conflicted |= by_enterprise.get(req.enterprise_id, set())
            conflicted |= by_party.get(normalise_name(req.counterparty), set())
            free = [i for i in cover if i not in conflicted]
            if not free:
                self.problem[r] = ("conflict", self._conflict_reason(req, len(cover)))
                continue
            elig = tuple(i for i in free if self.cap_total[i] > 0)
            if not elig:
                code = (
                    "on_leave"
                    if all(all(f in self.cons[i].leave for f in self.fridays) for i in free)
                    else "booked_full"
                )
                self.problem[r] = (code, self._no_capacity_reason(req, code, len(free)))
                continue
            s = sig_of.get(elig)
            if s is None:
                s = sig_of[elig] = len(self.sig_sets)
                self.sig_sets.append(frozenset(elig))
            self.elig[r] = elig
            self.sig[r] = s

    def _town(self, r: int, i: int) -> int:
        """0 same town, 1 a town next to it, 2 another town."""
        a, b = self.reqs[r].town_id, self.town_of[i]
        if a == b:
            return 0
        return 1 if (a, b) in self.near else 2

    def _free(self, i: int, k: int) -> int:
        return self.cap[i][k] - self.used[i][k]

    def _pref_room(self, r: int, i: int) -> bool:
        return any(self.cap[i][k] > self.used[i][k] for k in self.prefk[r])

    def _cell(self, r: int, i: int, *, pref_at_least: bool = False) -> int | None:
        """The consultant's best Friday with room for the request: one it asked for, then the
        consultant's lightest, then the city's lightest, then the earliest."""
        prefs = self.prefk[r]
        best: tuple[bool, int, int, int] | None = None
        for k in range(len(self.fridays)):
            if self.cap[i][k] <= self.used[i][k]:
                continue
            if pref_at_least and k not in prefs:
                continue
            key = (k not in prefs, self.cell_load[i][k], self.day_total[k], k)
            if best is None or key < best:
                best = key
        return None if best is None else best[3]

    def _key(self, r: int, i: int) -> tuple[bool, bool, int, int, int]:
        """How good consultant i (with room) is for request r on goals 2 to 5."""
        return (
            i != self.pair[r],
            not self._pref_room(r, i),
            self._town(r, i),
            self.load[i],
            i,
        )

    def _put(self, r: int, i: int, k: int) -> None:
        assert self.assign[r] is None and self.used[i][k] < self.cap[i][k]
        self.assign[r] = (i, k)
        self.used[i][k] += 1
        self.cell_load[i][k] += 1
        self.room[i] -= 1
        self.load[i] += 1
        self.day_total[k] += 1
        self.occ[i][r] = k

    def _take(self, r: int) -> tuple[int, int]:
        placed = self.assign[r]
        assert placed is not None
        i, k = placed
        self.assign[r] = None
        self.used[i][k] -= 1
        self.cell_load[i][k] -= 1
        self.room[i] += 1
        self.load[i] -= 1
        self.day_total[k] -= 1
        del self.occ[i][r]
        return placed

    def _move(self, r: int, i: int, k: int | None = None) -> None:
        """Move a planned request to consultant i (their best Friday unless k is given)."""
        self._take(r)
        if k is None:
            k = self._cell(r, i)
            assert k is not None
        self._put(r, i, k)

    # --- goal 1: as many as possible, by priority ---------------------------------------------

    def run(self) -> None:
        failed: set[int] = set()
        for r in range(len(self.reqs)):
            if self.problem[r] is not None or self.sig[r] in failed:
                continue
            best: tuple[bool, bool, int, int, int] | None = None
            for i in self.elig[r]:
                if self.room[i] > 0:
                    key = self._key(r, i)
                    if best is None or key < best:
                        best = key
            if best is not None:
                i = best[4]
                k = self._cell(r, i)
                assert k is not None
                self._put(r, i, k)
            elif not self._augment(r):
                failed.add(self.sig[r])
        self._improve()

    def _augment(self, r: int) -> bool:
        """Make room for r by moving planned requests along a path of consultants (breadth
        first); mark everything searched dead when no path exists."""
        parent: dict[int, tuple[int | None, int]] = {}
        queue: deque[int] = deque()
        for i in self.elig[r]:
            if not self.dead[i]:
                parent[i] = (None, r)
                queue.append(i)
        expanded: set[int] = set()  # signatures: their consultants are all reached already
        while queue:
            i = queue.popleft()
            for o in self.occ[i]:
                s = self.sig[o]
                if s in expanded:
                    continue
                expanded.add(s)
                for j in self.elig[o]:
                    if j in parent or self.dead[j]:
                        continue
                    parent[j] = (i, o)
                    if self.room[j] > 0:
                        self._shift(j, parent)
                        return True
                    queue.append(j)
        for i in parent:
            self.dead[i] = True
        return False

    def _shift(self, j: int, parent: Mapping[int, tuple[int | None, int]]) -> None:
        while True:
            previous, mover = parent[j]
            if previous is not None:
                self._take(mover)
            k = self._cell(mover, j)
            assert k is not None
            self._put(mover, j, k)
            if previous is None:
                return
            j = previous

    # --- goals 2 to 5: bounded improvement passes ---------------------------------------------

    def _improve(self) -> None:
        order = [r for r in range(len(self.reqs)) if self.assign[r] is not None]
        for r in order:
            self._to_pair(r)
        for _ in range(_SWAP_ROUNDS):
            if not any([self._to_preferred(r) for r in order]):
                break
        for _ in range(_SWAP_ROUNDS):
            if not any([self._to_nearer(r) for r in order]):
                break
        for _ in range(_LOAD_ROUNDS):
            if not any([self._to_lighter(r) for r in order]):
                break
        # Room may have opened where it was missing: use it for the two first soft goals.
        changed = True
        while changed:
            changed = False
            for r in order:
                changed |= self._pair_room(r)
        while any([self._preferred_here(r) for r in order]):
            pass

    def _pair_open(self, r: int) -> int | None:
        """The request's paired consultant when it is elsewhere and the pair may take it."""
        placed, p = self.assign[r], self.pair[r]
        if placed is None or p is None or placed[0] == p:
            return None
        if p not in self.sig_sets[self.sig[r]]:
            return None
        return p

    def _pair_room(self, r: int) -> bool:
        p = self._pair_open(r)
        if p is None or self.room[p] == 0:
            return False
        self._move(r, p)
        return True

    def _to_pair(self, r: int) -> None:
        """Goal 2: to the paired consultant, making room there by moving requests that are not
        with their own pair along a path of consultants (breadth first) to a free place, or to
        the place the request leaves."""
        p = self._pair_open(r)
        if p is None:
            return
        if self.room[p] > 0:
            self._move(r, p)
            return
        placed = self.assign[r]
        assert placed is not None
        mine = placed[0]
        parent: dict[int, tuple[int, int]] = {}
        queue: deque[int] = deque([p])
        expanded: set[int] = set()
        while queue:
            i = queue.popleft()
            for o in sorted(self.occ[i]):
                if o == r or self.pair[o] == i or self.sig[o] in expanded:
                    continue
                expanded.add(self.sig[o])
                for j in self.elig[o]:
                    if j == p or j in parent:
                        continue
                    parent[j] = (i, o)
                    if self.room[j] > 0 or j == mine:
                        self._take(r)
                        while j != p:
                            previous, mover = parent[j]
                            self._move(mover, j)
                            j = previous
                        k = self._cell(r, p)
                        assert k is not None
                        self._put(r, p, k)
                        return
                    queue.append(j)

    def _preferred_here(self, r: int) -> bool:
        placed = self.assign[r]
        if placed is None or not self.prefk[r] or placed[1] in self.prefk[r]:
            return False
        k = self._cell(r, placed[0], pref_at_least=True)
        if k is None:
            return False
        self._move(r, placed[0], k)
        return True

    def _to_preferred(self, r: int) -> bool:
        """Goal 3: to a Friday the request asked for, with the same consultant (to a free place,
        or swapping Fridays with a request that did not ask for this one), else with another
        consultant when the request is not with its pair."""
        placed = self.assign[r]
        prefs = self.prefk[r]
        if placed is None or not prefs or placed[1] in prefs:
            return False
        if self._preferred_here(r):
            return True
        i, k = placed
        for kk in sorted(prefs):
            if self.cap[i][kk] == 0:
                continue
            for o, ko in sorted(self.occ[i].items()):
                if ko == kk and kk not in self.prefk[o]:
                    self._take(r)
                    self._take(o)
                    self._put(r, i, kk)
                    self._put(o, i, k)
                    return True
        if i == self.pair[r]:
            return False
        best: tuple[bool, int, int, int] | None = None
        for j in self.elig[r]:
            if j != i and self.room[j] > 0 and self._pref_room(r, j):
                key = (j != self.pair[r], self._town(r, j), self.load[j], j)
                if best is None or key < best:
                    best = key
        if best is not None:
            j = best[3]
            kk2 = self._cell(r, j, pref_at_least=True)
            assert kk2 is not None
            self._move(r, j, kk2)
            return True
        # Swap with a request on an asked-for Friday of another consultant that did not ask for
        # it, is not with its pair and may go to this consultant.
        for kk in sorted(prefs):
            for j in self.elig[r]:
                if j == i or self.cap[j][kk] == 0:
                    continue
                for o, ko in sorted(self.occ[j].items()):
                    if (
                        ko == kk
                        and self.pair[o] != j
                        and (kk not in self.prefk[o] or k in self.prefk[o])
                        and i in self.sig_sets[self.sig[o]]
                    ):
                        self._swap(r, o)
                        return True
        return False

    def _swap(self, r: int, o: int) -> None:
        """Exchange the places of two planned requests."""
        i, k = self._take(r)
        j, kk = self._take(o)
        self._put(r, j, kk)
        self._put(o, i, k)

    def _keeps_pref(self, r: int, j: int, k: int) -> int | None:
        """A Friday of consultant j with room, asked for if the request's current one is."""
        return self._cell(r, j, pref_at_least=k in self.prefk[r])

    def _to_nearer(self, r: int) -> bool:
        """Goal 4: to a consultant of a nearer town with room, keeping an asked-for Friday."""
        placed = self.assign[r]
        if placed is None or placed[0] == self.pair[r]:
            return False
        i, k = placed
        town = self._town(r, i)
        if town == 0:
            return False
        best: tuple[int, int, int, int] | None = None
        for j in self.elig[r]:
            if self.room[j] > 0 and self._town(r, j) < town:
                kk = self._keeps_pref(r, j, k)
                if kk is not None:
                    key = (self._town(r, j), self.load[j], j, kk)
                    if best is None or key < best:
                        best = key
        if best is not None:
            self._move(r, best[2], best[3])
            return True
        # Swap with a request of a nearer consultant that is not with its pair, when more
        # requests get their own town (or as many, and more a town next to it), neither loses an
        # asked-for Friday, and each may go to the other's consultant.
        for j in self.elig[r]:
            there = self._town(r, j)
            if there >= town:
                continue
            for o, ko in sorted(self.occ[j].items()):
                if self.pair[o] == j or i not in self.sig_sets[self.sig[o]]:
                    continue
                if (k in self.prefk[r] and ko not in self.prefk[r]) or (
                    ko in self.prefk[o] and k not in self.prefk[o]
                ):
                    continue
                before = (town, self._town(o, j))
                after = (there, self._town(o, i))
                gain = (
                    sum(t == 0 for t in after) - sum(t == 0 for t in before),
                    sum(t <= 1 for t in after) - sum(t <= 1 for t in before),
                )
                if gain > (0, 0):
                    self._swap(r, o)
                    return True
        return False

    def _to_lighter(self, r: int) -> bool:
        """Goal 5: to a consultant with at least two visits fewer in the month (same town
        or nearer, keeping an asked-for Friday), else to a lighter Friday of the same one."""
        placed = self.assign[r]
        if placed is None:
            return False
        i, k = placed
        if i != self.pair[r]:
            town = self._town(r, i)
            best: tuple[int, int, int] | None = None
            for j in self.elig[r]:
                if self.room[j] > 0 and self.load[j] + 1 < self.load[i]:
                    if self._town(r, j) > town:
                        continue
                    kk = self._keeps_pref(r, j, k)
                    if kk is not None:
                        key = (self.load[j], j, kk)
                        if best is None or key < best:
                            best = key
            if best is not None:
                self._move(r, best[1], best[2])
                return True
        here = self.cell_load[i][k]
        best_k: tuple[int, int] | None = None
        wanted = k in self.prefk[r]
        for kk in range(len(self.fridays)):
            if kk == k or self._free(i, kk) <= 0 or self.cell_load[i][kk] + 1 >= here:
                continue
            if wanted and kk not in self.prefk[r]:
                continue
            key = (self.cell_load[i][kk], kk)
            if best_k is None or key < best_k:
                best_k = key
        if best_k is not None:
            self._move(r, i, best_k[1])
            return True
        return False

    # --- reasons ------------------------------------------------------------------------------

    def _topics(self, req: RequestInfo) -> list[dict[str, Any]]:
        return category_names(req.topics)

    def _group_reason(self, req: RequestInfo, code: str) -> Reason:
        if code == "group_empty":
            return Reason(
                N_(
                    "No one has signed up for the session at {venue}; enter the attendees who "
                    "have signed up before it goes on the roster."
                ),
                {"venue": req.venue_name},
            )
        return Reason(
            N_(
                "{headcount} people have signed up for the session at {venue}, more than the "
                "{max} one session takes; split them into two requests."
            ),
            {
                "headcount": req.headcount,
                "venue": req.venue_name,
                "max": self.params.group_headcount_max,
            },
        )

    def _no_friday_reason(self, req: RequestInfo) -> Reason:
        return Reason(
            N_(
                "No Friday of {month} is open for visits ({fridays}: holidays, days off or "
                "days that have passed); {venue} waits for next month's roster."
            ),
            {
                "month": self.month_name,
                "fridays": [c.on.isoformat() for c in self.closed],
                "venue": req.venue_name,
            },
        )

    def _no_expertise_reason(self, req: RequestInfo) -> Reason:
        return Reason(
            N_(
                "No active consultant's expertise covers all the topics {venue} asks about "
                "({topics}); split the topics over two requests, or add a consultant with "
                "that expertise."
            ),
            {"venue": req.venue_name, "topics": self._topics(req)},
        )

    def _conflict_reason(self, req: RequestInfo, count: int) -> Reason:
        return Reason(
            N_(
                "Each of the {count} consultants whose expertise covers the topics ({topics}) "
                "has declared a conflict of interest with {venue} or the other side of its "
                "matter; the coordinator has to find help outside the team."
            ),
            {"count": count, "topics": self._topics(req), "venue": req.venue_name},
        )

    def _no_capacity_reason(self, req: RequestInfo, code: str, count: int) -> Reason:
        params = {"count": count, "month": self.month_name, "venue": req.venue_name}
        if code == "on_leave":
            return Reason(
                N_(
                    "Each of the {count} consultants who could visit {venue} is on leave on "
                    "every open Friday of {month}; it waits for next month's roster."
                ),
                params,
            )
        return Reason(
            N_(
                "Each of the {count} consultants who could visit {venue} is on leave or "
                "already fully booked on every open Friday of {month}; it waits for next "
                "month's roster."
            ),
            params,
        )

    def _full_reason(self, r: int) -> Reason:
        req = self.reqs[r]
        return Reason(
            N_(
                "Each of the {count} consultants who could visit {venue} is fully booked on "
                "the open Fridays of {month}, by visits already booked and by requests that "
                "come first (follow-ups, then those waiting longest); it waits for next month's "
                "roster, or for a consultant to take more visits a Friday."
            ),
            {"count": len(self.elig[r]), "venue": req.venue_name, "month": self.month_name},
        )

    def _pair_obstacle(self, r: int) -> dict[str, Any]:
        """Why the paired consultant does not take the request (true of the final plan)."""
        req = self.reqs[r]
        p = self.pair[r]
        assert p is not None
        c = self.cons[p]
        if not c.active:
            return nested(N_("they are no longer active"))
        if not req.topics <= c.expertise:
            return nested(N_("their expertise does not cover all the topics"))
        if _conflict(c, req):
            return nested(N_("they have declared a conflict of interest"))
        if self.cap_total[p] == 0:
            if all(f in c.leave for f in self.fridays):
                return nested(N_("they are on leave on every open Friday"))
            return nested(N_("they were already fully booked before the roster"))
        if self.room[p] == 0:
            return nested(N_("their Fridays are full with other visits"))
        return nested(N_("another consultant suits the other goals better"))

    def why(self, r: int) -> tuple[Reason, ...]:
        req = self.reqs[r]
        placed = self.assign[r]
        assert placed is not None
        i, k = placed
        c = self.cons[i]
        venue = req.venue_name
        day = self.fridays[k].isoformat()
        reasons: list[Reason] = []
        pair = self.pair[r]
        if i == pair:
            reasons.append(
                Reason(
                    N_(
                        "{consultant} is the paired consultant of {venue} (one-to-one help) "
                        "and comes back to it."
                    ),
                    {"consultant": c.name, "venue": venue},
                )
            )
        elif pair is not None:
            reasons.append(
                Reason(
                    N_("The paired consultant of {venue}, {paired}, does not take it: {why}."),
                    {
                        "venue": venue,
                        "paired": self.cons[pair].name,
                        "why": self._pair_obstacle(r),
                    },
                )
            )
        elif req.paired_consultant_id is not None:
            reasons.append(
                Reason(
                    N_(
                        "The paired consultant of {venue} is not on the team any more; another "
                        "consultant goes."
                    ),
                    {"venue": venue},
                )
            )
        if req.topics:
            reasons.append(
                Reason(
                    N_(
                        "The expertise of {consultant} covers every topic asked about "
                        "({topics}), and {consultant} has declared no conflict of interest "
                        "with {venue} or the other side of its matter."
                    ),
                    {"consultant": c.name, "topics": self._topics(req), "venue": venue},
                )
            )
        else:
            reasons.append(
                Reason(
                    N_(
                        "No topics are given; {consultant} has declared no conflict of interest "
                        "with {venue} or the other side of its matter."
                    ),
                    {"consultant": c.name, "venue": venue},
                )
            )
        if req.preferred_fridays:
            asked = sorted(on.isoformat() for on in req.preferred_fridays)
            params = {"venue": venue, "preferred": asked, "date": day, "consultant": c.name}
            if k in self.prefk[r]:
                msgid = N_("{date} is one of the Fridays {venue} asked for ({preferred}).")
            elif not self.prefk[r]:
                msgid = N_(
                    "None of the Fridays {venue} asked for ({preferred}) is open for visits "
                    "this month, so it goes on {date}."
                )
            elif all(self.cap[i][kk] == 0 for kk in self.prefk[r]):
                msgid = N_(
                    "{consultant} is on leave or fully booked on the Fridays {venue} asked "
                    "for ({preferred}), so it goes on {date}."
                )
            elif not self._pref_room(r, i):
                msgid = N_(
                    "{consultant} has no room left on the Fridays {venue} asked for "
                    "({preferred}), so it goes on {date}."
                )
            else:
                msgid = N_("{venue} asked for {preferred}; it goes on {date}.")
            reasons.append(Reason(msgid, params))
        town = self._town(r, i)
        town_msgids = (
            N_("{consultant} is based in the same town as {venue}."),
            N_("{consultant} is based in a town next to that of {venue}."),
            N_("{consultant} is based in another town than {venue}."),
        )
        reasons.append(Reason(town_msgids[town], {"consultant": c.name, "venue": venue}))
        reasons.append(
            Reason(
                N_(
                    "Visits of {consultant} in {month}, this one included: {load}; on {date}: "
                    "{count}, of at most {max} a Friday."
                ),
                {
                    "consultant": c.name,
                    "load": self.load[i],
                    "month": self.month_name,
                    "count": self.cell_load[i][k],
                    "date": day,
                    "max": c.per_friday_max,
                },
            )
        )
        return tuple(reasons)

    # --- the result ---------------------------------------------------------------------------

    def result(self) -> RosterPlan:
        assignments: list[Assignment] = []
        unassigned: list[Unassigned] = []
        for r, req in enumerate(self.reqs):
            placed = self.assign[r]
            if placed is None:
                problem = self.problem[r] or ("full", self._full_reason(r))
                unassigned.append(Unassigned(req.id, problem[0], problem[1]))
                continue
            i, k = placed
            assignments.append(
                Assignment(
                    request_id=req.id,
                    consultant_id=self.cons[i].id,
                    on=self.fridays[k],
                    paired=i == self.pair[r],
                    preferred=k in self.prefk[r],
                    town=_TOWN_WORDS[self._town(r, i)],
                    why=self.why(r),
                )
            )
        assignments.sort(key=lambda a: (a.on, a.consultant_id, a.request_id))
        unassigned.sort(key=lambda u: u.request_id)
        return RosterPlan(
            month=self.ri.month,
            fridays=tuple(self.fridays),
            assignments=tuple(assignments),
            unassigned=tuple(unassigned),
            closed_fridays=tuple(self.closed),
            metrics=self._metrics(assignments),
        )

    def _metrics(self, assignments: list[Assignment]) -> Metrics:
        placed = [r for r in range(len(self.reqs)) if self.assign[r] is not None]
        with_pair = [r for r in placed if self.reqs[r].paired_consultant_id is not None]
        possible = [
            r
            for r in with_pair
            if self.pair[r] is not None and self.pair[r] in self.sig_sets[self.sig[r]]
        ]
        towns = Counter(a.town for a in assignments)
        capacity_holders = [i for i in range(len(self.cons)) if self.cap_total[i] > 0]
        loads = [self.load[i] for i in capacity_holders]
        return Metrics(
            requests=len(self.reqs),
            assigned=len(placed),
            unassigned=len(self.reqs) - len(placed),
            follow_ups=sum(1 for r in self.reqs if r.follow_up),
            follow_ups_assigned=sum(1 for r in placed if self.reqs[r].follow_up),
            capacity=sum(self.cap_total),
            with_pair=len(with_pair),
            pair_possible=len(possible),
            paired=sum(1 for a in assignments if a.paired),
            with_preferences=sum(1 for r in placed if self.reqs[r].preferred_fridays),
            preferred=sum(1 for a in assignments if a.preferred),
            same_town=towns["same"],
            nearby_town=towns["nearby"],
            other_town=towns["other"],
            consultants_used=len({a.consultant_id for a in assignments}),
            load_max=max(loads, default=0),
            load_min=min(loads, default=0),
            fridays=tuple((f, self.day_total[k]) for k, f in enumerate(self.fridays)),
        )


def plan(roster_input: RosterInput) -> RosterPlan:
    """Put the month's open requests on its open Fridays with consultants; explain each visit
    and each request left open."""
    planner = _Planner(roster_input)
    planner.run()
    return planner.result()


# --- Facts and verification ---------------------------------------------------------------------


def visit_facts(
    assignment: Assignment, roster_input: RosterInput, plan: RosterPlan
) -> list[dict[str, Any]]:
    """The "friday_visit" facts for a visit of the plan, as the application builds them.

    `visits_that_friday` counts the consultant's other visits that Friday: those booked before
    the roster and the plan's others.
    """
    ri = roster_input
    request = next(r for r in ri.requests if r.id == assignment.request_id)
    consultant = next(c for c in ri.consultants if c.id == assignment.consultant_id)
    on = assignment.on
    info = day_info(on)
    booked = sum(1 for cid, day in ri.booked if cid == consultant.id and day == on)
    planned = sum(
        1
        for a in plan.assignments
        if a.consultant_id == consultant.id and a.on == on and a.request_id != request.id
    )
    missing = len(request.topics - consultant.expertise)
    return [
        {
            "kind": "visit",
            "date": on,
            "weekday": on.weekday(),
            "working_day": info.working,
            "holiday_name": info.holiday_name_en,
            "holiday_name_zh": info.holiday_name_zh,
            "days_ahead": (on - ri.today).days,
            "by_coordinator": ri.by_coordinator,
            "consultant": consultant.name[:_NAME],
            "consultant_on_leave": not consultant.active or on in consultant.leave,
            "visits_that_friday": booked + planned,
            "visits_per_friday_max": consultant.per_friday_max,
            "conflict": _conflict(consultant, request),
            "topics": len(request.topics),
            "covers_topics": missing == 0,
            "missing_topics": missing,
            "venue_kind": request.venue_kind,
            "venue": request.venue_name[:_NAME],
            "headcount": request.headcount if request.venue_kind in GROUP_VENUES else 0,
        }
    ]


def verify(plan: RosterPlan, roster_input: RosterInput) -> list[str]:
    """Every hard constraint the plan breaks, re-checked from the input alone (empty: none)."""
    ri = roster_input
    params = ri.parameters
    problems: list[str] = []
    requests = {r.id: r for r in ri.requests}
    consultants = {c.id: c for c in ri.consultants}
    allowed = set(ri.fridays or fridays_of(ri.month))
    booked: Counter[tuple[int, date]] = Counter(ri.booked)
    per_cell: Counter[tuple[int, date]] = Counter()
    seen: set[int] = set()
    for a in plan.assignments:
        label = f"request {a.request_id} with consultant {a.consultant_id} on {a.on}"
        request = requests.get(a.request_id)
        consultant = consultants.get(a.consultant_id)
        if request is None or consultant is None:
            problems.append(f"{label}: unknown request or consultant")
            continue
        if a.request_id in seen:
            problems.append(f"{label}: planned twice")
        seen.add(a.request_id)
        per_cell[(consultant.id, a.on)] += 1
        if a.on not in allowed:
            problems.append(f"{label}: not one of the month's Fridays given")
        if (a.on.year, a.on.month) != (ri.month.year, ri.month.month):
            problems.append(f"{label}: outside the month")
        if a.on.weekday() != FRIDAY:
            problems.append(f"{label}: not a Friday")
        if not day_info(a.on).working:
            problems.append(f"{label}: not a working day")
        ahead = (a.on - ri.today).days
        if ahead < 1:
            problems.append(f"{label}: today or in the past")
        if not ri.by_coordinator and ahead < params.lead_time_days:
            problems.append(f"{label}: within the lead time")
        if not consultant.active:
            problems.append(f"{label}: the consultant is not active")
        if a.on in consultant.leave:
            problems.append(f"{label}: the consultant is on leave")
        if request.enterprise_id is not None and (
            request.enterprise_id in consultant.conflict_enterprises
        ):
            problems.append(f"{label}: conflict of interest with the firm")
        party = "".join(request.counterparty.split()).casefold()
        if party and any(
            "".join(name.split()).casefold() == party for name in consultant.conflict_counterparties
        ):
            problems.append(f"{label}: conflict of interest with the counterparty")
        if not request.topics <= consultant.expertise:
            problems.append(f"{label}: topics outside the expertise")
        if request.venue_kind in GROUP_VENUES and not (
            1 <= request.headcount <= params.group_headcount_max
        ):
            problems.append(f"{label}: {request.headcount} attendees for a group session")
    for (cid, on), count in per_cell.items():
        limit = consultants[cid].per_friday_max
        if booked[(cid, on)] + count > limit:
            problems.append(
                f"consultant {cid} on {on}: {booked[(cid, on)]} booked and {count} planned, "
                f"limit {limit}"
            )
    left = [u.request_id for u in plan.unassigned]
    if len(left) != len(set(left)) or set(left) & seen:
        problems.append("a request is both planned and left open, or left open twice")
    if seen | set(left) != set(requests):
        problems.append("planned and open requests do not add up to the requests given")
    if any(u.code not in UNASSIGNED_CODES for u in plan.unassigned):
        problems.append("a request is left open with an unknown code")
    return problems
