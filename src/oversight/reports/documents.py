"""What the printable documents and the subject access export contain, read from the database.

`case_record` gathers everything Oversight holds about one child (the subject access export prints
all of it; the oversight timeline puts it in date order). `leave_sheet_document` and
`supervision_document` gather one leave sheet and one supervision session. Callers decide access
first (accounts.permissions.case_for) and pass `visible` to leave out cases the reader may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from oversight.cover import models as cover
from oversight.people import models as people
from oversight.policy.findings import long_day
from oversight.supervision import models as sup

try:  # records written in Oversight, corrected by amendments (supervision app)
    from oversight.supervision.models import RecordAmendment
except ImportError:  # pragma: no cover - older schema
    RecordAmendment = None


def _person(staff) -> dict | None:
    return {"id": staff.ref, "name": staff.name} if staff is not None else None


def _amendments(**where) -> list[dict]:
    if RecordAmendment is None:
        return []
    return [
        {"at": a.at, "by": _person(a.by), "text": a.text, "reason": a.reason}
        for a in RecordAmendment.objects.filter(**where).select_related("by").order_by("at", "id")
    ]


def _label(choices, value) -> str:
    return dict(choices).get(value, value or "")


def case_record(case: people.Case) -> dict:
    """The child's whole record in Oversight, as plain values (dates stay dates)."""
    service = case.service
    record: dict = {
        "case": {
            "id": case.ref, "name": case.name, "date_of_birth": case.date_of_birth,
            "order_type": case.order_type, "order_type_label": _label(people.ORDER_CHOICES, case.order_type),
            "risk": case.risk, "risk_label": _label(people.RISK_CHOICES, case.risk),
            "opened": case.opened, "closed": case.closed, "paired_worker": _person(case.paired_worker),
        },
        "allocations": [
            {"case_manager": _person(a.staff), "from": a.start, "to": a.end}
            for a in case.allocations.select_related("staff").order_by("start")
        ],
        "reallocations": [
            {"to": _person(r.staff), "from": r.start, "until": r.end, "by": _person(r.by)}
            for r in case.reallocations.select_related("staff", "by").order_by("start")
        ],
        "leave_cover": [
            {
                "absence": line.leave_sheet.absence.ref, "case_manager": _person(line.leave_sheet.absence.staff),
                "first_day": line.leave_sheet.absence.first_day,
                "expected_last_day": line.leave_sheet.absence.expected_last_day,
                "actual_last_day": line.leave_sheet.absence.actual_last_day,
                "sheet_submitted": line.leave_sheet.submitted, "cover": _person(line.cover),
                "young_person_informed": line.young_person_informed, "notes": line.notes or "",
            }
            for line in cover.LeaveSheetLine.objects.filter(service=service, case=case)
            .select_related("leave_sheet__absence__staff", "cover").order_by("leave_sheet__absence__first_day")
        ],
        "discussions": [],
        "oversight_events": [],
        "contacts": [
            {"day": c.day, "kind": c.kind, "kind_label": _label(people.CONTACT_CHOICES, c.kind)}
            for c in case.contacts.order_by("day", "kind")
        ],
        "milestones": [
            {"kind": m.kind, "due": m.due, "completed": m.completed} for m in case.milestones.order_by("due", "kind")
        ],
    }
    for d in (sup.Discussion.objects.filter(service=service, case=case)
              .select_related("supervision__supervisor", "supervision__supervisee", "recorded_by")
              .order_by("supervision__held")):
        session = d.supervision
        record["discussions"].append({
            "session": session.ref, "kind": session.kind, "held": session.held,
            "supervisor": _person(session.supervisor), "supervisee": _person(session.supervisee),
            "depth": d.depth, "depth_label": _label(sup.DEPTH_CHOICES, d.depth), "significant": d.significant,
            "recorded": d.recorded, "recorded_by": _person(d.recorded_by), "notes": getattr(d, "notes", "") or "",
            "amendments": _amendments(discussion=d),
            "actions": [
                {"id": a.ref, "text": a.text, "owner": _person(a.owner), "due": a.due, "done": a.done,
                 "reason_not_done": a.reason_not_done or ""}
                for a in d.actions.select_related("owner").order_by("ref")
            ],
        })
    for e in case.oversight_events.select_related("by", "recorded_by").order_by("held"):
        record["oversight_events"].append({
            "id": e.ref, "kind": e.kind, "kind_label": _label(sup.EVENT_CHOICES, e.kind), "held": e.held,
            "by": _person(e.by), "significant": e.significant, "recorded": e.recorded,
            "recorded_by": _person(e.recorded_by), "notes": getattr(e, "notes", "") or "",
            "amendments": _amendments(oversight_event=e),
        })
    return record


@dataclass(frozen=True)
class TimelineEntry:
    when: date | datetime
    title: str
    byline: str = ""
    lines: tuple[str, ...] = ()
    notes: str = ""
    amendments: tuple[dict, ...] = field(default=())
    order: int = 5  # among entries of the same moment: the case opening first, its closing last

    @property
    def timed(self) -> bool:
        return isinstance(self.when, datetime)


def _day(day, weekday: bool = True) -> str:
    """ "Tue 27 January 2026", as the pages write dates."""
    return long_day(day) if weekday else f"{day.day} {day:%B %Y}"


def _moment(moment: datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{_day(local)} {local:%H:%M}"


def _name(person: dict | None) -> str:
    return f"{person['name']} ({person['id']})" if person else "nobody"


def timeline(record: dict, tz, messages: list[dict] = ()) -> list[TimelineEntry]:
    """The child's oversight in date order: allocation, cover, supervision, decisions, contact, milestones."""
    c = record["case"]
    out = [TimelineEntry(c["opened"], "Case opened", lines=(f"{c['order_type_label']}, {c['risk_label'].lower()} risk",),
                         order=0)]
    if c["closed"]:
        out.append(TimelineEntry(c["closed"], "Case closed", order=9))
    for a in record["allocations"]:
        out.append(TimelineEntry(a["from"], f"Allocated to {_name(a['case_manager'])}",
                                 lines=(f"Until {_day(a['to'])}",) if a["to"] else ()))
    for r in record["reallocations"]:
        until = f" until {_day(r['until'])}" if r["until"] else ""
        out.append(TimelineEntry(r["from"], f"Temporarily reallocated to {_name(r['to'])}{until}",
                                 byline=f"By {_name(r['by'])}" if r["by"] else ""))
    for line in record["leave_cover"]:
        last = line["actual_last_day"] or line["expected_last_day"]
        out.append(TimelineEntry(
            line["first_day"], f"{_name(line['case_manager'])} away (absence {line['absence']})",
            lines=(f"Until {_day(last)}", f"Cover named on the leave sheet: {_name(line['cover'])}",
                   "Young person told who to contact: "
                   + {True: "yes", False: "no", None: "not answered"}[line["young_person_informed"]]),
            notes=line["notes"],
        ))
    for d in record["discussions"]:
        recorded = (f"Recorded {_moment(d['recorded'], tz)} by {_name(d['recorded_by'])}"
                    if d["recorded"] else "Not yet recorded")
        lines = [f"{d['depth_label']}{', significant or urgent' if d['significant'] else ''}", recorded]
        lines += [f"Action {a['id']}: {a['text']} (owner {_name(a['owner'])}"
                  + (f", due {_day(a['due'], weekday=False)}" if a["due"] else "")
                  + (f", done {_day(a['done'], weekday=False)}" if a["done"] else "") + ")" for a in d["actions"]]
        out.append(TimelineEntry(d["held"], f"Discussed at {d['kind']} supervision {d['session']}",
                                 byline=f"{_name(d['supervisor'])} with {_name(d['supervisee'])}",
                                 lines=tuple(lines), notes=d["notes"], amendments=tuple(d["amendments"])))
    for e in record["oversight_events"]:
        recorded = (f"Recorded {_moment(e['recorded'], tz)} by {_name(e['recorded_by'])}"
                    if e["recorded"] else "Not yet recorded")
        out.append(TimelineEntry(e["held"], f"{e['kind_label']} {e['id']}", byline=f"By {_name(e['by'])}",
                                 lines=(recorded,), notes=e["notes"], amendments=tuple(e["amendments"])))
    for contact in record["contacts"]:
        out.append(TimelineEntry(contact["day"], f"Contact: {contact['kind_label'].lower()}"))
    for m in record["milestones"]:
        done = f"Completed {_day(m['completed'])}" if m["completed"] else "Not completed"
        out.append(TimelineEntry(m["due"], f"{m['kind'].capitalize()} due", lines=(done,)))
    for msg in messages:
        out.append(TimelineEntry(msg["created"], f"Message to {msg['to']}: {msg['status']}", lines=(msg["about"],)))

    def key(entry: TimelineEntry) -> tuple:
        when = entry.when
        if isinstance(when, datetime):
            when = when.astimezone(tz).replace(tzinfo=None)
        else:
            when = datetime.combine(when, datetime.min.time())
        return (when, entry.order, entry.title)

    return sorted(out, key=key)


def leave_sheet_document(absence: cover.Absence, visible: Callable[[str], bool]) -> dict:
    sheet = cover.LeaveSheet.objects.filter(absence=absence).select_related("submitted_to").first()
    lines, withheld = [], 0
    if sheet is not None:
        for line in sheet.lines.select_related("case", "cover").order_by("case__ref"):
            if not visible(line.case.ref):
                withheld += 1
                continue
            lines.append({"case": line.case.ref, "name": line.case.name, "cover": _person(line.cover),
                          "young_person_informed": line.young_person_informed, "notes": line.notes or ""})
    return {
        "absence": absence, "kind_label": _label(cover.ABSENCE_CHOICES, absence.kind), "sheet": sheet,
        "lines": lines, "withheld": withheld,
        "confirmations": list(absence.cover_confirmations.select_related("by").order_by("confirmed")),
    }


def supervision_document(session: sup.Supervision, visible: Callable[[str], bool]) -> dict:
    discussions, withheld = [], 0
    for d in session.discussions.select_related("case", "recorded_by").order_by("case__ref"):
        if not visible(d.case.ref):
            withheld += 1
            continue
        discussions.append({
            "case": d.case.ref, "name": d.case.name, "depth_label": _label(sup.DEPTH_CHOICES, d.depth),
            "significant": d.significant, "recorded": d.recorded, "recorded_by": _person(d.recorded_by),
            "notes": getattr(d, "notes", "") or "", "amendments": _amendments(discussion=d),
            "actions": [
                {"id": a.ref, "text": a.text, "owner": _person(a.owner), "due": a.due, "done": a.done,
                 "reason_not_done": a.reason_not_done or ""}
                for a in d.actions.select_related("owner").order_by("ref")
            ],
        })
    return {
        "session": session, "kind_label": _label(sup.SUPERVISION_CHOICES, session.kind),
        "participants": [_person(p) for p in session.participants.order_by("ref")],
        "discussions": discussions, "withheld": withheld,
    }
