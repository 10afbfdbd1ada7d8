"""Cases, their dated allocations (with transfers and leavers' hand-overs) and paired workers."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from oversight.demo.names import INITIALS, SURNAMES
from oversight.demo.world import Allocation, Case, Person, World

RISKS = ("low", "medium", "high", "very_high")
# order type: (share of cases, length in days, weights of the risk levels low..very_high)
ORDERS = {
    "out_of_court_disposal": (0.34, (35, 90), (70, 27, 3, 0)),
    "referral_order": (0.33, (90, 250), (45, 45, 10, 0)),
    "youth_rehabilitation_order": (0.17, (150, 480), (15, 50, 30, 5)),
    "detention_and_training_order": (0.05, (120, 400), (0, 10, 60, 30)),
    "other": (0.11, (30, 120), (40, 45, 15, 0)),
}
AGE_WEIGHTS = {10: 1, 11: 2, 12: 4, 13: 7, 14: 11, 15: 14, 16: 14, 17: 10}
LIGHT_ORDERS = ("out_of_court_disposal", "referral_order", "other")
TRANSFER_SHARE = 0.08


def build_cases(world: World) -> None:
    rng, scale, h, today = world.rng, world.scale, world.history_start, world.today
    orders = list(ORDERS)
    shares = [ORDERS[o][0] for o in orders]
    cases: list[Case] = []
    history_days = (today - h).days
    for _ in range(scale.closed_cases):
        order = rng.choices(orders, shares)[0]
        closed = h + timedelta(days=rng.randrange(1, history_days))
        cases.append(_case(world, order, closed - timedelta(days=_length(world, order)), closed))
    # A case open today is more likely a long one: weigh order types by their mean length.
    open_shares = [ORDERS[o][0] * sum(ORDERS[o][1]) for o in orders]
    for _ in range(scale.open_cases):
        order = rng.choices(orders, open_shares)[0]
        cases.append(
            _case(world, order, today - timedelta(days=rng.randrange(0, _length(world, order))), None)
        )
    keyed = sorted(((c.opened, rng.random()), c) for c in cases)
    world.cases = [c for _, c in keyed]
    for number, case in enumerate(world.cases, start=1):
        case.id = f"C{number:04d}"
    _allocate(world)
    _pair(world)


def _length(world: World, order: str) -> int:
    low, high = ORDERS[order][1]
    factor = world.scale.case_length_factor
    return world.rng.randint(round(low * factor), round(high * factor))


def _case(world: World, order: str, opened: date, closed: date | None) -> Case:
    rng = world.rng
    risk = rng.choices(RISKS, ORDERS[order][2])[0]
    age = rng.choices(list(AGE_WEIGHTS), list(AGE_WEIGHTS.values()))[0]
    born = opened - timedelta(days=int(age * 365.25) + rng.randrange(0, 360))
    name = f"{rng.choice(INITIALS)}. {rng.choice(SURNAMES)}"
    return Case(order_type=order, risk=risk, opened=opened, closed=closed, name=name, date_of_birth=born)


def suitable(person: Person, case: Case) -> bool:
    """Support officers and specialists hold lower-risk cases; youth justice officers any."""
    if person.role == "youth_justice_officer":
        return person.capacity >= 0.5 or case.risk in ("low", "medium")
    if person.role == "support_officer":
        return case.risk in ("low", "medium") and case.order_type in LIGHT_ORDERS
    return case.risk in ("low", "medium") and case.order_type != "detention_and_training_order"


def _allocate(world: World) -> None:
    rng, h, today = world.rng, world.history_start, world.today
    events: list[tuple] = []
    for seq, case in enumerate(world.cases):
        start = max(case.opened, h)
        events.append((start, 1, seq, "new", case))
        if case.closed:
            events.append((case.closed + timedelta(days=1), 0, seq, "close", case))
        last = case.closed or today
        span = (last - start).days
        if span >= 75 and rng.random() < TRANSFER_SHARE:
            events.append((start + timedelta(days=rng.randint(25, span - 25)), 2, seq, "transfer", case))
    for seq, person in enumerate(world.staff):
        if person.is_practitioner and person.end:
            events.append((person.end + timedelta(days=1), 3, seq, "leaver", person))
    events.sort(key=lambda e: e[:3])
    current: dict[int, Allocation] = {}
    load: Counter[str] = Counter()

    def hand_over(allocation: Allocation, day: date) -> None:
        holder = world.person(allocation.staff)
        staff = choose_holder(world, allocation.case, day, load, team=holder.team, exclude={holder.id})
        allocation.end = day - timedelta(days=1)
        load[allocation.staff] -= 1
        moved = Allocation(allocation.case, staff, day)
        world.allocations.append(moved)
        current[id(allocation.case)] = moved
        load[staff] += 1

    for day, _, _, kind, subject in events:
        if kind == "close":
            allocation = current.pop(id(subject))
            load[allocation.staff] -= 1
        elif kind == "new":
            staff = choose_holder(world, subject, day, load)
            subject.team = world.person(staff).team
            allocation = Allocation(subject, staff, day)
            world.allocations.append(allocation)
            current[id(subject)] = allocation
            load[staff] += 1
        elif kind == "transfer" and id(subject) in current:
            hand_over(current[id(subject)], day)
        elif kind == "leaver":
            for allocation in [a for a in current.values() if a.staff == subject.id]:
                hand_over(allocation, day)
    world.allocations_changed()


def choose_holder(
    world: World,
    case: Case,
    day: date,
    load: Counter,
    team: int | None = None,
    exclude: set[str] = frozenset(),
) -> str:
    """The least loaded suitable practitioner present on `day` (in `team` when one is given)."""
    rng = world.rng
    for restrict in (True, False):
        best, best_score = None, None
        for person in world.staff:
            if not person.is_practitioner or person.capacity <= 0 or person.id in exclude:
                continue
            if restrict and team is not None and person.team != team:
                continue
            settled = person.start <= day - timedelta(days=7) or day == world.history_start
            leaving = person.end is not None and person.end < day + timedelta(days=30)
            if not person.employed_on(day) or not settled or leaving or not suitable(person, case):
                continue
            if world.absence_on(person.id, day) is not None:
                continue
            score = (load[person.id] + 1) / person.capacity + rng.random() * 0.3
            if best_score is None or score < best_score:
                best, best_score = person.id, score
        if best is not None:
            return best
    raise RuntimeError(f"nobody can hold a case on {day}")


def _pair(world: World) -> None:
    """Every detention and training order gets a paired worker: a youth justice officer of the team
    who never manages the case and is employed throughout it."""
    for case in world.cases:
        if case.order_type != "detention_and_training_order":
            continue
        case.paired_worker = pick_paired_worker(world, case)


def pick_paired_worker(world: World, case: Case, avoid: set[str] = frozenset()) -> str | None:
    holders = set(world.holders(case)) | set(avoid) | {world.cast["unbuddied"]}
    first = max(case.opened, world.history_start)
    last = case.closed or world.horizon
    candidates = [
        p.id
        for p in world.practitioners(team=case.team, role="youth_justice_officer")
        if p.id not in holders and p.start <= first and (p.end is None or p.end >= last)
    ]
    return world.rng.choice(candidates) if candidates else None
