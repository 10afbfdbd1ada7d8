"""Cover judged day by day (buddy policy): COV-CONTACT, COV-DUTY-LOAD, COV-BUDDY-LOAD and COV-PAIRED.

Cover is judged on every working day of a window around the as-of day (`cover_lookback_days`
before, `cover_lookahead_days` after): the recent past, so that days a child had nobody are
seen, and the weeks ahead, so that gaps show before they happen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from oversight.policy.cover import COVERING_STEPS, CoverAnswer, Via, resolve_day
from oversight.policy.findings import Finding, Judgement, Status, fmt_day


def cover_window(j: Judgement) -> list[date]:
    first = j.today - timedelta(days=j.settings.cover_lookback_days)
    last = j.today + timedelta(days=j.settings.cover_lookahead_days)
    return list(j.calendar.working_days(first, last))


def check(j: Judgement, answers_on: Callable[[date], list[CoverAnswer]] | None = None) -> Iterator[Finding]:
    """The findings; `answers_on(day)`, when given, is `resolve_day(j.facts, day, known_at=j.as_of)`
    already worked out by the caller (the cover board resolves the same days for its cells)."""
    yield from _paired(j)
    duty_runs: dict[str, list[list[date]]] = defaultdict(list)
    load_runs: dict[str, list[tuple[date, int]]] = defaultdict(list)
    days = cover_window(j)
    for day in days:
        answers = answers_on(day) if answers_on is not None else resolve_day(j.facts, day, known_at=j.as_of)
        yield from _contact_breaches(j, day, answers)
        yield from _duty_load(j, day, answers)
        for answer in answers:
            if answer.via is Via.DUTY:
                _extend_run(duty_runs[answer.case], day, days)
        for person, total in _buddy_loads(j, day, answers).items():
            load_runs[person].append((day, total))
    yield from _duty_warnings(j, duty_runs)
    yield from _buddy_load_warnings(j, load_runs, days)


def _extend_run(runs: list[list[date]], day: date, days: list[date]) -> None:
    """Group consecutive working days into runs, so that one absence gives one warning."""
    if runs and days.index(runs[-1][-1]) + 1 == days.index(day):
        runs[-1].append(day)
    else:
        runs.append([day])


def _contact_breaches(j: Judgement, day: date, answers: list[CoverAnswer]) -> Iterator[Finding]:
    # COV-CONTACT: "children and young people have a named contact that they can go to in the event
    # of a crisis or concern". Nobody on a working day is a breach; ahead of time it is due.
    status = Status.BREACH if day <= j.today else Status.DUE
    for answer in answers:
        if answer.via is Via.NONE:
            reasons = "; ".join(p.reason for p in answer.passed_over)
            yield Finding(
                "COV-CONTACT", status, answer.case, case=answer.case, due=j.calendar.start_of(day),
                detail=f"Case {answer.case} has no named contact on {fmt_day(day)}: {reasons}.",
            )


def _duty_warnings(j: Judgement, runs: dict[str, list[list[date]]]) -> Iterator[Finding]:
    # COV-CONTACT: resolving to duty is allowed, but counts against duty load.
    for case_id in sorted(runs):
        for run in runs[case_id]:
            span = fmt_day(run[0]) if len(run) == 1 else f"{fmt_day(run[0])} to {fmt_day(run[-1])}"
            yield Finding(
                "COV-CONTACT", Status.WARNING, case_id, case=case_id, due=j.calendar.start_of(run[0]),
                detail=(
                    f"Case {case_id} falls to the duty officer on {span} ({len(run)} working days): "
                    "name a buddy or leave-sheet cover."
                ),
            )


def _duty_load(j: Judgement, day: date, answers: list[CoverAnswer]) -> Iterator[Finding]:
    # COV-DUTY-LOAD: "it is expected that the Duty system is not overloaded".
    limit = j.settings.duty_max_cases_per_officer
    load = Counter(a.contact for a in answers if a.via is Via.DUTY)
    for officer, count in sorted(load.items()):
        if count > limit:
            yield Finding(
                "COV-DUTY-LOAD", Status.WARNING, officer, due=j.calendar.start_of(day),
                detail=(
                    f"{j.names(officer)} on duty on {fmt_day(day)} would hold {count} cases of absent "
                    f"colleagues, above {limit}: arrange buddies or another duty officer."
                ),
            )


def _buddy_loads(j: Judgement, day: date, answers: list[CoverAnswer]) -> dict[str, int]:
    """People covering colleagues' cases on `day` whose total exceeds `buddy_max_total_cases`."""
    covering = Counter(a.contact for a in answers if a.via in COVERING_STEPS)
    own = Counter(a.case_manager for a in answers if a.case_manager in covering)
    limit = j.settings.buddy_max_total_cases
    return {p: own[p] + n for p, n in covering.items() if own[p] + n > limit}


def _buddy_load_warnings(j: Judgement, loads: dict[str, list[tuple[date, int]]], days) -> Iterator[Finding]:
    # COV-BUDDY-LOAD: "it may be difficult for one person to act as a Buddy for a full caseload …
    # the case-holder may appoint a number of buddies".
    for person in sorted(loads):
        runs: list[list[date]] = []
        totals = dict(loads[person])
        for day, _ in loads[person]:
            _extend_run(runs, day, days)
        for run in runs:
            peak = max(totals[d] for d in run)
            span = fmt_day(run[0]) if len(run) == 1 else f"{fmt_day(run[0])} to {fmt_day(run[-1])}"
            yield Finding(
                "COV-BUDDY-LOAD", Status.WARNING, person, due=j.calendar.start_of(run[0]),
                detail=(
                    f"{j.names(person)} would hold up to {peak} cases with the cases they cover on {span}, "
                    f"above {j.settings.buddy_max_total_cases}: the absent colleagues should nominate more buddies."
                ),
            )


def _paired(j: Judgement) -> Iterator[Finding]:
    # COV-PAIRED: "paired workers must be assigned to certain orders (ie. Detention and Training Orders)".
    facts, today = j.facts, j.today
    for case in sorted(facts.cases, key=lambda c: c.id):
        if not case.open_on(today) or case.order_type not in j.settings.paired_worker_orders:
            continue
        manager = facts.case_manager_on(case.id, today)
        label = case.order_type.replace("_", " ")
        if case.paired_worker is None:
            detail = f"Case {case.id} is a {label} with no paired worker: assign one."
        elif case.paired_worker == manager:
            detail = f"Case {case.id}'s paired worker {j.names(manager)} is also its case manager: assign another."
        else:
            continue
        yield Finding("COV-PAIRED", Status.BREACH, case.id, case=case.id, detail=detail)
