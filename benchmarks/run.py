"""`make bench`: load each scale into a throw-away PostgreSQL database and measure it.

    python benchmarks/run.py --scales "service region national" [--reuse] [--skip-web]

For each scale: a database `oversight_bench_<scale>` is created afresh (kept with --reuse when it is
already loaded), the data set is generated and loaded (`oversight demo --scale ...`), then each
measurement runs in a process of its own (benchmarks/measure.py, web.py) so that its peak memory is
its own. Prints a table against the targets and writes benchmarks/results/bench-<time>.json and
benchmarks/results/latest.json. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
RESULTS = os.path.join(HERE, "results")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TODAY = os.environ.get("BENCH_TODAY", "2026-11-23")
SEED = os.environ.get("BENCH_SEED", "1")
# The findings cache gunicorn's workers share in (d); empty: each worker keeps its own (LocMem).
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
GIB = 1024.0

TARGETS = {
    "findings_service_s": 0.3,
    "findings_all_s": 30.0,
    "cover_service_s": 0.1,
    "cover_all_s": 2.0,
    "web_p95_ms": 250.0,
    "load_records_per_s": 20_000,
    "peak_mib": 1024.0,
    "floor_ratio": 5.0,
    "national_load_s": 900.0,
}


def say(text: str) -> None:
    print(text, flush=True)


@dataclass(frozen=True, slots=True)
class _Row:
    case: str
    day: int
    kind: str


def python_reference() -> float:
    """Seconds this machine takes for one fixed piece of pure Python, of the kind the reading and
    the rules do (200,000 frozen rows made, sorted, grouped by case): the best of five. The figures
    of two machines compare only after dividing by it (docs/performance.md, "Method")."""

    def work() -> int:
        rows = [_Row(f"C{i % 5000}", (i * 7919) % 3650, "formal" if i % 3 else "group") for i in range(200_000)]
        rows.sort(key=lambda r: (r.case, r.day))
        groups: dict[str, list[int]] = {}
        for row in rows:
            groups.setdefault(row.case, []).append(row.day)
        return sum(max(days) - min(days) for days in groups.values())

    times = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True,
                   stdout=subprocess.DEVNULL)


def database_has_data(url: str) -> bool:
    out = subprocess.run(
        ["psql", url, "-tAc", "SELECT count(*) FROM people_service"], capture_output=True, text=True, check=False
    )
    return out.returncode == 0 and out.stdout.strip() not in ("", "0")


def oversight(url: str, *args: str, stream: bool = False) -> tuple[float, float]:
    """Run an `oversight` command on `url`: (wall seconds, peak MiB of its largest process)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([os.path.join(BIN, "oversight"), *args], env=dict(os.environ, DATABASE_URL=url), check=True,
                   stdout=None if stream else subprocess.DEVNULL)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return time.perf_counter() - started, round(peak / 1024, 1)


def measure(url: str, name: str, *extra: str) -> dict:
    say(f"    {name} ...")
    script = os.path.join(HERE, "web.py" if name == "web" else "measure.py")
    args = [sys.executable, script, *([] if name == "web" else [name, "--as-of", TODAY]), *extra]
    out = subprocess.run(args, env=dict(os.environ, DATABASE_URL=url), capture_output=True, text=True, cwd=ROOT,
                         check=False)
    if out.returncode != 0:
        say(out.stderr[-3000:])
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    say(f"      {json.dumps(result)[:300]}")
    return result


def load(scale: str, url: str, reuse: bool) -> dict:
    name = url.rsplit("/", 1)[1]
    if reuse and database_has_data(url):
        say(f"  {scale}: reusing the loaded database {name}")
        return {"reused": True}
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    oversight(url, "migrate", "--no-input", "-v", "0")
    report = os.path.join(RESULTS, f"load-{scale}.json")
    say(f"  {scale}: generating and loading into {name} (progress below)")
    seconds, peak = oversight(url, "demo", "--scale", scale, "--seed", SEED, "--today", TODAY, "--report", report,
                              stream=True)
    figures = {"seconds": round(seconds, 1), "peak_mib": peak}
    if os.path.exists(report) and scale in ("region", "national"):
        with open(report) as f:
            figures.update(json.load(f))
    return figures


def bench_scale(scale: str, reuse: bool, skip_web: bool, web_seconds: int) -> dict:
    url = f"{PG}/oversight_bench_{scale}"
    out: dict = {"scale": scale, "database": url.rsplit("/", 1)[1]}
    out["load"] = load(scale, url, reuse)
    for name in ("findings-service", "findings-all", "cover-service", "cover-all", "floor-service", "floor-all"):
        if scale == "service" and name in ("findings-all", "cover-all", "floor-all"):
            continue  # one service: the same figure as the service's own
        out[name] = measure(url, name)
    if not skip_web:
        redis = ["--redis", REDIS] if REDIS else []
        # First as a fresh start (every worker reads the service on its first request), then warmed.
        out["web"] = measure(url, "web", "--seconds", str(web_seconds), *redis)
        # A fresh start as deployed: `oversight keep_findings` starts with the web servers.
        out["web-keeper"] = measure(url, "web", "--seconds", str(web_seconds), "--keeper", *redis)
        out["web-warm"] = measure(url, "web", "--seconds", str(web_seconds), "--warm", "8", *redis)
    return out


def load_document(reuse: bool) -> dict:
    """(e) The exchange load: one large service's document through parse_document and the ordinary
    load (history kept), and the same facts through the bulk first load, in a database of its own."""
    url = f"{PG}/oversight_bench_loadtest"
    psql("DROP DATABASE IF EXISTS oversight_bench_loadtest")
    psql("CREATE DATABASE oversight_bench_loadtest")
    oversight(url, "migrate", "--no-input", "-v", "0")
    return measure(url, "load-document")


def fmt(value, unit: str = "", digits: int = 2) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def table(results: dict) -> str:
    scales = [r["scale"] for r in results["scales"]]
    by = {r["scale"]: r for r in results["scales"]}

    def get(scale, *path):
        value = by[scale]
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    rows = []

    def row(label, target, fn):
        rows.append([label, target, *[fn(s) for s in scales]])

    row("load: records", "", lambda s: fmt(get(s, "load", "records")))
    row("load: wall s (2 workers)", "national ≤ 900", lambda s: fmt(get(s, "load", "seconds"), digits=0))
    row("load: CPU-bound s (quiet machine)", "national ≤ 900", lambda s: fmt(get(s, "load", "cpu_bound_seconds"), digits=0))
    row("load: records/s, wall", "", lambda s: fmt(get(s, "load", "records_per_second_wall")))
    row("load: peak MiB (one process)", "≤ 1024", lambda s: fmt(get(s, "load", "peak_mib"), digits=0))
    row("(a) findings, 500-case service, served: s", "≤ 0.3", lambda s: fmt(
        get(s, "findings-service", "served_seconds"), digits=4))
    row("    served, entry from the shared cache: s", "≤ 0.3", lambda s: fmt(
        get(s, "findings-service", "served_shared_seconds"), digits=4))
    row("    computed (cache miss): s", "≤ 0.3", lambda s: fmt(get(s, "findings-service", "seconds"), digits=3))
    row("      of which load from the database", "", lambda s: fmt(get(s, "findings-service", "load_seconds"), digits=3))
    row("      of which the rules", "", lambda s: fmt(get(s, "findings-service", "rules_seconds"), digits=3))
    row("      CPU s of this process (load + rules)", "", lambda s: (
        f"{fmt(get(s, 'findings-service', 'load_cpu_seconds'), digits=2)} + "
        f"{fmt(get(s, 'findings-service', 'rules_cpu_seconds'), digits=2)}"
        if get(s, "findings-service", "rules_cpu_seconds") is not None else "-"))
    row("    first request, cache empty: s", "", lambda s: fmt(get(s, "findings-service", "fill_seconds"), digits=3))
    row("    served = computed", "", lambda s: fmt(get(s, "findings-service", "served_equal_computed")))
    row("    peak MiB", "≤ 1024", lambda s: fmt(get(s, "findings-service", "peak_mib"), digits=0))
    row("(b) findings, every service, computed: s", "≤ 30", lambda s: fmt(
        get(s, "findings-all", "seconds") if s != "service" else get(s, "findings-service", "fill_seconds"), digits=2))
    row("    worker processes", "", lambda s: fmt(get(s, "findings-all", "workers") if s != "service" else 1))
    row("    CPU-bound s (one process)", "", lambda s: fmt(get(s, "findings-all", "cpu_seconds"), digits=1))
    row("    served, every service: s", "≤ 30", lambda s: fmt(
        get(s, "findings-all", "served_seconds") if s != "service" else get(s, "findings-service", "served_seconds"),
        digits=3))
    row("    peak MiB (largest process)", "≤ 1024", lambda s: fmt(
        get(s, "findings-all", "peak_mib") if s != "service" else get(s, "findings-service", "peak_mib"), digits=0))
    row("(c) cover, 500-case service: s", "≤ 0.1", lambda s: fmt(get(s, "cover-service", "seconds"), digits=3))
    row("    peak MiB", "≤ 1024", lambda s: fmt(get(s, "cover-service", "peak_mib"), digits=0))
    row("(c) cover, every service: s", "≤ 2", lambda s: fmt(
        get(s, "cover-all", "seconds") if s != "service" else get(s, "cover-service", "seconds"), digits=3))
    row("    peak MiB", "≤ 1024", lambda s: fmt(
        get(s, "cover-all", "peak_mib") if s != "service" else get(s, "cover-service", "peak_mib"), digits=0))
    for rule in ("SUP-MONTHLY", "REC-DEADLINE"):
        row(f"floor {rule}, service: ours/floor", "≤ 5", lambda s, r=rule: fmt(get(s, "floor-service", r, "ratio")))
        row(f"floor {rule}, every service: ours/floor", "≤ 5", lambda s, r=rule: fmt(
            get(s, "floor-all" if s != "service" else "floor-service", r, "ratio")))
        row(f"floor {rule}, service: served/floor", "≤ 5", lambda s, r=rule: fmt(
            get(s, "floor-service", r, "ratio_served"), digits=3))
        row(f"floor {rule}, service: whole service read/floor", "", lambda s, r=rule: fmt(
            get(s, "floor-service", r, "ratio_whole")))
        row(f"floor {rule}, every service: whole read/floor", "", lambda s, r=rule: fmt(
            get(s, "floor-all" if s != "service" else "floor-service", r, "ratio_whole")))
    for run_, label in (("web", "fresh start"), ("web-keeper", "fresh, keeper"), ("web-warm", "warmed")):
        urls = sorted({u for s in scales for u in (get(s, run_, "endpoints") or {}) if u not in ("Aggregated",)})
        for url in urls:
            row(f"(d) {url}, {label}: p50 / p95 ms, errors", "p95 ≤ 250, 0", lambda s, u=url, w=run_: (
                f"{fmt(get(s, w, 'endpoints', u, 'p50_ms'), digits=0)} / {fmt(get(s, w, 'endpoints', u, 'p95_ms'), digits=0)}"
                f", {fmt(get(s, w, 'endpoints', u, 'errors'))}" if get(s, w, "endpoints", u) else "-"))
    lines = []
    widths = [max(len(str(r[i])) for r in [["figure", "target", *scales], *rows]) for i in range(len(scales) + 2)]
    for r in [["figure", "target", *scales], ["-" * w for w in widths], *rows]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    machine = results.get("machine", {})
    if machine.get("python_reference_seconds") is not None:
        end = machine.get("python_reference_seconds_at_end")
        lines.append("")
        lines.append(f"Machine: {machine['cpus']} cores; the Python reference work took "
                     f"{machine['python_reference_seconds']} s at the start{f' and {end} s at the end' if end else ''}"
                     " (figures of two machines compare after dividing by it)")
    doc = results.get("load-document") or {}
    if doc:
        lines.append("")
        lines.append(
            f"(e) exchange load, one 500-case service ({fmt(doc.get('records'))} records): parse "
            f"{fmt(doc.get('parse_records_per_s'))}/s; parse + ordinary load {fmt(doc.get('ordinary_records_per_s'))}/s; "
            f"parse + bulk first load {fmt(doc.get('bulk_records_per_s'))}/s (target ≥ 20,000); peak {fmt(doc.get('peak_mib'))} MiB"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="service region national")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded benchmark database")
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--web-seconds", type=int, default=60)
    args = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    started = time.time()
    results: dict = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg(),
                    "python_reference_seconds": python_reference()},
        "today": TODAY,
        "seed": SEED,
        "targets": TARGETS,
        "scales": [],
    }
    say(f"Benchmarks on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f}), as of {TODAY};"
        f" this machine's Python reference work: {results['machine']['python_reference_seconds']} s")
    say("(e) exchange load of one large service document ...")
    results["load-document"] = load_document(args.reuse)
    for scale in args.scales.split():
        say(f"== {scale} ==")
        results["scales"].append(bench_scale(scale, args.reuse, args.skip_web, args.web_seconds))
        _write(results)
    # Measured again at the end: on a shared or throttled machine the two differ, and say by how much.
    results["machine"]["python_reference_seconds_at_end"] = python_reference()
    results["seconds"] = round(time.time() - started)
    path = _write(results)
    say("")
    say(table(results))
    say(f"\nFigures written to {path} (and latest.json); {results['seconds'] // 60} minutes.")


def _write(results: dict) -> str:
    stamp = results["started"].replace(":", "").replace("-", "")
    path = os.path.join(RESULTS, f"bench-{stamp}.json")
    for target in (path, os.path.join(RESULTS, "latest.json")):
        with open(target, "w") as out:
            json.dump(results, out, indent=1)
    return path


if __name__ == "__main__":
    main()
