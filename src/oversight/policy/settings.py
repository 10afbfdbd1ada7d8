"""Service-level settings of the rules (RULES.md: parameters in `code font`), with their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

DEFAULT_CONTACT_INTERVAL_DAYS = MappingProxyType({"low": 28, "medium": 14, "high": 7, "very_high": 7})

# The lowest and highest value each number setting may take (docs/exchange.md, "Bounds of the
# service settings"). The exchange loader enforces them (exchange/service_settings.py), which is the
# only way settings enter Oversight. Why bounds at all: the rules count working days and walk day by
# day, so a typing slip such as 1000000000 would make every run of the rules hang or overflow; a
# lower bound keeps each rule meaningful ("within 0 working days after" cannot be counted, a
# contact interval of 0 days would breach every case every day). The upper bounds are far above
# anything a youth justice service would choose and still small enough to compute quickly.
SETTING_BOUNDS: MappingProxyType = MappingProxyType({
    "record_working_days": (1, 60),  # about three months of working days
    "urgent_record_hours": (1, 168),  # a week: longer is not "urgent"
    "gap_min_absent_working_days": (1, 23),  # no month has more than 23 working days
    "return_supervision_working_days": (1, 60),
    "unplanned_cover_working_days": (1, 20),  # a working month
    "long_sickness_working_days": (1, 260),  # a working year
    "reallocate_within_working_days": (1, 60),
    "duty_max_cases_per_officer": (1, 200),
    "buddy_max_total_cases": (1, 200),
    "cover_lookback_days": (0, 366),  # cover is judged on each day of the window: at most a year
    "cover_lookahead_days": (0, 366),
})
CONTACT_INTERVAL_BOUNDS = (1, 365)  # each risk level of `contact_interval_days`


@dataclass(frozen=True, slots=True)
class PolicySettings:
    record_working_days: int = 5  # REC-DEADLINE
    urgent_record_hours: int = 24  # REC-DEADLINE
    gap_min_absent_working_days: int = 5  # SUP-GAP
    return_supervision_working_days: int = 5  # SUP-RETURN
    unplanned_cover_working_days: int = 1  # COV-LEAVE-SHEET
    long_sickness_working_days: int = 20  # COV-REALLOCATE
    reallocate_within_working_days: int = 2  # COV-REALLOCATE
    paired_worker_orders: tuple[str, ...] = ("detention_and_training_order",)  # COV-PAIRED
    duty_max_cases_per_officer: int = 8  # COV-DUTY-LOAD
    buddy_max_total_cases: int = 25  # COV-BUDDY-LOAD
    contact_interval_days: MappingProxyType = field(default=DEFAULT_CONTACT_INTERVAL_DAYS)  # DQ-SEEN
    stat_wednesday_anchor: date = date(2025, 1, 8)
    compliance_start: str | None = None  # YYYY-MM; None: month of the earliest allocation
    # Oversight's own choices (docs/decisions/0003-rule-interpretations.md): the days around the
    # as-of moment on which cover is judged for COV-CONTACT, COV-DUTY-LOAD and COV-BUDDY-LOAD.
    cover_lookback_days: int = 28
    cover_lookahead_days: int = 28
    closure_days: tuple[date, ...] = ()  # local closure days that are not working days

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> PolicySettings:
        """Build settings from already-validated plain values (as in an exchange document)."""
        values = dict(values or {})
        if "paired_worker_orders" in values:
            values["paired_worker_orders"] = tuple(values["paired_worker_orders"])
        if "closure_days" in values:
            values["closure_days"] = tuple(_as_date(d) for d in values["closure_days"])
        if "stat_wednesday_anchor" in values:
            values["stat_wednesday_anchor"] = _as_date(values["stat_wednesday_anchor"])
        if "contact_interval_days" in values:
            merged = dict(DEFAULT_CONTACT_INTERVAL_DAYS) | dict(values["contact_interval_days"])
            values["contact_interval_days"] = MappingProxyType(merged)
        return cls(**values)

    def changed(self) -> dict[str, Any]:
        """The settings that differ from the defaults, as plain JSON values (for export)."""
        default = PolicySettings()
        out: dict[str, Any] = {}
        for name in self.names():
            value, base = getattr(self, name), getattr(default, name)
            if value != base:
                out[name] = _plain(value)
        return out


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, MappingProxyType):
        return dict(value)
    return value
