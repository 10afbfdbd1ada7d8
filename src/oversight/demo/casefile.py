"""What is on each child's file: contacts, milestones (assessment, plan, reviews) and management
oversight outside supervision (management decisions, MARP discussions, case audits)."""

from __future__ import annotations

from datetime import date, timedelta

from oversight.demo.staff import month_add
from oversight.demo.supervision import record_moment
from oversight.demo.world import Case, Event, World

CONTACT_INTERVAL = {"low": 28, "medium": 14, "high": 7, "very_high": 7}
REVIEWED_ORDERS = ("referral_order", "youth_rehabilitation_order", "detention_and_training_order")


def build_contacts(world: World) -> None:
    """Face-to-face contacts at the risk-appropriate interval, phone and other contacts between.
    Two open cases have not been seen for too long (DQ-SEEN)."""
    rng, today = world.rng, world.today
    eligible = [
        c
        for c in world.cases
        if c.closed is None and c.opened <= today - timedelta(days=70) and c.risk in ("low", "medium")
    ]
    marked = set(map(id, world.marked_cases.values()))
    unseen = rng.sample([c for c in eligible if id(c) not in marked], 2)
    for case in unseen:
        world.marked_cases[f"unseen_{case.id}"] = case
    unseen_ids = set(map(id, unseen))
    kept = world.scale.contact_history_months
    since = world.history_start if kept is None else month_add(world.today, -kept)
    for case in world.cases:
        if case.closed is not None and case.closed < since:
            continue  # before the contacts kept (larger scales only: see scales.DECADE)
        interval = CONTACT_INTERVAL[case.risk]
        start = max(case.opened, since - timedelta(days=interval))
        end = min(case.closed or today, today)
        stop_seeing = today - timedelta(days=interval + rng.randint(5, 12)) if id(case) in unseen_ids else end
        day = start + timedelta(days=rng.randint(0, min(3, interval - 2)))
        last_seen = None
        while day <= end:
            seen = _weekday(day)
            if seen <= end and (last_seen is None or seen > last_seen):
                if seen <= stop_seeing:
                    world.contacts.append((case, seen, "face_to_face"))
                    last_seen = seen
                if rng.random() < 0.35:
                    other = seen + timedelta(days=rng.randint(1, max(1, interval // 2)))
                    if other <= end and other.weekday() < 5:
                        world.contacts.append(
                            (case, other, rng.choice(("phone", "phone", "phone", "video", "other")))
                        )
            day += timedelta(days=rng.randint(max(2, int(interval * 0.45)), interval - 1))
        overdue = last_seen is None or (today - last_seen).days >= interval - 1
        if case.closed is None and id(case) not in unseen_ids and overdue:
            # Whatever the stepping gave, an open case was seen within its interval.
            final = world.wd_on_or_before(today)
            if last_seen is None or final > last_seen:
                world.contacts.append((case, max(final, case.opened), "face_to_face"))
    world.contacts = _dedupe(world.contacts)


def _dedupe(contacts):
    seen, out = set(), []
    for case, day, kind in contacts:
        key = (case.id, day, kind)
        if key not in seen:
            seen.add(key)
            out.append((case, day, kind))
    return out


def _weekday(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def build_milestones(world: World) -> None:
    """Assessment, plan and three-monthly reviews, mostly on time; one of each kind overdue (DQ-*)."""
    rng, today = world.rng, world.today
    horizon = today + timedelta(days=60)
    earliest = world.history_start - timedelta(days=120)
    for case in world.cases:
        assessment = world.wd_after(case.opened, 10 if case.order_type == "out_of_court_disposal" else 20)
        plan = world.wd_after(assessment, 5)
        dues = [("assessment", assessment), ("plan", plan)]
        if case.order_type in REVIEWED_ORDERS:
            review = plan + timedelta(days=91)
            while review <= min(case.closed or horizon, horizon):
                dues.append(("review", review))
                review += timedelta(days=91)
        for kind, due in dues:
            if due < earliest or (case.closed and due > case.closed):
                continue
            world.milestones.append((case, kind, due, _completed(world, case, due)))
    # One overdue of each kind, on open cases, due in the last weeks.
    marked = set(map(id, world.marked_cases.values()))
    for kind in ("assessment", "plan", "review"):
        overdue = [
            (i, m)
            for i, m in enumerate(world.milestones)
            if m[1] == kind
            and m[0].closed is None
            and today - timedelta(days=45) <= m[2] < today - timedelta(days=2)
            and id(m[0]) not in marked
        ]
        if not overdue:
            overdue = [
                (i, m)
                for i, m in enumerate(world.milestones)
                if m[1] == kind and m[0].closed is None and m[2] < today and id(m[0]) not in marked
            ]
        index, (case, _, due, _) = rng.choice(overdue)
        world.milestones[index] = (case, kind, due, None)
        world.marked_cases[f"overdue_{kind}"] = case
        marked.add(id(case))


def _completed(world: World, case: Case, due: date) -> date | None:
    rng, today = world.rng, world.today
    early = max(case.opened, due - timedelta(days=rng.randint(0, 8)))
    if due > today:
        return early if early <= today and rng.random() < 0.3 else None
    if rng.random() < 0.07:
        late = due + timedelta(days=rng.randint(1, 6))
        if late <= today and (case.closed is None or late <= case.closed):
            return late
    return early


def build_events(world: World) -> None:
    """Management decisions, MARP discussions of high-risk cases and case audits, mostly recorded on time."""
    rng, today = world.rng, world.today
    events: list[Event] = []
    for case in world.cases:
        lo, hi = max(case.opened, world.history_start), min(case.closed or today, today)
        days = world.wd_between(lo, hi)
        if not days:
            continue
        if rng.random() < 0.22:
            day = rng.choice(days)
            events.append(_event(world, case, "management_decision", day, rng.random() < 0.5, level=1))
        if case.risk in ("high", "very_high"):
            day = world.wd_after(lo, rng.randint(10, 30))
            while day <= hi:
                events.append(_event(world, case, "marp", day, rng.random() < 0.6, level=2))
                day = world.wd_after(day, rng.randint(60, 90))
        if rng.random() < 0.07:
            events.append(_event(world, case, "audit", rng.choice(days), rng.random() < 0.15, level=3))
    events = [e for e in events if e.by]
    events.sort(key=lambda e: (e.held, e.case.id, e.kind))
    old = [
        e
        for e in events
        if world.history_start + timedelta(days=40) < e.held.date() < today - timedelta(days=40)
        and e.recorded
    ]
    overdue, late, other_author = rng.sample(old, 3)
    overdue.recorded = overdue.recorded_by = None
    late.recorded = record_moment(world, late.held, late.significant, True)
    other_author.recorded_by = (
        world.case_manager_on(other_author.case, other_author.held.date()) or other_author.recorded_by
    )
    for number, event in enumerate(events, start=1):
        event.id = f"M{number:04d}"
    world.events = events


def _event(world: World, case: Case, kind: str, day: date, significant: bool, level: int) -> Event:
    """`level` 1: the case manager's line manager; 2: the one above (team manager); 3: above that."""
    rng = world.rng
    person = world.case_manager_on(case, day)
    by = person
    for _ in range(level):
        by = world.line_manager_on(by, day) if by else None
    held = world.at(day, rng.choice((10, 11, 14, 15)), rng.choice((0, 30)))
    event = Event(case, kind, held, by or "", significant)
    if by:
        recorded = record_moment(world, held, significant, rng.random() < 0.01)
        if recorded.date() <= world.today:
            event.recorded, event.recorded_by = recorded, by
    return event
