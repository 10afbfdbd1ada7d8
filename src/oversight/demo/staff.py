"""Staff, dated reporting lines and buddy nominations.

The chain: one assistant director at the top (no line manager) -> head of service -> two operational
service managers -> a team manager per team -> one or two deputy team managers -> practitioners.
The dated changes are: a team manager moving between operational service managers, a practitioner
moving between the two deputies of a team, a new deputy taking half a team, two leavers and four
new starters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from oversight.demo.names import FIRST_NAMES, SURNAMES
from oversight.demo.world import Line, Nomination, Person, World

CAPACITY = {"youth_justice_officer": 1.0, "support_officer": 0.62, "specialist": 0.3}
DISCIPLINES = ("health", "education", "probation", "police")


def month_add(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def first_monday_on_or_after(world: World, day: date) -> date:
    while day.weekday() != 0 or not world.is_working_day(day):
        day += timedelta(days=1)
    return day


def build_staff(world: World) -> None:
    rng, scale, h, today = world.rng, world.scale, world.history_start, world.today
    names = _names(world, scale.baseline_staff + 8)
    counter = iter(range(1, 1000))

    def add(role: str, start: date, team: int | None = None, **extra) -> Person:
        first, last = next(names)
        email = f"{first}.{last}".lower().replace("'", "") + f"@{world.service_id.lower()}-yjs.example.org"
        person = Person(
            id=f"S{next(counter):03d}",
            name=f"{first} {last}",
            role=role,
            start=start,
            team=team,
            email=email,
            capacity=CAPACITY.get(role, 0.0),
            **extra,
        )
        return world.add_person(person)

    def baseline_start(years: tuple[float, float]) -> date:
        return world.wd_after(h - timedelta(days=int(rng.uniform(*years) * 365)) - timedelta(days=90), 0)

    ad = add("assistant_director", baseline_start((3, 9)))
    hos = add("head_of_service", baseline_start((2, 8)))
    osms = [add("operational_service_manager", baseline_start((2, 8))) for _ in range(2)]
    tms = [add("team_manager", baseline_start((1.5, 9)), team=t) for t in range(scale.teams)]
    dtms: dict[int, list[Person]] = defaultdict(list)
    for t in range(scale.teams):
        for _ in range(2 if t in scale.teams_with_two_deputies else 1):
            dtms[t].append(add("deputy_team_manager", baseline_start((1, 8)), team=t))
    members: dict[int, list[Person]] = defaultdict(list)
    for t in range(scale.teams):
        for _ in range(scale.youth_justice_officers_per_team):
            members[t].append(add("youth_justice_officer", baseline_start((0.3, 10)), team=t))
        for _ in range(scale.support_officers_per_team):
            members[t].append(add("support_officer", baseline_start((0.3, 8)), team=t))
        for k in range(scale.specialists_per_team):
            discipline = DISCIPLINES[(2 * t + k) % len(DISCIPLINES)]
            members[t].append(add("specialist", baseline_start((0.5, 6)), team=t, discipline=discipline))

    # Who plays which part in the engineered situations (see scenario.py).
    yjo = {t: [p for p in members[t] if p.role == "youth_justice_officer"] for t in members}
    so = {t: [p for p in members[t] if p.role == "support_officer"] for t in members}
    cast = world.cast
    cast.update(
        long_sick_past=yjo[0][0].id,
        leaver_1=yjo[0][-1].id,
        trio_a=yjo[0][2].id,
        trio_s=yjo[0][3].id,
        trio_b=yjo[0][4].id,
        long_sick_now=yjo[1][1].id,
        sheet_so=so[1][0].id,
        duty_so=so[3][0].id,
        leaver_2=so[3][-1].id,
        agency_baseline=yjo[2][-1].id,
    )
    for index, person in enumerate(so[2]):
        cast[f"training_so_{index}"] = person.id
    world.person(cast["leaver_2"]).employment = "agency"
    world.person(cast["agency_baseline"]).employment = "agency"

    # Leavers and new starters, placed relative to today so that every history has them.
    leaver_1 = world.person(cast["leaver_1"])
    leaver_1.end = world.wd_on_or_before(month_add(today, -8) + timedelta(days=17))
    leaver_2 = world.person(cast["leaver_2"])
    leaver_2.end = world.wd_on_or_before(month_add(today, -3) + timedelta(days=13))
    new_dtm = add(
        "deputy_team_manager", first_monday_on_or_after(world, month_add(h, 7) + timedelta(days=2)), team=3
    )
    dtms[3].append(new_dtm)
    starter_1 = add(
        "youth_justice_officer", first_monday_on_or_after(world, leaver_1.end + timedelta(days=24)), team=0
    )
    starter_3 = add(
        "support_officer",
        first_monday_on_or_after(world, leaver_2.end + timedelta(days=12)),
        team=3,
        employment="agency",
    )
    starter_2 = add(
        "youth_justice_officer", first_monday_on_or_after(world, today - timedelta(days=66)), team=1
    )
    unbuddied = add(
        "youth_justice_officer",
        first_monday_on_or_after(world, today - timedelta(days=38)),
        team=2,
        employment="agency",
    )
    starter_2.capacity, unbuddied.capacity = 0.7, 0.35
    members[0].append(starter_1)
    members[3].append(starter_3)
    members[1].append(starter_2)
    members[2].append(unbuddied)
    cast.update(
        starter_1=starter_1.id,
        starter_2=starter_2.id,
        starter_3=starter_3.id,
        unbuddied=unbuddied.id,
        new_deputy=new_dtm.id,
    )

    _lines(world, ad, hos, osms, tms, dtms, members)
    _buddies(world, members, dtms)


def _names(world: World, count: int):
    pairs = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
    world.rng.shuffle(pairs)
    used_first: set[str] = set()
    chosen = []
    for first, last in pairs:  # distinct first names read better in a demo, while there are enough
        if first not in used_first:
            used_first.add(first)
            chosen.append((first, last))
    chosen = chosen[:count]
    taken = set(chosen)
    chosen += [pair for pair in pairs if pair not in taken][: count - len(chosen)]
    return iter(chosen)


def _line(world: World, staff: Person, manager: Person, start: date | None = None, end: date | None = None):
    begin = max(staff.start, manager.start, start or date.min)
    finish = staff.end if end is None else end
    world.lines.append(Line(staff.id, manager.id, begin, finish))


def _lines(world: World, ad, hos, osms, tms, dtms, members) -> None:
    h, teams = world.history_start, world.scale.teams
    _line(world, hos, ad)
    for osm in osms:
        _line(world, osm, hos)
    # The team manager of team 1 moves from the first operational service manager to the second.
    tm_move = month_add(h, 8)
    for t, tm in enumerate(tms):
        osm = osms[0] if t < teams // 2 else osms[1]
        if t == 1:
            _line(world, tm, osms[0], end=tm_move - timedelta(days=1))
            _line(world, tm, osms[1], start=tm_move)
        else:
            _line(world, tm, osm)
    for t, deputies in dtms.items():
        for dtm in deputies:
            _line(world, dtm, tms[t])
    # Practitioners: split between two deputies by position; one moves across in team 1; half of team
    # 3 moves to the new deputy a few weeks after they start.
    dtm_move = month_add(h, 5)
    new_deputy = world.person(world.cast["new_deputy"])
    team3_move = month_add(new_deputy.start, 1)
    for t, people in members.items():
        deputies = [d for d in dtms[t] if d.id != new_deputy.id]
        for index, person in enumerate(people):
            first = deputies[index % len(deputies)]
            if t == 1 and index == 2 and len(deputies) > 1:
                _line(world, person, first, end=dtm_move - timedelta(days=1))
                _line(world, person, deputies[(index + 1) % len(deputies)], start=dtm_move)
            elif t == 3 and index % 2 == 1 and (person.end is None or person.end >= team3_move):
                if person.start < team3_move:
                    _line(world, person, first, end=team3_move - timedelta(days=1))
                _line(world, person, new_deputy, start=team3_move)
            else:
                _line(world, person, first)


def _buddies(world: World, members: dict[int, list[Person]], dtms) -> None:
    """Rings of colleagues of the same grade: each names the next (rank 1) and the one after (rank 2)."""
    cast = world.cast
    outside = {cast["duty_so"], cast["unbuddied"]}
    groups: dict[tuple, list[Person]] = defaultdict(list)
    for t, people in members.items():
        for person in people:
            if person.id in outside:
                continue
            key = ("discipline", person.discipline) if person.role == "specialist" else (t, person.role)
            groups[key].append(person)
    for key in sorted(groups, key=str):
        _ring(world, sorted(groups[key], key=lambda p: p.id))

    def nominate(staff_id: str, buddy_id: str, approved_by: str | None) -> None:
        staff, buddy = world.person(staff_id), world.person(buddy_id)
        rank = 1 + max((n.rank for n in world.buddies if n.staff == staff_id), default=0)
        end = min((d for d in (staff.end, buddy.end) if d), default=None)
        world.buddies.append(
            Nomination(staff_id, buddy_id, rank, max(staff.start, buddy.start), end, approved_by)
        )

    def deputy_of(staff_id: str) -> str:
        return next(line.manager for line in world.lines if line.staff == staff_id)

    # Approved cross-grade: support officers of teams 1 and 3 may also turn to a youth justice officer.
    for t in (1, 3):
        yjos = [
            p
            for p in members[t]
            if p.role == "youth_justice_officer" and p.end is None and p.id not in outside
        ]
        for index, person in enumerate(p for p in members[t] if p.role == "support_officer"):
            if person.id not in outside:
                nominate(person.id, yjos[index % len(yjos)].id, deputy_of(person.id))
    # Unapproved cross-grade (COV-GRADE): the support officer outside the rings names only a youth
    # justice officer; a specialist of team 1 adds one as a second buddy.
    team3_yjo = next(p for p in members[3] if p.role == "youth_justice_officer")
    nominate(cast["duty_so"], team3_yjo.id, None)
    specialist = next(p for p in members[1] if p.role == "specialist")
    team1_yjo = next(
        p for p in members[1] if p.role == "youth_justice_officer" and p.id != cast["long_sick_now"]
    )
    nominate(specialist.id, team1_yjo.id, None)
    cast["unapproved_specialist"] = specialist.id


def _ring(world: World, people: list[Person]) -> None:
    """Nominations for a group whose members come and go: one ring per period, merged across periods."""
    if len(people) < 2:
        return
    baseline = max(p.start for p in people if p.start < world.history_start)
    changes = sorted(
        {p.start for p in people if p.start > baseline} | {p.end + timedelta(days=1) for p in people if p.end}
    )
    bounds = [baseline, *changes]
    open_runs: dict[tuple[str, str, int], Nomination] = {}
    for begin in bounds:
        ring = [p for p in people if p.start <= begin and (p.end is None or p.end >= begin)]
        wanted: set[tuple[str, str, int]] = set()
        for position, person in enumerate(ring):
            for rank in (1, 2) if len(ring) >= 3 else (1,) if len(ring) == 2 else ():
                wanted.add((person.id, ring[(position + rank) % len(ring)].id, rank))
        for key in list(open_runs):
            if key not in wanted:
                open_runs.pop(key).end = begin - timedelta(days=1)
        for key in sorted(wanted):
            if key not in open_runs:
                nomination = Nomination(key[0], key[1], key[2], begin)
                world.buddies.append(nomination)
                open_runs[key] = nomination
