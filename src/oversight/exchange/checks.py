"""Checks across records: unique ids and natural keys, references, date ranges, and the
consistency the rules rely on (no overlapping allocations, reporting lines or absences, etc.).

They run on the rows as read, using only values that were read without problem, so that one bad
value is reported once and not again as a consequence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from oversight.exchange.layout import Row
from oversight.exchange.problems import shown
from oversight.exchange.values import INVALID, Reader

# Records compared pairwise (overlaps) skip rows already reported as repeats or as bad ranges.
_Skip = set[int]


def check_document(r: Reader, document: Row) -> None:
    skip: _Skip = set()
    _unique_ids(r, document, skip)
    _unique_natural_keys(r, document, skip)
    _references(r, document)
    _ranges(r, document, skip)
    _staff(r, document)
    _supervisions(r, document)
    _submitted_sheets_answered(r, document)
    _not_themselves(r, document)
    _overlaps(r, document, skip)
    _paired_workers(r, document)
    _recorded_after_held(r, document)


# -- helpers -------------------------------------------------------------------------------
def _rows(document: Row, name: str) -> list[Row]:
    return document.children(name)


def _nested(document: Row) -> Iterator[Row]:
    """Every row of the document, nested ones included (leave sheet lines, discussions, actions)."""
    stack = [document]
    while stack:
        row = stack.pop()
        yield row
        for name in row.layout.nested:
            value = row.values[name]
            if isinstance(value, Row):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, Row))


def _actions(document: Row) -> Iterator[Row]:
    for session in _rows(document, "supervisions"):
        for discussion in session.children("discussions"):
            yield from discussion.children("actions")


def _first_seen(
    r: Reader, rows: Iterable[Row], key: Callable[[Row], Any], message: Callable[[Row, Row], str]
) -> set[int]:
    """Report every row whose key was already seen; return the ids of the rows reported."""
    seen: dict[Any, Row] = {}
    repeated: set[int] = set()
    for row in rows:
        value = key(row)
        if value is None:
            continue
        if value in seen:
            r.problem(row.at, message(row, seen[value]))
            repeated.add(id(row))
        else:
            seen[value] = row
    return repeated


def _key(*names: str) -> Callable[[Row], tuple | None]:
    def key(row: Row) -> tuple | None:
        values = tuple(map(row.values.__getitem__, names))
        for value in values:
            if value is None or value is INVALID:
                return None
        return values

    return key


# -- uniqueness ----------------------------------------------------------------------------
def _unique_ids(r: Reader, document: Row, skip: _Skip) -> None:
    def used(row: Row, first: Row) -> str:
        return f"id {shown(row.values['id'])} is already used at {first.at}"

    for name in ("staff", "cases", "absences", "supervisions", "oversight_events"):
        skip |= _first_seen(r, _rows(document, name), _key("id"), used)
    # Actions are numbered across the whole document, not per discussion.
    _first_seen(r, _actions(document), _key("id"), used)


# (list, keys that must not repeat) — the natural key of each list that has no id.
NATURAL_KEYS = {
    "reporting_lines": ("staff", "from"),
    "allocations": ("case", "from"),
    "buddies": ("staff", "buddy", "from"),
    "leave_sheets": ("absence",),
    "cover_confirmations": ("absence", "confirmed", "by"),
    "reallocations": ("case", "from"),
    "gap_records": ("staff", "month"),
    "frequency_overrides": ("staff", "from"),
    "duty_rota": ("date", "staff"),
    "contacts": ("case", "date", "kind"),
    "milestones": ("case", "kind", "due"),
}


def _repeats(names: tuple[str, ...]) -> Callable[[Row, Row], str]:
    same = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    def message(row: Row, first: Row) -> str:
        return f"duplicates the {first.layout.what} at {first.at} (same {same})"

    return message


def _unique_natural_keys(r: Reader, document: Row, skip: _Skip) -> None:
    for name, keys in NATURAL_KEYS.items():
        skip |= _first_seen(r, _rows(document, name), _key(*keys), _repeats(keys))
    for session in _rows(document, "supervisions"):
        _first_seen(r, session.children("discussions"), _key("case"), _repeats(("case",)))
    for sheet in _rows(document, "leave_sheets"):
        _first_seen(r, sheet.children("cases"), _key("case"), _repeats(("case",)))


# -- references ----------------------------------------------------------------------------
def _ids(document: Row, name: str) -> set[str] | None:
    """The ids a list defines; None when some of them could not be read. References are then not
    checked against the list: one mistyped id would otherwise be reported again at every
    reference to it, burying the one problem to fix."""
    value = document.values.get(name) or []
    if value is INVALID or not all(isinstance(row, Row) and row.has("id") for row in value):
        return None
    return {row.values["id"] for row in value}


def _references(r: Reader, document: Row) -> None:
    known = {
        "staff": _ids(document, "staff"),
        "case": _ids(document, "cases"),
        "absence": _ids(document, "absences"),
    }
    for row in _nested(document):
        for field in row.layout.references:
            ids = known.get(field.ref)
            value = row.values[field.name]
            if ids is None or value is None or value is INVALID:
                continue
            # The path is worked out only for a reference that does not exist.
            if isinstance(value, list):
                for index, ref in enumerate(value):
                    if ref not in ids:
                        r.problem(row.path(field.name).item(index), _unknown(field.ref, ref))
            elif value not in ids:
                r.problem(row.path(field.name), _unknown(field.ref, value))


def _unknown(what: str, ref: str) -> str:
    return f"{what} {shown(ref)} does not exist"


# -- ranges --------------------------------------------------------------------------------
RANGES = {
    "staff": [("start", "end")],
    "reporting_lines": [("from", "to")],
    "cases": [("opened", "closed")],
    "allocations": [("from", "to")],
    "buddies": [("from", "to")],
    "absences": [("first_day", "expected_last_day"), ("first_day", "actual_last_day")],
    "reallocations": [("from", "to")],
    "frequency_overrides": [("from", "to")],
}


def _ranges(r: Reader, document: Row, skip: _Skip) -> None:
    for name, pairs in RANGES.items():
        for row in _rows(document, name):
            for first, last in pairs:
                if row.has(first) and row.has(last) and row.values[last] < row.values[first]:
                    r.problem(
                        row.path(last),
                        f"must not be before {first} ({row.values[first].isoformat()})",
                    )
                    skip.add(id(row))


# -- single records ------------------------------------------------------------------------
def _staff(r: Reader, document: Row) -> None:
    for row in _rows(document, "staff"):
        if not row.has("role") or row.values["discipline"] is INVALID:
            continue
        discipline = row.values["discipline"]
        if row.values["role"] == "specialist" and discipline is None:
            r.problem(row.path("discipline"), "is required for a specialist")
        elif row.values["role"] != "specialist" and discipline is not None:
            r.problem(row.path("discipline"), "must be null unless the role is specialist")


def _supervisions(r: Reader, document: Row) -> None:
    for row in _rows(document, "supervisions"):
        if not row.has("supervisees"):
            continue
        supervisees = row.values["supervisees"]
        here = row.path("supervisees")
        if not supervisees:
            r.problem(here, "must name at least one supervisee")
        elif row.get("kind") == "formal" and len(supervisees) > 1:
            r.problem(here, "must name exactly one supervisee for a formal supervision")
        if row.has("supervisor") and row.values["supervisor"] in supervisees:
            index = supervisees.index(row.values["supervisor"])
            r.problem(here.item(index), "must not be the supervisor")


def _submitted_sheets_answered(r: Reader, document: Row) -> None:
    # COV-INFORMED: a sheet is sent only once it says, for every case, whether the young person was
    # told who to contact; only a draft may leave the answer null ("not answered yet").
    for sheet in _rows(document, "leave_sheets"):
        if not sheet.has("submitted"):
            continue
        for line in sheet.children("cases"):
            if line.values.get("young_person_informed") is None:
                r.problem(line.path("young_person_informed"),
                          "must be true or false once the leave sheet is submitted")


def _not_themselves(r: Reader, document: Row) -> None:
    for name, other in (("buddies", "buddy"), ("reporting_lines", "manager")):
        for row in _rows(document, name):
            if row.has("staff") and row.get(other) == row.values["staff"]:
                r.problem(row.path(other), "must not be the staff member themselves")


# -- overlaps ------------------------------------------------------------------------------
def _overlaps(r: Reader, document: Row, skip: _Skip) -> None:
    # A case has one case manager at a time; a person one line manager at a time; and a person
    # cannot book two absences over the same days. An absence with no return recorded is judged
    # here by its expected last day, so that leave can be booked ahead while another absence runs.
    _no_overlap(r, _rows(document, "allocations"), "case", "from", "to", skip)
    _no_overlap(r, _rows(document, "reporting_lines"), "staff", "from", "to", skip)
    _no_overlap(r, _rows(document, "absences"), "staff", "first_day", "actual_last_day", skip, "expected_last_day")


def _no_overlap(
    r: Reader, rows: list[Row], owner: str, first: str, last: str, skip: _Skip, fallback: str | None = None
) -> None:
    """Report each pair of overlapping ranges of one owner, at the later record of the document.

    A sweep in order of start compares each range with the one reaching furthest so far, so that a
    list of thousands of records costs n log n, not n².
    """
    groups: dict[Any, list[tuple[int, Row]]] = defaultdict(list)
    for index, row in enumerate(rows):
        usable = row.has(owner) and row.has(first) and row.values.get(last) is not INVALID
        if fallback is not None and usable and row.values.get(last) is None:
            usable = row.has(fallback)
        if usable and id(row) not in skip:
            groups[row.values[owner]].append((index, row))
    for members in groups.values():
        members.sort(key=lambda member: (member[1].values[first], member[0]))

        def end_of(row: Row) -> date | None:
            value = row.values[last]
            return row.values[fallback] if value is None and fallback is not None else value

        furthest: tuple[int, Row] | None = None
        for index, row in members:
            if furthest is not None:
                end: date | None = end_of(furthest[1])
                if end is None or end >= row.values[first]:
                    earlier, later = sorted([furthest, (index, row)], key=lambda member: member[0])
                    r.problem(later[1].at, f"overlaps the {row.layout.what} at {earlier[1].at}")
            if furthest is None or _reaches_further(end_of(row), end_of(furthest[1])):
                furthest = (index, row)


def _reaches_further(end: date | None, than: date | None) -> bool:
    return than is not None and (end is None or end > than)


# -- relations between lists ---------------------------------------------------------------
def _paired_workers(r: Reader, document: Row) -> None:
    managers: dict[str, list[Row]] = defaultdict(list)
    for allocation in _rows(document, "allocations"):
        if allocation.has("case") and allocation.has("staff"):
            managers[allocation.values["case"]].append(allocation)
    for case in _rows(document, "cases"):
        if not (case.has("id") and case.has("paired_worker")):
            continue
        for allocation in managers.get(case.values["id"], ()):
            if allocation.values["staff"] == case.values["paired_worker"]:
                r.problem(
                    case.path("paired_worker"),
                    f"is the case manager in the allocation at {allocation.at}",
                )


def _recorded_after_held(r: Reader, document: Row) -> None:
    for session in _rows(document, "supervisions"):
        for discussion in session.children("discussions"):
            _not_before(r, discussion, session, "the session was held")
    for event in _rows(document, "oversight_events"):
        _not_before(r, event, event, "the event was held")


def _not_before(r: Reader, row: Row, held_by: Row, what: str) -> None:
    if row.has("recorded") and held_by.has("held") and row.values["recorded"] < held_by.values["held"]:
        held = held_by.values["held"].astimezone(r.tz).isoformat()
        r.problem(row.path("recorded"), f"must not be before {what} ({held})")
