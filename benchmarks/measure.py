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
from oversight.store.read import fresh_service_facts

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
    """(a) All findings for the largest service as of a moment.

    Computed: read the facts from the database and run every rule (what a cache miss costs, and
    what the figures before the cache measured). Filled: the first `findings_at` in this process,
    with nothing cached: the read, the rules on the watched moment, storing the entry. Served: the
    same request once filled (the data revision read, the entry fetched), median of 20.
    """
    from django.core.cache import cache as shared

    from oversight.store import cache, read

    service = largest_service()
    cpu = time.process_time()
    loads, facts = timed(lambda: fresh_service_facts(service), repeat)
    load_cpu = (time.process_time() - cpu) / repeat
    cpu = time.process_time()
    runs, findings = timed(lambda: evaluate(facts, as_of), repeat)
    rules_cpu = (time.process_time() - cpu) / repeat
    load, rules = statistics.median(loads), statistics.median(runs)
    del facts
    shared.clear()
    cache._local.clear()
    read._kept.clear()
    fills, filled = timed(lambda: cache.findings_at(service, as_of), 1)
    served, answer = timed(lambda: cache.findings_at(service, as_of), 20)

    def from_shared():
        cache._local.clear()  # another worker's request: the entry comes from the shared cache
        return cache.findings_at(service, as_of)

    served_shared, _ = timed(from_shared, 20)
    return {
        "service": service.ref,
        "findings": len(findings),
        "load_seconds": round(load, 3),
        "rules_seconds": round(rules, 3),
        "seconds": round(load + rules, 3),
        # CPU seconds of this process (not the database's): what a quiet machine would take, about
        "load_cpu_seconds": round(load_cpu, 3),
        "rules_cpu_seconds": round(rules_cpu, 3),
        "fill_seconds": round(fills[0], 3),
        "served_seconds": round(statistics.median(served), 4),
        "served_shared_seconds": round(statistics.median(served_shared), 4),
        "served_equal_computed": filled == findings and answer == findings,
    }


def _sweep_one(pk: int, as_of: datetime) -> tuple:
    """One service of (b), in a worker process: fill its findings, then serve them once."""
    from oversight.store import cache, read

    service = Service.objects.get(pk=pk)
    t0 = time.perf_counter()
    found = cache.findings_at(service, as_of)
    t1 = time.perf_counter()
    cache.findings_at(service, as_of)
    t2 = time.perf_counter()
    read._kept.clear()  # one service at a time, as before: memory stays that of the largest service
    return len(found), t1 - t0, t2 - t1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def findings_all(as_of: datetime, repeat: int) -> dict:
    """(b) Findings for every service, computed afresh, spread over one worker process per core
    (largest services first); then each served once from what was computed."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from django.db import connections
    from django.db.models import Count, Q

    services = list(
        Service.objects.annotate(open=Count("cases", filter=Q(cases__closed__isnull=True)))
        .order_by("-open", "ref").values_list("pk", flat=True)
    )
    workers = min(os.cpu_count() or 1, len(services))
    connections.close_all()  # each worker opens its own
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        results = list(pool.map(_sweep_one, services, [as_of] * len(services)))
    wall = time.perf_counter() - started
    return {
        "services": len(services),
        "workers": workers,
        "findings": sum(r[0] for r in results),
        "seconds": round(wall, 2),
        "cpu_seconds": round(sum(r[1] for r in results), 2),
        "served_seconds": round(sum(r[2] for r in results), 3),
        "worker_peak_mib": round(max(r[3] for r in results), 1),
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
    facts = fresh_service_facts(service)
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
    figures.update(measure=args.measure, peak_mib=max(peak_mib(), figures.get("worker_peak_mib", 0)), load_before=round(before, 2),
                   load_after=round(os.getloadavg()[0], 2))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
