"""Pages for senior managers and the performance team: the chain of supervision, the compliance
overview and the findings, on the worked example (tests/fixtures/small-service.md), and the pure
builders behind them (the chain tree and the SVG charts).

In the example, A1 (assistant director) > T1 (team manager) > D1 (deputy) > Y1, Y2, SO1. In January
2026 D1 was supervised by T1 (V3), but T1 had no formal one-to-one: the chain breaks at T1 (SUP-CHAIN).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.accounts import two_factor
from oversight.accounts.services import account_set
from oversight.people.models import Service, Staff
from oversight.policy.supervision import ChainLink, ChainRow
from oversight.web.senior.chain import BROKEN, NOT_SUPERVISED, SUPERVISED, TOP, broken_links, chain_tree
from oversight.web.senior.charts import Series, bar_chart, line_chart

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "small-service.json"
LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple 42"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def service(db):
    call_command("load", str(EXAMPLE))
    return Service.objects.get(ref="EX")


@pytest.fixture
def clock(monkeypatch, settings):
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600

    def set_to(when: str) -> datetime:
        moment = datetime.fromisoformat(when).replace(tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))
        return moment

    return set_to


@pytest.fixture
def sign_in(service):
    def as_user(ref: str | None = None, *, performance: bool = False, administrator: bool = False) -> Client:
        client = Client()
        staff = Staff.objects.get(service=service, ref=ref) if ref else None
        name = ref or ("administrator" if administrator else "performance")
        account = account_set(service=service, username=f"user-{name.lower()}", password=PASSWORD, staff=staff,
                              performance=performance, administrator=administrator, actor="test")
        client.force_login(account.user)
        if two_factor.required(account.user):
            device = TOTPDevice.objects.create(user=account.user, name="Authenticator app", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return as_user


def text(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# -- who may see these pages -------------------------------------------------------------------------
@pytest.mark.django_db
def test_practitioners_and_line_managers_get_404_on_senior_pages(service, clock, sign_in):
    clock("2026-02-18 12:00")
    for ref in ("Y1", "SO1", "D1"):
        client = sign_in(ref)
        for url in ("/chain/", "/compliance/", "/findings/"):
            assert client.get(url).status_code == 404, (ref, url)
    assert sign_in("Y2").get("/supervision/").status_code == 404
    a1 = sign_in("A1")
    for url in ("/chain/", "/compliance/", "/findings/"):
        assert a1.get(url).status_code == 200, url
    performance = sign_in(performance=True)
    for url in ("/chain/", "/compliance/", "/findings/"):
        assert performance.get(url).status_code == 200, url
    assert performance.get("/supervision/").status_code == 404


# -- the chain of supervision ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_chain_page_marks_the_broken_link_of_the_small_example(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in("A1").get("/chain/?month=2026-01")
    assert response.status_code == 200
    page = text(response)
    assert "<title>Chain of supervision, January 2026 – Oversight</title>" in response.content.decode()
    assert ("Example T1 Team manager (T1) Broken here No formal one-to-one from Example A1 in January 2026: "
            "the chain of supervision breaks here for 2 case managers below.") in page
    assert "Example A1 Assistant director (A1) Top of the chain" in page
    assert "Example D1 Deputy team manager (D1) Supervised" in page
    assert "Example Y1 Youth justice officer (Y1), case manager Supervised" in page
    assert "Example SO1 Support officer (SO1), case manager Supervised" in page
    assert "The chain breaks at Example T1 (T1), for 2 case managers below." in page
    # The tree is nested lists from the top down: A1 > T1 > D1 > (SO1, Y1).
    markup = response.content.decode()
    assert markup.index("Example A1") < markup.index("Example T1") < markup.index("Example D1") < markup.index(
        "Example SO1") < markup.index("Example Y1")
    assert markup.count('<ul class="app-chain">') == 3


@pytest.mark.django_db
def test_the_chain_page_shows_last_month_by_default_and_explains_a_bad_month(service, clock, sign_in):
    clock("2026-02-18 12:00")
    a1 = sign_in("A1")
    assert "Chain of supervision: January 2026" in text(a1.get("/chain/"))
    page = text(a1.get("/chain/?month=2026-13"))
    assert "“2026-13” is not a month: showing January 2026." in page
    assert "March 2026 has not started: showing January 2026." in text(a1.get("/chain/?month=2026-03"))
    february = text(a1.get("/chain/?month=2026-02"))  # the current month: nobody above the case managers met yet
    assert "This month is not over yet" in february and "Not supervised" in february


def _row(case_manager, supervised, *links):
    return ChainRow(case_manager, supervised, tuple(ChainLink(m, s, r, b) for m, s, r, b in links))


def test_chain_tree_merges_the_chains_from_the_top_down():
    rows = [
        _row("Y1", True, ("D1", True, True, False), ("T1", False, True, True), ("A1", False, False, False)),
        _row("Y2", False, ("D2", False, True, True), ("T1", False, True, False), ("A1", False, False, False)),
    ]
    [top] = chain_tree(rows)
    assert (top.staff, top.status) == ("A1", TOP)
    [t1] = top.children
    assert (t1.staff, t1.status, t1.case_managers_below) == ("T1", BROKEN, 2)
    assert [(c.staff, c.status) for c in t1.children] == [("D1", SUPERVISED), ("D2", BROKEN)]
    assert [(c.staff, c.status, c.holds_cases) for c in t1.children[1].children] == [("Y2", NOT_SUPERVISED, True)]
    assert [n.staff for n in broken_links([top])] == ["T1", "D2"]


# -- the compliance overview -------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_compliance_page_shows_figures_charts_and_tables(service, clock, sign_in):
    clock("2026-03-02 09:00")
    response = sign_in("A1").get("/compliance/?from=2026-01&to=2026-02")
    assert response.status_code == 200
    page = text(response)
    assert "January 2026 to February 2026" in page
    # January: Y1 and SO1 supervised; February: SO1 not (Y1 away: a gap month, but not supervised either).
    assert "Team of Example T1 100% 2 of 2 0% 0 of 2" in page
    assert "Whole service 100% 2 of 2 0% 0 of 2" in page
    # E3's January record was late (recorded on the 29th, due the 27th); E1's and E2's were on time.
    assert "Team of Example T1 66.7% 2 of 3 No figure" in page
    markup = response.content.decode()
    assert markup.count("<svg") == 4 and "<script" not in markup.split("<main", 1)[1]
    assert 'role="img"' in markup and "<title id=" in markup and "<desc id=" in markup
    assert "style=" not in markup


@pytest.mark.django_db
def test_the_compliance_page_defaults_to_the_six_closed_months(service, clock, sign_in):
    clock("2026-03-02 09:00")
    page = text(sign_in(performance=True).get("/compliance/"))
    assert "September 2025 to February 2026" in page
    swapped = text(sign_in("A1").get("/compliance/?from=2026-02&to=2026-01"))
    assert "The start month was after the end month: they are swapped." in swapped


def test_line_chart_svg_is_well_formed_accessible_and_escaped():
    svg = str(line_chart(
        title="Supervised <monthly>", desc="A & B", labels=["Jan 2026", "Feb 2026", "Mar 2026"],
        series=[Series("Whole service", [100, 50, None]), Series("Team of <T1>", [None, 0, 25])],
    ))
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.text, desc.text) == ("Supervised <monthly>", "A & B")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"0%", "50%", "100%", "Jan 2026", "Mar 2026", "Whole service", "Team of <T1>"} <= set(texts)
    # A gap (None) splits a line: the first series draws one segment (Jan-Feb), the second one (Feb-Mar).
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert "style" not in svg and "<script" not in svg


def test_bar_chart_writes_each_value_and_scales_to_a_round_top():
    svg = str(bar_chart(title="Gap days", desc="d", labels=["Jan", "Feb"], values=[0, 7]))
    root = ElementTree.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect")]
    assert len(bars) == 2
    assert [t.text for t in root.iter(f"{SVG}text")][:5] == ["0", "2", "4", "6", "8"]  # axis 0 to 8
    assert {"0", "7", "Jan", "Feb"} <= {t.text for t in root.iter(f"{SVG}text")}


# -- the findings ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_senior_managers_see_the_findings_with_their_details(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in("A1").get("/findings/")
    page = text(response)
    assert "SUP-CHAIN" in page and "REC-DEADLINE" in page and "COV-LEAVE-SHEET" in page
    assert "the chain of supervision breaks here for 2 case managers below" in page
    assert "was due by the end of Tue 2026-01-27 but was made on Thu 2026-01-29 09:00" in page


@pytest.mark.django_db
def test_performance_users_see_findings_without_details(service, clock, sign_in):
    clock("2026-02-18 12:00")
    response = sign_in(performance=True).get("/findings/")
    assert response.status_code == 200
    page = text(response)
    for expected in ("SUP-CHAIN", "T1", "2026-01", "REC-DEADLINE", "E3", "COV-LEAVE-SHEET"):
        assert expected in page, expected
    assert "Details that describe a child’s case are shown to senior managers only." in page
    assert "breaks here" not in page and "was due by" not in page and "no cover for case E2" not in page
    assert "Detail" not in page.split("Rule Subject Period", 1)[1][:20]


@pytest.mark.django_db
def test_findings_filter_by_rule_status_and_team_and_sort_by_deadline(service, clock, sign_in):
    clock("2026-02-18 12:00")
    a1 = sign_in("A1")
    only_chain = text(a1.get("/findings/?rule=SUP-CHAIN"))
    assert "1 shown (1 breach, 0 due, 0 warnings)" in only_chain
    assert "Selected filters" in only_chain and "Remove this filter SUP-CHAIN" in only_chain
    due = text(a1.get("/findings/?status=due"))
    assert "REC-DEADLINE" not in due.split("Apply filters", 1)[1] and "SUP-MONTHLY" in due
    assert "No findings match these filters." in text(a1.get("/findings/?team=none&rule=SUP-MONTHLY"))
    team = text(a1.get("/findings/?team=T1"))
    everything = text(a1.get("/findings/"))
    assert team.split(" shown", 1)[0].split()[-1] == everything.split(" shown", 1)[0].split()[-1]  # all in T1
    soonest = a1.get("/findings/").content.decode()
    latest = a1.get("/findings/?sort=-due").content.decode()
    first = re.findall(r'data-sort-value="(\d{4}-\d\d-\d\dT[^"]+)"', soonest)  # the deadlines
    last = re.findall(r'data-sort-value="(\d{4}-\d\d-\d\dT[^"]+)"', latest)
    assert first and first == sorted(first) and last[0] == max(first)


def test_a_home_without_a_caseload_links_to_the_findings_only_for_those_who_may_read_them(service, clock, sign_in):
    clock("2026-02-18 12:00")
    performance = sign_in(performance=True)
    assert "See the service's findings" in text(performance.get("/"))
    assert performance.get("/findings/").status_code == 200
    administrator = sign_in(administrator=True)  # settings and accounts, no findings: no link to a refused page
    assert "See the service's findings" not in text(administrator.get("/"))
    assert administrator.get("/findings/").status_code == 404
