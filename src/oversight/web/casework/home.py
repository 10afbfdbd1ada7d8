"""The home page: what needs me now. The findings that are mine to act on (and, for a manager, my
team's), soonest deadline first, each with a link to the place where it is put right."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from oversight.accounts.permissions import cover_facts, local_now, may_reach, page_policy, require_identity
from oversight.policy.access import case_access
from oversight.policy.catalogue import BY_ID
from oversight.policy.findings import Judgement
from oversight.policy.ownership import Fix, Owned, mine_and_team
from oversight.store.cache import owners_and_facts
from oversight.supervision.selectors import record_writer
from oversight.web.casework.display import deadline_text, name_of, relative_days

TEAM_PAGE_SIZE = 25


def url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another area has not built yet
        return None


def fix_link(fix: Fix | None, finding, me: str, may_open) -> tuple[str, str] | None:
    """(href, link text) of the page where the finding is put right, for the signed-in person: only a
    page `may_open` lets them into (else the child's file, if they may read it; else no link), so
    that no link on the page ends at "Page not found"."""
    link, case, write = None, None, False  # the case the page is about, and whether it writes on it
    if fix is not None:
        if fix.kind == "leave_sheet":
            link = (url_or_none("web:leave-sheet", fix.ref), "Open the leave sheet")
        elif fix.kind == "buddies" and fix.ref == me:
            link = (url_or_none("web:buddies"), "Open my buddies")
        elif fix.kind in ("buddies", "cover"):
            link = (url_or_none("web:cover-board"), "Open team cover")
        elif fix.kind == "covering" and fix.ref == me:
            link = (url_or_none("web:covering"), "Open cases I cover")
        elif fix.kind == "supervision":
            link = (url_or_none("web:supervision"), "Open supervision")
        elif fix.kind == "duty":
            link = (url_or_none("web:duty"), "Open the duty list")
        elif fix.kind == "record" and fix.record:
            link = (url_or_none("web:record-amend", fix.ref, *fix.record), f"Open the record ({fix.ref})")
            case, write = fix.ref, True
        elif fix.kind == "case":
            link = (url_or_none("web:case", fix.ref), f"Open the child's file ({fix.ref})")
            case = fix.ref
    if link is not None and not may_open(link[0], case, write):
        link = None
    if link is None and finding.case:
        href = url_or_none("web:case", finding.case)
        link = (href, f"Open the child's file ({finding.case})") if may_open(href, finding.case) else None
    return link if link and link[0] else None


def _may_open(request, identity, now, today, shown: list[Owned]):
    """Whether a link leads the signed-in person somewhere: past the page's policy (the role) and, for
    a child's case, past the access policy (and, for a record's page, `record_writer`: they write
    records on that file, and it is not anonymised). `shown`: what the page shows, whose records'
    files are looked up together."""
    facts = cover_facts(request, identity)
    accesses: dict = {}
    writes = record_writer(identity.service, facts, identity.viewer,
                           {o.fix.ref for o in shown if o.fix is not None and o.fix.kind == "record"})

    def may_open(href: str | None, case: str | None = None, write: bool = False) -> bool:
        if href is None or not may_reach(request, identity, href):
            return False
        if case is None:
            return True
        if case not in accesses:
            accesses[case] = case_access(facts, identity.viewer, case, today, known_at=now)
        access = accesses[case]
        if not write:
            return access.allowed
        return writes(case, access)

    return may_open


def _rows(items: list[Owned], facts, me: str, tz, today, may_open) -> list[dict]:
    rows = []
    for owned in items:
        finding = owned.finding
        rule = BY_ID.get(finding.rule)
        link = fix_link(owned.fix, finding, me, may_open)
        due_local = finding.due.astimezone(tz) if finding.due else None
        rows.append({
            "rule": finding.rule,
            "title": rule.title if rule else finding.rule,
            "status": str(finding.status),
            "detail": finding.detail,
            "deadline": deadline_text(finding.due, tz),
            "when": relative_days(due_local.date(), today) if due_local else "",
            "who": ", ".join(name_of(facts, a) for a in sorted(owned.actors)),
            "href": link[0] if link else None,
            "link_text": link[1] if link else None,
            "case": finding.case,
        })
    return rows


def _counts(items: list[Owned]) -> dict[str, int]:
    counts = {"breach": 0, "due": 0, "warning": 0}
    for owned in items:
        counts[str(owned.finding.status)] += 1
    return counts


@page_policy("signed_in")
def home(request):
    identity = require_identity(request)
    now, today = local_now(identity)
    me = identity.viewer.staff
    context = {"today": today, "staff": me}
    if me is not None:
        owned, facts = owners_and_facts(identity.service, now)  # kept per data revision (store/cache.py)
        judgement = Judgement.at(facts, now)
        found = mine_and_team(judgement, owned, me)
        tz = ZoneInfo(identity.service.timezone)
        team_page = Paginator(list(found.team), TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
        person = judgement.facts.staff_by_id.get(me)
        may_open = _may_open(request, identity, now, today, list(found.mine) + list(team_page.object_list))
        context.update(
            person=person,
            mine=_rows(list(found.mine), judgement.facts, me, tz, today, may_open),
            counts=_counts(list(found.mine)),
            team=_rows(list(team_page.object_list), judgement.facts, me, tz, today, may_open),
            team_total=len(found.team),
            team_counts=_counts(list(found.team)),
            team_page=team_page,
            is_manager=bool(person and person.is_manager) or bool(found.team),
        )
    reports_url = url_or_none("web:findings")
    context["reports_url"] = reports_url if reports_url and may_reach(request, identity, reports_url) else None
    return render(request, "web/casework/home.html", context)
