"""Every family of problem an exchange document can have: the exact path and message of each.

Each case changes one thing in a valid document (`full_document()`) and expects exactly the one
problem it causes, so a check that reports consequences or noise fails here too.
"""

from __future__ import annotations

import copy

import pytest

from oversight.exchange import InvalidDocument, Problem, parse_document
from oversight.exchange.service_settings import SETTING_KINDS
from oversight.policy.settings import PolicySettings
from tests.unit.exchange.documents import full_document

ORDER_TYPES = (
    "out_of_court_disposal, referral_order, youth_rehabilitation_order, detention_and_training_order, other"
)


def problems(document: object) -> list[Problem]:
    with pytest.raises(InvalidDocument) as caught:
        parse_document(document)
    return caught.value.problems


def put(*path_and_value):
    """A change setting the value at a path of keys and indexes (a new key is added)."""
    *path, value = path_and_value

    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = copy.deepcopy(value)

    return change


def drop(*path):
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def both(*changes):
    def change(document):
        for one in changes:
            one(document)

    return change


def append(*path_and_item):
    *path, item = path_and_item

    def change(document):
        target = document
        for step in path:
            target = target[step]
        target.append(copy.deepcopy(item(document) if callable(item) else item))

    return change


def copy_of(*path):
    def item(document):
        for step in path:
            document = document[step]
        return document

    return item


def case(name, change, path, message):
    return pytest.param(change, Problem(path, message), id=name)


CASES = [
    # -- format and shape ---------------------------------------------------------------------
    case("format", put("format", "oversight-exchange/2"), "$.format", "must be 'oversight-exchange/1'"),
    case("format-missing", drop("format"), "$.format", "is required"),
    case("unknown-top-level-key", put("colour", 1), "$", "unknown key 'colour'"),
    case("unknown-key", put("staff", 0, "colour", "red"), "$.staff[0]", "unknown key 'colour'"),
    case("unknown-nested-key", put("supervisions", 0, "discussions", 0, "actions", 0, "colour", None),
         "$.supervisions[0].discussions[0].actions[0]", "unknown key 'colour'"),
    case("odd-unknown-key", put("cases", 1, "a b", 1), "$.cases[1]", "unknown key 'a b'"),
    case("missing-key", drop("staff", 2, "role"), "$.staff[2].role", "is required"),
    case("null-required", put("cases", 0, "risk", None), "$.cases[0].risk", "must not be null"),
    case("service-missing", drop("service"), "$.service", "is required"),
    case("service-not-object", put("service", []), "$.service", "must be an object, not a list"),
    case("list-not-list", put("contacts", {}), "$.contacts", "must be a list, not an object"),
    case("record-not-object", put("milestones", 1, "plan"),
         "$.milestones[1]", "must be an object, not a string"),
    case("nested-list-not-list", put("leave_sheets", 0, "cases", "C1"), "$.leave_sheets[0].cases",
         "must be a list, not a string"),
    # -- JSON types ---------------------------------------------------------------------------
    case("bool-for-int", put("buddies", 0, "rank", True), "$.buddies[0].rank",
         "must be a whole number, not a boolean"),
    case("float-for-int", put("supervisions", 0, "minutes", 60.0), "$.supervisions[0].minutes",
         "must be a whole number, not a decimal number"),
    case("string-for-int", put("frequency_overrides", 0, "every_days", "14"),
         "$.frequency_overrides[0].every_days", "must be a whole number, not a string"),
    case("number-for-string", put("cases", 0, "name", 7),
         "$.cases[0].name", "must be a string, not a number"),
    case("number-for-reference", put("allocations", 1, "staff", 1), "$.allocations[1].staff",
         "must be a string, not a number"),
    case("blank-name", put("staff", 0, "name", "  "), "$.staff[0].name", "must not be empty"),
    case("string-for-bool", put("absences", 0, "planned", "yes"), "$.absences[0].planned",
         "must be true or false, not a string"),
    case("number-for-bool", put("leave_sheets", 0, "cases", 0, "young_person_informed", 1),
         "$.leave_sheets[0].cases[0].young_person_informed", "must be true or false, not a number"),
    # COV-INFORMED: only a draft may leave "was the young person told?" unanswered.
    case("informed-null-on-a-submitted-sheet",
         put("leave_sheets", 0, "cases", 0, "young_person_informed", None),
         "$.leave_sheets[0].cases[0].young_person_informed",
         "must be true or false once the leave sheet is submitted"),
    case("informed-left-out-of-a-submitted-sheet",
         drop("leave_sheets", 0, "cases", 1, "young_person_informed"),
         "$.leave_sheets[0].cases[1].young_person_informed",
         "must be true or false once the leave sheet is submitted"),
    case("object-for-text", put("leave_sheets", 0, "cases", 1, "notes", {}),
         "$.leave_sheets[0].cases[1].notes",
         "must be a string, not an object"),
    # -- dates, months, moments ---------------------------------------------------------------
    case("date-format", put("staff", 0, "start", "2024-1-8"),
         "$.staff[0].start", "must be a date written YYYY-MM-DD"),
    case("date-with-time", put("cases", 0, "opened", "2025-10-01T00:00"), "$.cases[0].opened",
         "must be a date written YYYY-MM-DD"),
    case("date-other-digits", put("contacts", 0, "date", "２０２５-12-01"), "$.contacts[0].date",
         "must be a date written YYYY-MM-DD"),
    case("date-number", put("milestones", 0, "due", 20251115), "$.milestones[0].due",
         "must be a date written YYYY-MM-DD"),
    case("date-not-in-calendar", put("staff", 0, "start", "2024-02-30"),
         "$.staff[0].start", "is not a calendar date"),
    case("month", put("gap_records", 0, "month", "2025-13"), "$.gap_records[0].month",
         "must be a month written YYYY-MM"),
    case("moment-nonsense", put("leave_sheets", 0, "submitted", "yesterday"), "$.leave_sheets[0].submitted",
         "must be a date and time such as 2025-12-18T16:00 or 2025-12-18T16:00+00:00"),
    case("moment-date-only", put("supervisions", 0, "held", "2025-12-10"), "$.supervisions[0].held",
         "must be a date and time such as 2025-12-18T16:00 or 2025-12-18T16:00+00:00"),
    case("moment-space", put("supervisions", 0, "held", "2025-12-10 10:00"), "$.supervisions[0].held",
         "must be a date and time such as 2025-12-18T16:00 or 2025-12-18T16:00+00:00"),
    case("moment-values", put("cover_confirmations", 0, "confirmed", "2026-01-06T25:00"),
         "$.cover_confirmations[0].confirmed", "is not a valid date and time"),
    case("moment-skipped-by-the-clocks", put("gap_records", 0, "recorded", "2026-03-29T01:30"),
         "$.gap_records[0].recorded", "does not exist in Europe/London (the clocks go forward)"),
    case("moment-out-of-range", put("gap_records", 0, "recorded", "0001-01-01T00:00+01:00"),
         "$.gap_records[0].recorded", "is out of range (years 1900 to 2199)"),
    # Midnight on 1 January 1900 at UTC+1 is still 1899 in London.
    case("moment-out-of-range-locally", put("gap_records", 0, "recorded", "1900-01-01T00:30+01:00"),
         "$.gap_records[0].recorded", "is out of range (years 1900 to 2199)"),
    case("date-out-of-range", put("absences", 2, "actual_last_day", "9999-12-31"),
         "$.absences[2].actual_last_day",
         "is out of range (years 1900 to 2199)"),
    case("month-out-of-range", put("gap_records", 0, "month", "0000-12"), "$.gap_records[0].month",
         "is out of range (years 1900 to 2199)"),
    # -- enumerations ---------------------------------------------------------------------------
    case("role", put("staff", 0, "role", "boss"), "$.staff[0].role",
         "must be one of: specialist, support_officer, youth_justice_officer, deputy_team_manager, "
         "team_manager, operational_service_manager, head_of_service, assistant_director"),
    case("discipline", put("staff", 3, "discipline", "law"), "$.staff[3].discipline",
         "must be one of: health, education, probation, police, other"),
    case("discipline-missing", put("staff", 3, "discipline", None), "$.staff[3].discipline",
         "is required for a specialist"),
    case("discipline-not-specialist", put("staff", 0, "discipline", "health"), "$.staff[0].discipline",
         "must be null unless the role is specialist"),
    case("employment", put("staff", 0, "employment", "temp"), "$.staff[0].employment",
         "must be one of: permanent, agency"),
    case("absence-kind", put("absences", 1, "kind", "holiday"), "$.absences[1].kind",
         "must be one of: annual_leave, sickness, training, other"),
    case("supervision-kind", put("supervisions", 1, "kind", "Group"), "$.supervisions[1].kind",
         "must be one of: formal, group, peer, informal"),
    case("depth", put("supervisions", 0, "discussions", 1, "depth", "deep"),
         "$.supervisions[0].discussions[1].depth",
         "must be one of: check_in, in_depth"),
    case("event-kind", put("oversight_events", 0, "kind", "meeting"), "$.oversight_events[0].kind",
         "must be one of: management_decision, marp, audit"),
    case("contact-kind", put("contacts", 2, "kind", "letter"), "$.contacts[2].kind",
         "must be one of: face_to_face, phone, video, other"),
    case("milestone-kind", put("milestones", 0, "kind", "court"), "$.milestones[0].kind",
         "must be one of: assessment, plan, review"),
    case("order-type", put("cases", 0, "order_type", "dto"),
         "$.cases[0].order_type", f"must be one of: {ORDER_TYPES}"),
    case("risk", put("cases", 0, "risk", "severe"),
         "$.cases[0].risk", "must be one of: low, medium, high, very_high"),
    case("risk-not-string", put("cases", 0, "risk", 3), "$.cases[0].risk",
         "must be one of: low, medium, high, very_high"),
    # -- the service ----------------------------------------------------------------------------
    case("timezone", put("service", "timezone", "Mars/Olympus"), "$.service.timezone",
         "must be an IANA time zone such as Europe/London"),
    case("timezone-path", put("service", "timezone", "../../etc/passwd"), "$.service.timezone",
         "must be an IANA time zone such as Europe/London"),
    case("holidays", put("service", "holidays", "narnia"), "$.service.holidays",
         "must be one of: england-and-wales, england, wales, scotland, northern-ireland"),
    case("settings-not-object", put("service", "settings", []), "$.service.settings",
         "must be an object of setting names to values"),
    case("setting-unknown", put("service", "settings", "colour", 1),
         "$.service.settings", "unknown key 'colour'"),
    case("setting-bool", put("service", "settings", "urgent_record_hours", True),
         "$.service.settings.urgent_record_hours", "must be a whole number, not a boolean"),
    case("setting-negative", put("service", "settings", "buddy_max_total_cases", -1),
         "$.service.settings.buddy_max_total_cases", "must be at least 1"),
    case("setting-working-days-after-zero", put("service", "settings", "record_working_days", 0),
         "$.service.settings.record_working_days", "must be at least 1"),
    case("setting-order-types", put("service", "settings", "paired_worker_orders", ["other", "dto"]),
         "$.service.settings.paired_worker_orders[1]", f"must be one of: {ORDER_TYPES}"),
    case("setting-order-types-not-list", put("service", "settings", "paired_worker_orders", "other"),
         "$.service.settings.paired_worker_orders", "must be a list, not a string"),
    case("setting-order-types-twice", put("service", "settings", "paired_worker_orders", ["other", "other"]),
         "$.service.settings.paired_worker_orders[1]", "'other' is listed twice"),
    case("setting-interval-risk", put("service", "settings", "contact_interval_days", {"extreme": 3}),
         "$.service.settings.contact_interval_days", "unknown key 'extreme'"),
    case("setting-interval-days", put("service", "settings", "contact_interval_days", {"low": "28"}),
         "$.service.settings.contact_interval_days.low", "must be a whole number, not a string"),
    case("setting-month", put("service", "settings", "compliance_start", "2025-10-01"),
         "$.service.settings.compliance_start", "must be a month written YYYY-MM"),
    case("setting-date", put("service", "settings", "stat_wednesday_anchor", "soon"),
         "$.service.settings.stat_wednesday_anchor", "must be a date written YYYY-MM-DD"),
    case("setting-dates-twice", put("service", "settings", "closure_days", ["2025-12-24", "2025-12-24"]),
         "$.service.settings.closure_days[1]", "'2025-12-24' is listed twice"),
    # -- numbers --------------------------------------------------------------------------------
    case("rank", put("buddies", 1, "rank", 0), "$.buddies[1].rank", "must be at least 1"),
    case("minutes", put("supervisions", 0, "minutes", -5), "$.supervisions[0].minutes", "must be at least 0"),
    case("every-days", put("frequency_overrides", 0, "every_days", 0), "$.frequency_overrides[0].every_days",
         "must be at least 1"),
    # -- unique ids -----------------------------------------------------------------------------
    case("staff-id", append("staff", copy_of("staff", 0)),
         "$.staff[7]", "id 'S1' is already used at $.staff[0]"),
    case("case-id", append("cases", copy_of("cases", 2)),
         "$.cases[3]", "id 'C3' is already used at $.cases[2]"),
    case("absence-id", append("absences", copy_of("absences", 0)), "$.absences[3]",
         "id 'A1' is already used at $.absences[0]"),
    case("supervision-id", append("supervisions", copy_of("supervisions", 1)), "$.supervisions[3]",
         "id 'SV2' is already used at $.supervisions[1]"),
    case("action-id-across-the-document",
         append("supervisions", 0, "discussions", 1, "actions", copy_of("supervisions", 0, "discussions", 0,
                                                                        "actions", 0)),
         "$.supervisions[0].discussions[1].actions[0]",
         "id 'AC1' is already used at $.supervisions[0].discussions[0].actions[0]"),
    case("event-id", append("oversight_events", copy_of("oversight_events", 0)), "$.oversight_events[2]",
         "id 'M1' is already used at $.oversight_events[0]"),
    # -- natural keys -------------------------------------------------------------------------
    case("allocation-key", append("allocations", {"case": "C1", "staff": "S2", "from": "2025-10-01"}),
         "$.allocations[4]", "duplicates the allocation at $.allocations[0] (same case and from)"),
    case("reporting-line-key",
         append("reporting_lines", {"staff": "S1", "manager": "S11", "from": "2024-01-08"}),
         "$.reporting_lines[7]",
         "duplicates the reporting line at $.reporting_lines[0] (same staff and from)"),
    case("buddy-key", append("buddies", {"staff": "S1", "buddy": "S2", "rank": 3, "from": "2025-01-01"}),
         "$.buddies[3]", "duplicates the buddy nomination at $.buddies[0] (same staff, buddy and from)"),
    case("leave-sheet-key", append("leave_sheets", {"absence": "A1"}), "$.leave_sheets[1]",
         "duplicates the leave sheet at $.leave_sheets[0] (same absence)"),
    case("leave-sheet-case-key",
         append("leave_sheets", 0, "cases", {"case": "C1", "cover": None, "young_person_informed": False}),
         "$.leave_sheets[0].cases[2]",
         "duplicates the leave sheet case at $.leave_sheets[0].cases[0] (same case)"),
    case("discussion-key",
         append("supervisions", 0, "discussions", {"case": "C1", "depth": "check_in", "significant": False}),
         "$.supervisions[0].discussions[2]",
         "duplicates the discussion at $.supervisions[0].discussions[0] (same case)"),
    case("gap-record-key",
         append("gap_records", {"staff": "S1", "month": "2025-12", "recorded": "2026-01-07T10:00",
                                "by": "S11"}),
         "$.gap_records[1]", "duplicates the gap record at $.gap_records[0] (same staff and month)"),
    case("duty-key", append("duty_rota", {"date": "2025-12-22", "staff": "S5"}), "$.duty_rota[2]",
         "duplicates the duty shift at $.duty_rota[0] (same date and staff)"),
    case("contact-key", append("contacts", {"case": "C1", "date": "2025-12-01", "kind": "phone"}),
         "$.contacts[3]",
         "duplicates the contact at $.contacts[1] (same case, date and kind)"),
    case("milestone-key", append("milestones", {"case": "C1", "kind": "assessment", "due": "2025-11-15"}),
         "$.milestones[2]", "duplicates the milestone at $.milestones[0] (same case, kind and due)"),
    case("supervisee-twice", put("supervisions", 1, "supervisees", ["S1", "S2", "S1"]),
         "$.supervisions[1].supervisees[2]", "'S1' is listed twice"),
    # -- references -----------------------------------------------------------------------------
    case("ref-staff", put("allocations", 0, "staff", "S99"),
         "$.allocations[0].staff", "staff 'S99' does not exist"),
    case("ref-manager", put("reporting_lines", 1, "manager", "S99"), "$.reporting_lines[1].manager",
         "staff 'S99' does not exist"),
    case("ref-paired-worker", put("cases", 1, "paired_worker", "S99"), "$.cases[1].paired_worker",
         "staff 'S99' does not exist"),
    case("ref-approved-by", put("buddies", 1, "approved_by", "S99"), "$.buddies[1].approved_by",
         "staff 'S99' does not exist"),
    case("ref-submitted-to", put("leave_sheets", 0, "submitted_to", "S99"), "$.leave_sheets[0].submitted_to",
         "staff 'S99' does not exist"),
    case("ref-cover", put("leave_sheets", 0, "cases", 0, "cover", "S99"), "$.leave_sheets[0].cases[0].cover",
         "staff 'S99' does not exist"),
    case("ref-by", put("cover_confirmations", 0, "by", "S99"), "$.cover_confirmations[0].by",
         "staff 'S99' does not exist"),
    case("ref-reallocation-by", put("reallocations", 0, "by", "S99"), "$.reallocations[0].by",
         "staff 'S99' does not exist"),
    case("ref-duty", put("duty_rota", 1, "staff", "S99"),
         "$.duty_rota[1].staff", "staff 'S99' does not exist"),
    case("ref-supervisor", put("supervisions", 2, "supervisor", "S99"), "$.supervisions[2].supervisor",
         "staff 'S99' does not exist"),
    case("ref-supervisee", put("supervisions", 1, "supervisees", ["S1", "S99"]),
         "$.supervisions[1].supervisees[1]",
         "staff 'S99' does not exist"),
    case("ref-recorded-by", put("supervisions", 0, "discussions", 0, "recorded_by", "S99"),
         "$.supervisions[0].discussions[0].recorded_by", "staff 'S99' does not exist"),
    case("ref-owner", put("supervisions", 0, "discussions", 0, "actions", 0, "owner", "S99"),
         "$.supervisions[0].discussions[0].actions[0].owner", "staff 'S99' does not exist"),
    case("ref-gap-by", put("gap_records", 0, "by", "S99"),
         "$.gap_records[0].by", "staff 'S99' does not exist"),
    case("ref-override-staff", put("frequency_overrides", 0, "staff", "S99"),
         "$.frequency_overrides[0].staff",
         "staff 'S99' does not exist"),
    case("ref-event-by", put("oversight_events", 1, "recorded_by", "S99"),
         "$.oversight_events[1].recorded_by",
         "staff 'S99' does not exist"),
    case("ref-case", put("contacts", 0, "case", "C9"), "$.contacts[0].case", "case 'C9' does not exist"),
    case("ref-discussion-case", put("supervisions", 0, "discussions", 1, "case", "C9"),
         "$.supervisions[0].discussions[1].case", "case 'C9' does not exist"),
    case("ref-absence", put("cover_confirmations", 0, "absence", "A9"), "$.cover_confirmations[0].absence",
         "absence 'A9' does not exist"),
    # -- ranges ---------------------------------------------------------------------------------
    case("range-staff", put("staff", 4, "end", "2024-01-07"),
         "$.staff[4].end", "must not be before start (2024-01-08)"),
    case("range-case", put("cases", 2, "closed", "2025-05-31"), "$.cases[2].closed",
         "must not be before opened (2025-06-01)"),
    case("range-allocation", put("allocations", 3, "to", "2025-08-01"), "$.allocations[3].to",
         "must not be before from (2025-09-01)"),
    case("range-reporting-line", put("reporting_lines", 4, "to", "2024-01-01"), "$.reporting_lines[4].to",
         "must not be before from (2024-01-08)"),
    case("range-buddy", put("buddies", 0, "to", "2024-12-31"),
         "$.buddies[0].to", "must not be before from (2025-01-01)"),
    case("range-expected", put("absences", 1, "expected_last_day", "2026-01-04"),
         "$.absences[1].expected_last_day",
         "must not be before first_day (2026-01-05)"),
    case("range-actual", put("absences", 0, "actual_last_day", "2025-12-21"), "$.absences[0].actual_last_day",
         "must not be before first_day (2025-12-22)"),
    case("range-reallocation", put("reallocations", 0, "to", "2026-01-04"), "$.reallocations[0].to",
         "must not be before from (2026-01-05)"),
    case("range-override", put("frequency_overrides", 0, "to", "2025-10-31"), "$.frequency_overrides[0].to",
         "must not be before from (2025-11-01)"),
    # -- supervision, buddies, reporting lines ------------------------------------------------
    case("formal-two-supervisees", put("supervisions", 0, "supervisees", ["S1", "S2"]),
         "$.supervisions[0].supervisees",
         "must name exactly one supervisee for a formal supervision"),
    case("no-supervisee", put("supervisions", 1, "supervisees", []), "$.supervisions[1].supervisees",
         "must name at least one supervisee"),
    case("supervisor-supervised", put("supervisions", 1, "supervisees", ["S3", "S10"]),
         "$.supervisions[1].supervisees[1]", "must not be the supervisor"),
    case("buddy-themselves", put("buddies", 0, "buddy", "S1"), "$.buddies[0].buddy",
         "must not be the staff member themselves"),
    case("own-manager", put("reporting_lines", 0, "manager", "S1"), "$.reporting_lines[0].manager",
         "must not be the staff member themselves"),
    # -- overlaps -------------------------------------------------------------------------------
    case("allocations-overlap", put("allocations", 3, "from", "2025-08-15"), "$.allocations[3]",
         "overlaps the allocation at $.allocations[2]"),
    case("allocations-overlap-open", put("allocations", 2, "to", None), "$.allocations[3]",
         "overlaps the allocation at $.allocations[2]"),
    case("reporting-lines-overlap", put("reporting_lines", 4, "to", None), "$.reporting_lines[5]",
         "overlaps the reporting line at $.reporting_lines[4]"),
    case("absences-overlap", put("absences", 2, "first_day", "2026-01-02"), "$.absences[2]",
         "overlaps the absence at $.absences[0]"),
    # An absence with no return recorded is checked against later ones by its expected last day:
    # booking leave while another absence runs is allowed, booking it over the expected days is not.
    case("absence-not-ended",
         lambda d: (put("absences", 0, "actual_last_day", None)(d), put("absences", 0, "expected_last_day", "2026-02-10")(d)),
         "$.absences[2]", "overlaps the absence at $.absences[0]"),
    case("paired-worker-is-case-manager", put("cases", 1, "paired_worker", "S1"), "$.cases[1].paired_worker",
         "is the case manager in the allocation at $.allocations[1]"),
    # -- records of discussions -------------------------------------------------------------
    case("recorded-before-session", put("supervisions", 0, "discussions", 0, "recorded", "2025-12-10T09:59"),
         "$.supervisions[0].discussions[0].recorded",
         "must not be before the session was held (2025-12-10T10:00:00+00:00)"),
    case("recorded-before-event", put("oversight_events", 1, "recorded", "2025-07-01T08:30Z"),
         "$.oversight_events[1].recorded",
         "must not be before the event was held (2025-07-01T10:00:00+01:00)"),
]


@pytest.mark.parametrize("change, expected", CASES)
def test_one_problem(change, expected):
    document = full_document()
    change(document)

    assert problems(document) == [expected]


@pytest.mark.parametrize(
    "change",
    [
        put("cases", 0, "closed", None),
        drop("cases", 0, "closed"),
        put("service", "settings", None),
        put("service", "timezone", None),
        put("leave_sheets", 0, "submitted", None),
        both(put("leave_sheets", 0, "submitted", None),  # a draft: not answered yet
             put("leave_sheets", 0, "cases", 0, "young_person_informed", None)),
        # A record may be written without its author, or an author named before the record.
        put("supervisions", 0, "discussions", 0, "recorded_by", None),
        put("oversight_events", 0, "recorded_by", "S10"),
        put("service", "settings", "compliance_start", None),
        put("supervisions", 0, "discussions", 0, "recorded", "2025-12-10T10:00"),  # at the very moment
        put("allocations", 3, "from", "2025-09-01"),  # the day after the previous one ends
        put("buddies", 0, "to", "2025-01-01"),  # a range of one day
    ],
)
def test_accepted_variations(change):
    document = full_document()
    change(document)

    parse_document(document)


def test_a_top_level_value_that_is_not_an_object():
    assert problems([]) == [Problem("$", "must be an object, not a list")]
    assert problems(None) == [Problem("$", "must be an object, not null")]


def test_every_problem_is_reported_at_once_in_document_order():
    document = full_document()
    document["milestones"][0]["kind"] = "court"
    document["format"] = "v2"
    document["staff"][0]["colour"] = "red"
    document["staff"][0]["role"] = "boss"
    document["allocations"][0]["staff"] = "S99"
    document["allocations"][0]["to"] = "2025-01-01"
    document["supervisions"][0]["discussions"][1]["recorded_by"] = "S98"
    document["service"]["settings"]["record_working_days"] = -1
    del document["cases"][2]["risk"]
    document["staff"][10:] = [{"id": "S1"}]  # a repeated id, missing most keys

    assert [(p.path, p.message) for p in problems(document)] == [
        ("$.format", "must be 'oversight-exchange/1'"),
        ("$.service.settings.record_working_days", "must be at least 1"),
        ("$.staff[0]", "unknown key 'colour'"),
        ("$.staff[0].role", "must be one of: specialist, support_officer, youth_justice_officer, "
                            "deputy_team_manager, team_manager, operational_service_manager, "
                            "head_of_service, assistant_director"),
        ("$.staff[7]", "id 'S1' is already used at $.staff[0]"),
        ("$.staff[7].name", "is required"),
        ("$.staff[7].role", "is required"),
        ("$.staff[7].start", "is required"),
        ("$.cases[2].risk", "is required"),
        ("$.allocations[0].staff", "staff 'S99' does not exist"),
        ("$.allocations[0].to", "must not be before from (2025-10-01)"),
        ("$.supervisions[0].discussions[1].recorded_by", "staff 'S98' does not exist"),
        ("$.milestones[0].kind", "must be one of: assessment, plan, review"),
    ]


def test_references_are_not_reported_against_a_list_whose_ids_could_not_be_read():
    document = full_document()
    document["staff"][1]["id"] = 2  # S2, referred to by a buddy, a paired worker and more

    assert problems(document) == [Problem("$.staff[1].id", "must be a string, not a number")]


def test_every_policy_setting_can_be_written():
    assert set(SETTING_KINDS) == set(PolicySettings.names())


def test_leave_can_be_booked_ahead_while_another_absence_runs():
    """An absence with no return recorded blocks only its expected days, not every later booking."""
    document = full_document()
    put("absences", 0, "actual_last_day", None)(document)
    facts = parse_document(document)
    assert [a.id for a in facts.absences if a.staff == "S1"] == ["A1", "A3"]
