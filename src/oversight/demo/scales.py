"""How big a generated service is: one dataclass per scale, so that volume is set in one place."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def baseline_staff(self) -> int:
        """Staff in post at the start of the history (new starters and the new deputy come on top)."""
        practitioners = self.teams * (
            self.youth_justice_officers_per_team + self.support_officers_per_team + self.specialists_per_team
        )
        managers = 2 + 2 + self.teams + self.teams + len(self.teams_with_two_deputies)
        return practitioners + managers


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
    # One large service: about 75 staff and 500 open cases.
    "service": Scale(
        name="service",
        teams=5,
        youth_justice_officers_per_team=6,
        support_officers_per_team=3,
        specialists_per_team=2,
        teams_with_two_deputies=(1, 4),
        open_cases=500,
        closed_cases=1880,
        history_months=18,
    ),
}
NOT_YET = ("region", "national")


def get_scale(name: str) -> Scale:
    if name in SCALES:
        return SCALES[name]
    if name in NOT_YET:
        raise NotImplementedError(f"scale {name!r} is coming in the scale issue")
    raise ValueError(f"unknown scale {name!r}: use one of {', '.join([*SCALES, *NOT_YET])}")
