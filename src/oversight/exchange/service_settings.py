"""`service.settings`: the service's changes to the rules' parameters (RULES.md, `code font`).

Only the names of `PolicySettings` are allowed; a missing or null one keeps its default. On export
only the values that differ from the defaults are written (`PolicySettings.changed()`).
"""

from __future__ import annotations

from typing import Any

from oversight.exchange.problems import Path, shown
from oversight.exchange.values import (
    DATE,
    INVALID,
    MONTH,
    Kind,
    Reader,
    choice,
    integer,
    list_of,
    repeated_keys,
)
from oversight.policy.facts import ORDER_TYPES, RISKS
from oversight.policy.settings import CONTACT_INTERVAL_BOUNDS, SETTING_BOUNDS, PolicySettings

# Every number setting is read within its bounds (policy/settings.py SETTING_BOUNDS): out of them is
# a problem at its JSON path, so `oversight load` lists it and exits 2 before anything is written.
_NUMBERS = {name: integer(low, high) for name, (low, high) in SETTING_BOUNDS.items()}
_INTERVAL = integer(*CONTACT_INTERVAL_BOUNDS)


def _read_intervals(r: Reader, value: Any, at: Path) -> Any:
    """`contact_interval_days`: risk level → days; risks left out keep their default."""
    if not isinstance(value, dict):
        return r.problem(at, "must be an object of risk level to number of days")
    repeated_keys(r, value, at)
    ok = True
    for key in value:
        if key not in RISKS:
            r.problem(at, f"unknown key {shown(key)}")
            ok = False
    intervals = {}
    for rank, risk in enumerate(RISKS):
        if risk in value:
            days = _INTERVAL.read(r, value[risk], at.key(risk, rank))
            ok = ok and days is not INVALID
            intervals[risk] = days
    return intervals if ok else INVALID


SETTING_KINDS: dict[str, Kind] = {
    **_NUMBERS,
    "paired_worker_orders": list_of(choice(ORDER_TYPES)),
    "contact_interval_days": Kind(_read_intervals),
    "stat_wednesday_anchor": DATE,  # dates: years 1900 to 2199, as everywhere in the document
    "compliance_start": MONTH,
    "closure_days": list_of(DATE),
}


def _read_settings(r: Reader, value: Any, at: Path) -> Any:
    if not isinstance(value, dict):
        return r.problem(at, "must be an object of setting names to values")
    repeated_keys(r, value, at)
    # A setting added to PolicySettings but not to SETTING_KINDS stays unknown here rather than
    # unchecked (a unit test keeps the two in step).
    names = [name for name in PolicySettings.names() if name in SETTING_KINDS]
    ok = True
    for key in value:
        if key not in names:
            r.problem(at, f"unknown key {shown(key)}")
            ok = False
    values = {}
    for rank, name in enumerate(names):
        raw = value.get(name)
        if raw is None:
            continue  # omitted or null: the default applies
        read = SETTING_KINDS[name].read(r, raw, at.key(name, rank))
        ok = ok and read is not INVALID
        values[name] = read
    return values if ok else INVALID


SETTINGS = Kind(
    _read_settings,
    build=lambda values: PolicySettings.from_mapping(values or {}),
    write=lambda settings, _tz: settings.changed(),
)
