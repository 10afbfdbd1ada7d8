"""Reads for the casework pages: the casework of a few cases, added to a service's cover facts.

The whole service's supervision history is large; the caseload and the child's file need only the
discussions, decisions, contacts and milestones of the cases on the page (one query per table).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from oversight.people import models as people
from oversight.policy import facts as f
from oversight.supervision import models as sup


def with_casework_of(
    facts: f.ServiceFacts, service: people.Service, case_refs: list[str], *, held_since: datetime | None = None
) -> f.ServiceFacts:
    """`facts` (loaded without casework) with the casework of `case_refs` only: the sessions that
    discussed them (with only those discussions), their oversight events, contacts and milestones.
    `held_since` leaves out sessions and events held before it."""
    tz = ZoneInfo(service.timezone)

    def local(moment):
        return moment.astimezone(tz) if moment is not None else None

    # The cases' ids first, through the service's (service, ref) index: filtering the casework by
    # `case__ref` made PostgreSQL scan every service's cases (about 50 ms a table nationally).
    case_ids = list(people.Case.objects.filter(service=service, ref__in=case_refs).values_list("pk", flat=True))
    discussions = sup.Discussion.objects.filter(service=service, case_id__in=case_ids)
    events = sup.OversightEvent.objects.filter(service=service, case_id__in=case_ids)
    if held_since is not None:
        discussions = discussions.filter(supervision__held__gte=held_since)
        events = events.filter(held__gte=held_since)
    actions = defaultdict(list)
    for discussion_id, ref, text, owner, due, done, reason in sup.Action.objects.filter(
        discussion__in=discussions
    ).values_list("discussion_id", "ref", "text", "owner__ref", "due", "done", "reason_not_done"):
        actions[discussion_id].append(
            f.Action(id=ref, text=text, owner=owner, due=due, done=done, reason_not_done=reason)
        )
    by_session = defaultdict(list)
    for pk, session_id, case, depth, significant, recorded, recorded_by in discussions.values_list(
        "pk", "supervision_id", "case__ref", "depth", "significant", "recorded", "recorded_by__ref"
    ):
        by_session[session_id].append(f.Discussion(
            case=case, depth=depth, significant=significant, recorded=local(recorded), recorded_by=recorded_by,
            actions=tuple(sorted(actions[pk], key=lambda a: a.id)),
        ))
    participants = defaultdict(list)
    for session_id, staff in sup.Supervision.participants.through.objects.filter(
        supervision_id__in=list(by_session)
    ).values_list("supervision_id", "staff__ref"):
        participants[session_id].append(staff)
    supervisions = tuple(
        f.Supervision(
            id=ref, kind=kind, supervisor=supervisor,
            supervisees=(supervisee,) if supervisee else tuple(sorted(participants[pk])),
            held=local(held), minutes=minutes, discussions=tuple(sorted(by_session[pk], key=lambda d: d.case)),
        )
        for pk, ref, kind, supervisor, supervisee, held, minutes in sup.Supervision.objects.filter(
            pk__in=list(by_session)
        ).values_list("pk", "ref", "kind", "supervisor__ref", "supervisee__ref", "held", "minutes")
    )
    oversight_events = tuple(
        f.OversightEvent(id=r, case=c, kind=k, held=local(h), by=b, significant=s, recorded=local(rc), recorded_by=rb)
        for r, c, k, h, b, s, rc, rb in events.values_list(
            "ref", "case__ref", "kind", "held", "by__ref", "significant", "recorded", "recorded_by__ref"
        )
    )
    contacts = tuple(
        f.Contact(case=c, day=d, kind=k)
        for c, d, k in people.Contact.objects.filter(service=service, case_id__in=case_ids).values_list(
            "case__ref", "day", "kind"
        )
    )
    milestones = tuple(
        f.Milestone(case=c, kind=k, due=d, completed=co)
        for c, k, d, co in people.Milestone.objects.filter(service=service, case_id__in=case_ids).values_list(
            "case__ref", "kind", "due", "completed"
        )
    )
    return replace(facts, supervisions=supervisions, oversight_events=oversight_events, contacts=contacts,
                   milestones=milestones)
