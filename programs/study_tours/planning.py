"""The study-tour planner: which school goes to which base session or touring day of a term.

Pure: plain frozen dataclasses in, a `Plan` out; no database, no web, no clock, no randomness.
The same input gives the same plan, whatever the order of its lists.

The planner acts for the coordinator. Every placement it proposes passes every rule of the
"study_visit" ruleset (build the facts with `visit_facts`) and keeps the booking lead time as a
hard constraint although a coordinator's booking would be allowed to skip it. `verify` re-checks
every hard constraint of a plan independently of the planner.

Goals, in strict lexicographic order:

1. place every school due (at the base, or by a touring session at the school);
2. meet each school's preferred weekdays and months (one point for each wish met);
3. spread the load: the busiest week, then the busiest week of any one town, as low as possible
   (visits of both kinds count, so a touring session never "relieves" a week);
4. use as few touring sessions as possible;

and after them, as a tie-break, even weeks and towns (the sum of squared loads).

How: schools are placed one by one, the most constrained first (fewest options meeting their
wishes), each into the option that scores best on the goals (with a weekly cap as the spread
target and, among equals, the session that leaves the fewest seats empty and the option fewer
schools still want). Then repair: augmenting chains (move the school in the way to another
option, and the school in its way, ...) place the schools left over, raise wishes met and move
touring groups to the base; every school is taken out and put back where the goals score
best. Last, a large-neighbourhood search rebuilds a few weeks at a time (all their schools out,
then a bounded depth-first search puts them back), which finds the rotations of three or more
schools that single moves and chains miss. A chain, a move or a rebuild is kept only when the
goals improve, so the passes end; budgets on the placements tried bound the time, and they
count placements, never seconds, so the plan does not depend on the machine.

Instructors: a session has one set of instructors; for every activity of every group in it, at
least the activity's `instructors_needed` of them are qualified for it (stricter than the
rule, which counts instructors qualified for any of the group's activities), all are free that
day, and none leads two sessions in the same half-day. Sessions that already exist keep their
instructors; new base sessions and touring sessions get instructors chosen by the planner.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from programs.i18n import N_
from rules import Reason, registry
from rules.messages import weekday_name

__all__ = [
    "SLOTS",
    "TOURING_SEATS",
    "ActivityInfo",
    "BaseSlot",
    "InstructorInfo",
    "Metrics",
    "Placement",
    "Plan",
    "PlanningInput",
    "SchoolDue",
    "Shortfall",
    "TownLoad",
    "Unplaced",
    "VisitParameters",
    "plan",
    "sessions_used",
    "verify",
    "visit_facts",
]

REBUILD_LIMIT = 300  # schools one exhaustive rebuild of a few weeks may take up
SLOTS = ("am", "pm")
# A touring session is held at the school: services gives it 1,000 seats (the schema's maximum).
TOURING_SEATS = 1000
SLOT_NAMES = {"am": N_("morning"), "pm": N_("afternoon")}
MONTH_NAMES = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_PARAMETER_NAMES = ("lead_time_days", "students_per_teacher_max", "visits_per_month_max")
_BUDGET_NODES = 400  # schools a repair chain search may visit from one root
_BUDGET_TRIES = 25  # chains a search may try to apply from one root
_REBUILD_NODES = 6000  # placements a rebuild may try, for each week it rebuilds
_REBUILD_TOTAL = 30_000  # placements all rebuilds of one run may try
_REBUILD_SCHOOLS = 24  # the most schools a run of consecutive weeks may hold to be rebuilt


# --- Input --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolDue:
    """A school due for its visit this term, with the group it brings and its wishes.

    `teachers` None lets the planner bring ceil(students / students_per_teacher_max).
    Weekdays count like `date.weekday()` (0 is Monday); months are 1 to 12; an empty set is
    no wish. `blackout` dates are days the school cannot come (or be visited).
    """

    id: int
    name: str
    town: str
    level: str
    grade: int
    students: int
    teachers: int | None = None
    preferred_weekdays: frozenset[int] = frozenset()
    preferred_months: frozenset[int] = frozenset()
    blackout: frozenset[date] = frozenset()


@dataclass(frozen=True)
class ActivityInfo:
    """An activity as the rules see it: grades, group size, instructors, whether it tours."""

    id: int
    name: str
    grade_min: int
    grade_max: int
    group_min: int
    group_max: int
    instructors_needed: int = 1
    tours_schools: bool = False


@dataclass(frozen=True)
class InstructorInfo:
    """Who may lead which activities, and the days they cannot come."""

    id: int
    name: str
    activity_ids: frozenset[int]
    unavailable: frozenset[date] = frozenset()


@dataclass(frozen=True)
class BaseSlot:
    """An open half-day at the base: an existing session (`session_id`) with its load and
    instructors, or an open day with no session yet (`session_id` None).

    `instructor_ids` None lets the planner choose the instructors; a tuple fixes them (an
    existing session keeps its instructors). `school_ids_present` are the schools already
    booked in it (they count towards the groups a session takes).
    """

    on: date
    slot: str
    seats: int
    seats_taken: int = 0
    session_id: int | None = None
    instructor_ids: tuple[int, ...] | None = None
    school_ids_present: tuple[int, ...] = ()


@dataclass(frozen=True)
class VisitParameters:
    """The "study_visit" parameter values the plan must respect."""

    lead_time_days: int = 7
    students_per_teacher_max: int = 20
    visits_per_month_max: int = 1

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | None = None) -> VisitParameters:
        """From a stored parameter set; the ruleset's defaults fill the gaps."""
        merged = {**registry.get("study_visit").defaults, **(values or {})}
        return cls(**{name: int(merged[name]) for name in _PARAMETER_NAMES})

    def values(self) -> dict[str, int]:
        """As `rules.ParameterValues(version, values)` wants them."""
        return {name: getattr(self, name) for name in _PARAMETER_NAMES}


@dataclass(frozen=True)
class PlanningInput:
    """Everything the planner needs for one term of one city.

    `touring_days` are school days on which the base is closed; on each, at most
    `max_touring_per_day` touring sessions (one school each, morning or afternoon). A base
    session takes at most `groups_per_session_max` groups (two small groups may share one).
    """

    today: date
    term_start: date
    term_end: date
    parameters: VisitParameters
    base_slots: tuple[BaseSlot, ...]
    touring_days: tuple[date, ...]
    schools: tuple[SchoolDue, ...]
    activities: tuple[ActivityInfo, ...]
    instructors: tuple[InstructorInfo, ...]
    max_touring_per_day: int = 2
    groups_per_session_max: int = 2


# --- Output -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One school's group in one session, and why it is there.

    `instructor_ids` are the session's instructors (all of them, shared by the groups in it);
    `shares_with` the other schools the plan puts in the same session.
    """

    school_id: int
    kind: str  # "base" | "touring"
    on: date
    slot: str
    session_id: int | None
    activity_ids: tuple[int, ...]
    instructor_ids: tuple[int, ...]
    students: int
    teachers: int
    shares_with: tuple[int, ...] = ()
    why: tuple[Reason, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """As plain JSON, for a stored plan draft."""
        return {
            "school_id": self.school_id,
            "kind": self.kind,
            "on": self.on.isoformat(),
            "slot": self.slot,
            "session_id": self.session_id,
            "activity_ids": list(self.activity_ids),
            "instructor_ids": list(self.instructor_ids),
            "students": self.students,
            "teachers": self.teachers,
            "shares_with": list(self.shares_with),
            "why": [reason.to_record() for reason in self.why],
        }


@dataclass(frozen=True)
class Unplaced:
    """A school the plan could not place, and why."""

    school_id: int
    reason: Reason

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        return {"school_id": self.school_id, "reason": self.reason.to_record()}


@dataclass(frozen=True)
class Shortfall:
    """The plan does not place everyone: by how much, who, and what would place them.

    The suggestion is computed, not guessed: the planner was run again with the extra
    capacity (`apply` gives that input) and placed `placed_with_suggestion` of `school_ids`.
    `sessions_short` is how many more sessions that plan uses than this one. Schools in
    `unplaceable_ids` cannot be placed by any capacity (their reasons say why).
    """

    sessions_short: int
    school_ids: tuple[int, ...]
    unplaceable_ids: tuple[int, ...]
    weekday: int | None
    months: tuple[tuple[int, int], ...]
    extra_base_slots: tuple[BaseSlot, ...]
    max_touring_per_day: int | None
    placed_with_suggestion: int
    message: Reason

    def apply(self, planning_input: PlanningInput) -> PlanningInput:
        """The input with the suggested capacity added."""
        slots = planning_input.base_slots + self.extra_base_slots
        touring = self.max_touring_per_day or planning_input.max_touring_per_day
        return replace(planning_input, base_slots=slots, max_touring_per_day=touring)

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        return {
            "sessions_short": self.sessions_short,
            "school_ids": list(self.school_ids),
            "unplaceable_ids": list(self.unplaceable_ids),
            "weekday": self.weekday,
            "months": [list(m) for m in self.months],
            "extra_base_slots": [
                {"on": s.on.isoformat(), "slot": s.slot, "seats": s.seats}
                for s in self.extra_base_slots
            ],
            "max_touring_per_day": self.max_touring_per_day,
            "placed_with_suggestion": self.placed_with_suggestion,
            "message": self.message.to_record(),
        }


@dataclass(frozen=True)
class TownLoad:
    """How one town's schools fare: due, placed, and the most placed in one week."""

    town: str
    schools: int
    placed: int
    week_max: int


@dataclass(frozen=True)
class Metrics:
    """The plan in figures.

    Preferences: `preferences_met` counts the placed schools whose every stated wish is met,
    out of `with_preferences` schools stating any; `preference_points` counts wishes met (one
    for the weekday, one for the month). Seat utilisation is students over seats, of the base
    sessions the plan uses and of all base slots given. Week loads are visits of both kinds per
    week (Monday to Sunday) over the weeks that have any usable session or touring day.
    """

    schools_due: int
    placed_base: int
    placed_touring: int
    unplaced: int
    with_preferences: int
    preferences_met: int
    preferences_share: float
    preference_points: int
    touring_sessions: int
    base_sessions_used: int
    seat_utilisation_used: float
    seat_utilisation_all: float
    week_load_max: int
    week_load_min: int
    town_week_load_max: int
    towns: tuple[TownLoad, ...]

    @property
    def placed(self) -> int:
        """Schools placed, at the base or touring."""
        return self.placed_base + self.placed_touring

    def to_record(self) -> dict[str, Any]:
        """As plain JSON."""
        record = {k: v for k, v in vars(self).items() if k != "towns"}
        record["towns"] = [vars(t).copy() for t in self.towns]
        return record


@dataclass(frozen=True)
class Plan:
    """What the planner proposes for a term: placements, who is left over, and the figures."""

    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    shortfall: Shortfall | None
    metrics: Metrics

    def placement_of(self, school_id: int) -> Placement | None:
        """The school's placement, if it has one."""
        return next((p for p in self.placements if p.school_id == school_id), None)

    def to_record(self) -> dict[str, Any]:
        """As plain JSON, for `PlanDraft.result`."""
        return {
            "placements": [p.to_record() for p in self.placements],
            "unplaced": [u.to_record() for u in self.unplaced],
            "shortfall": self.shortfall.to_record() if self.shortfall else None,
            "metrics": self.metrics.to_record(),
        }


# --- Small helpers ------------------------------------------------------------------------------


def _week(on: date) -> date:
    return on - timedelta(days=on.weekday())


def _month_name(month: int) -> dict[str, Any]:
    return {"msgid": MONTH_NAMES[month - 1], "params": {}}


def _slot_name(slot: str) -> dict[str, Any]:
    return {"msgid": SLOT_NAMES[slot], "params": {}}


def _teachers(school: SchoolDue, parameters: VisitParameters) -> int:
    if school.teachers is not None:
        return school.teachers
    return max(1, math.ceil(school.students / parameters.students_per_teacher_max))


def _suits(activity: ActivityInfo, school: SchoolDue) -> bool:
    return (
        activity.grade_min <= school.grade <= activity.grade_max
        and activity.group_min <= school.students <= activity.group_max
    )


def _activity_order(activity: ActivityInfo) -> tuple[int, int, int]:
    # The activity written for the fewest grades is the one most suited to the group's grade.
    return (activity.grade_max - activity.grade_min, activity.instructors_needed, activity.id)


def _pref_points(school: SchoolDue, on: date) -> int:
    points = 0
    if school.preferred_weekdays and on.weekday() in school.preferred_weekdays:
        points += 1
    if school.preferred_months and on.month in school.preferred_months:
        points += 1
    return points


def _pref_max(school: SchoolDue) -> int:
    return bool(school.preferred_weekdays) + bool(school.preferred_months)


def _check_input(pi: PlanningInput) -> None:
    for kind, items in (
        ("school", pi.schools),
        ("activity", pi.activities),
        ("instructor", pi.instructors),
    ):
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate {kind} ids in the planning input")
    keys = [(s.on, s.slot) for s in pi.base_slots]
    if len(keys) != len(set(keys)):
        raise ValueError("two base slots share a date and half-day")
    if any(s.slot not in SLOTS for s in pi.base_slots):
        raise ValueError("a base slot's half-day must be 'am' or 'pm'")
    if any(s.seats < 1 or s.seats_taken < 0 for s in pi.base_slots):
        raise ValueError("a base slot needs seats > 0 and seats_taken >= 0")
    if any(s.students < 1 or not 1 <= s.grade <= 12 for s in pi.schools):
        raise ValueError("a school needs students >= 1 and a grade from 1 to 12")


# --- The planner's working state ----------------------------------------------------------------


class _Option:
    """Somewhere a group can go: a base slot (its own session) or a half of a touring day."""

    __slots__ = (
        "cap",
        "fixed",
        "half",
        "index",
        "month",
        "on",
        "present",
        "seats",
        "seats_free",
        "slot",
        "source",
        "touring",
        "week",
    )

    def __init__(self, index: int, on: date, slot: str, touring: bool) -> None:
        self.index = index
        self.on = on
        self.slot = slot
        self.half = (on, slot)
        self.touring = touring
        self.week = _week(on)
        self.month = on.month
        self.cap = 1
        self.seats = TOURING_SEATS
        self.seats_free = TOURING_SEATS
        self.present: tuple[int, ...] = ()
        self.fixed: tuple[int, ...] | None = None  # fixed instructors free that day
        self.source: BaseSlot | None = None


class _School:
    __slots__ = (
        "base_acts",
        "best",
        "index",
        "info",
        "opts",
        "pp",
        "pp_max",
        "students",
        "teachers",
        "tour_acts",
        "town",
    )

    def __init__(self, index: int, info: SchoolDue, teachers: int, town: int) -> None:
        self.index = index
        self.info = info
        self.students = info.students
        self.teachers = teachers
        self.town = town
        self.base_acts: tuple[int, ...] = ()
        self.tour_acts: tuple[int, ...] = ()
        self.opts: list[int] = []
        self.pp: dict[int, int] = {}
        self.pp_max = 0
        self.best: list[int] = []


class _Planner:
    """One planning run: options, state, greedy placement and repair."""

    def __init__(self, pi: PlanningInput) -> None:
        _check_input(pi)
        self.pi = pi
        params = pi.parameters
        self.earliest = max(pi.term_start, pi.today + timedelta(days=params.lead_time_days))
        self.activities = {a.id: a for a in sorted(pi.activities, key=lambda a: a.id)}
        self.needed = {a.id: a.instructors_needed for a in self.activities.values()}
        self.instructors = {i.id: i for i in sorted(pi.instructors, key=lambda i: i.id)}
        self.quals = {
            i.id: frozenset(i.activity_ids) & self.activities.keys()
            for i in self.instructors.values()
        }
        # Specialists first, so that versatile instructors stay free for what only they lead.
        self.instructor_order = sorted(self.instructors, key=lambda x: (len(self.quals[x]), x))
        self._pools: dict[tuple[date, int], tuple[int, ...]] = {}
        self.max_touring = pi.max_touring_per_day
        self._build_options()
        self._build_schools()
        self._init_state()

    # -- set-up --

    def _pool(self, on: date, activity: int) -> tuple[int, ...]:
        """Instructors free on a day and qualified for an activity, in the order to pick them."""
        key = (on, activity)
        pool = self._pools.get(key)
        if pool is None:
            pool = tuple(
                x
                for x in self.instructor_order
                if activity in self.quals[x] and on not in self.instructors[x].unavailable
            )
            self._pools[key] = pool
        return pool

    def _usable(self, on: date) -> bool:
        return self.earliest <= on <= self.pi.term_end

    def _build_options(self) -> None:
        pi = self.pi
        self.options: list[_Option] = []
        present_at: dict[int, list[BaseSlot]] = {}
        for source in sorted(pi.base_slots, key=lambda s: (s.on, SLOTS.index(s.slot))):
            for school_id in source.school_ids_present:
                present_at.setdefault(school_id, []).append(source)
            if not self._usable(source.on):
                continue
            option = _Option(len(self.options), source.on, source.slot, False)
            option.source = source
            option.seats = source.seats
            option.seats_free = source.seats - source.seats_taken
            option.present = tuple(source.school_ids_present)
            option.cap = pi.groups_per_session_max - len(option.present)
            if source.instructor_ids is not None:
                option.fixed = tuple(
                    x
                    for x in sorted(set(source.instructor_ids))
                    if x in self.instructors and source.on not in self.instructors[x].unavailable
                )
            if option.cap > 0 and option.seats_free > 0:
                self.options.append(option)
        self.present_at = present_at
        if self.max_touring > 0:
            for day in sorted(set(pi.touring_days)):
                if not self._usable(day):
                    continue
                for slot in SLOTS:
                    self.options.append(_Option(len(self.options), day, slot, True))
        self.weeks = sorted({o.week for o in self.options})
        self.day_options: dict[date, tuple[int, ...]] = {}
        for option in self.options:
            if option.touring:
                self.day_options[option.on] = (*self.day_options.get(option.on, ()), option.index)

    def _build_schools(self) -> None:
        pi = self.pi
        params = pi.parameters
        towns = sorted({s.town for s in pi.schools})
        self.town_names = towns
        town_index = {t: n for n, t in enumerate(towns)}
        self.schools: list[_School] = []
        self.option_schools: list[list[int]] = [[] for _ in self.options]
        self.intrinsic: dict[int, Reason] = {}
        activities = sorted(self.activities.values(), key=_activity_order)
        for info in sorted(pi.schools, key=lambda s: s.id):
            school = _School(
                len(self.schools), info, _teachers(info, params), town_index[info.town]
            )
            self.schools.append(school)
            reason = self._intrinsic_problem(school, activities)
            if reason is not None:
                self.intrinsic[school.index] = reason
                continue
            for option in self.options:
                if self._statically_open(school, option):
                    school.opts.append(option.index)
                    school.pp[option.index] = _pref_points(info, option.on)
            if not school.opts:
                self.intrinsic[school.index] = Reason(
                    N_(
                        "No base session or touring day of the term is open to {school}: the "
                        "booking lead time, its blackout dates, the seats or the instructors "
                        "free rule out every one."
                    ),
                    {"school": info.name},
                )
                continue
            for o in school.opts:
                self.option_schools[o].append(school.index)
            school.pp_max = max(school.pp.values())
            school.best = [o for o in school.opts if school.pp[o] == school.pp_max]

    def _intrinsic_problem(
        self, school: _School, activities: Sequence[ActivityInfo]
    ) -> Reason | None:
        info = school.info
        params = self.pi.parameters
        if info.id in self.present_at:
            first = self.present_at[info.id][0]
            return Reason(
                N_("{school} already has a visit on {date}; the planner places each school once."),
                {"school": info.name, "date": first.on.isoformat()},
            )
        most = params.students_per_teacher_max
        if school.teachers < 1 or school.students > school.teachers * most:
            return Reason(
                N_(
                    "{school} brings {students} students with {teachers} teachers, but one "
                    "teacher is needed for every {max} students: {needed} teachers."
                ),
                {
                    "school": info.name,
                    "students": school.students,
                    "teachers": school.teachers,
                    "max": most,
                    "needed": math.ceil(school.students / most),
                },
            )
        suited = [a for a in activities if _suits(a, info)]
        if not suited:
            return Reason(
                N_(
                    "No activity suits grade {grade} in a group of {students}; add one, or "
                    "split the group."
                ),
                {"grade": info.grade, "students": info.students},
            )
        school.base_acts = tuple(a.id for a in suited)
        school.tour_acts = tuple(a.id for a in suited if a.tours_schools)
        return None

    def _statically_open(self, school: _School, option: _Option) -> bool:
        """Whether the option could take the school in an empty plan."""
        if option.on in school.info.blackout:
            return False
        if option.touring:
            return any(len(self._pool(option.on, a)) >= self.needed[a] for a in school.tour_acts)
        if school.students > option.seats_free or school.students > option.seats:
            return False
        if option.fixed is not None:
            return any(self._fixed_covers(option, a) for a in school.base_acts)
        return any(len(self._pool(option.on, a)) >= self.needed[a] for a in school.base_acts)

    def _fixed_covers(self, option: _Option, activity: int) -> bool:
        assert option.fixed is not None
        qualified = sum(1 for x in option.fixed if activity in self.quals[x])
        return qualified >= self.needed[activity]

    def _init_state(self) -> None:
        n_opts = len(self.options)
        self.assign: list[int | None] = [None] * len(self.schools)
        self.act: list[int | None] = [None] * len(self.schools)
        self.groups: list[list[int]] = [[] for _ in range(n_opts)]
        self.seats_used = [0] * n_opts
        self.inst: list[tuple[int, ...]] = [() for _ in range(n_opts)]
        self.tour_inst: dict[int, tuple[int, ...]] = {}
        self.tour_count: dict[date, int] = {}
        self.tour_on: dict[date, list[int]] = {}
        self.busy: dict[tuple[date, str], dict[int, tuple[str, int]]] = {}
        for option in self.options:
            if option.fixed:
                busy = self.busy.setdefault(option.half, {})
                for x in option.fixed:
                    busy[x] = ("b", option.index)
        self.week_load: dict[date, int] = dict.fromkeys(self.weeks, 0)
        self.town_week: dict[tuple[int, date], int] = {}
        self.hist_w: dict[int, int] = {0: len(self.weeks)}
        self.hist_t: dict[int, int] = {}
        self.peak_w = 0
        self.peak_t = 0
        self.sumsq = 0
        self.placed = 0
        self.pref = 0
        self.touring = 0

    # -- state changes --

    def _cover(
        self,
        acts: Iterable[int],
        have: Sequence[int],
        option: _Option,
        prefer: Sequence[int] = (),
    ) -> list[int] | None:
        """Instructors to add to `have` so each activity has enough qualified; None if none."""
        chosen: list[int] = []
        taken = set(have)
        busy = self.busy.get(option.half, {})
        for activity in acts:
            need = self.needed[activity] - sum(1 for x in taken if activity in self.quals[x])
            if need <= 0:
                continue
            pool = self._pool(option.on, activity)
            if prefer:
                pool = tuple(x for x in pool if x in prefer) + tuple(
                    x for x in pool if x not in prefer
                )
            for x in pool:
                if x in taken or x in busy:
                    continue
                chosen.append(x)
                taken.add(x)
                need -= 1
                if not need:
                    break
            if need > 0:
                return None
        return chosen

    def _fits(self, i: int, o: int) -> bool:
        """Seats, groups and touring days: the cheap part of `_try`."""
        option = self.options[o]
        if option.touring:
            count = self.tour_count.get(option.on, 0)
            current = self.assign[i]
            if current is not None and self.options[current].half[0] == option.on:
                count -= self.options[current].touring
            return count < self.max_touring
        return (
            len(self.groups[o]) < option.cap
            and self.seats_used[o] + self.schools[i].students <= option.seats_free
        )

    def _try(self, i: int, o: int) -> tuple[int, list[int]] | None:
        """(activity, instructors to add) if school i, not placed, can join option o now."""
        if not self._fits(i, o):
            return None
        school = self.schools[i]
        option = self.options[o]
        if option.touring:
            for activity in school.tour_acts:
                add = self._cover((activity,), (), option)
                if add is not None:
                    return activity, add
            return None
        if option.fixed is not None:
            for activity in school.base_acts:
                if self._fixed_covers(option, activity):
                    return activity, []
            return None
        have = self.inst[o]
        if have:
            for activity in school.base_acts:
                need = self.needed[activity]
                if sum(1 for x in have if activity in self.quals[x]) >= need:
                    return activity, []
        for activity in school.base_acts:
            add = self._cover((activity,), have, option)
            if add is not None:
                return activity, add
        return None

    def _place(self, i: int, o: int, activity: int, add: Sequence[int]) -> None:
        school = self.schools[i]
        option = self.options[o]
        self.assign[i] = o
        self.act[i] = activity
        busy = self.busy.setdefault(option.half, {})
        if option.touring:
            self.tour_count[option.on] = self.tour_count.get(option.on, 0) + 1
            self.tour_on.setdefault(option.on, []).append(i)
            self.tour_inst[i] = tuple(add)
            for x in add:
                busy[x] = ("t", i)
            self.touring += 1
        else:
            self.groups[o].append(i)
            self.seats_used[o] += school.students
            if add:
                self.inst[o] = self.inst[o] + tuple(add)
                for x in add:
                    busy[x] = ("b", o)
        self._load(i, option, +1)
        self.placed += 1
        self.pref += school.pp[o]

    def _remove(self, i: int) -> None:
        o = self.assign[i]
        assert o is not None
        school = self.schools[i]
        option = self.options[o]
        busy = self.busy[option.half]
        if option.touring:
            self.tour_count[option.on] -= 1
            self.tour_on[option.on].remove(i)
            for x in self.tour_inst.pop(i):
                del busy[x]
            self.touring -= 1
        else:
            self.groups[o].remove(i)
            self.seats_used[o] -= school.students
            if option.fixed is None and self.inst[o]:
                old = self.inst[o]
                for x in old:
                    del busy[x]
                acts = sorted({self.act[j] for j in self.groups[o]})  # type: ignore[type-var]
                kept = self._cover(acts, (), option, prefer=old) if acts else []
                assert kept is not None  # the old set covered these activities
                self.inst[o] = tuple(kept)
                for x in kept:
                    busy[x] = ("b", o)
        self.assign[i] = None
        self.act[i] = None
        self._load(i, option, -1)
        self.placed -= 1
        self.pref -= school.pp[o]

    def _load(self, i: int, option: _Option, step: int) -> None:
        week = option.week
        value = self.week_load[week]
        self.week_load[week] = value + step
        self.hist_w[value] -= 1
        self.hist_w[value + step] = self.hist_w.get(value + step, 0) + 1
        key = (self.schools[i].town, week)
        tvalue = self.town_week.get(key, 0)
        self.town_week[key] = tvalue + step
        if tvalue:
            self.hist_t[tvalue] -= 1
        self.hist_t[tvalue + step] = self.hist_t.get(tvalue + step, 0) + 1
        if step > 0:
            self.sumsq += 2 * value + 1 + 2 * tvalue + 1
            self.peak_w = max(self.peak_w, value + 1)
            self.peak_t = max(self.peak_t, tvalue + 1)
        else:
            self.sumsq -= 2 * value - 1 + 2 * tvalue - 1
            if value == self.peak_w and not self.hist_w[value]:
                self.peak_w -= 1
            if tvalue == self.peak_t and not self.hist_t[tvalue]:
                self.peak_t -= 1

    def score(self) -> tuple[int, int, int, int, int, int]:
        """The goals, lexicographically: larger is better."""
        return (
            self.placed,
            self.pref,
            -self.peak_w,
            -self.peak_t,
            -self.touring,
            -self.sumsq,
        )

    def _snapshot(self) -> tuple[Any, ...]:
        return (
            self.assign[:],
            self.act[:],
            [g[:] for g in self.groups],
            self.seats_used[:],
            self.inst[:],
            dict(self.tour_inst),
            dict(self.tour_count),
            {k: v[:] for k, v in self.tour_on.items()},
            {k: dict(v) for k, v in self.busy.items()},
            dict(self.week_load),
            dict(self.town_week),
            dict(self.hist_w),
            dict(self.hist_t),
            (self.peak_w, self.peak_t, self.sumsq, self.placed, self.pref, self.touring),
        )

    def _restore(self, snap: tuple[Any, ...]) -> None:
        (
            self.assign,
            self.act,
            self.groups,
            self.seats_used,
            self.inst,
            self.tour_inst,
            self.tour_count,
            self.tour_on,
            self.busy,
            self.week_load,
            self.town_week,
            self.hist_w,
            self.hist_t,
            scalars,
        ) = snap
        (self.peak_w, self.peak_t, self.sumsq, self.placed, self.pref, self.touring) = scalars

    # -- the run --

    def run(self, *, search: bool = True) -> None:
        """Greedy placement, repair passes until none improves the goals, then (if `search`)
        the rebuilding of weeks."""
        self._greedy()
        for _ in range(3):
            before = self.score()
            self._repair_coverage()
            if any(self.assign[i] is None for i in self.placeable()):
                self._repair_pairs()
            self._repair_preferences()
            self._lower_peaks()
            self._repair_touring()
            self._reinsert_all()
            if self.score() <= before:
                break
        if search:
            self._rebuild_weeks()

    def placeable(self) -> list[int]:
        """Schools that some capacity could place (in id order)."""
        return [s.index for s in self.schools if s.index not in self.intrinsic]

    def _greedy(self) -> None:
        placeable = self.placeable()
        n_weeks = max(1, len(self.weeks))
        cap_w = math.ceil(len(placeable) / n_weeks)
        town_sizes: dict[int, int] = {}
        for i in placeable:
            town_sizes[self.schools[i].town] = town_sizes.get(self.schools[i].town, 0) + 1
        cap_t = {t: math.ceil(n / n_weeks) for t, n in town_sizes.items()}
        demand = [0] * len(self.options)
        for i in placeable:
            for o in self.schools[i].best:
                demand[o] += 1
        order = sorted(
            placeable,
            key=lambda i: (
                len(self.schools[i].best),
                len(self.schools[i].opts),
                -self.schools[i].students,
                self.schools[i].info.id,
            ),
        )
        for i in order:
            school = self.schools[i]
            town = school.town
            candidates = []
            for o in school.opts:
                option = self.options[o]
                if option.touring:
                    if self.tour_count.get(option.on, 0) >= self.max_touring:
                        continue
                    left = 0
                else:
                    if len(self.groups[o]) >= option.cap:
                        continue
                    left = option.seats_free - self.seats_used[o] - school.students
                    if left < 0:
                        continue
                week = option.week
                load = self.week_load[week]
                tload = self.town_week.get((town, week), 0)
                over = max(0, load + 1 - cap_w) + max(0, tload + 1 - cap_t[town])
                candidates.append(
                    (-school.pp[o], over, option.touring, left, demand[o], load, tload, o)
                )
            candidates.sort()
            for candidate in candidates:
                o = candidate[-1]
                found = self._try(i, o)
                if found is not None:
                    self._place(i, o, *found)
                    break
            for o in school.best:
                demand[o] -= 1

    def _blockers(self, j: int, o: int) -> list[int]:
        """Schools whose leaving option o (or its half-day) might let school j in."""
        option = self.options[o]
        if option.touring:
            if self.tour_count.get(option.on, 0) >= self.max_touring:
                return [k for k in self.tour_on.get(option.on, ()) if k != j]
            holders = self.busy.get(option.half, {}).values()
            found = {h[1] for h in holders if h[0] == "t" and h[1] != j}
            for kind, holder in holders:
                if kind == "b":
                    found.update(self.groups[holder])
            found.discard(j)
            return sorted(found)
        students = self.schools[j].students
        return [
            k
            for k in self.groups[o]
            if k != j
            and len(self.groups[o]) - 1 < option.cap
            and self.seats_used[o] - self.schools[k].students + students <= option.seats_free
        ]

    def _reach(
        self, movers: Sequence[int], allowed: Callable[[int, int], bool], depth: int = 3
    ) -> dict[int, tuple[int, int | None]]:
        """Schools that can make room by moving: school -> (where it goes, whom it displaces).

        Level 0 moves into a free place; level n displaces a school of a lower level, so
        following the links ends in a free place and never meets a school twice.
        """
        mover = set(movers)
        links: dict[int, tuple[int, int | None]] = {}
        frontier = []
        for j in movers:
            current = self.assign[j]
            for o in self.schools[j].opts:
                if (
                    o != current
                    and allowed(j, o)
                    and self._fits(j, o)
                    and self._try(j, o) is not None
                ):
                    links[j] = (o, None)
                    frontier.append(j)
                    break
        for _ in range(depth - 1):
            added: list[int] = []
            for t in frontier:
                at = self.assign[t]
                assert at is not None
                where = self.options[at]
                targets = self.day_options[where.on] if where.touring else (at,)
                for o in targets:
                    for j in self.option_schools[o]:
                        if j in links or j not in mover or self.assign[j] == o:
                            continue
                        if allowed(j, o) and t in self._blockers(j, o):
                            links[j] = (o, t)
                            added.append(j)
            if not added:
                break
            frontier = added
        return links

    def _chain(
        self, root: int, o: int, links: Mapping[int, tuple[int, int | None]]
    ) -> list[tuple[int, int]] | None:
        """The moves (first move first) that let `root` into option o, if the links have them."""
        if self._fits(root, o):
            return [(root, o)]
        for t in self._blockers(root, o):
            if t not in links:
                continue
            chain: list[tuple[int, int]] = []
            k: int | None = t
            while k is not None:
                target, k_next = links[k]
                chain.append((k, target))
                k = k_next
            if any(j == root for j, _ in chain):
                continue
            chain.reverse()
            chain.append((root, o))
            return chain
        return None

    def _improve(
        self,
        roots: Sequence[int],
        root_options: Callable[[int], list[int] | None],
        movers: Callable[[], list[int]],
        allowed: Callable[[int, int], bool],
    ) -> list[int]:
        """Give each root a better option through a chain of moves; the roots left as they were."""
        links: dict[int, tuple[int, int | None]] | None = None
        failed = []
        for root in roots:
            options = root_options(root)
            if not options:
                continue
            if links is None:
                links = self._reach(movers(), allowed)
            before = self.score()
            tries = 0
            done = False
            for o in options:
                chain = self._chain(root, o, links)
                if chain is None:
                    continue
                tries += 1
                if self._apply(chain, before):
                    links = None
                    done = True
                    break
                if tries >= 5:
                    break
            if not done:
                failed.append(root)
        return failed

    def _augment(self, root: int) -> bool:
        """Breadth-first search for any chain of moves that places an unplaced school."""
        before = self.score()
        parent: dict[int, tuple[int, int] | None] = {root: None}
        queue = deque([root])
        tries = 0
        expanded = 0
        while queue and expanded < _BUDGET_NODES and tries < _BUDGET_TRIES:
            j = queue.popleft()
            expanded += 1
            current = self.assign[j]
            for o in self.schools[j].opts:
                if o == current:
                    continue
                if self._fits(j, o):
                    chain = [(j, o)]
                    link = parent[j]
                    while link is not None:
                        chain.append(link)
                        link = parent[link[0]]
                    tries += 1
                    if self._apply(chain, before):
                        return True
                    if tries >= _BUDGET_TRIES:
                        break
                    continue
                for k in self._blockers(j, o):
                    if k not in parent:
                        parent[k] = (j, o)
                        queue.append(k)
        return False

    def _apply(self, chain: Sequence[tuple[int, int]], before: tuple[int, ...]) -> bool:
        snap = self._snapshot()
        for j, o in chain:
            if self.assign[j] is not None:
                self._remove(j)
            found = self._try(j, o)
            if found is None:
                self._restore(snap)
                return False
            self._place(j, o, *found)
        if self.score() > before:
            return True
        self._restore(snap)
        return False

    def _keeps_wishes(self, j: int, o: int) -> bool:
        school = self.schools[j]
        current = self.assign[j]
        return current is None or school.pp[o] >= school.pp[current]

    def _placed(self) -> list[int]:
        return [i for i in self.placeable() if self.assign[i] is not None]

    def _repair_coverage(self) -> None:
        def by_wish(i: int) -> list[int] | None:
            school = self.schools[i]
            return sorted(school.opts, key=lambda o: (-school.pp[o], o))

        roots = [i for i in self.placeable() if self.assign[i] is None]
        left = self._improve(roots, by_wish, self._placed, self._keeps_wishes)
        for root in left:
            self._augment(root)

    def _repair_preferences(self) -> None:
        def better(i: int) -> list[int] | None:
            school = self.schools[i]
            current = self.assign[i]
            if current is None or school.pp[current] >= school.pp_max:
                return None
            floor = school.pp[current]
            return sorted(
                (o for o in school.opts if school.pp[o] > floor), key=lambda o: (-school.pp[o], o)
            )

        self._improve(self._placed(), better, self._placed, self._keeps_wishes)

    def _repair_touring(self) -> None:
        def at_base(i: int) -> list[int] | None:
            current = self.assign[i]
            if current is None or not self.options[current].touring:
                return None
            school = self.schools[i]
            floor = school.pp[current]
            return [o for o in school.opts if not self.options[o].touring and school.pp[o] >= floor]

        def base_movers() -> list[int]:
            return [i for i in self._placed() if not self.options[self.assign[i]].touring]  # type: ignore[index]

        def base_only(j: int, o: int) -> bool:
            return not self.options[o].touring and self._keeps_wishes(j, o)

        self._improve(self._placed(), at_base, base_movers, base_only)

    def _repair_pairs(self) -> None:
        """Make room for two schools left over by taking out the one group in their way.

        When sessions are short, two small groups in a session place more schools than one
        large group; the group taken out is placed again elsewhere if it can be.
        """
        left = sorted(
            (i for i in self.placeable() if self.assign[i] is None),
            key=lambda i: (self.schools[i].students, self.schools[i].info.id),
        )
        for u in left:
            if self.assign[u] is not None:
                continue
            first = self.schools[u]
            done = False
            for o in first.opts:
                option = self.options[o]
                if option.touring or option.cap < 2 or len(self.groups[o]) != 1:
                    continue
                for v in left:
                    second = self.schools[v]
                    if (
                        v == u
                        or self.assign[v] is not None
                        or o not in second.pp
                        or first.students + second.students > option.seats_free
                    ):
                        continue
                    if self._swap_in(o, (u, v)):
                        done = True
                        break
                if done:
                    break

    def _swap_in(self, o: int, newcomers: Sequence[int]) -> bool:
        before = self.score()
        snap = self._snapshot()
        out = list(self.groups[o])
        for k in out:
            self._remove(k)
        for j in newcomers:
            found = self._try(j, o)
            if found is None:
                self._restore(snap)
                return False
            self._place(j, o, *found)
        for k in out:
            school = self.schools[k]
            for other in sorted(school.opts, key=lambda x: (-school.pp[x], x)):
                found = self._try(k, other) if other != o else None
                if found is not None:
                    self._place(k, other, *found)
                    break
            else:
                self._augment(k)
        if self.score() > before:
            return True
        self._restore(snap)
        return False

    def _lower_peaks(self) -> None:
        """Lower the busiest week, then the busiest town-week, one step at a time."""
        for _ in range(2 * len(self.weeks) + 2):
            if not (self._lower(by_town=False) or self._lower(by_town=True)):
                break

    def _cell(self, i: int, o: int, by_town: bool) -> int:
        week = self.options[o].week
        if by_town:
            return self.town_week.get((self.schools[i].town, week), 0)
        return self.week_load[week]

    def _lower(self, *, by_town: bool) -> bool:
        """Move schools out of every week (town-week) at the peak; kept only if the goals gain."""
        target = (self.peak_t if by_town else self.peak_w) - 1
        if target < 1:
            return False
        before = self.score()
        snap = self._snapshot()
        peak_w = self.peak_w
        for _ in range(len(self.schools) + 1):
            over = [
                i
                for i in self._placed()
                if self._cell(i, self.assign[i], by_town) > target  # type: ignore[arg-type]
            ]
            if not over:
                break
            moved = False
            for i in over:
                current = self.assign[i]
                assert current is not None
                if self._cell(i, current, by_town) <= target:
                    continue
                school = self.schools[i]
                floor = school.pp[current]
                fits = [
                    o
                    for o in school.opts
                    if school.pp[o] >= floor
                    and self._cell(i, o, by_town) + 1 <= target
                    and (not by_town or self.week_load[self.options[o].week] + 1 <= peak_w)
                    and self._fits(i, o)
                ]
                fits.sort(
                    key=lambda o: (
                        -school.pp[o],
                        self.options[o].touring,
                        self.week_load[self.options[o].week],
                        o,
                    )
                )
                for o in fits[:4]:
                    self._remove(i)
                    found = self._try(i, o)
                    if found is not None:
                        self._place(i, o, *found)
                        moved = True
                        break
                    back = self._try(i, current)
                    if back is None:  # pragma: no cover - a vacated place takes its group back
                        self._restore(snap)
                        return False
                    self._place(i, current, *back)
                if moved:
                    break
            if not moved:
                self._restore(snap)
                return False
        if self.score() > before:
            return True
        self._restore(snap)
        return False

    def _reinsert_all(self) -> None:
        """Move each school to the option where the goals score best, until none improves."""
        for _ in range(3):
            moved = False
            for i in self.placeable():
                current = self.assign[i]
                if current is None:
                    continue
                before = self.score()
                for o in self._better_options(i, current)[:3]:
                    snap = self._snapshot()
                    self._remove(i)
                    found = self._try(i, o)
                    if found is not None:
                        self._place(i, o, *found)
                        if self.score() > before:
                            moved = True
                            break
                    self._restore(snap)
            if not moved:
                break

    def _better_options(self, i: int, current: int) -> list[int]:
        """Options that look better than the current one for school i, best first.

        The estimate takes the school out of its week and town-week first (without changing
        the state), then adds it where it would go.
        """
        school = self.schools[i]
        floor = school.pp[current]
        town = school.town
        here = self.options[current]
        week_now = self.week_load[here.week]
        town_now = self.town_week[(town, here.week)]
        peak_w = self.peak_w - (week_now == self.peak_w and self.hist_w[week_now] == 1)
        peak_t = self.peak_t - (town_now == self.peak_t and self.hist_t[town_now] == 1)

        def estimate(o: int) -> tuple[int, int, int, int, int]:
            option = self.options[o]
            same = option.week == here.week
            load = self.week_load[option.week] - same
            tload = self.town_week.get((town, option.week), 0) - same
            return (
                school.pp[o],
                -max(peak_w, load + 1),
                -max(peak_t, tload + 1),
                -int(option.touring),
                -(load + tload),
            )

        mine = estimate(current)
        better = [
            (estimate(o), -o)
            for o in school.opts
            if o != current and school.pp[o] >= floor and self._fits(i, o)
        ]
        return [-o for e, o in sorted(better, reverse=True) if e > mine]

    # -- rebuilding weeks --

    def _rebuild_weeks(self) -> None:
        """Take every school out of a few weeks at a time and place them again, searching.

        The neighbourhoods: each troubled week (at the busiest load, holding the busiest
        town-week, a touring group, or an option a school left over wants) with every other
        week, then runs of consecutive weeks as long as they hold at most `_REBUILD_SCHOOLS`
        schools (a small term is rebuilt whole). A rebuild is a depth-first search over the
        schools of those weeks (and the ones left over who could go there) with a bound on the
        goals, so it keeps the current plan unless it finds a better one. A neighbourhood that
        failed is tried again only after its weeks or the busiest loads changed. Budgets on
        placements tried bound a run's time; rounds end when none improves.
        """
        spent = 0
        version: dict[date, int] = dict.fromkeys(self.weeks, 0)
        failed: dict[tuple[date, ...], tuple[Any, ...]] = {}
        while spent < _REBUILD_TOTAL:
            improved = False
            for weeks in self._neighbourhoods():
                if spent >= _REBUILD_TOTAL:
                    break
                stamp = (self.placed, self.peak_w, self.peak_t, *(version[w] for w in weeks))
                if failed.get(weeks) == stamp:
                    continue
                budget = min(_REBUILD_NODES * len(weeks), _REBUILD_TOTAL - spent)
                gained, used = self._rebuild(weeks, budget)
                spent += used
                if gained:
                    improved = True
                    for w in weeks:
                        version[w] += 1
                else:
                    failed[weeks] = stamp
            if not improved:
                break

    def _neighbourhoods(self) -> list[tuple[date, ...]]:
        wanted = {
            self.options[o].week
            for i in self.placeable()
            if self.assign[i] is None
            for o in self.schools[i].opts
        }
        touring = {
            self.options[o].week for o in self.assign if o is not None and self.options[o].touring
        }
        hot_towns = {w for (_, w), n in self.town_week.items() if n == self.peak_t}

        def trouble(week: date) -> tuple[int, ...]:
            return (
                -(week in wanted),
                -(self.week_load[week] == self.peak_w),
                -(week in hot_towns),
                -(week in touring),
                -self.week_load[week],
            )

        troubled = [w for w in self.weeks if min(trouble(w)[:4]) < 0]
        troubled.sort(key=lambda w: (trouble(w), w))
        found: list[tuple[date, ...]] = []
        seen: set[tuple[date, ...]] = set()

        def add(weeks: Iterable[date]) -> None:
            key = tuple(sorted(set(weeks)))
            if key not in seen:
                seen.add(key)
                found.append(key)

        by_load = sorted(self.weeks, key=lambda w: (self.week_load[w], w))
        for first in troubled:
            add((first,))
            for second in by_load:
                add((first, second))
        for size in range(3, len(self.weeks) + 1):
            runs = [self.weeks[k : k + size] for k in range(len(self.weeks) - size + 1)]
            small = [r for r in runs if sum(self.week_load[w] for w in r) <= _REBUILD_SCHOOLS]
            if not small:
                break
            for run in small:
                add(run)
        return found

    def _rebuild(self, weeks: Sequence[date], budget: int) -> tuple[bool, int]:
        """(whether the goals improved, placements tried) for rebuilding the weeks."""
        chosen = set(weeks)
        before = self.score()
        ruined = []
        for i in self.placeable():
            current = self.assign[i]
            if current is not None:
                if self.options[current].week in chosen:
                    ruined.append(i)
            elif any(self.options[o].week in chosen for o in self.schools[i].opts):
                ruined.append(i)
        if not ruined or len(ruined) > REBUILD_LIMIT:
            # The exhaustive search goes one call deeper per school: beyond a few hundred it
            # would exceed Python's recursion limit (a city of thousands of schools crashed the
            # planner page). Such weeks keep what the greedy pass and the repairs made.
            return False, 0
        snap = self._snapshot()
        for i in ruined:
            if self.assign[i] is not None:
                self._remove(i)
        emptied = self._snapshot()
        where = {
            i: [o for o in self.schools[i].opts if self.options[o].week in chosen] for i in ruined
        }
        order = sorted(
            ruined,
            key=lambda i: (len(where[i]), -self.schools[i].students, self.schools[i].info.id),
        )
        wish_left = [0] * (len(order) + 1)
        for k in range(len(order) - 1, -1, -1):
            school = self.schools[order[k]]
            wish_left[k] = wish_left[k + 1] + max(
                (school.pp[o] for o in where[order[k]]), default=0
            )
        best: list[Any] = [before, None]
        path: list[int] = []
        tried = [0]

        def ranked(i: int) -> list[int]:
            school = self.schools[i]

            def key(o: int) -> tuple[Any, ...]:
                option = self.options[o]
                load = self.week_load[option.week]
                tload = self.town_week.get((school.town, option.week), 0)
                return (
                    -school.pp[o],
                    max(load + 1, self.peak_w),
                    max(tload + 1, self.peak_t),
                    option.touring,
                    load + tload,
                    o,
                )

            return sorted(where[i], key=key)

        span = len(chosen)
        towns_left: list[dict[int, int]] = [{} for _ in range(len(order) + 1)]
        for k in range(len(order) - 1, -1, -1):
            towns_left[k] = dict(towns_left[k + 1])
            town = self.schools[order[k]].town
            towns_left[k][town] = towns_left[k].get(town, 0) + 1

        def spread_bound(k: int) -> tuple[int, int]:
            """The least busiest week and town-week if every school left is placed."""
            left = len(order) - k
            load = sum(self.week_load[w] for w in chosen)
            peak_w = max(self.peak_w, -(-(load + left) // span))
            peak_t = self.peak_t
            for town, count in towns_left[k].items():
                here = sum(self.town_week.get((town, w), 0) for w in chosen)
                peak_t = max(peak_t, -(-(here + count) // span))
            return peak_w, peak_t

        def distinct(i: int, options: list[int]) -> list[int]:
            """The options, less the empty base sessions and touring halves that are the same
            as one before them (same day, seats and nobody busy that half-day)."""
            kept = []
            seen_here: set[tuple[Any, ...]] = set()
            for o in options:
                option = self.options[o]
                if option.touring:
                    empty = not self.busy.get(option.half)
                    signature: tuple[Any, ...] = (option.on, "touring")
                else:
                    empty = (
                        not self.groups[o]
                        and option.fixed is None
                        and not self.busy.get(option.half)
                    )
                    signature = (option.on, option.seats_free, option.cap)
                if empty:
                    if signature in seen_here:
                        continue
                    seen_here.add(signature)
                kept.append(o)
            return kept

        def search(k: int) -> None:
            if k == len(order):
                score = self.score()
                if score > best[0]:
                    best[0], best[1] = score, list(path)
                return
            left = len(order) - k
            peak_w, peak_t = spread_bound(k)
            bound = (
                self.placed + left,
                self.pref + wish_left[k],
                -peak_w,
                -peak_t,
                -self.touring,
                -self.sumsq,
            )
            if bound <= best[0]:
                return
            i = order[k]
            for o in distinct(i, ranked(i)):
                if tried[0] >= budget:
                    return
                tried[0] += 1
                found = self._try(i, o)
                if found is None:
                    continue
                self._place(i, o, *found)
                path.append(o)
                search(k + 1)
                path.pop()
                self._remove(i)
            path.append(-1)
            search(k + 1)
            path.pop()

        search(0)
        if best[1] is None:
            self._restore(snap)
            return False, tried[0]
        self._restore(emptied)
        for i, o in zip(order, best[1], strict=True):
            if o < 0:
                continue
            found = self._try(i, o)
            if found is None:
                self._restore(snap)
                return False, tried[0]
            self._place(i, o, *found)
        if self.score() > before:
            return True, tried[0]
        self._restore(snap)
        return False, tried[0]

    # -- finishing --

    def second_activity(self, i: int) -> int | None:
        """A second activity the group's session can lead at no extra cost, if any."""
        o = self.assign[i]
        assert o is not None
        option = self.options[o]
        school = self.schools[i]
        if option.touring:
            have: Sequence[int] = self.tour_inst[i]
            acts = school.tour_acts
        else:
            have = option.fixed if option.fixed is not None else self.inst[o]
            acts = school.base_acts
        for activity in acts:
            if activity == self.act[i]:
                continue
            qualified = sum(1 for x in have if activity in self.quals[x])
            if qualified >= self.needed[activity]:
                return activity
        return None


# --- Planning -----------------------------------------------------------------------------------


def plan(planning_input: PlanningInput) -> Plan:
    """Place the schools due; explain each placement; account for any shortfall."""
    planner = _Planner(planning_input)
    planner.run()
    result = _result(planner)
    short = _short_after(planner)
    if short:
        result = replace(result, shortfall=_shortfall(planning_input, planner, result, short))
    return result


def sessions_used(result: Plan) -> int:
    """Sessions the plan's placements use: base half-days with a planned group, touring ones."""
    base = {(p.on, p.slot) for p in result.placements if p.kind == "base"}
    return len(base) + sum(1 for p in result.placements if p.kind == "touring")


def _result(planner: _Planner) -> Plan:
    pi = planner.pi
    placements = []
    unplaced = []
    for school in planner.schools:
        i = school.index
        o = planner.assign[i]
        if o is None:
            reason = planner.intrinsic.get(i) or Reason(
                N_(
                    "Every base session and touring day open to {school} ({count}) is taken by "
                    "other schools."
                ),
                {"school": school.info.name, "count": len(school.opts)},
            )
            unplaced.append(Unplaced(school.info.id, reason))
            continue
        option = planner.options[o]
        activity = planner.act[i]
        assert activity is not None
        second = planner.second_activity(i)
        acts = (activity,) if second is None else (activity, second)
        if option.touring:
            instructors = tuple(sorted(planner.tour_inst[i]))
            others: tuple[int, ...] = ()
        else:
            assert option.source is not None
            if option.source.instructor_ids is not None:
                instructors = tuple(sorted(set(option.source.instructor_ids)))
            else:
                instructors = tuple(sorted(planner.inst[o]))
            others = tuple(sorted(planner.schools[k].info.id for k in planner.groups[o] if k != i))
        placements.append(
            Placement(
                school_id=school.info.id,
                kind="touring" if option.touring else "base",
                on=option.on,
                slot=option.slot,
                session_id=None if option.touring else option.source.session_id,  # type: ignore[union-attr]
                activity_ids=acts,
                instructor_ids=instructors,
                students=school.students,
                teachers=school.teachers,
                shares_with=others,
                why=_why(planner, i, acts, instructors),
            )
        )
    placements.sort(key=lambda p: (p.on, SLOTS.index(p.slot), p.kind, p.school_id))
    return Plan(
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        shortfall=None,
        metrics=_metrics(pi, planner, placements),
    )


def _names(values: Iterable[int], namer: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    return [namer(v) for v in sorted(values)]


def _why(
    planner: _Planner, i: int, acts: Sequence[int], instructors: Sequence[int]
) -> tuple[Reason, ...]:
    school = planner.schools[i]
    info = school.info
    o = planner.assign[i]
    assert o is not None
    option = planner.options[o]
    on = option.on
    reasons: list[Reason] = []
    name = info.name
    day = on.isoformat()
    weekday = weekday_name(on.weekday())
    if info.preferred_weekdays:
        wished = _names(info.preferred_weekdays, weekday_name)
        if on.weekday() in info.preferred_weekdays:
            msgid = N_("{school} prefers {weekdays}; {date} is a {weekday}.")
        else:
            msgid = N_(
                "{school} prefers {weekdays}, but no such day with room for its group could be "
                "given to it; {date} is a {weekday}."
            )
        reasons.append(
            Reason(msgid, {"school": name, "weekdays": wished, "date": day, "weekday": weekday})
        )
    if info.preferred_months:
        wished = _names(info.preferred_months, _month_name)
        if on.month in info.preferred_months:
            msgid = N_("{school} prefers {months}; {date} falls in {month}.")
        else:
            msgid = N_(
                "{school} prefers {months}, but no day in those months with room for its group "
                "could be given to it; {date} falls in {month}."
            )
        reasons.append(
            Reason(
                msgid,
                {"school": name, "months": wished, "date": day, "month": _month_name(on.month)},
            )
        )
    if option.touring:
        reasons.append(_why_touring(planner, i))
    else:
        assert option.source is not None
        used = option.seats - option.seats_free + planner.seats_used[o]
        others = [planner.schools[k].info.name for k in planner.groups[o] if k != i]
        if others:
            reasons.append(
                Reason(
                    N_(
                        "{school} shares the {slot} session on {date} with {others}: "
                        "{together} of its {seats} seats are taken."
                    ),
                    {
                        "school": name,
                        "slot": _slot_name(option.slot),
                        "date": day,
                        "others": others,
                        "together": used,
                        "seats": option.seats,
                    },
                )
            )
        else:
            reasons.append(
                Reason(
                    N_(
                        "The {slot} session on {date} has room for the {students} students: "
                        "{taken} of its {seats} seats are taken with them."
                    ),
                    {
                        "slot": _slot_name(option.slot),
                        "date": day,
                        "students": school.students,
                        "taken": used,
                        "seats": option.seats,
                    },
                )
            )
    week = option.week
    reasons.append(
        Reason(
            N_(
                "The week of {week} has {load} visits planned, {town_load} of them from "
                "{town}; the busiest week of the term has {peak}."
            ),
            {
                "week": week.isoformat(),
                "load": planner.week_load[week],
                "town_load": planner.town_week.get((school.town, week), 0),
                "town": info.town,
                "peak": planner.peak_w,
            },
        )
    )
    activity_names = [planner.activities[a].name for a in acts]
    instructor_names = [
        planner.instructors[x].name for x in instructors if x in planner.instructors
    ]
    reasons.append(
        Reason(
            N_("{activities} suit grade {grade} and a group of {students}; led by {instructors}."),
            {
                "activities": activity_names,
                "grade": info.grade,
                "students": school.students,
                "instructors": instructor_names,
            },
        )
    )
    return tuple(reasons)


def _why_touring(planner: _Planner, i: int) -> Reason:
    """Why the group is visited at school rather than coming to the base (true of the plan)."""
    school = planner.schools[i]
    o = planner.assign[i]
    assert o is not None
    option = planner.options[o]
    params = {"school": school.info.name, "date": option.on.isoformat()}
    base_opts = [b for b in school.opts if not planner.options[b].touring]
    base_seats = [b.seats_free for b in planner.options if not b.touring]
    if base_seats and school.students > max(base_seats):
        return Reason(
            N_(
                "The group of {students} is larger than any base session's free seats "
                "({seats}), so the activity goes to {school} on {date}."
            ),
            {**params, "students": school.students, "seats": max(base_seats)},
        )
    if not base_opts:
        return Reason(
            N_(
                "No base session of the term is open to {school} (booking lead time, blackout "
                "dates, instructors), so the activity goes to the school on {date}."
            ),
            params,
        )
    free = [b for b in base_opts if planner._try(i, b) is not None]
    if not free:
        return Reason(
            N_(
                "Every base session open to {school} ({count}) is taken by other schools, so "
                "the activity goes to the school on {date}."
            ),
            {**params, "count": len(base_opts)},
        )
    first = min(free, key=lambda b: (-school.pp[b], b))
    if school.pp[first] < school.pp[o]:
        return Reason(
            N_(
                "A base session was free on {base_date}, but {date} meets more of {school}'s "
                "wishes, so the activity goes to the school."
            ),
            {**params, "base_date": planner.options[first].on.isoformat()},
        )
    return Reason(
        N_(
            "A base session was free on {base_date}, but that week is already among the busiest; "
            "{date} keeps the weeks even, so the activity goes to {school}."
        ),
        {**params, "base_date": planner.options[first].on.isoformat()},
    )


def _metrics(pi: PlanningInput, planner: _Planner, placements: Sequence[Placement]) -> Metrics:
    schools = {s.id: s for s in pi.schools}
    base = [p for p in placements if p.kind == "base"]
    touring = [p for p in placements if p.kind == "touring"]
    stating = [s for s in pi.schools if _pref_max(s)]
    met = [
        p
        for p in placements
        if _pref_max(schools[p.school_id])
        and _pref_points(schools[p.school_id], p.on) == _pref_max(schools[p.school_id])
    ]
    points = sum(_pref_points(schools[p.school_id], p.on) for p in placements)
    slots = {(s.on, s.slot): s for s in pi.base_slots}
    used_keys = sorted({(p.on, p.slot) for p in base})
    planned = sum(p.students for p in base)
    used_seats = sum(slots[k].seats for k in used_keys)
    used_taken = sum(slots[k].seats_taken for k in used_keys)
    all_seats = sum(s.seats for s in pi.base_slots)
    all_taken = sum(s.seats_taken for s in pi.base_slots)
    weeks = planner.week_load
    town_rows = []
    for t, town in enumerate(planner.town_names):
        loads = [v for (tt, _), v in planner.town_week.items() if tt == t]
        town_rows.append(
            TownLoad(
                town=town,
                schools=sum(1 for s in pi.schools if s.town == town),
                placed=sum(1 for p in placements if schools[p.school_id].town == town),
                week_max=max(loads, default=0),
            )
        )
    return Metrics(
        schools_due=len(pi.schools),
        placed_base=len(base),
        placed_touring=len(touring),
        unplaced=len(pi.schools) - len(placements),
        with_preferences=len(stating),
        preferences_met=len(met),
        preferences_share=round(len(met) / len(stating), 4) if stating else 1.0,
        preference_points=points,
        touring_sessions=len(touring),
        base_sessions_used=len(used_keys),
        seat_utilisation_used=round((planned + used_taken) / used_seats, 4) if used_seats else 0.0,
        seat_utilisation_all=round((planned + all_taken) / all_seats, 4) if all_seats else 0.0,
        week_load_max=max(weeks.values(), default=0),
        week_load_min=min(weeks.values(), default=0),
        town_week_load_max=max(planner.town_week.values(), default=0),
        towns=tuple(town_rows),
    )


# --- Shortfall ----------------------------------------------------------------------------------


def _rerun(pi: PlanningInput) -> _Planner:
    """Plan again without the rebuilding search and without explaining the placements: enough
    to tell whether extra capacity places everyone (the full search only ever improves on it,
    so the claim holds)."""
    planner = _Planner(pi)
    planner.run(search=False)
    return planner


def _planned(pi: PlanningInput) -> Plan:
    """The plan `plan()` makes of an input, without a shortfall account of its own."""
    planner = _Planner(pi)
    planner.run()
    return _result(planner)


def _short_after(planner: _Planner) -> list[int]:
    return [i for i in planner.placeable() if planner.assign[i] is None]


def _shortfall(
    pi: PlanningInput, planner: _Planner, result: Plan, short_ids: list[int]
) -> Shortfall:
    """What extra capacity would place the schools left over, found by planning again with it.

    First an extra opening weekday at the base (Wednesday first, then the other school days
    the base is closed), on the touring days of that weekday: all months of the term, then as
    few months as still place everyone. Failing that, more touring sessions a day.
    """
    unplaceable = tuple(sorted(planner.schools[i].info.id for i in planner.intrinsic))
    count = len(short_ids)
    base_weekdays = {s.on.weekday() for s in pi.base_slots}
    seats = max((s.seats for s in pi.base_slots), default=100)
    candidates = sorted(
        d
        for d in set(pi.touring_days)
        if planner._usable(d) and d.weekday() not in base_weekdays and d.weekday() < 5
    )
    weekdays = sorted({d.weekday() for d in candidates}, key=lambda w: (abs(w - 2), w))

    def extra(days: Iterable[date]) -> tuple[BaseSlot, ...]:
        return tuple(BaseSlot(on=d, slot=s, seats=seats) for d in sorted(days) for s in SLOTS)

    def months_of(days: Iterable[date]) -> list[tuple[int, int]]:
        return sorted({(d.year, d.month) for d in days})

    for weekday in weekdays:
        days = [d for d in candidates if d.weekday() == weekday]
        trial = _rerun(replace(pi, base_slots=pi.base_slots + extra(days)))
        if _short_after(trial):
            continue
        months = months_of(days)
        # Drop the months the new sessions are least used in first, while everyone stays placed.
        use = {m: 0 for m in months}
        for o in trial.assign:
            option = trial.options[o] if o is not None else None
            if option is not None and not option.touring and option.on.weekday() == weekday:
                month = (option.on.year, option.on.month)
                if month in use:
                    use[month] += 1
        for month in sorted(months, key=lambda m: (use[m], m)):
            keep = [m for m in months if m != month]
            if not keep:
                continue
            fewer = [d for d in days if (d.year, d.month) in keep]
            if not _short_after(_rerun(replace(pi, base_slots=pi.base_slots + extra(fewer)))):
                months, days = keep, fewer
        slots = extra(days)
        # The figures are those of the plan the suggestion gives, planned as `plan()` would.
        final = _planned(replace(pi, base_slots=pi.base_slots + slots))
        sessions = max(1, sessions_used(final) - sessions_used(result))
        return Shortfall(
            sessions_short=sessions,
            school_ids=tuple(sorted(planner.schools[i].info.id for i in short_ids)),
            unplaceable_ids=unplaceable,
            weekday=weekday,
            months=tuple(months),
            extra_base_slots=slots,
            max_touring_per_day=None,
            placed_with_suggestion=count,
            message=Reason(
                N_(
                    "{count} schools could not be placed: the plan is {sessions} sessions "
                    "short. Opening the base on {weekday}s in {months} would place them."
                ),
                {
                    "count": count,
                    "sessions": sessions,
                    "weekday": weekday_name(weekday),
                    "months": [_month_name(m) for _, m in months],
                },
            ),
        )
    if pi.touring_days:
        for more in range(1, 5):
            wider = replace(pi, max_touring_per_day=pi.max_touring_per_day + more)
            if _short_after(_rerun(wider)):
                continue
            sessions = max(1, sessions_used(_planned(wider)) - sessions_used(result))
            return Shortfall(
                sessions_short=sessions,
                school_ids=tuple(sorted(planner.schools[i].info.id for i in short_ids)),
                unplaceable_ids=unplaceable,
                weekday=None,
                months=(),
                extra_base_slots=(),
                max_touring_per_day=wider.max_touring_per_day,
                placed_with_suggestion=count,
                message=Reason(
                    N_(
                        "{count} schools could not be placed: the plan is {sessions} sessions "
                        "short. Allowing {touring} touring sessions a day instead of {current} "
                        "would place them."
                    ),
                    {
                        "count": count,
                        "sessions": sessions,
                        "touring": wider.max_touring_per_day,
                        "current": pi.max_touring_per_day,
                    },
                ),
            )
    return Shortfall(
        sessions_short=count,
        school_ids=tuple(sorted(planner.schools[i].info.id for i in short_ids)),
        unplaceable_ids=unplaceable,
        weekday=None,
        months=(),
        extra_base_slots=(),
        max_touring_per_day=None,
        placed_with_suggestion=0,
        message=Reason(
            N_(
                "{count} schools could not be placed, and neither another opening weekday at "
                "the base nor more touring sessions a day would place them; see each school's "
                "reason."
            ),
            {"count": count},
        ),
    )


# --- Checking a plan ----------------------------------------------------------------------------


def visit_facts(
    placement: Placement, planning_input: PlanningInput, *, by_coordinator: bool = True
) -> list[dict[str, Any]]:
    """The "study_visit" facts for a placement, as the application builds them for a booking.

    `seats_left` counts the seats taken before the plan and the other groups the plan puts in
    the same session; the school has no other visit (a school already booked is not placed), so
    `visits_this_month` and `visits_this_year` count its visits already in the input.
    """
    pi = planning_input
    schools = {s.id: s for s in pi.schools}
    activities = {a.id: a for a in pi.activities}
    instructors = {i.id: i for i in pi.instructors}
    school = schools[placement.school_id]
    chosen = [activities[a] for a in placement.activity_ids]
    if placement.kind == "base":
        slot = next(s for s in pi.base_slots if (s.on, s.slot) == (placement.on, placement.slot))
        seats = slot.seats
        others = sum(schools[k].students for k in placement.shares_with)
        seats_left = slot.seats - slot.seats_taken - others
    else:
        seats = seats_left = TOURING_SEATS
    present = [s for s in pi.base_slots if school.id in s.school_ids_present]
    wanted = {a.id for a in chosen}
    qualified = [
        x
        for x in placement.instructor_ids
        if x in instructors
        and placement.on not in instructors[x].unavailable
        and wanted & instructors[x].activity_ids
    ]
    students = placement.students
    teachers = placement.teachers
    facts: list[dict[str, Any]] = [
        {
            "kind": "visit",
            "date": placement.on,
            "session_kind": placement.kind,
            "days_ahead": (placement.on - pi.today).days,
            "by_coordinator": by_coordinator,
            "school": school.name,
            "grade": school.grade,
            "seats": seats,
            "seats_left": seats_left,
            "students": students,
            "teachers": teachers,
            "students_per_teacher": float(students) / max(teachers, 1),
            "visits_this_month": sum(
                1
                for s in present
                if (s.on.year, s.on.month) == (placement.on.year, placement.on.month)
            ),
            "visits_this_year": len(present),
            "schools_uncovered": sum(
                1
                for s in pi.schools
                if s.id != school.id
                and not any(s.id in b.school_ids_present for b in pi.base_slots)
            ),
            "instructors_needed": max((a.instructors_needed for a in chosen), default=0),
            "instructors_qualified": len(qualified),
            "activities_count": len(chosen),
        }
    ]
    for activity in chosen:
        facts.append(
            {
                "kind": "activity",
                "name": activity.name,
                "grade_min": activity.grade_min,
                "grade_max": activity.grade_max,
                "group_min": activity.group_min,
                "group_max": activity.group_max,
                "grade": school.grade,
                "students": students,
                "tours_schools": activity.tours_schools,
                "session_kind": placement.kind,
            }
        )
    return facts


def verify(result: Plan, planning_input: PlanningInput) -> list[str]:
    """Every hard constraint the plan breaks, re-checked from the input alone (empty: none)."""
    pi = planning_input
    params = pi.parameters
    problems: list[str] = []
    schools = {s.id: s for s in pi.schools}
    activities = {a.id: a for a in pi.activities}
    instructors = {i.id: i for i in pi.instructors}
    slots = {(s.on, s.slot): s for s in pi.base_slots}
    touring_days = set(pi.touring_days)
    earliest = pi.today + timedelta(days=params.lead_time_days)
    seen: set[int] = set()
    by_session: dict[tuple[date, str], list[Placement]] = {}
    per_half: dict[tuple[date, str], dict[int, str]] = {}
    touring_per_day: dict[date, int] = {}

    def book(p: Placement, session: str, members: Iterable[int]) -> None:
        half = per_half.setdefault((p.on, p.slot), {})
        for x in members:
            if x in half and half[x] != session:
                problems.append(f"instructor {x} leads two sessions on {p.on} {p.slot}")
            half[x] = session

    for p in result.placements:
        label = f"school {p.school_id} on {p.on} {p.slot}"
        school = schools.get(p.school_id)
        if school is None:
            problems.append(f"{label}: not a school due")
            continue
        if p.school_id in seen:
            problems.append(f"{label}: placed twice")
        seen.add(p.school_id)
        if not pi.term_start <= p.on <= pi.term_end:
            problems.append(f"{label}: outside the term")
        if p.on < earliest:
            problems.append(f"{label}: within the lead time of {params.lead_time_days} days")
        if p.on in school.blackout:
            problems.append(f"{label}: a blackout date of the school")
        if p.slot not in SLOTS:
            problems.append(f"{label}: unknown half-day")
        if p.students != school.students:
            problems.append(f"{label}: {p.students} students, the school brings {school.students}")
        if school.teachers is not None and p.teachers != school.teachers:
            problems.append(f"{label}: {p.teachers} teachers, the school brings {school.teachers}")
        if p.teachers < 1 or p.students > p.teachers * params.students_per_teacher_max:
            problems.append(f"{label}: too few teachers ({p.teachers} for {p.students})")
        if any(school.id in s.school_ids_present for s in pi.base_slots):
            problems.append(f"{label}: the school already has a visit")
        if not 1 <= len(p.activity_ids) <= 2 or len(set(p.activity_ids)) != len(p.activity_ids):
            problems.append(f"{label}: needs one or two different activities")
        chosen = [activities.get(a) for a in p.activity_ids]
        if None in chosen:
            problems.append(f"{label}: unknown activity")
            continue
        for a in chosen:
            assert a is not None
            if not a.grade_min <= school.grade <= a.grade_max:
                problems.append(f"{label}: activity {a.id} is not for grade {school.grade}")
            if not a.group_min <= p.students <= a.group_max:
                problems.append(f"{label}: activity {a.id} does not take {p.students} students")
            if p.kind == "touring" and not a.tours_schools:
                problems.append(f"{label}: activity {a.id} does not tour")
        free = [
            x
            for x in p.instructor_ids
            if x in instructors and p.on not in instructors[x].unavailable
        ]
        if p.kind == "base":
            slot = slots.get((p.on, p.slot))
            if slot is None:
                problems.append(f"{label}: not an open base slot")
                continue
            if p.session_id != slot.session_id:
                problems.append(f"{label}: session {p.session_id}, the slot's is {slot.session_id}")
            if slot.instructor_ids is not None and set(p.instructor_ids) != set(
                slot.instructor_ids
            ):
                problems.append(f"{label}: instructors differ from the session's")
            by_session.setdefault((p.on, p.slot), []).append(p)
            book(p, f"base {p.on} {p.slot}", free)
        elif p.kind == "touring":
            if p.on not in touring_days:
                problems.append(f"{label}: not a touring day")
            if p.session_id is not None:
                problems.append(f"{label}: a touring session is new")
            touring_per_day[p.on] = touring_per_day.get(p.on, 0) + 1
            book(p, f"touring {p.school_id}", free)
        else:
            problems.append(f"{label}: unknown kind {p.kind!r}")
            continue
        for a in chosen:
            assert a is not None
            qualified = sum(1 for x in free if a.id in instructors[x].activity_ids)
            if qualified < a.instructors_needed:
                problems.append(
                    f"{label}: {qualified} instructors for activity {a.id}, "
                    f"{a.instructors_needed} needed"
                )
    for key, group in by_session.items():
        slot = slots[key]
        students = sum(p.students for p in group) + slot.seats_taken
        if students > slot.seats:
            problems.append(f"base {key[0]} {key[1]}: {students} students for {slot.seats} seats")
        if len(group) + len(slot.school_ids_present) > pi.groups_per_session_max:
            problems.append(f"base {key[0]} {key[1]}: more than {pi.groups_per_session_max} groups")
        instructor_sets = {frozenset(p.instructor_ids) for p in group}
        if len(instructor_sets) > 1:
            problems.append(f"base {key[0]} {key[1]}: groups list different instructors")
        ids = {p.school_id for p in group}
        for p in group:
            if set(p.shares_with) != ids - {p.school_id}:
                problems.append(f"base {key[0]} {key[1]}: shares_with of {p.school_id} is wrong")
    for day, count in touring_per_day.items():
        if count > pi.max_touring_per_day:
            problems.append(f"touring {day}: {count} sessions, at most {pi.max_touring_per_day}")
    unplaced = [u.school_id for u in result.unplaced]
    if len(unplaced) != len(set(unplaced)) or set(unplaced) & seen:
        problems.append("a school is both placed and unplaced, or unplaced twice")
    if seen | set(unplaced) != set(schools):
        problems.append("placed and unplaced schools do not add up to the schools due")
    return problems
