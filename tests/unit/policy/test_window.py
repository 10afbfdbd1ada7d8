"""The watched as-of moment (policy/window.py): the span it reports is exact, or there is none."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings

from oversight.policy import window
from oversight.policy.engine import evaluate, evaluate_with_span
from oversight.policy.findings import Finding, Status

from .builders import discuss, moment, team
from .strategies import moments, services

LONDON = ZoneInfo("Europe/London")
AT = datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
DAY = (datetime(2026, 3, 10, tzinfo=LONDON), datetime(2026, 3, 11, tzinfo=LONDON))


def watched():
    return window.watch(AT, *DAY)


def test_the_span_runs_between_the_nearest_moments_compared_with():
    w = watched()
    deadline, held = datetime(2026, 3, 10, 15, 30, tzinfo=UTC), datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)
    assert w < deadline and held <= w and not (w > deadline)  # answered as for the plain moment
    assert window.span(w, []) == (held + timedelta(microseconds=1), deadline)


def test_the_span_never_leaves_the_local_day():
    w = watched()
    assert w > datetime(2020, 1, 1, tzinfo=UTC) and w < datetime(2030, 1, 1, tzinfo=UTC)
    assert window.span(w, []) == DAY


def test_a_moment_equal_to_the_as_of_moment_leaves_only_that_moment():
    w = watched()
    assert w >= AT
    assert window.span(w, []) == (AT, AT + timedelta(microseconds=1))


def test_the_day_in_another_time_zone_bounds_the_span_by_that_day():
    w = watched().astimezone(ZoneInfo("America/New_York"))  # 08:00 there
    assert w.date().isoformat() == "2026-03-10"
    valid_from, valid_until = window.span(w, [])
    assert valid_until == datetime(2026, 3, 11, 0, 0, tzinfo=LONDON)  # London's midnight comes first
    assert valid_from == datetime(2026, 3, 10, 0, 0, tzinfo=ZoneInfo("America/New_York")) + timedelta(microseconds=1)


def test_any_other_use_leaves_no_span():
    for use in (lambda w: w + timedelta(hours=1), lambda w: w - AT, lambda w: AT - w, lambda w: w.hour,
                lambda w: f"{w:%H:%M}", lambda w: str(w), lambda w: hash(w), lambda w: w.timestamp(),
                lambda w: w.replace(hour=1), lambda w: {w: 1}):
        w = watched()
        use(w)
        assert window.span(w, []) is None, use


def test_the_moment_itself_in_a_result_leaves_no_span():

    w = watched()
    assert window.span(w, [Finding("X", Status.DUE, "S1", "detail", due=w)]) is None


@settings(max_examples=200, deadline=None)
@given(services(), moments(date(2025, 10, 1), date(2026, 7, 31)))
def test_on_random_services_every_moment_of_the_span_gives_the_same_findings(builder, as_of):
    # The rules may bound the span however they compare with the watched moment (each record's
    # moment, or the nearest ones found by bisection): what the span claims must hold to its ends.
    facts = builder.build()
    found, span = evaluate_with_span(facts, as_of)
    assert found == evaluate(facts, as_of)
    assert span is not None
    valid_from, valid_until = span
    assert valid_from <= as_of < valid_until
    assert evaluate(facts, valid_from) == found
    assert evaluate(facts, valid_until - timedelta(microseconds=1)) == found


def test_the_span_ends_when_a_record_reaches_the_file():
    # Held at 10:00, written at 15:00 the same day: as of noon the record is due, from 15:00 it is
    # on the file, so what was found at noon holds until 15:00 and no later.
    b = team().person("Y1", manager="D1").case("C1", manager="Y1", opened="2026-01-05")
    b.formal("V1", "Y1", "2026-01-14 10:00", discuss("C1", recorded="2026-01-14 15:00", by="D1"))
    facts = b.build()
    found, (valid_from, valid_until) = evaluate_with_span(facts, moment("2026-01-14 12:00"))
    assert [f.status for f in found if f.rule == "REC-DEADLINE"] == [Status.DUE]
    assert valid_until == moment("2026-01-14 15:00")
    assert not [f for f in evaluate(facts, valid_until) if f.rule == "REC-DEADLINE"]
