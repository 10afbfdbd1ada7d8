"""The generated world as an `oversight-exchange/1` document: EXCHANGE.md's key order, every list sorted."""

from __future__ import annotations

from datetime import date, datetime

from oversight.demo.world import World

FORMAT = "oversight-exchange/1"


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _m(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else None


def to_document(world: World, name: str) -> dict:
    return {
        "format": FORMAT,
        "service": {
            "id": world.service_id,
            "name": name,
            "timezone": "Europe/London",
            "holidays": "england-and-wales",
            "settings": {},
        },
        "staff": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "discipline": p.discipline,
                "employment": p.employment,
                "email": p.email,
                "start": _d(p.start),
                "end": _d(p.end),
            }
            for p in sorted(world.staff, key=lambda p: p.id)
        ],
        "reporting_lines": [
            {"staff": l.staff, "manager": l.manager, "from": _d(l.start), "to": _d(l.end)}
            for l in sorted(world.lines, key=lambda l: (l.staff, l.start))
        ],
        "cases": [
            {
                "id": c.id,
                "name": c.name,
                "date_of_birth": _d(c.date_of_birth),
                "order_type": c.order_type,
                "risk": c.risk,
                "opened": _d(c.opened),
                "closed": _d(c.closed),
                "paired_worker": c.paired_worker,
            }
            for c in sorted(world.cases, key=lambda c: c.id)
        ],
        "allocations": [
            {"case": a.case.id, "staff": a.staff, "from": _d(a.start), "to": _d(a.end)}
            for a in sorted(world.allocations, key=lambda a: (a.case.id, a.start))
        ],
        "buddies": [
            {
                "staff": n.staff,
                "buddy": n.buddy,
                "rank": n.rank,
                "from": _d(n.start),
                "to": _d(n.end),
                "approved_by": n.approved_by,
            }
            for n in sorted(world.buddies, key=lambda n: (n.staff, n.rank, n.start, n.buddy))
        ],
        "absences": [
            {
                "id": a.id,
                "staff": a.staff,
                "kind": a.kind,
                "planned": a.planned,
                "first_day": _d(a.first_day),
                "expected_last_day": _d(a.expected_last_day),
                "actual_last_day": _d(a.actual_last_day),
            }
            for a in sorted(world.absences, key=lambda a: a.id)
        ],
        "leave_sheets": [
            {
                "absence": a.id,
                "submitted": _m(a.sheet.submitted),
                "submitted_to": a.sheet.submitted_to,
                "cases": [
                    {
                        "case": ln.case.id,
                        "cover": ln.cover,
                        "young_person_informed": ln.informed,
                        "notes": ln.notes,
                    }
                    for ln in sorted(a.sheet.lines, key=lambda ln: ln.case.id)
                ],
            }
            for a in sorted(world.absences, key=lambda a: a.id)
            if a.sheet
        ],
        "cover_confirmations": [
            {"absence": a.id, "confirmed": _m(a.confirmation.confirmed), "by": a.confirmation.by}
            for a in sorted(world.absences, key=lambda a: a.id)
            if a.confirmation
        ],
        "reallocations": [
            {"case": r.case.id, "staff": r.staff, "from": _d(r.start), "to": _d(r.end), "by": r.by}
            for r in sorted(world.reallocations, key=lambda r: (r.case.id, r.start))
        ],
        "duty_rota": [{"date": _d(day), "staff": staff} for day, staff in sorted(world.rota)],
        "supervisions": [
            {
                "id": s.id,
                "kind": s.kind,
                "supervisor": s.supervisor,
                "supervisees": sorted(s.supervisees),
                "held": _m(s.held),
                "minutes": s.minutes,
                "discussions": [
                    {
                        "case": d.case.id,
                        "depth": d.depth,
                        "significant": d.significant,
                        "recorded": _m(d.recorded),
                        "recorded_by": d.recorded_by,
                        "actions": [
                            {
                                "id": a.id,
                                "text": a.text,
                                "owner": a.owner,
                                "due": _d(a.due),
                                "done": _d(a.done),
                                "reason_not_done": a.reason_not_done,
                            }
                            for a in sorted(d.actions, key=lambda a: a.id)
                        ],
                    }
                    for d in sorted(s.discussions, key=lambda d: d.case.id)
                ],
            }
            for s in sorted(world.sessions, key=lambda s: s.id)
        ],
        "gap_records": [
            {"staff": g.staff, "month": g.month, "recorded": _m(g.recorded), "by": g.by}
            for g in sorted(world.gap_records, key=lambda g: (g.staff, g.month))
        ],
        "frequency_overrides": [
            {"staff": o.staff, "every_days": o.every_days, "from": _d(o.start), "to": _d(o.end)}
            for o in sorted(world.overrides, key=lambda o: (o.staff, o.start))
        ],
        "oversight_events": [
            {
                "id": e.id,
                "case": e.case.id,
                "kind": e.kind,
                "held": _m(e.held),
                "by": e.by,
                "significant": e.significant,
                "recorded": _m(e.recorded),
                "recorded_by": e.recorded_by,
            }
            for e in sorted(world.events, key=lambda e: e.id)
        ],
        "contacts": [
            {"case": c.id, "date": _d(day), "kind": kind}
            for c, day, kind in sorted(world.contacts, key=lambda x: (x[0].id, x[1], x[2]))
        ],
        "milestones": [
            {"case": c.id, "kind": kind, "due": _d(due), "completed": _d(done)}
            for c, kind, due, done in sorted(world.milestones, key=lambda m: (m[0].id, m[2], m[1]))
        ],
    }
