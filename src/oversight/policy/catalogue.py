"""The rules Oversight enforces: identifier, what it checks, and the policy's own words (RULES.md).

Rule identifiers are part of the public interface (command line, API, exports): keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    policy: str  # which policy
    words: str  # the policy's own words
    module: str  # the module of oversight.policy that enforces it
    reads: frozenset[str]  # the tables of a service's facts it judges on (facts.TABLES)
    # False: it finds nothing in a record surely made in time, so it can be judged without them
    # (records.without_records_made_in_time).
    needs_records_made_in_time: bool = True


SUPERVISION = "Supervision policy"
BUDDY = "Buddy policy"

# What each rule reads, so that one rule can be judged on the tables it needs alone (findings
# --rule, the floor benchmark): tests/unit/policy/test_rule_reads.py proves each rule gives the
# same findings on only these tables as on the whole service. The supervision rules are judged
# separately (supervision.check); the other modules judge all their rules together, so each of
# their rules reads what its module reads.
# Case-holding months, formal sessions, and absences for the months they left without one:
_SESSIONS = frozenset({"staff", "cases", "allocations", "absences", "supervisions"})
_CASEWORK = frozenset({"staff", "supervisions", "discussions"})
_RECORDS = _CASEWORK | {"oversight_events"}
_ACTIONS = _CASEWORK | {"actions"}
_COVER = frozenset({
    "staff", "reporting_lines", "cases", "allocations", "buddies", "absences", "leave_sheets",
    "cover_confirmations", "reallocations", "duty_rota",
})
_QUALITY = frozenset({"staff", "cases", "allocations", "contacts", "milestones"})

RULES: tuple[Rule, ...] = (
    Rule("SUP-MONTHLY", "Formal one-to-one every calendar month", SUPERVISION,
         "Formal one-to-one case supervision MUST take place at a minimum of once every calendar month for all "
         "case-holding practitioners.", "supervision", _SESSIONS),
    Rule("SUP-GAP", "Supervision gaps through leave recorded", SUPERVISION,
         "When a case manager is on leave … which results in a gap in supervision, this must be clearly recorded",
         "supervision", _SESSIONS | {"gap_records"}),
    Rule("SUP-RETURN", "Priority supervision on return", SUPERVISION,
         "Supervision must be scheduled as a priority when the case manager returns.", "supervision", _SESSIONS),
    Rule("SUP-FREQUENCY", "Increased frequency kept", SUPERVISION,
         "New case managers and some case managers … may have increased frequency of supervision", "supervision",
         frozenset({"staff", "supervisions", "frequency_overrides"})),
    Rule("SUP-CASE", "Every open case discussed each month", SUPERVISION,
         "Every open case, without exception, must be discussed each monthly supervision.", "supervision",
         _CASEWORK | {"cases", "allocations"}),
    Rule("SUP-CHAIN", "Unbroken chain of supervision", SUPERVISION,
         "an unbroken chain of formal supervision that links the case manager, to their line manager (DTM), to the "
         "Team Manager, … to the Assistant Director", "supervision", _SESSIONS | {"reporting_lines"}),
    Rule("SUP-ACTION", "Actions done or reasons noted", SUPERVISION,
         "If for any reason they haven't been completed, the reasons can be noted.", "supervision", _ACTIONS),
    Rule("REC-DEADLINE", "Record on the child's file in time", SUPERVISION,
         "A case note supervision record … must be made by the line manager … within 5 working days or 24 hours "
         "for any significant case decisions and/or urgent matters.", "records", _RECORDS,
         needs_records_made_in_time=False),
    Rule("REC-AUTHOR", "Record made by the manager involved", SUPERVISION,
         "It is the responsibility of the manager involved to make this recording", "records", _RECORDS),
    Rule("COV-BUDDY", "Every case holder has a buddy", BUDDY,
         "All practitioners must nominate a colleague to act as a 'buddy'", "buddies", _COVER),
    Rule("COV-GRADE", "Buddies of the same grade, or approved", BUDDY,
         "Youth Justice Officers buddy with another Officer or Support Officers buddy with another Support Officer … "
         "subject to management approval", "buddies", _COVER),
    Rule("COV-LEAVE-SHEET", "Leave sheet before leave; cover confirmed for unplanned absence", BUDDY,
         "All case-holders must complete a leave sheet prior to taking leave … sent to managers", "leave", _COVER),
    Rule("COV-INFORMED", "Young people told who to contact", BUDDY,
         "Case-managers should also let young people know who to go to in their absence.", "leave", _COVER),
    Rule("COV-CONTACT", "A named contact at every moment", BUDDY,
         "children and young people have a named contact that they can go to in the event of a crisis or concern",
         "cover_checks", _COVER),
    Rule("COV-REALLOCATE", "Temporary reallocation on long absence", BUDDY,
         "should leave be longer than anticipated or in incidents of long term sick Managers will reallocate cases "
         "on a temporary basis", "leave", _COVER),
    Rule("COV-PAIRED", "Paired worker on orders that need one", BUDDY,
         "paired workers must be assigned to certain orders (ie. Detention and Training Orders)", "cover_checks",
         _COVER),
    Rule("COV-DUTY-LOAD", "Duty not overloaded", BUDDY,
         "it is expected that the Duty system is not overloaded", "cover_checks", _COVER),
    Rule("COV-BUDDY-LOAD", "No buddy overloaded", BUDDY,
         "it may be difficult for one person to act as a Buddy for a full caseload", "cover_checks", _COVER),
    Rule("DQ-SEEN", "Young people seen", SUPERVISION, "checking whether young people have been seen", "data_quality",
         _QUALITY),
    Rule("DQ-ASSESSMENT", "Assessments done", SUPERVISION,
         "whether assessments, planning and reviewing has taken place", "data_quality", _QUALITY),
    Rule("DQ-PLAN", "Plans done", SUPERVISION, "whether assessments, planning and reviewing has taken place",
         "data_quality", _QUALITY),
    Rule("DQ-REVIEW", "Reviews done", SUPERVISION, "whether assessments, planning and reviewing has taken place",
         "data_quality", _QUALITY),
)

RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def reads_of(rules) -> frozenset[str]:
    """The tables the rules read, together (KeyError for an unknown rule)."""
    return frozenset().union(*(BY_ID[rule].reads for rule in rules))
