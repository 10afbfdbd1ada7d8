"""The child's file: key details, today's named contact and how it was found, allocation and cover
history, and a timeline of supervision discussions, management decisions, MARP and audits."""

from __future__ import annotations

import re

from django.shortcuts import render
from django.template.loader import render_to_string

from oversight.accounts.permissions import case_for, cover_facts, local_now, page_policy, require_identity
from oversight.policy import data_quality
from oversight.policy.access import SENIOR_ROLES, case_audit_access
from oversight.policy.casefile import cover_history, last_face_to_face, next_discussion_due, record_findings
from oversight.policy.cover import resolve_day
from oversight.policy.findings import Judgement
from oversight.supervision.selectors import case_records, record_writer
from oversight.web.casework.display import (
    DEPTHS,
    EVENT_KINDS,
    KINDS,
    ORDERS,
    RISKS,
    SESSION_KINDS,
    VIA_LABELS,
    deadline_text,
    long_day,
    moment_text,
    name_of,
    span_text,
)
from oversight.web.casework.home import url_or_none
from oversight.web.casework.selectors import with_casework_of

RECORD_TAGS = {"breach": "overdue", "due": "due"}


def _record_state(findings, recorded, recorded_by, facts, tz) -> dict:
    """How the record of a discussion or decision stands, from its REC-* findings."""
    deadline = next((f for f in findings if f.rule == "REC-DEADLINE"), None)
    author = next((f for f in findings if f.rule == "REC-AUTHOR"), None)
    if deadline is not None:
        if recorded is not None:
            tag = ("Late", "breach")
        else:
            tag = ("Overdue", "breach") if str(deadline.status) == "breach" else ("Due", "due")
        words = deadline.detail[0].upper() + deadline.detail[1:]
    elif recorded is not None:
        tag, words = ("Recorded in time", "met"), ""
    else:
        tag, words = None, ""
    return {
        "tag": tag,
        "words": words,
        "deadline": deadline_text(deadline.due, tz) if deadline else "",
        "recorded": f"{moment_text(recorded, tz)} by {name_of(facts, recorded_by)}" if recorded else "Not recorded",
        "author": author.detail if author else "",
    }


def _written(view, tz, write_url, label: str) -> dict:
    """The record's words on the file (with every amendment, the original kept) and where to write it."""
    if view is None:
        return {"url": write_url, "label": label}
    return {
        "label": label,
        "text": view.current_text,
        "original": view.notes if view.amendments else "",
        "amendments": [{"text": a.text, "reason": a.reason, "by": a.by, "at": moment_text(a.at, tz)}
                       for a in view.amendments],
        "url": write_url,
        "on_file": view.on_file,
    }


def _timeline(facts, case_ref, rec, tz, written, may_write) -> list[dict]:
    """written: the records on the file by (kind, ident); may_write: whether the viewer writes records."""
    items = []
    for session in facts.supervisions:
        for d in session.discussions:
            if d.case != case_ref:
                continue
            record = _record_state(rec.get(("supervision", session.id, case_ref), []), d.recorded, d.recorded_by,
                                   facts, tz) if session.is_formal else None
            if record is not None:
                url = url_or_none("web:record-amend", case_ref, "discussion", session.id) if may_write else None
                record["file"] = _written(written.get(("discussion", session.id)), tz, url, f"of supervision {session.id}")
            text = render_to_string("web/casework/_discussion.html", {
                "session": session,
                "kind": SESSION_KINDS.get(session.kind, session.kind),
                "with": ", ".join(name_of(facts, s) for s in session.supervisees),
                "depth": DEPTHS.get(d.depth, d.depth),
                "significant": d.significant,
                "record": record,
                "actions": [
                    {"text": a.text, "owner": name_of(facts, a.owner) if a.owner else "Not named",
                     "due": long_day(a.due) if a.due else "No date", "done": long_day(a.done) if a.done else "",
                     "reason": a.reason_not_done or ""}
                    for a in d.actions
                ],
            })
            items.append({
                "title": f"{SESSION_KINDS.get(session.kind, session.kind)} supervision {session.id}",
                "byline": name_of(facts, session.supervisor),
                "datetime": session.held,
                "when": moment_text(session.held, tz),
                "iso": session.held.astimezone(tz).isoformat(timespec="minutes"),
                "text": text,
            })
    for event in facts.oversight_events:
        if event.case != case_ref:
            continue
        record = _record_state(rec.get(("event", event.id, case_ref), []), event.recorded, event.recorded_by, facts, tz)
        url = url_or_none("web:record-amend", case_ref, "event", event.id) if may_write else None
        record["file"] = _written(written.get(("event", event.id)), tz, url, f"of {event.id}")
        items.append({
            "title": f"{EVENT_KINDS.get(event.kind, event.kind)} {event.id}",
            "byline": name_of(facts, event.by),
            "datetime": event.held,
            "when": moment_text(event.held, tz),
            "iso": event.held.astimezone(tz).isoformat(timespec="minutes"),
            "text": render_to_string("web/casework/_event.html", {"event": event, "record": record}),
        })
    return sorted(items, key=lambda i: i["datetime"], reverse=True)


@page_policy("case")
def case_file(request, ref: str):
    case, access = case_for(request, ref, purpose="opened the child's file")
    identity = require_identity(request)
    now, today = local_now(identity)
    facts = with_casework_of(cover_facts(request, identity), identity.service, [ref])
    judgement = Judgement.at(facts, now)
    facts, calendar, tz = judgement.facts, judgement.calendar, judgement.calendar.tz
    fc = facts.case_by_id[ref]
    is_open = fc.open_on(today)
    answer = resolve_day(facts, today, [ref], known_at=now)[0] if is_open else None
    manager = facts.case_manager_on(ref, today)
    seen = last_face_to_face(facts, ref, today)
    rec = record_findings(judgement)
    quality = [f for f in data_quality.check(judgement) if f.case == ref]

    allocations = [
        {"who": name_of(facts, a.staff), "dates": span_text(a.start, a.end), "kind": "Case manager"}
        for a in reversed(facts.allocations_by_case.get(ref, ()))
    ] + [
        {"who": name_of(facts, r.staff), "dates": span_text(r.start, r.end),
         "kind": "Temporary reallocation" + (f" by {name_of(facts, r.by)}" if r.by else "")}
        for r in reversed(facts.reallocations_by_case.get(ref, ()))
    ]
    cover = []
    for episode in cover_history(facts, ref, calendar, today, known_at=now):
        a = episode.absence
        kind = KINDS.get(a.kind, a.kind)
        if a.first_day > today:
            absence = f"{kind} booked {span_text(a.first_day, a.expected_last_day)}"
        elif a.actual_last_day is not None:
            absence = f"{kind} {span_text(a.first_day, a.actual_last_day)}"
        else:
            absence = (f"{kind} from {long_day(a.first_day)}: return not recorded "
                       f"(expected back after {long_day(a.expected_last_day)})")
        if not a.planned:
            sheet = "Unplanned: no leave sheet"
        elif episode.sheet is None:
            sheet = "No leave sheet sent"
        elif episode.sheet_cover:
            sheet = f"Named {name_of(facts, episode.sheet_cover)}"
        else:
            sheet = "Sent, but names no cover for this case"
        cover.append({
            "manager": name_of(facts, episode.case_manager),
            "absence": absence,
            "ref": a.id,
            "sheet": sheet,
            "informed": {True: "Yes", False: "No", None: ""}[episode.young_person_informed],
            "notes": episode.sheet_notes or "",
            "spells": [
                {"who": name_of(facts, s.contact), "via": VIA_LABELS[str(s.via)],
                 "dates": span_text(s.first, s.last), "days": s.days, "none": str(s.via) == "none"}
                for s in episode.spells
            ],
        })
    details = [
        {"key": "Case", "value": f"{ref}: {fc.name}"},
        {"key": "Date of birth", "value": long_day(fc.date_of_birth) if fc.date_of_birth else "Not recorded"},
        {"key": "Order", "value": ORDERS.get(fc.order_type, fc.order_type)},
        {"key": "Risk of serious harm", "value": RISKS.get(fc.risk, fc.risk)},
        {"key": "Open", "value": span_text(fc.opened, fc.closed) if fc.closed else f"Since {long_day(fc.opened)}"},
        {"key": "Case manager", "value": name_of(facts, manager) if manager else "None allocated today"},
        {"key": "Paired worker", "value": name_of(facts, fc.paired_worker) if fc.paired_worker else "None"},
        {"key": "Last seen face to face", "value": long_day(seen) if seen else "Not recorded"},
    ]
    if is_open:
        details.append({"key": "Next discussed at supervision",
                        "value": deadline_text(next_discussion_due(facts, ref, calendar, now), tz)})
    details.append({"key": "Why you can see this file", "value": access.basis.capitalize()})
    person = facts.staff_by_id.get(identity.viewer.staff) if identity.viewer.staff else None
    senior = identity.viewer.performance or (person is not None and person.role in SENIOR_ROLES)
    may_write = record_writer(identity.service, facts, identity.viewer, [ref])(ref, access)
    written = {(v.kind, v.ident): v for v in case_records(identity.service, case)}
    return render(request, "web/casework/case.html", {
        "case": fc,
        "case_model": case,
        "pdf_url": url_or_none("web:timeline-pdf", ref),
        "subject_access_url": url_or_none("web:subject-access", ref) if senior else None,
        "audit_url": url_or_none("web:case-audit", ref) if case_audit_access(
            cover_facts(request, identity), identity.viewer, ref, today).allowed else None,
        "is_open": is_open,
        "details": details,
        "answer": answer and {
            "contact": name_of(facts, answer.contact),
            "via": VIA_LABELS[str(answer.via)],
            "nobody": str(answer.via) == "none",
            "passed_over": [
                re.sub(rf"(?<![\w-]){re.escape(p.staff)}(?![\w-])", f"{name_of(facts, p.staff)} ({p.staff})", p.reason, 1)
                if p.staff else p.reason
                for p in answer.passed_over
            ],
        },
        "today": long_day(today),
        "allocations": allocations,
        "cover": cover,
        "timeline": _timeline(facts, ref, rec, tz, written, may_write),
        # A closed case takes no new decision; only the records still owed on its file are written.
        "new_record_url": url_or_none("web:oversight-new", ref) if may_write and access.can_act else None,
        "quality": [{"status": str(f.status), "detail": f.detail, "rule": f.rule} for f in quality],
        "read_only": not access.can_act,
        "records_only": not access.can_act and may_write,
    })
