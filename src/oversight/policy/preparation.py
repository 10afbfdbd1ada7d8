"""Preparing for formal supervision: the pack a line manager reviews before the session.

The supervision policy: "The line manager should prepare prior to the supervision session by
reviewing cases, checking whether young people have been seen, whether assessments, planning and
reviewing has taken place", and "case managers need to prepare for supervision by deciding in
advance which cases require a more in-depth discussion … Many cases will be stable and need only a
basic check in".

Nothing here is a rule with findings of its own: the pack gathers, per open case of the supervisee,
what the rules and the facts already say (the data-quality findings, the last discussion, the
actions still open), and suggests a depth. The suggestion is only that: the manager and the case
manager set the agenda.

It also answers two questions the supervision pages ask about a gap in supervision through leave:
which absences made the gap, and when the priority session on return falls (the window SUP-RETURN
judges).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from oversight.policy.calendar import month_first_day, month_last_day
from oversight.policy.facts import Absence, Case, ServiceFacts, in_range
from oversight.policy.findings import Finding, Judgement

IN_DEPTH_RISKS = frozenset({"high", "very_high"})
IN_DEPTH_EVERY_MONTHS = 3  # suggest an in-depth discussion when there has been none for this long
DATA_QUALITY_RULES = ("DQ-SEEN", "DQ-ASSESSMENT", "DQ-PLAN", "DQ-REVIEW")
MILESTONE_RULES = {"assessment": "DQ-ASSESSMENT", "plan": "DQ-PLAN", "review": "DQ-REVIEW"}


# -- the suggested depth --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DepthSuggestion:
    depth: str  # "in_depth" or "check_in" (facts.DEPTHS)
    reasons: tuple[str, ...] = ()  # why in depth, in words a manager reads; none for a check-in

    @property
    def in_depth(self) -> bool:
        return self.depth == "in_depth"


def suggest_depth(
    *,
    risk: str,
    significant_last_time: bool,
    open_data_quality: Iterable[str],
    last_in_depth: date | None,
    opened: date,
    today: date,
    months: int = IN_DEPTH_EVERY_MONTHS,
) -> DepthSuggestion:
    """In depth when the risk of serious harm is high or very high, when the last discussion was
    significant or urgent, when a data-quality finding is open on the case, or when it has not been
    discussed in depth for `months` months (counted from its opening if it never was); otherwise a
    check-in."""
    reasons: list[str] = []
    if risk in IN_DEPTH_RISKS:
        reasons.append(f"{risk.replace('_', ' ')} risk of serious harm")
    if significant_last_time:
        reasons.append("significant or urgent at the last discussion")
    open_rules = sorted(set(open_data_quality))
    if open_rules:
        plural = "s" if len(open_rules) > 1 else ""
        reasons.append(f"data-quality finding{plural} open: {', '.join(open_rules)}")
    since = last_in_depth or opened
    if add_months(since, months) <= today:
        reasons.append(
            f"not discussed in depth for {months} months or more"
            if last_in_depth
            else f"never discussed in depth, open {months} months or more"
        )
    return DepthSuggestion("in_depth" if reasons else "check_in", tuple(reasons))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter): 31 Jan + 1 = 28 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, month_last_day(year, month + 1).day))


# -- the preparation pack -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MilestoneState:
    kind: str  # assessment, plan, review
    due: date | None  # the outstanding one's due date, else the last completed one's
    completed: date | None  # None while outstanding
    overdue: bool  # a DQ-ASSESSMENT / DQ-PLAN / DQ-REVIEW finding is open on the case

    @property
    def known(self) -> bool:
        return self.due is not None


@dataclass(frozen=True, slots=True)
class LastDiscussion:
    session: str
    held: datetime
    depth: str
    significant: bool
    formal: bool


@dataclass(frozen=True, slots=True)
class OpenAction:
    id: str
    case: str
    session: str
    text: str
    owner: str | None
    due: date | None
    overdue: bool  # past its due date (SUP-ACTION once the date has passed with no reason noted)


@dataclass(frozen=True, slots=True)
class CasePreparation:
    case: Case
    reallocated: bool  # temporarily reallocated to the supervisee, not their own case
    last_seen: date | None  # last face-to-face contact known on the day
    seen_overdue: bool  # a DQ-SEEN finding is open
    milestones: tuple[MilestoneState, ...]
    last_discussion: LastDiscussion | None
    last_in_depth: date | None
    open_actions: tuple[OpenAction, ...]
    findings: tuple[Finding, ...]  # every finding about the case today
    suggestion: DepthSuggestion


def cases_to_discuss(facts: ServiceFacts, staff_id: str, day: date) -> list[str]:
    """The cases a formal session with the person on `day` must discuss: every case open that day
    and allocated to them ("Every open case, without exception, must be discussed each monthly
    supervision"), in identifier order."""
    return sorted(set(facts.open_cases_of(staff_id, day)))


def reallocated_to(facts: ServiceFacts, staff_id: str, day: date) -> list[str]:
    """Open cases temporarily reallocated to the person on `day` (discussed at their supervision,
    they count for the month too)."""
    return sorted(
        case_id
        for case_id, reallocations in facts.reallocations_by_case.items()
        if any(r.staff == staff_id and in_range(day, r.start, r.end) for r in reallocations)
        and case_id in facts.case_by_id
        and facts.case_by_id[case_id].open_on(day)
    )


def preparation_pack(
    facts: ServiceFacts, staff_id: str, as_of: datetime, findings: Iterable[Finding],
    *, months: int = IN_DEPTH_EVERY_MONTHS,
) -> list[CasePreparation]:
    """Per open case of the supervisee on the as-of day (their own, then any reallocated to them):
    risk, last seen, milestones, last discussion, open actions and a suggested depth.

    `findings` are the engine's findings at `as_of` (so that overdue visits and milestones are the
    rules' judgement, not a second one)."""
    j = Judgement.at(facts, as_of)
    known, today = j.facts, j.today
    by_case: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.case:
            by_case.setdefault(finding.case, []).append(finding)
    history = _discussions_by_case(known, as_of)
    own = cases_to_discuss(known, staff_id, today)
    extra = [c for c in reallocated_to(known, staff_id, today) if c not in own]
    pack = []
    for case_id in [*own, *extra]:
        case = known.case_by_id[case_id]
        case_findings = tuple(by_case.get(case_id, ()))
        rules = {f.rule for f in case_findings}
        discussions = history.get(case_id, [])
        last = discussions[-1] if discussions else None
        last_in_depth = max((d.held for d in discussions if d.depth == "in_depth"), default=None)
        last_in_depth_day = j.calendar.local_date(last_in_depth) if last_in_depth else None
        pack.append(
            CasePreparation(
                case=case,
                reallocated=case_id in extra,
                last_seen=_last_seen(known, case_id, today),
                seen_overdue="DQ-SEEN" in rules,
                milestones=tuple(_milestones(known, case_id, today, rules)),
                last_discussion=last,
                last_in_depth=last_in_depth_day,
                open_actions=tuple(open_actions(known, as_of, cases=[case_id])),
                findings=case_findings,
                suggestion=suggest_depth(
                    risk=case.risk,
                    significant_last_time=bool(last and last.significant),
                    open_data_quality=[r for r in rules if r in DATA_QUALITY_RULES],
                    last_in_depth=last_in_depth_day,
                    opened=case.opened,
                    today=today,
                    months=months,
                ),
            )
        )
    return pack


def open_actions(
    facts: ServiceFacts, as_of: datetime, *, cases: Iterable[str] = (), supervisee: str | None = None
) -> list[OpenAction]:
    """Actions agreed at sessions held by `as_of` on the given cases, or at the supervisee's own
    formal sessions, that are neither done nor have a reason noted, oldest session first."""
    cases = set(cases)
    today = as_of.astimezone(ZoneInfo(facts.service.timezone)).date()
    found: dict[str, OpenAction] = {}
    for session in facts.sessions_in_order:
        if session.held > as_of:
            continue
        theirs = supervisee is not None and session.is_formal and supervisee in session.supervisees
        for discussion in session.discussions:
            if discussion.case not in cases and not theirs:
                continue
            for action in discussion.actions:
                done = action.done is not None and action.done <= today
                noted = bool(action.reason_not_done and action.reason_not_done.strip())
                if done or noted:
                    continue
                found.setdefault(action.id, OpenAction(
                    id=action.id, case=discussion.case, session=session.id, text=action.text,
                    owner=action.owner, due=action.due, overdue=action.due is not None and action.due < today,
                ))
    return list(found.values())


def _discussions_by_case(facts: ServiceFacts, as_of: datetime) -> dict[str, list[LastDiscussion]]:
    history: dict[str, list[LastDiscussion]] = {}
    for session in facts.sessions_in_order:
        if session.held > as_of:
            continue
        for d in session.discussions:
            history.setdefault(d.case, []).append(
                LastDiscussion(session.id, session.held, d.depth, d.significant, session.is_formal)
            )
    return history


def _last_seen(facts: ServiceFacts, case_id: str, today: date) -> date | None:
    contacts = facts.contacts_by_case.get(case_id, ())
    seen = [c.day for c in contacts if c.kind == "face_to_face" and c.day <= today]
    return seen[-1] if seen else None


def _milestones(facts: ServiceFacts, case_id: str, today: date, rules: set[str]) -> Iterable[MilestoneState]:
    mine = sorted((m for m in facts.milestones if m.case == case_id), key=lambda m: m.due)
    for kind, rule in MILESTONE_RULES.items():
        of_kind = [m for m in mine if m.kind == kind]
        outstanding = [m for m in of_kind if m.completed is None or m.completed > today]
        completed = [m for m in of_kind if m.completed is not None and m.completed <= today]
        if outstanding:
            yield MilestoneState(kind, outstanding[0].due, None, rule in rules)
        elif completed:
            last = max(completed, key=lambda m: m.completed)
            yield MilestoneState(kind, last.due, last.completed, rule in rules)
        else:
            yield MilestoneState(kind, None, None, rule in rules)


# -- a gap in supervision through leave -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GapOffer:
    """What a manager is offered for a gap month: the absences that made it, and the priority
    session on return (from the first working day back to the end of the
    `return_supervision_working_days`-th working day after it, the window SUP-RETURN judges)."""

    staff: str
    month: str  # YYYY-MM
    absences: tuple[Absence, ...]  # those that took at least one working day of the month
    absent_working_days: int
    back: date | None  # first working day back; None while no return is recorded
    priority_by: date | None  # the last day of the priority window
    returning_from: str | None  # the absence the return is from


def gap_offer(j: Judgement, staff_id: str, year: int, month: int) -> GapOffer:
    first, last = month_first_day(year, month), month_last_day(year, month)
    absences, days = [], set()
    for absence in j.facts.absences_by_staff.get(staff_id, ()):
        end = last if absence.actual_last_day is None else min(absence.actual_last_day, last)
        worked = list(j.calendar.working_days(max(absence.first_day, first), end))
        if worked:
            absences.append(absence)
            days.update(worked)
    back = by = None
    latest = max(absences, key=lambda a: (a.first_day, a.id)) if absences else None
    if latest is not None and latest.actual_last_day is not None:
        back = j.calendar.working_days_after(latest.actual_last_day, 1)
        by = j.calendar.working_days_after(back, j.settings.return_supervision_working_days)
    return GapOffer(
        staff=staff_id, month=f"{year:04d}-{month:02d}", absences=tuple(absences),
        absent_working_days=len(days), back=back, priority_by=by, returning_from=latest.id if latest else None,
    )
