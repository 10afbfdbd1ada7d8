"""Selectors: a whole service's facts from the database, in a fixed number of queries.

One query per table, whatever the number of cases and people, so that findings and cover for a
service cost the same number of round trips for 10 cases or 10,000 (issue: set-wise evaluation).
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from oversight.cover import models as cover
from oversight.people import models as people
from oversight.policy import facts as f
from oversight.policy.settings import PolicySettings
from oversight.supervision import models as sup


class UnknownService(LookupError):
    pass


def service_for(ref: str | None) -> people.Service:
    """The service named by `ref`, or the only one when `ref` is None."""
    if ref is not None:
        service = people.Service.objects.filter(ref=ref).first()
        if service is None:
            known = ", ".join(people.Service.objects.order_by("ref").values_list("ref", flat=True)) or "none loaded"
            raise UnknownService(f"no service with id {ref!r} (services: {known})")
        return service
    services = list(people.Service.objects.order_by("ref")[:2])
    if not services:
        raise UnknownService("no service is loaded: run 'oversight load FILE' or 'oversight demo' first")
    if len(services) > 1:
        known = ", ".join(people.Service.objects.order_by("ref").values_list("ref", flat=True))
        raise UnknownService(f"several services are loaded ({known}): choose one with --service")
    return services[0]


def service_facts(service: people.Service, *, with_casework: bool = True) -> f.ServiceFacts:
    """The whole service. `with_casework=False` leaves out supervision, oversight events, contacts
    and milestones: what cover resolution and the access policy need is loaded far faster."""
    tz = ZoneInfo(service.timezone)

    def local(moment):
        return moment.astimezone(tz) if moment is not None else None

    sid = service.pk
    staff = tuple(
        f.Staff(id=r, name=n, role=ro, discipline=d, employment=e, email=em, start=s, end=en)
        for r, n, ro, d, e, em, s, en in people.Staff.objects.filter(service_id=sid).values_list(
            "ref", "name", "role", "discipline", "employment", "email", "start", "end"
        )
    )
    reporting_lines = tuple(
        f.ReportingLine(staff=a, manager=b, start=s, end=e)
        for a, b, s, e in people.ReportingLine.objects.filter(service_id=sid).values_list(
            "staff__ref", "manager__ref", "start", "end"
        )
    )
    cases = tuple(
        f.Case(id=r, name=n, date_of_birth=dob, order_type=o, risk=ri, opened=op, closed=cl, paired_worker=pw)
        for r, n, dob, o, ri, op, cl, pw in people.Case.objects.filter(service_id=sid).values_list(
            "ref", "name", "date_of_birth", "order_type", "risk", "opened", "closed", "paired_worker__ref"
        )
    )
    allocations = tuple(
        f.Allocation(case=c, staff=s, start=st, end=en)
        for c, s, st, en in people.Allocation.objects.filter(service_id=sid).values_list(
            "case__ref", "staff__ref", "start", "end"
        )
    )
    buddies = tuple(
        f.BuddyNomination(staff=s, buddy=b, rank=r, start=st, end=en, approved_by=ap)
        for s, b, r, st, en, ap in cover.BuddyNomination.objects.filter(service_id=sid).values_list(
            "staff__ref", "buddy__ref", "rank", "start", "end", "approved_by__ref"
        )
    )
    absences = tuple(
        f.Absence(id=r, staff=s, kind=k, planned=p, first_day=fd, expected_last_day=ex, actual_last_day=ac)
        for r, s, k, p, fd, ex, ac in cover.Absence.objects.filter(service_id=sid).values_list(
            "ref", "staff__ref", "kind", "planned", "first_day", "expected_last_day", "actual_last_day"
        )
    )
    lines = defaultdict(list)
    for sheet, c, cov, inf, notes in cover.LeaveSheetLine.objects.filter(service_id=sid).values_list(
        "leave_sheet_id", "case__ref", "cover__ref", "young_person_informed", "notes"
    ):
        lines[sheet].append(f.LeaveSheetLine(case=c, cover=cov, young_person_informed=inf, notes=notes))
    leave_sheets = tuple(
        f.LeaveSheet(absence=a, submitted=local(s), submitted_to=to, lines=tuple(sorted(lines[pk], key=lambda x: x.case)))
        for pk, a, s, to in cover.LeaveSheet.objects.filter(service_id=sid).values_list(
            "pk", "absence__ref", "submitted", "submitted_to__ref"
        )
    )
    cover_confirmations = tuple(
        f.CoverConfirmation(absence=a, confirmed=local(c), by=b)
        for a, c, b in cover.CoverConfirmation.objects.filter(service_id=sid).values_list(
            "absence__ref", "confirmed", "by__ref"
        )
    )
    reallocations = tuple(
        f.Reallocation(case=c, staff=s, start=st, end=en, by=b)
        for c, s, st, en, b in cover.Reallocation.objects.filter(service_id=sid).values_list(
            "case__ref", "staff__ref", "start", "end", "by__ref"
        )
    )
    duty_rota = tuple(
        f.DutyShift(day=d, staff=s)
        for d, s in cover.DutyShift.objects.filter(service_id=sid).values_list("day", "staff__ref")
    )
    return f.ServiceFacts(
        service=f.Service(
            id=service.ref,
            name=service.name,
            timezone=service.timezone,
            holidays=service.holidays,
            settings=PolicySettings.from_mapping(service.settings),
        ),
        staff=staff,
        reporting_lines=reporting_lines,
        cases=cases,
        allocations=allocations,
        buddies=buddies,
        absences=absences,
        leave_sheets=leave_sheets,
        cover_confirmations=cover_confirmations,
        reallocations=reallocations,
        duty_rota=duty_rota,
        supervisions=_supervisions(sid, local) if with_casework else (),
        gap_records=() if not with_casework else tuple(
            f.GapRecord(staff=s, month=m, recorded=local(r), by=b)
            for s, m, r, b in sup.GapRecord.objects.filter(service_id=sid).values_list(
                "staff__ref", "month", "recorded", "by__ref"
            )
        ),
        frequency_overrides=() if not with_casework else tuple(
            f.FrequencyOverride(staff=s, every_days=e, start=st, end=en)
            for s, e, st, en in sup.FrequencyOverride.objects.filter(service_id=sid).values_list(
                "staff__ref", "every_days", "start", "end"
            )
        ),
        oversight_events=() if not with_casework else tuple(
            f.OversightEvent(id=r, case=c, kind=k, held=local(h), by=b, significant=s, recorded=local(rc), recorded_by=rb)
            for r, c, k, h, b, s, rc, rb in sup.OversightEvent.objects.filter(service_id=sid).values_list(
                "ref", "case__ref", "kind", "held", "by__ref", "significant", "recorded", "recorded_by__ref"
            )
        ),
        contacts=() if not with_casework else tuple(
            f.Contact(case=c, day=d, kind=k)
            for c, d, k in people.Contact.objects.filter(service_id=sid).values_list("case__ref", "day", "kind")
        ),
        milestones=() if not with_casework else tuple(
            f.Milestone(case=c, kind=k, due=d, completed=co)
            for c, k, d, co in people.Milestone.objects.filter(service_id=sid).values_list(
                "case__ref", "kind", "due", "completed"
            )
        ),
    )


def _supervisions(sid: int, local) -> tuple[f.Supervision, ...]:
    actions = defaultdict(list)
    for discussion, ref, text, owner, due, done, reason in sup.Action.objects.filter(service_id=sid).values_list(
        "discussion_id", "ref", "text", "owner__ref", "due", "done", "reason_not_done"
    ):
        actions[discussion].append(
            f.Action(id=ref, text=text, owner=owner, due=due, done=done, reason_not_done=reason)
        )
    discussions = defaultdict(list)
    for pk, session, case, depth, significant, recorded, recorded_by in sup.Discussion.objects.filter(
        service_id=sid
    ).values_list("pk", "supervision_id", "case__ref", "depth", "significant", "recorded", "recorded_by__ref"):
        discussions[session].append(
            f.Discussion(
                case=case, depth=depth, significant=significant, recorded=local(recorded), recorded_by=recorded_by,
                actions=tuple(sorted(actions[pk], key=lambda a: a.id)),
            )
        )
    participants = defaultdict(list)
    through = sup.Supervision.participants.through
    for session, staff in through.objects.filter(supervision__service_id=sid).values_list(
        "supervision_id", "staff__ref"
    ):
        participants[session].append(staff)
    return tuple(
        f.Supervision(
            id=ref, kind=kind, supervisor=supervisor,
            supervisees=(supervisee,) if supervisee else tuple(sorted(participants[pk])),
            held=local(held), minutes=minutes,
            discussions=tuple(sorted(discussions[pk], key=lambda d: d.case)),
        )
        for pk, ref, kind, supervisor, supervisee, held, minutes in sup.Supervision.objects.filter(
            service_id=sid
        ).values_list("pk", "ref", "kind", "supervisor__ref", "supervisee__ref", "held", "minutes")
    )
