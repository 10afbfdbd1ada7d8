"""Who must act on a finding, and where it is put right (policy/ownership.py, the home page)."""

from __future__ import annotations

from oversight.policy.engine import evaluate
from oversight.policy.ownership import Fix, Ownership, needs_me

from .builders import discuss, judge, moment, small_service, team

AS_OF = "2026-02-18 12:00"


def owned(facts, as_of=AS_OF):
    j = judge(facts, as_of)
    ownership = Ownership(j)
    return j, [ownership.owned(f) for f in evaluate(facts, moment(as_of))]


def by_rule(items, rule):
    return [o for o in items if o.finding.rule == rule]


def test_small_service_each_finding_goes_to_the_person_who_must_act():
    _, items = owned(small_service().build())
    assert {(o.finding.rule, o.finding.subject, tuple(sorted(o.actors))) for o in items} == {
        ("COV-LEAVE-SHEET", "Y1", ("Y1",)),  # Y1's own leave sheet
        ("REC-DEADLINE", "E3", ("D1",)),  # D1 held V2: the record is the manager's, not SO1's
        ("SUP-CHAIN", "T1", ("T1",)),
        ("SUP-MONTHLY", "Y1", ("Y1",)),
        ("SUP-MONTHLY", "SO1", ("SO1",)),
    }


def test_small_service_each_finding_links_to_where_it_is_put_right():
    _, items = owned(small_service().build())
    fixes = {(o.finding.rule, o.finding.subject): o.fix for o in items}
    assert fixes[("COV-LEAVE-SHEET", "Y1")] == Fix("leave_sheet", "L1")
    assert fixes[("REC-DEADLINE", "E3")] == Fix("case", "E3")  # late: it is on the file already
    assert fixes[("SUP-MONTHLY", "Y1")] == Fix("supervision", "Y1")


def test_mine_and_my_teams_soonest_deadline_first():
    facts = small_service().build()
    j = judge(facts, AS_OF)
    found = evaluate(facts, moment(AS_OF))
    y1 = needs_me(j, found, "Y1")
    assert [o.finding.rule for o in y1.mine] == ["COV-LEAVE-SHEET", "SUP-MONTHLY"] and y1.team == ()
    d1 = needs_me(j, found, "D1")
    assert [o.finding.rule for o in d1.mine] == ["REC-DEADLINE"]
    assert [(o.finding.rule, o.finding.subject) for o in d1.team] == [
        ("COV-LEAVE-SHEET", "Y1"), ("SUP-MONTHLY", "SO1"), ("SUP-MONTHLY", "Y1")]
    # Further up the line, the team is everyone below: T1's own SUP-CHAIN is T1's; D1's record is team.
    t1 = needs_me(j, found, "T1")
    assert [o.finding.rule for o in t1.mine] == ["SUP-CHAIN"]
    assert ("REC-DEADLINE", "E3") in {(o.finding.rule, o.finding.subject) for o in t1.team}
    assert needs_me(j, found, "Y2").mine == () and needs_me(j, found, "Y2").team == ()


def test_a_record_belongs_to_the_manager_who_held_each_discussion():
    b = team().person("Y1", manager="D1").person("D2", "deputy_team_manager", manager="T1")
    b.case("C1", manager="Y1", opened="2026-01-05")
    b.formal("V1", "Y1", "2026-02-02 10:00", discuss("C1"), by="D1")
    b.formal("V10", "Y1", "2026-02-09 10:00", discuss("C1"), by="D2")  # "V1" is a prefix of "V10"
    _, items = owned(b.build())
    records = sorted((o.finding.detail.split(" at formal supervision ")[1][:3], sorted(o.actors))
                     for o in by_rule(items, "REC-DEADLINE"))
    assert records == [("V1 ", ["D1"]), ("V10", ["D2"])]


def test_a_record_still_to_write_leads_to_the_record():
    b = team().person("Y1", manager="D1")
    b.case("C1", manager="Y1", opened="2026-01-05")
    b.formal("V1", "Y1", "2026-02-02 10:00", discuss("C1"), by="D1")
    b.event("M1", "C1", "2026-02-16 10:00", by="D1", significant=True, recorded="2026-02-16 12:00", recorded_by="Y1")
    _, items = owned(b.build())
    assert {(o.finding.rule, o.fix) for o in items if o.finding.rule.startswith("REC-")} == {
        ("REC-DEADLINE", Fix("record", "C1", record=("discussion", "V1"))),  # overdue
        ("REC-AUTHOR", Fix("record", "C1", record=("event", "M1"))),  # written by Y1, not D1
    }


def test_a_case_finding_is_the_case_managers_and_reallocation_is_their_line_managers():
    b = team().person("Y1", manager="D1").person("Y2", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02", order_type="detention_and_training_order")
    b.absence("L1", "Y1", "2026-01-05", None, expected="2026-01-09", kind="sickness", planned=False)
    b.cover_confirmation("L1", "2026-01-05 12:00", "D1")
    _, items = owned(b.build(), "2026-02-18 12:00")
    assert [sorted(o.actors) for o in by_rule(items, "COV-PAIRED")] == [["Y1"]]
    assert [sorted(o.actors) for o in by_rule(items, "COV-REALLOCATE")] == [["D1"]]
    assert by_rule(items, "COV-REALLOCATE")[0].fix == Fix("case", "C1")


def test_cover_for_an_unplanned_absence_is_the_line_managers_to_confirm():
    b = team().person("Y1", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02")
    b.absence("S1", "Y1", "2026-02-16", "2026-02-17", kind="sickness", planned=False)
    _, items = owned(b.build())
    confirm = by_rule(items, "COV-LEAVE-SHEET")
    assert [sorted(o.actors) for o in confirm] == [["D1"]] and confirm[0].fix == Fix("cover", "S1")


def test_buddy_findings_lead_to_the_buddies_page():
    b = team().person("Y1", manager="D1").person("S1", "support_officer", manager="D1")
    b.case("C1", manager="Y1", opened="2025-06-02").buddy("S1", "Y1")
    _, items = owned(b.build())
    assert {(o.finding.rule, o.fix) for o in items if o.finding.rule.startswith("COV-")} >= {
        ("COV-BUDDY", Fix("buddies", "Y1")), ("COV-GRADE", Fix("buddies", "S1"))}
