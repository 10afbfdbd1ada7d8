"""Where a supervision's discussion or an oversight event sits in a decoded document.

Problems found once the document has been read (the store compares it with the database: decision
0003) are reported like the reader's own, with a JSON path, in document order. The facts hold their
lists in natural order, not the document's, so the places are taken from the decoded document
itself. A record the document does not hold is placed at the list it would be in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oversight.exchange.layout import DOCUMENT, LISTS
from oversight.exchange.problems import ROOT, Path

_SUPERVISIONS = ROOT.key("supervisions", DOCUMENT.rank("supervisions"))
_EVENTS = ROOT.key("oversight_events", DOCUMENT.rank("oversight_events"))
_DISCUSSIONS_RANK = LISTS["supervisions"].rank("discussions")


@dataclass
class Places:
    supervisions: dict[str, Path] = field(default_factory=dict)
    discussions: dict[tuple[str, str], Path] = field(default_factory=dict)
    oversight_events: dict[str, Path] = field(default_factory=dict)

    def discussion(self, session: str, case: str) -> Path:
        if (session, case) in self.discussions:
            return self.discussions[session, case]
        if session in self.supervisions:
            return self.supervisions[session].key("discussions", _DISCUSSIONS_RANK)
        return _SUPERVISIONS

    def oversight_event(self, ref: str) -> Path:
        return self.oversight_events.get(ref, _EVENTS)


def places(document: object) -> Places:
    """The places of the document's supervisions, discussions and oversight events (any input:
    what is not a readable record is skipped, as the reader has reported it already)."""
    out = Places()
    if not isinstance(document, dict):
        return out
    for index, session in _items(document.get("supervisions")):
        at = _SUPERVISIONS.item(index)
        ref = session.get("id")
        if not isinstance(ref, str):
            continue
        out.supervisions.setdefault(ref, at)
        for number, discussion in _items(session.get("discussions")):
            case = discussion.get("case")
            if isinstance(case, str):
                out.discussions.setdefault((ref, case), at.key("discussions", _DISCUSSIONS_RANK).item(number))
    for index, event in _items(document.get("oversight_events")):
        ref = event.get("id")
        if isinstance(ref, str):
            out.oversight_events.setdefault(ref, _EVENTS.item(index))
    return out


def _items(value: object):
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item
