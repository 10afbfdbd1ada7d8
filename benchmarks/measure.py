"""One measurement, run in a process of its own so that its peak memory is its own.

    DATABASE_URL=postgres://... python benchmarks/measure.py findings-service --as-of 2026-11-23

Prints one JSON object: the figures, the peak resident memory of the process (MiB), and the load
average of the machine before and after (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from datetime import date, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

import django

django.setup()

from oversight.people.models import Service
from oversight.policy.engine import cover_at, evaluate
from oversight.store.read import service_facts

LONDON = ZoneInfo("Europe/London")


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def largest_service() -> Service:
    """The service with the most open cases (YJS001 in the fleets; the only one at service scale)."""
    from django.db.models import Count, Q

    return (
        Service.objects.annotate(open=Count("cases", filter=Q(cases__closed__isnull=True)))
        .order_by("-open", "ref")
        .first()
    )


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def findings_service(as_of: datetime, repeat: int) -> dict:
    """(a) All findings for the largest service as of a moment: load the facts, then the rules."""
    service = largest_service()
    loads, facts = timed(lambda: service_facts(service), repeat)
    runs, findings = timed(lambda: evaluate(facts, as_of), repeat)
    load, rules = statistics.median(loads), statistics.median(runs)
    return {
        "service": service.ref,
        "open_cases": sum(1 for c in facts.cases if c.closed is None),
        "cases": len(facts.cases),
        "discussions": sum(len(s.discussions) for s in facts.supervisions),
        "findings": len(findings),
        "load_seconds": round(load, 3),
        "rules_seconds": round(rules, 3),
        "seconds": round(load + rules, 3),
    }


def findings_all(as_of: datetime, repeat: int) -> dict:
    """(b) Findings for every service, one after another (one process)."""
    started = time.perf_counter()
    load = rules = 0.0
    count = services = 0
    for service in Service.objects.order_by("ref"):
        t0 = time.perf_counter()
        facts = service_facts(service)
        t1 = time.perf_counter()
        count += len(evaluate(facts, as_of))
        rules += time.perf_counter() - t1
        load += t1 - t0
        services += 1
        del facts
    return {
        "services": services,
        "findings": count,
        "load_seconds": round(load, 2),
        "rules_seconds": round(rules, 2),
        "seconds": round(time.perf_counter() - started, 2),
    }


def cover_service(at: datetime, repeat: int) -> dict:
    """(c) The named contact of every open case of the largest service at a moment."""
    from oversight.store.read import cover_facts

    service = largest_service()
    times, answers = timed(lambda: cover_at(cover_facts([service], at)[service.ref], at), repeat)
    return {"service": service.ref, "cases": len(answers), "seconds": round(statistics.median(times), 3)}


def cover_all(at: datetime, repeat: int) -> dict:
    """(c) The named contact of every open case of every service at a moment (set-wise load)."""
    from oversight.store.read import cover_facts

    def run():
        services = list(Service.objects.order_by("ref"))
        return [a for facts in cover_facts(services, at).values() for a in cover_at(facts, at)]

    times, answers = timed(run, repeat)
    return {"services": Service.objects.count(), "cases": len(answers), "seconds": round(statistics.median(times), 3)}


def floor(as_of: datetime, repeat: int, scope: str) -> dict:
    """The floor: SUP-MONTHLY and REC-DEADLINE as one hand-written SQL query each, against ours."""
    import floor as sql_floor

    return sql_floor.compare(as_of, repeat, scope)


def profile(as_of: datetime, repeat: int) -> dict:
    """Where the time of (a) goes: pyinstrument's text report, written next to the results."""
    from pyinstrument import Profiler

    service = largest_service()
    profiler = Profiler(interval=0.001)
    profiler.start()
    facts = service_facts(service)
    evaluate(facts, as_of)
    profiler.stop()
    path = os.environ.get("BENCH_PROFILE_OUT", "benchmarks/results/profile-findings.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(profiler.output_text(unicode=False, color=False, show_all=False))
    return {"service": service.ref, "profile": path}


def load_document(as_of: datetime, repeat: int) -> dict:
    """(e) One 500-case service's exchange document: parse_document, then the ordinary load
    (replace_service, history kept) and, for the same facts under another id, the bulk first load."""
    import dataclasses
    import json as jsonlib

    from oversight.cli.fleet import count_records
    from oversight.demo.generate import generate_service
    from oversight.exchange.document import parse_document
    from oversight.store.bulk import bulk_load_service
    from oversight.store.write import replace_service

    document = jsonlib.loads(jsonlib.dumps(generate_service(seed=2, today=as_of.date(), scale="service",
                                                            service_id="LOADTEST")))
    started = time.perf_counter()
    facts = parse_document(document)
    parsed = time.perf_counter()
    replace_service(facts, actor="benchmark")
    ordinary = time.perf_counter()
    other = dataclasses.replace(facts, service=dataclasses.replace(facts.service, id="LOADBULK"))
    bulk_started = time.perf_counter()
    bulk_load_service(other, actor="benchmark")
    bulk = time.perf_counter()
    records = count_records(facts)
    parse_s, ordinary_s, bulk_s = parsed - started, ordinary - parsed, bulk - bulk_started
    return {
        "records": records,
        "parse_seconds": round(parse_s, 2),
        "ordinary_write_seconds": round(ordinary_s, 2),
        "bulk_write_seconds": round(bulk_s, 2),
        "parse_records_per_s": round(records / parse_s),
        "ordinary_records_per_s": round(records / (parse_s + ordinary_s)),
        "bulk_records_per_s": round(records / (parse_s + bulk_s)),
    }


MEASURES = {
    "load-document": load_document,
    "findings-service": findings_service,
    "findings-all": findings_all,
    "cover-service": cover_service,
    "cover-all": cover_all,
    "floor-service": lambda as_of, repeat: floor(as_of, repeat, "service"),
    "floor-all": lambda as_of, repeat: floor(as_of, repeat, "all"),
    "profile": profile,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("measure", choices=sorted(MEASURES))
    parser.add_argument("--as-of", default="2026-11-23", help="a date: the end of that local day")
    parser.add_argument("--at", default="12:00", help="the time of day for cover")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    day = date.fromisoformat(args.as_of)
    moment = (
        datetime.combine(day, clock.fromisoformat(args.at), tzinfo=LONDON)
        if args.measure.startswith("cover")
        else datetime.combine(day, clock(23, 59, 59, 999000), tzinfo=LONDON)
    )
    before = os.getloadavg()[0]
    figures = MEASURES[args.measure](moment, args.repeat)
    figures.update(measure=args.measure, peak_mib=peak_mib(), load_before=round(before, 2),
                   load_after=round(os.getloadavg()[0], 2))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
