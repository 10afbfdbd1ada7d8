"""The compliance overview (policy/compliance.py): exact figures on a tiny service of two teams.

    A1 (assistant director)
    ├── T1 (team manager) ── D1 ── Y1 (C1), Y2 (C2, January only)
    └── T2 (team manager) ── D2 ── Y3 (C3)
    C9: opened 2 February, never allocated (no team)

January: Y1 supervised (C1 discussed, recorded in time); Y2 not (C2 not discussed); Y3 supervised
(C3 discussed as significant, recorded late). February: Y1 not supervised and away 16-20 February
with no buddy and no duty officer (C1 has nobody for 5 working days); a management decision on C1
recorded in time; Y3 supervised (C3 discussed, never recorded). March (to the 10th): Y1 supervised
on the 9th, record not yet due.
"""

from __future__ import annotations

from oversight.policy.compliance import ALL_TEAMS, TeamMonth, compliance_overview, service_totals
from oversight.policy.engine import evaluate
from oversight.policy.teams import NO_TEAM

from .builders import discuss, moment, team

AS_OF = "2026-03-10 12:00"


def two_teams():
    b = team()  # A1 > T1 > D1
    b.person("T2", "team_manager", manager="A1").person("D2", "deputy_team_manager", manager="T2")
    b.person("Y1", manager="D1").person("Y2", manager="D1").person("Y3", manager="D2")
    b.case("C1", manager="Y1", opened="2026-01-05")
    b.case("C2", manager="Y2", opened="2026-01-05", closed="2026-01-20")
    b.case("C3", manager="Y3", opened="2026-01-05", risk="low")
    b.case("C9", opened="2026-02-02")
    b.formal("V1", "Y1", "2026-01-14 10:00", discuss("C1", recorded="2026-01-16 12:00", by="D1"))
    b.formal("V2", "Y3", "2026-01-20 14:00", discuss("C3", significant=True, recorded="2026-01-22 09:00", by="D2"))
    b.absence("L1", "Y1", "2026-02-16", "2026-02-20")
    b.event("M1", "C1", "2026-02-05 11:00", by="D1", recorded="2026-02-06 10:00", recorded_by="D1")
    b.formal("V3", "Y3", "2026-02-10 10:00", discuss("C3"))
    b.formal("V5", "Y1", "2026-03-09 10:00", discuss("C1"))
    return b.build()


def overview(first=(2026, 1), last=(2026, 3)):
    facts = two_teams()
    as_of = moment(AS_OF)
    return compliance_overview(facts, as_of, first, last, evaluate(facts, as_of))


def row(rows, team, month) -> TeamMonth:
    [found] = [r for r in rows if r.team == team and r.month == month]
    return found


def figures(r: TeamMonth) -> tuple:
    return (r.holders, r.supervised, r.cases, r.discussed, r.records, r.on_time, r.cover_gap_days)


def test_every_team_gets_a_row_for_every_month_in_order():
    rows = overview()
    assert [(r.month, r.team) for r in rows] == [
        (m, t) for m in ("2026-01", "2026-02", "2026-03") for t in ("T1", "T2", NO_TEAM)
    ]
    assert [r.closed for r in rows[::3]] == [True, True, False]


def test_january():
    rows = overview()
    #                                  holders supervised cases discussed records on_time gap_days
    assert figures(row(rows, "T1", "2026-01")) == (2, 1, 2, 1, 1, 1, 0)
    assert figures(row(rows, "T2", "2026-01")) == (1, 1, 1, 1, 1, 0, 0)  # recorded after 24 hours
    assert figures(row(rows, NO_TEAM, "2026-01")) == (0, 0, 0, 0, 0, 0, 0)
    t1 = row(rows, "T1", "2026-01")
    assert (t1.supervised_pct, t1.discussed_pct, t1.on_time_pct) == (50.0, 50.0, 100.0)
    assert row(rows, NO_TEAM, "2026-01").supervised_pct is None  # nobody to supervise: no figure


def test_february():
    rows = overview()
    # Y1 away five working days with no cover: a gap month (SUP-GAP), but still not supervised.
    assert figures(row(rows, "T1", "2026-02")) == (1, 0, 1, 0, 1, 1, 5)
    assert figures(row(rows, "T2", "2026-02")) == (1, 1, 1, 1, 1, 0, 0)  # never recorded: overdue
    # C9 has no case manager: not discussed, and nobody on any of February's 20 working days from the 2nd.
    assert figures(row(rows, NO_TEAM, "2026-02")) == (0, 0, 1, 0, 0, 0, 20)


def test_the_current_month_is_so_far_and_cases_discussed_is_not_yet_judged():
    rows = overview()
    # V5's record is due by the end of Mon 16 March: not counted yet. C9: 7 working days to Tue 10 March.
    assert figures(row(rows, "T1", "2026-03")) == (1, 1, 1, None, 0, 0, 0)
    assert figures(row(rows, "T2", "2026-03")) == (1, 0, 1, None, 0, 0, 0)  # SUP-MONTHLY is only due
    assert figures(row(rows, NO_TEAM, "2026-03")) == (0, 0, 1, None, 0, 0, 7)
    assert row(rows, "T1", "2026-03").discussed_pct is None and row(rows, "T1", "2026-03").on_time_pct is None


def test_service_totals_add_the_teams_up():
    totals = service_totals(overview())
    assert [(t.team, t.month) for t in totals] == [(ALL_TEAMS, "2026-01"), (ALL_TEAMS, "2026-02"), (ALL_TEAMS, "2026-03")]
    assert [figures(t) for t in totals] == [
        (3, 2, 3, 2, 2, 1, 0),
        (2, 1, 3, 1, 2, 1, 25),
        (2, 1, 3, None, 0, 0, 7),
    ]
    assert totals[0].supervised_pct == 66.7 and totals[1].on_time_pct == 50.0


def test_months_after_the_as_of_month_are_left_out():
    assert {r.month for r in overview((2026, 2), (2026, 6))} == {"2026-02", "2026-03"}
    assert overview((2026, 4), (2026, 6)) == []


def test_findings_are_evaluated_when_not_given():
    facts = two_teams()
    assert compliance_overview(facts, moment(AS_OF), (2026, 1), (2026, 2)) == overview((2026, 1), (2026, 2))
