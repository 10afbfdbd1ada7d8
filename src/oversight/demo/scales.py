"""How big a generated service is: one dataclass per scale, so that volume is set in one place.

"demo" and "service" are one service each. "region" and "national" are fleets of services of varied
sizes (`Fleet.plan`), one document per service, each generated on its own from (seed, service
index, today), so that a fleet can be generated in parallel and any one service again on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    teams: int
    youth_justice_officers_per_team: int
    support_officers_per_team: int
    specialists_per_team: int
    teams_with_two_deputies: tuple[int, ...]  # teams that have two deputy team managers throughout
    open_cases: int
    closed_cases: int
    history_months: int  # whole months of history before the month of `today`
    # The long histories of the larger scales (10 years) are shaped like a real service's:
    case_length_factor: float = 1.0  # orders last this many times the demo's lengths
    absence_gap_factor: float = 1.0  # the time between a person's absences, times the demo's
    contact_history_months: int | None = None  # contacts of the last months only (None: all)

    @property
    def baseline_staff(self) -> int:
        """Staff in post at the start of the history (new starters and the new deputy come on top)."""
        practitioners = self.teams * (
            self.youth_justice_officers_per_team + self.support_officers_per_team + self.specialists_per_team
        )
        managers = 2 + 2 + self.teams + self.teams + len(self.teams_with_two_deputies)
        return practitioners + managers


# Ten years of history, as a national deployment holds: cases last about a year on average (so that
# the open caseload of the past is that of today), people are away about a dozen times a year
# (leave, training, sickness), and contacts are kept for the last two years, which is all DQ-SEEN
# reads (contacts are by far the most numerous records: a decade of them would be half the data).
DECADE = {
    "history_months": 120,
    "case_length_factor": 2.2,
    "absence_gap_factor": 0.6,
    "contact_history_months": 24,
}
CLOSED_PER_OPEN = 10  # over ten years: 30,000 open and about 300,000 closed cases nationally

SCALES: dict[str, Scale] = {
    # What `make run` loads: about 60 staff in four teams.
    "demo": Scale(
        name="demo",
        teams=4,
        youth_justice_officers_per_team=6,
        support_officers_per_team=3,
        specialists_per_team=2,
        teams_with_two_deputies=(1,),
        open_cases=400,
        closed_cases=1500,
        history_months=18,
    ),
    # One large service: about 75 staff, 500 open cases and ten years of history. It is also the
    # first and largest service of the region and national fleets.
    "service": Scale(
        name="service",
        teams=5,
        youth_justice_officers_per_team=6,
        support_officers_per_team=3,
        specialists_per_team=2,
        teams_with_two_deputies=(1, 4),
        open_cases=500,
        closed_cases=500 * CLOSED_PER_OPEN,
        **DECADE,
    ),
}


def sized(name: str, open_cases: int) -> Scale:
    """A service of the fleets with `open_cases` open cases: four teams (the fewest the engineered
    situations need), five from 300 cases, and youth justice officers in proportion."""
    teams = 4 if open_cases < 300 else 5
    return Scale(
        name=name,
        teams=teams,
        youth_justice_officers_per_team=max(5, round(open_cases / 40)),
        support_officers_per_team=2,
        specialists_per_team=1 if open_cases < 300 else 2,
        teams_with_two_deputies=(1,) if teams == 4 else (1, 4),
        open_cases=open_cases,
        closed_cases=open_cases * CLOSED_PER_OPEN,
        **DECADE,
    )


@dataclass(frozen=True, slots=True)
class Fleet:
    """Many services: the first is the large one ("service"), the others spread from `smallest`
    open cases upwards so that all of them together hold `open_cases`."""

    name: str
    services: int
    open_cases: int
    smallest: int = 80

    def service_id(self, index: int) -> str:
        return f"YJS{index + 1:03d}"

    def sizes(self) -> list[int]:
        """Open cases per service, in service order: deterministic, summing to `open_cases`."""
        largest = SCALES["service"].open_cases
        others = self.services - 1
        if others == 0:
            return [largest]
        mean = (self.open_cases - largest) / others
        # An even spread from `smallest` to 2·mean - smallest, placed in a scrambled order so that
        # neighbouring services differ and any run of them is a fair sample.
        spread = [self.smallest + (2 * (mean - self.smallest)) * k / max(others - 1, 1) for k in range(others)]
        stride = next(s for s in range(others // 2 + 1, others) if _coprime(s, others)) if others > 2 else 1
        values = [round(spread[(k * stride) % others]) for k in range(others)]
        values[-1] += self.open_cases - largest - sum(values)  # rounding: the totals are exact
        return [largest, *values]

    def plan(self) -> list[tuple[str, Scale]]:
        """(service id, scale) of every service of the fleet, in order."""
        plan = [(self.service_id(0), replace(SCALES["service"], name=self.name))]
        plan += [(self.service_id(i), sized(self.name, n)) for i, n in enumerate(self.sizes()) if i > 0]
        return plan


def _coprime(a: int, b: int) -> bool:
    while b:
        a, b = b, a % b
    return a == 1


FLEETS: dict[str, Fleet] = {
    "region": Fleet(name="region", services=15, open_cases=3_000),
    "national": Fleet(name="national", services=150, open_cases=30_000),
}
ALL_SCALES = (*SCALES, *FLEETS)


def get_scale(name: str) -> Scale:
    """The scale of one service; a fleet ("region", "national") is generated service by service."""
    if name in SCALES:
        return SCALES[name]
    if name in FLEETS:
        raise ValueError(f"scale {name!r} is {FLEETS[name].services} services: use generate_services")
    raise ValueError(f"unknown scale {name!r}: use one of {', '.join(ALL_SCALES)}")


def service_plan(name: str) -> list[tuple[str | None, Scale]]:
    """What a scale generates: one (service id, scale) per service; the id is None for a single
    service (its id is the caller's choice)."""
    if name in FLEETS:
        return FLEETS[name].plan()
    return [(None, get_scale(name))]
