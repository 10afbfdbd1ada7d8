"""The floor: SUP-MONTHLY and REC-DEADLINE as one hand-written SQL query each, over the same data.

A query returns the breaches and dues as rows (who or which case, which month or deadline, status):
no text, no other rule. It is what the database alone can do; our figure is the same answer from the
application (read the tables the rule reads, judge the rule), and the ratio ours / floor says what the
application's way costs. Both counts are printed, so that the two are seen to agree.

Working days in SQL come from the same `holidays` tables the application uses, passed as an array.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta

from django.db import connection

from oversight.people.models import Service
from oversight.policy.calendar import _bank_holidays
from oversight.policy.engine import evaluate
from oversight.store.read import fresh_service_facts, rule_facts

# SUP-MONTHLY: months (from the month of the service's first allocation) in which a person held an
# open case, with no formal one-to-one held that month by the as-of moment, and not a gap month (at
# least 5 absent working days); closed months are breaches, the current month is due.
SUP_MONTHLY = """
WITH params AS (
  SELECT %(as_of)s::timestamptz AS as_of, %(today)s::date AS today,
         date_trunc('month', %(today)s::date)::date AS this_month
),
holidays AS (SELECT unnest(%(holidays)s::date[]) AS day),
start AS (
  SELECT service_id, date_trunc('month', min(start))::date AS first_month
  FROM people_allocation WHERE service_id = ANY(%(services)s) GROUP BY service_id
),
holding AS (
  SELECT DISTINCT a.service_id, a.staff_id, m::date AS month
  FROM people_allocation a
  JOIN people_case c ON c.id = a.case_id
  CROSS JOIN params p
  CROSS JOIN LATERAL generate_series(
      date_trunc('month', greatest(a.start, c.opened)),
      least(coalesce(a."end", p.today), coalesce(c.closed, p.today), p.today),
      interval '1 month') m
  WHERE a.service_id = ANY(%(services)s)
    AND greatest(a.start, c.opened) <= least(coalesce(a."end", p.today), coalesce(c.closed, p.today), p.today)
),
supervised AS (
  SELECT DISTINCT s.supervisee_id AS staff_id,
         date_trunc('month', s.held AT TIME ZONE 'Europe/London')::date AS month
  FROM supervision_supervision s, params p
  WHERE s.service_id = ANY(%(services)s) AND s.kind = 'formal' AND s.held <= p.as_of
),
absent AS (
  SELECT ab.staff_id, date_trunc('month', d)::date AS month, count(DISTINCT d) AS days
  FROM cover_absence ab
  CROSS JOIN params p
  CROSS JOIN LATERAL generate_series(
      ab.first_day, coalesce(ab.actual_last_day, (p.this_month + interval '1 month - 1 day')::date),
      interval '1 day') d
  WHERE ab.service_id = ANY(%(services)s) AND extract(isodow FROM d) < 6
    AND d::date NOT IN (SELECT day FROM holidays)
  GROUP BY 1, 2
)
SELECT h.staff_id, h.month, CASE WHEN h.month < p.this_month THEN 'breach' ELSE 'due' END
FROM holding h
JOIN start st ON st.service_id = h.service_id
CROSS JOIN params p
WHERE h.month >= st.first_month
  AND NOT EXISTS (SELECT 1 FROM supervised s WHERE s.staff_id = h.staff_id AND s.month = h.month)
  AND (h.month = p.this_month OR NOT EXISTS (
        SELECT 1 FROM absent a WHERE a.staff_id = h.staff_id AND a.month = h.month AND a.days >= 5))
"""

# REC-DEADLINE: every discussion at a formal session and every oversight event held by the as-of
# moment needs a record within 24 hours (significant) or by the end of the 5th working day after;
# late, overdue (breach) and not yet due (due) are reported.
REC_DEADLINE = """
WITH params AS (SELECT %(as_of)s::timestamptz AS as_of),
holidays AS (SELECT unnest(%(holidays)s::date[]) AS day),
days AS (
  SELECT d::date AS day,
         count(*) FILTER (WHERE extract(isodow FROM d) < 6 AND d::date NOT IN (SELECT day FROM holidays))
           OVER (ORDER BY d) AS worked
  FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
),
working AS (
  SELECT day, worked FROM days d
  WHERE extract(isodow FROM d.day) < 6 AND d.day NOT IN (SELECT day FROM holidays)
),
fifth AS (  -- the 5th working day strictly after each day
  SELECT d.day, w.day AS due FROM days d JOIN working w ON w.worked = d.worked + 5
),
needed AS (
  SELECT d.case_id, s.held, d.significant, d.recorded
  FROM supervision_discussion d
  JOIN supervision_supervision s ON s.id = d.supervision_id, params p
  WHERE s.service_id = ANY(%(services)s) AND s.kind = 'formal' AND s.held <= p.as_of
  UNION ALL
  SELECT e.case_id, e.held, e.significant, e.recorded
  FROM supervision_oversightevent e, params p
  WHERE e.service_id = ANY(%(services)s) AND e.held <= p.as_of
),
judged AS (
  SELECT n.case_id, n.recorded,
         CASE WHEN n.significant THEN n.held + interval '24 hours'
              ELSE (f.due + time '23:59:59.999') AT TIME ZONE 'Europe/London' END AS deadline
  FROM needed n
  JOIN fifth f ON f.day = (n.held AT TIME ZONE 'Europe/London')::date
)
SELECT j.case_id, j.deadline,
       CASE WHEN j.recorded IS NOT NULL AND j.recorded <= p.as_of THEN 'breach'  -- late
            WHEN p.as_of > j.deadline THEN 'breach' ELSE 'due' END
FROM judged j, params p
WHERE NOT (j.recorded IS NOT NULL AND j.recorded <= p.as_of AND j.recorded <= j.deadline)
"""


def _holidays(first: date, last: date) -> list[date]:
    return sorted(d for year in range(first.year, last.year + 1) for d in _bank_holidays("england-and-wales", year))


def run_sql(query: str, services: list[int], as_of: datetime) -> int:
    today = as_of.date()
    first, last = date(today.year - 12, 1, 1), today + timedelta(days=60)
    params = {
        "services": services,
        "as_of": as_of,
        "today": today,
        "holidays": _holidays(first, last),
        "first": first,
        "last": last,
    }
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return len(cursor.fetchall())


def ours(facts, as_of: datetime, rule: str) -> int:
    """The rule's findings as the application gives them (engine.evaluate of that rule alone)."""
    return len(evaluate(facts, as_of, [rule]))


def compare(as_of: datetime, repeat: int, scope: str) -> dict:
    """Each rule's floor query against ours, two ways. Ours: read the tables the rule reads
    (store.read.rule_facts; for REC-DEADLINE without the records surely made in time by the
    moment) and judge the rule alone, as `oversight findings --rule` does. Whole:
    read the whole service once for both rules (as a page that shows every rule does, and as the
    first four rounds measured) and judge each rule on it. Every service: one repeat (minutes)."""
    from measure import largest_service

    services = [largest_service()] if scope == "service" else list(Service.objects.order_by("ref"))
    repeat = repeat if scope == "service" else 1
    ids = [s.pk for s in services]
    rules = (("SUP-MONTHLY", SUP_MONTHLY), ("REC-DEADLINE", REC_DEADLINE))
    keys = ("floor", "read", "rule", "whole_rule", "whole_load")
    times: dict = {rule: {k: [] for k in keys} for rule, _ in rules}
    counts: dict = {}
    for _ in range(repeat):
        for rule, query in rules:
            started = time.perf_counter()
            counts[(rule, "floor")] = run_sql(query, ids, as_of)
            times[rule]["floor"].append(time.perf_counter() - started)
        spent = {rule: dict.fromkeys(keys[1:], 0.0) for rule, _ in rules}
        found = {rule: {"ours": 0, "whole": 0} for rule, _ in rules}
        for service in services:
            for rule, _ in rules:  # ours: the rule's own tables, read afresh (not kept)
                t0 = time.perf_counter()
                facts = rule_facts(service, [rule], as_of)
                t1 = time.perf_counter()
                found[rule]["ours"] += ours(facts, as_of, rule)
                spent[rule]["read"] += t1 - t0
                spent[rule]["rule"] += time.perf_counter() - t1
                del facts
            t0 = time.perf_counter()
            whole = fresh_service_facts(service)  # the whole service, computed afresh: a cache miss
            load = time.perf_counter() - t0
            for rule, _ in rules:
                spent[rule]["whole_load"] += load
                t1 = time.perf_counter()
                found[rule]["whole"] += ours(whole, as_of, rule)
                spent[rule]["whole_rule"] += time.perf_counter() - t1
            del whole
        for rule, _ in rules:
            for k in keys[1:]:
                times[rule][k].append(spent[rule][k])
            counts[(rule, "ours")] = found[rule]["ours"]
            counts[(rule, "whole")] = found[rule]["whole"]
    out = {"scope": scope, "services": len(services)}
    served = _served(services[0], as_of) if scope == "service" else {}
    for rule, _ in rules:
        floor_s, read_s, rule_s, whole_rule_s, whole_load_s = (statistics.median(times[rule][k]) for k in keys)
        ours_s, whole_s = read_s + rule_s, whole_load_s + whole_rule_s
        out[rule] = {
            "floor_seconds": round(floor_s, 3),
            "ours_seconds": round(ours_s, 3),
            "ours_read_seconds": round(read_s, 3),
            "ours_rule_seconds": round(rule_s, 3),
            "ratio": round(ours_s / floor_s, 2) if floor_s else None,
            "whole_seconds": round(whole_s, 3),
            "whole_load_seconds": round(whole_load_s, 3),
            "whole_rule_seconds": round(whole_rule_s, 3),
            "ratio_whole": round(whole_s / floor_s, 2) if floor_s else None,
            "floor_rows": counts[(rule, "floor")],
            "ours_findings": counts[(rule, "ours")],
            "whole_findings": counts[(rule, "whole")],
        }
        if rule in served:
            out[rule]["served_seconds"] = served[rule]
            out[rule]["ratio_served"] = round(served[rule] / floor_s, 3) if floor_s else None
    return out


def _served(service, as_of: datetime) -> dict[str, float]:
    """Each rule's findings as a page gets them once the service's findings are kept (store/cache.py):
    the median of 20 requests after the first."""
    from oversight.store import cache

    cache.findings_at(service, as_of)
    out = {}
    for rule in ("SUP-MONTHLY", "REC-DEADLINE"):
        times = []
        for _ in range(20):
            started = time.perf_counter()
            [f for f in cache.findings_at(service, as_of) if f.rule == rule]
            times.append(time.perf_counter() - started)
        out[rule] = round(statistics.median(times), 4)
    return out
