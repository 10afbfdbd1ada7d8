"""How long a child's record is kept after the case closes, and what stops its disposal.

Youth justice services commonly keep out-of-court disposals and referral orders for 3 years after
the case closes and statutory orders for 5 (docs/data-protection.md). A service can set its own
period per order type. A legal hold in force on the day stops disposal whatever the period says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from oversight.policy.facts import ORDER_TYPES

DEFAULT_RETENTION_YEARS: Mapping[str, int] = {
    "out_of_court_disposal": 3,
    "referral_order": 3,
    "youth_rehabilitation_order": 5,
    "detention_and_training_order": 5,
    "other": 5,
}
assert set(DEFAULT_RETENTION_YEARS) == set(ORDER_TYPES)


@dataclass(frozen=True, slots=True)
class Hold:
    case: str
    start: date
    until: date | None = None  # inclusive; None: until released

    def in_force(self, day: date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class RetentionDecision:
    case: str
    order_type: str
    closed: date | None
    years: int
    dispose_from: date | None  # the first day the record may be anonymised (None: the case is open)
    past_retention: bool  # on the day decided
    held: bool  # a legal hold is in force on the day decided

    @property
    def due(self) -> bool:
        """Past its retention period and not on legal hold: to be anonymised."""
        return self.past_retention and not self.held


def years_after(day: date, years: int) -> date:
    """The same date `years` later (29 February becomes 1 March in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def retention_years(order_type: str, overrides: Mapping[str, int] | None = None) -> int:
    return dict(DEFAULT_RETENTION_YEARS, **(overrides or {})).get(order_type, DEFAULT_RETENTION_YEARS["other"])


def decide(
    *, case: str, order_type: str, closed: date | None, today: date,
    overrides: Mapping[str, int] | None = None, holds: Iterable[Hold] = (),
) -> RetentionDecision:
    """Whether a case's record is past retention on `today`: closed, and `years` whole years have
    passed since the day it closed (a case closed on 2023-03-31 with 3 years may be anonymised from
    2026-04-01). Open cases are never past retention."""
    years = retention_years(order_type, overrides)
    dispose_from = date.fromordinal(years_after(closed, years).toordinal() + 1) if closed is not None else None
    held = any(h.case == case and h.in_force(today) for h in holds)
    past = dispose_from is not None and dispose_from <= today
    return RetentionDecision(case, order_type, closed, years, dispose_from, past, held)
