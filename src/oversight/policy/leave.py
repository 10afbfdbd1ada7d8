"""Absences and the leave sheet (buddy policy): COV-LEAVE-SHEET, COV-INFORMED and COV-REALLOCATE."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from oversight.policy.facts import Absence
from oversight.policy.findings import Finding, Judgement, Status, fmt_day


def check(j: Judgement) -> Iterator[Finding]:
    for absence in sorted(j.facts.absences, key=lambda a: (a.first_day, a.id)):
        yield from absence_findings(j, absence)


def absence_findings(j: Judgement, absence: Absence) -> Iterator[Finding]:
    """The findings about one absence (so that a page can show them with the absence)."""
    facts = j.facts
    if facts.staff_by_id.get(absence.staff) is None:
        return
    cases = facts.open_cases_of(absence.staff, absence.first_day)
    if cases:
        if absence.planned:
            yield from _planned_leave_sheet(j, absence, cases)
        else:
            yield from _unplanned_confirmation(j, absence)
        yield from _informed(j, absence)
    yield from _reallocation(j, absence)


def _accepted_manager(j: Judgement, staff_id: str, manager_id: str | None, day: date) -> bool:
    """The line manager that day, or anyone above them: cover arrangements go up the line."""
    return j.facts.is_above(manager_id, staff_id, day)


def _planned_leave_sheet(j: Judgement, absence: Absence, cases: list[str]) -> Iterator[Finding]:
    # COV-LEAVE-SHEET: "All case-holders must complete a leave sheet prior to taking leave … sent to
    # managers", naming cover for every case open on the first day.
    facts, cal = j.facts, j.calendar
    starts = cal.start_of(absence.first_day)
    status = Status.BREACH if j.as_of >= starts else Status.DUE
    sheet = facts.leave_sheet_by_absence.get(absence.id)

    def named() -> tuple[str, str]:  # who and which leave: only for a finding (most sheets give none)
        return j.names(absence.staff), f"leave {absence.id} from {fmt_day(absence.first_day)}"

    # As everywhere, what is dated after the as-of moment is not yet known.
    if sheet is None or sheet.submitted is None or sheet.submitted > j.as_of:
        who, when = named()
        yield Finding(
            "COV-LEAVE-SHEET", status, absence.staff, due=starts,
            detail=f"{who} has no leave sheet submitted for {when}: it must name cover for {len(cases)} cases.",
        )
        return
    if sheet.submitted >= starts:
        who, when = named()
        yield Finding(
            "COV-LEAVE-SHEET", Status.BREACH, absence.staff, due=starts,
            detail=(
                f"{who} submitted the leave sheet for {when} late, on "
                f"{fmt_day(cal.local_date(sheet.submitted))}: it is due before the leave starts."
            ),
        )
    if not _accepted_manager(j, absence.staff, sheet.submitted_to, cal.local_date(sheet.submitted)):
        line_manager = facts.line_manager_on(absence.staff, cal.local_date(sheet.submitted))
        who, when = named()
        yield Finding(
            "COV-LEAVE-SHEET", Status.BREACH, absence.staff, due=starts,
            detail=(
                f"{who}'s leave sheet for {when} was sent to {j.names(sheet.submitted_to)}, "
                f"not to the line manager {j.names(line_manager)}."
            ),
        )
    covered = {line.case for line in sheet.lines if line.cover is not None}
    for case_id in cases:
        if case_id not in covered:
            who, when = named()
            yield Finding(
                "COV-LEAVE-SHEET", status, absence.staff, case=case_id, due=starts,
                detail=f"{who}'s leave sheet for {when} names no cover for case {case_id}, open on the first day.",
            )


def _unplanned_confirmation(j: Judgement, absence: Absence) -> Iterator[Finding]:
    # COV-LEAVE-SHEET, unplanned absence: the line manager confirms cover by the end of the
    # `unplanned_cover_working_days`-th working day after the first day of absence.
    facts, cal = j.facts, j.calendar
    deadline = cal.end_of(cal.working_days_after(absence.first_day, j.settings.unplanned_cover_working_days))
    confirmations = [
        c
        for c in facts.cover_confirmations_by_absence.get(absence.id, ())
        if c.confirmed <= j.as_of
        and _accepted_manager(j, absence.staff, c.by, cal.local_date(c.confirmed))
    ]

    def what() -> str:  # worked out only for a finding
        return f"unplanned absence {absence.id} of {j.names(absence.staff)} from {fmt_day(absence.first_day)}"

    if confirmations:
        first = confirmations[0]
        if first.confirmed > deadline:
            yield Finding(
                "COV-LEAVE-SHEET", Status.BREACH, absence.staff, due=deadline,
                detail=(
                    f"Cover for the {what()} was confirmed late, on "
                    f"{fmt_day(cal.local_date(first.confirmed))}, by {j.names(first.by)}."
                ),
            )
        return
    status = Status.BREACH if j.as_of > deadline else Status.DUE
    manager = facts.line_manager_on(absence.staff, absence.first_day)
    yield Finding(
        "COV-LEAVE-SHEET", status, absence.staff, due=deadline,
        detail=f"The line manager {j.names(manager)} has not confirmed cover for the {what()}.",
    )


def _informed(j: Judgement, absence: Absence) -> Iterator[Finding]:
    # COV-INFORMED: "Case-managers should also let young people know who to go to in their
    # absence." Judged for absences that reach into the cover window: older ones are history.
    window_start = j.today - timedelta(days=j.settings.cover_lookback_days)
    if absence.actual_last_day is not None and absence.actual_last_day < window_start:
        return
    sheet = j.facts.leave_sheet_by_absence.get(absence.id)
    if sheet is None or sheet.submitted is None or sheet.submitted > j.as_of:
        return  # no sheet known at the as-of moment (COV-LEAVE-SHEET reports that)
    during = f"{j.names(absence.staff)}'s absence {absence.id} from {fmt_day(absence.first_day)}"
    for line in sheet.lines:
        if line.young_person_informed:
            continue
        # A sent sheet is answered for every case (the service and the loader refuse it otherwise);
        # should one arrive unanswered all the same, not knowing is no better than "not told".
        if line.young_person_informed is None:
            detail = (f"The leave sheet does not say whether the young person on case {line.case} was told "
                      f"who to contact during {during}.")
        else:
            detail = f"The young person on case {line.case} has not been told who to contact during {during}."
        yield Finding(
            "COV-INFORMED", Status.WARNING, absence.staff, case=line.case,
            due=j.calendar.start_of(absence.first_day), detail=detail,
        )


def reallocation_trigger(j: Judgement, absence: Absence) -> tuple[date, str] | None:
    """The day from which COV-REALLOCATE requires temporary reallocation, and why (None: never)."""
    cal, last_known = j.calendar, absence.actual_last_day or j.today
    triggers: list[tuple[date, str]] = []
    past_expected = absence.expected_last_day + timedelta(days=1)
    if past_expected <= last_known:
        triggers.append((past_expected, f"past its expected end {fmt_day(absence.expected_last_day)}"))
    if absence.kind == "sickness":
        limit = j.settings.long_sickness_working_days
        nth = cal.nth_working_day_from(absence.first_day, limit + 1)
        if nth <= last_known:
            triggers.append((nth, f"sickness longer than {limit} working days"))
    return min(triggers) if triggers else None


def _reallocation(j: Judgement, absence: Absence) -> Iterator[Finding]:
    # COV-REALLOCATE: "should leave be longer than anticipated or in incidents of long term sick
    # Managers will reallocate cases on a temporary basis."
    found = reallocation_trigger(j, absence)
    if found is None:
        return
    trigger, why = found
    facts, cal = j.facts, j.calendar
    deadline_day = cal.working_days_after(trigger, j.settings.reallocate_within_working_days)
    if absence.actual_last_day is not None and absence.actual_last_day < deadline_day:
        return  # back at work before reallocation fell due
    deadline = cal.end_of(deadline_day)
    status = Status.BREACH if j.as_of > deadline else Status.DUE
    check_day = min(deadline_day, j.today) if status is Status.DUE else deadline_day
    for case_id in facts.open_cases_of(absence.staff, trigger):
        case = facts.case_by_id[case_id]
        if not case.open_on(check_day) or facts.case_manager_on(case_id, check_day) != absence.staff:
            continue  # closed or moved to another case manager in the meantime
        reallocated = any(
            r.start <= deadline_day and (r.end is None or r.end >= trigger) and r.staff != absence.staff
            for r in facts.reallocations_by_case.get(case_id, ())
        )
        if reallocated:
            continue
        yield Finding(
            "COV-REALLOCATE", status, case_id, case=case_id, due=deadline,
            detail=(
                f"Case {case_id} of {j.names(absence.staff)} is not temporarily reallocated: absence "
                f"{absence.id} is {why}; reallocate by the end of {fmt_day(deadline_day)}."
            ),
        )
