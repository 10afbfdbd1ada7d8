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


SUPERVISION = "Supervision policy"
BUDDY = "Buddy policy"

RULES: tuple[Rule, ...] = (
    Rule("SUP-MONTHLY", "Formal one-to-one every calendar month", SUPERVISION,
         "Formal one-to-one case supervision MUST take place at a minimum of once every calendar month for all "
         "case-holding practitioners.", "supervision"),
    Rule("SUP-GAP", "Supervision gaps through leave recorded", SUPERVISION,
         "When a case manager is on leave … which results in a gap in supervision, this must be clearly recorded",
         "supervision"),
    Rule("SUP-RETURN", "Priority supervision on return", SUPERVISION,
         "Supervision must be scheduled as a priority when the case manager returns.", "supervision"),
    Rule("SUP-FREQUENCY", "Increased frequency kept", SUPERVISION,
         "New case managers and some case managers … may have increased frequency of supervision", "supervision"),
    Rule("SUP-CASE", "Every open case discussed each month", SUPERVISION,
         "Every open case, without exception, must be discussed each monthly supervision.", "supervision"),
    Rule("SUP-CHAIN", "Unbroken chain of supervision", SUPERVISION,
         "an unbroken chain of formal supervision that links the case manager, to their line manager (DTM), to the "
         "Team Manager, … to the Assistant Director", "supervision"),
    Rule("SUP-ACTION", "Actions done or reasons noted", SUPERVISION,
         "If for any reason they haven't been completed, the reasons can be noted.", "supervision"),
    Rule("REC-DEADLINE", "Record on the child's file in time", SUPERVISION,
         "A case note supervision record … must be made by the line manager … within 5 working days or 24 hours "
         "for any significant case decisions and/or urgent matters.", "records"),
    Rule("REC-AUTHOR", "Record made by the manager involved", SUPERVISION,
         "It is the responsibility of the manager involved to make this recording", "records"),
    Rule("COV-BUDDY", "Every case holder has a buddy", BUDDY,
         "All practitioners must nominate a colleague to act as a 'buddy'", "buddies"),
    Rule("COV-GRADE", "Buddies of the same grade, or approved", BUDDY,
         "Youth Justice Officers buddy with another Officer or Support Officers buddy with another Support Officer … "
         "subject to management approval", "buddies"),
    Rule("COV-LEAVE-SHEET", "Leave sheet before leave; cover confirmed for unplanned absence", BUDDY,
         "All case-holders must complete a leave sheet prior to taking leave … sent to managers", "leave"),
    Rule("COV-INFORMED", "Young people told who to contact", BUDDY,
         "Case-managers should also let young people know who to go to in their absence.", "leave"),
    Rule("COV-CONTACT", "A named contact at every moment", BUDDY,
         "children and young people have a named contact that they can go to in the event of a crisis or concern",
         "cover_checks"),
    Rule("COV-REALLOCATE", "Temporary reallocation on long absence", BUDDY,
         "should leave be longer than anticipated or in incidents of long term sick Managers will reallocate cases "
         "on a temporary basis", "leave"),
    Rule("COV-PAIRED", "Paired worker on orders that need one", BUDDY,
         "paired workers must be assigned to certain orders (ie. Detention and Training Orders)", "cover_checks"),
    Rule("COV-DUTY-LOAD", "Duty not overloaded", BUDDY,
         "it is expected that the Duty system is not overloaded", "cover_checks"),
    Rule("COV-BUDDY-LOAD", "No buddy overloaded", BUDDY,
         "it may be difficult for one person to act as a Buddy for a full caseload", "cover_checks"),
    Rule("DQ-SEEN", "Young people seen", SUPERVISION, "checking whether young people have been seen", "data_quality"),
    Rule("DQ-ASSESSMENT", "Assessments done", SUPERVISION,
         "whether assessments, planning and reviewing has taken place", "data_quality"),
    Rule("DQ-PLAN", "Plans done", SUPERVISION, "whether assessments, planning and reviewing has taken place",
         "data_quality"),
    Rule("DQ-REVIEW", "Reviews done", SUPERVISION, "whether assessments, planning and reviewing has taken place",
         "data_quality"),
)

RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
