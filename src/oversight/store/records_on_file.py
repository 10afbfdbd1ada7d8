"""A load never removes or changes a record on the child's file that was written in Oversight.

Such a record (a discussion's or an oversight event's notes, or an amendment of them) is never edited
in place or deleted: a correction is an amendment, which keeps the original and states why. The
exchange format carries no notes, so a document cannot say what the record says; what it does say
about the record (when it was recorded and by whom, and what it is a record of) must then match what
is on the file. A document that would remove such a record, or change any of that, is refused as a
whole with one problem per record, before anything is written (decision 0003). A document that
carries the record unchanged, as one exported after it was written does, loads, and the notes stay.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, Subquery

from oversight.exchange.document import to_document
from oversight.exchange.places import Places, places
from oversight.exchange.problems import InvalidDocument, Problems
from oversight.people.models import Service
from oversight.policy import facts as f
from oversight.supervision.models import Discussion, OversightEvent, RecordAmendment
from oversight.supervision.services import EVENT_NAMES

# What a load may not change about a record written in Oversight, by the document's key names: the
# record itself (when and by whom) and what it is a record of. A discussion's case and session are
# its key: a document that changes either no longer holds the discussion.
DISCUSSION_FIELDS = ("held", "depth", "significant", "recorded", "recorded_by")
EVENT_FIELDS = ("case", "kind", "held", "by", "significant", "recorded", "recorded_by")


class RecordsOnFile(InvalidDocument):
    """The document would remove or change records written in Oversight; `.problems` lists each."""


def refuse_changes(service: Service, facts: f.ServiceFacts, document: object | None = None) -> None:
    """Raise RecordsOnFile if loading `facts` would remove or change a record written in Oversight.

    `document` is the decoded document the facts were read from, so that each problem points at
    the record's place in it; without it, at the place an export of the facts would give it."""
    problems = Problems()
    located: Places | None = None

    def where() -> Places:
        nonlocal located
        if located is None:
            located = places(document if document is not None else to_document(facts))
        return located

    tz = ZoneInfo(service.timezone)
    sessions = {s.id: s for s in facts.supervisions}
    discussions = {(s.id, d.case): (s, d) for s in facts.supervisions for d in s.discussions}
    for row in _written_in_oversight(Discussion, service).values(
        "supervision__ref", "supervision__held", "case__ref", "depth", "significant", "recorded",
        "recorded_by__ref", "first_amended",
    ):
        session, case = row["supervision__ref"], row["case__ref"]
        what = f"discussion of case {case} in session {session}"
        written = _written_on(row, tz)
        found = discussions.get((session, case))
        if found is None:
            missing = "the document does not hold it" if session in sessions else \
                f"the document does not hold session {session}"
            problems.add(where().discussion(session, case), _removed(what, written, missing))
            continue
        held, discussion = found
        wanted = {"held": held.held, "depth": discussion.depth, "significant": discussion.significant,
                  "recorded": discussion.recorded, "recorded_by": discussion.recorded_by}
        changed = _changed(row, wanted, {"held": "supervision__held", "recorded_by": "recorded_by__ref"})
        if changed:
            problems.add(where().discussion(session, case), _changes(what, written, changed))
    events = {e.id: e for e in facts.oversight_events}
    for row in _written_in_oversight(OversightEvent, service).values(
        "ref", "case__ref", "kind", "held", "by__ref", "significant", "recorded", "recorded_by__ref", "first_amended",
    ):
        what = f"oversight event {row['ref']} ({EVENT_NAMES.get(row['kind'], row['kind'])} on case {row['case__ref']})"
        written = _written_on(row, tz)
        event = events.get(row["ref"])
        if event is None:
            problems.add(where().oversight_event(row["ref"]), _removed(what, written, "the document does not hold it"))
            continue
        wanted = {name: getattr(event, name) for name in EVENT_FIELDS}
        changed = _changed(row, wanted, {"case": "case__ref", "by": "by__ref", "recorded_by": "recorded_by__ref"})
        if changed:
            problems.add(where().oversight_event(row["ref"]), _changes(what, written, changed))
    if problems:
        raise RecordsOnFile(problems.in_document_order())


def _written_in_oversight(model, service: Service):
    """The service's rows of `model` whose record was written in Oversight: notes, or an amendment."""
    link = "discussion" if model is Discussion else "oversight_event"
    amendments = RecordAmendment.objects.filter(**{link: OuterRef("pk")})
    return (
        model.objects.filter(service=service)
        .annotate(amended=Exists(amendments), first_amended=Subquery(amendments.order_by("at").values("at")[:1]))
        .filter(~Q(notes="") | Q(amended=True))
        .order_by("pk")
    )


def _written_on(row: dict, tz: ZoneInfo) -> str:
    moment: datetime | None = row["recorded"] or row["first_amended"]
    return f" on {moment.astimezone(tz).date().isoformat()}" if moment is not None else ""


def _changed(row: dict, wanted: dict, columns: dict[str, str]) -> list[str]:
    # Moments compare as instants: the database and the document may hold them in different zones.
    return [name for name, value in wanted.items() if row[columns.get(name, name)] != value]


def _removed(what: str, written: str, missing: str) -> str:
    return (f"{what}: its record on the child's file was written in Oversight{written} and cannot be removed "
            f"by a load, but {missing}; keep it in the document (an export of the service holds it), and "
            "amend it in Oversight if it needs correcting")


def _changes(what: str, written: str, changed: list[str]) -> str:
    return (f"{what}: its record on the child's file was written in Oversight{written} and cannot be changed "
            f"by a load, but the document changes its {', '.join(changed)}; amend it in Oversight instead")
