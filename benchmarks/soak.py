"""`make soak`: a few minutes of mixed load against gunicorn on loopback, with the demo service.

    python benchmarks/soak.py [--seconds 180] [--workers 2] [--port 8106]

Six people sign in (the case manager, the line manager and the senior manager with their two-factor
codes, the duty officer, the performance team, and the case manager a second time in another
browser) and work for SOAK_SECONDS (default 180): they read their pages and the JSON API, and
write: the case managers book leave through the page and save their leave sheets as drafts, the
duty officer books leave through the API, the line manager reallocates cases for a day.

Measured: every response that is not what the person should get (a 5xx, a 4xx, a refused form, a
connection error) is an error, and the run fails unless there are none; the resident memory (RSS)
of each gunicorn worker, sampled every few seconds: start, end, maximum, the mean of each minute,
and the slope after the first minute and over the second half (MB a minute; flat is about 0). The
run fails when a worker's memory still grows after the warm-up: a slope over the last two thirds of
the run above --max-growth (MiB a minute, default 2; SOAK_MAX_GROWTH) that also adds more than
--max-growth-percent (default 10) to its size. Each log line gunicorn wrote
must be one JSON object and none at ERROR. Prints a table and writes benchmarks/results/soak-<time>.json.

The database is a new SQLite file in a scratch folder, or (`make soak` does this) a PostgreSQL
database the run creates, fills with the demo service and drops: --database / SOAK_DATABASE_URL.
Needs Linux (/proc) for the memory figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

from web import free_port, wait_up  # benchmarks/web.py, beside this file

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PASSWORD = "oversight-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAMPLE_SECONDS = 5
WARM_UP_PASSES = 3


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to check, not something to follow


class Tally:
    """Requests, errors and timings by name, shared by every person's thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.examples: list[str] = []

    def add(self, name: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.count[name] += 1
            self.times[name].append(seconds)
            if problem:
                self.errors[name] += 1
                if len(self.examples) < 20:
                    self.examples.append(f"{name}: {problem}")


class Browser:
    """One person's browser: its own cookies; each request checked against what it should answer."""

    def __init__(self, base: str, tally: Tally):
        self.base, self.tally = base, tally
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
        self.token = ""

    def request(self, name: str, path: str, *, data: dict | None = None, json_body: dict | None = None,
                expect: tuple[int, ...] = (200,), method: str | None = None) -> tuple[int, str, dict]:
        headers = {"Referer": self.base + path}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}, doseq=True).encode()
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers |= {"Content-Type": "application/json", "X-CSRFToken": self.token}
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text, got = response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as answer:
            status, text, got = answer.code, answer.read().decode(errors="replace"), dict(answer.headers)
        except OSError as failed:
            self.tally.add(name, time.perf_counter() - started, f"{type(failed).__name__}")
            return 0, "", {}
        problem = None
        if status not in expect:
            problem = f"{status} (expected {'/'.join(map(str, expect))}) for {path}"
        elif "govuk-error-summary" in text and data is not None:
            problem = f"form refused at {path}: " + " ".join(re.findall(r'<a href="#[^"]*">([^<]+)</a>', text))[:200]
        self.tally.add(name, time.perf_counter() - started, problem)
        found = CSRF.search(text)
        if found:
            self.token = found[1]
        return status, text, got

    def sign_in(self, username: str, code: str | None) -> None:
        self.request("sign-in (form)", "/sign-in/")
        self.request("sign-in", "/sign-in/", data={"username": username, "password": PASSWORD}, expect=(302,))
        if code:
            self.request("sign-in (code form)", "/sign-in/two-factor/")
            self.request("sign-in (code)", "/sign-in/two-factor/", data={"code": code}, expect=(302,))


# --- What each person does ---------------------------------------------------------------------------

def links(text: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, text)))


def hidden(text: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', text)
    return found[1].replace("&quot;", '"').replace("&amp;", "&") if found else ""


def date_fields(prefix: str, day: date) -> dict:
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


class Person:
    reads: list[str] = []

    def __init__(self, browser: Browser, weeks_ahead: int):
        self.browser, self.weeks_ahead, self.turn = browser, weeks_ahead, 0

    def read(self) -> None:
        path = random.choice(self.reads)
        self.browser.request(f"GET {re.sub(r'/[A-Z]+-?[0-9]+[^/]*', '/<ref>', path)}", path)

    def write(self) -> None:
        pass

    def next_week(self) -> tuple[date, date]:
        """A Monday and Tuesday this person has not booked yet, far enough ahead to clash with nothing."""
        today = date.today()
        monday = today + timedelta(days=7 - today.weekday()) + timedelta(weeks=self.weeks_ahead + self.turn)
        self.turn += 1
        return monday, monday + timedelta(days=1)


class CaseManager(Person):
    def setup(self) -> None:
        _, caseload, _ = self.browser.request("GET /caseload/", "/caseload/")
        cases = links(caseload, r'href="(/cases/[^/"]+/)"')[:5]
        self.reads = ["/", "/caseload/", "/covering/", "/buddies/", "/absences/", "/api/cases", "/api/findings",
                      *cases]

    def write(self) -> None:
        first, last = self.next_week()
        status, _, headers = self.browser.request("POST /absences/new/", "/absences/new/", data={
            "kind": "annual_leave", **date_fields("first_day", first), **date_fields("last_day", last)},
            expect=(302,))
        if status != 302:
            return
        sheet = urllib.parse.urlparse(headers["Location"]).path
        _, page, _ = self.browser.request("GET leave sheet", sheet)
        fields = {name: "" for name in set(re.findall(r'name="(case-[^"]+-cover)"', page))}
        self.browser.request("POST leave sheet (draft)", sheet, data={
            "seen": hidden(page, "seen"), "action": "save", **fields}, expect=(302,))


class DutyOfficer(Person):
    reads = ["/", "/duty/", "/caseload/", "/api/findings"]

    def setup(self) -> None:
        self.browser.request("GET /", "/")  # for the CSRF token the API's writes need

    def write(self) -> None:
        first, last = self.next_week()
        self.browser.request("POST /api/absences", "/api/absences", json_body={
            "kind": "annual_leave", "first_day": first.isoformat(), "last_day": last.isoformat()}, expect=(201,))
        self.browser.request("GET /", "/")


class LineManager(Person):
    reads = ["/", "/team/cover/", "/team/buddies/", "/team/reallocate/", "/supervision/", "/api/findings"]

    def setup(self) -> None:
        _, page, _ = self.browser.request("GET /team/reallocate/", "/team/reallocate/")
        self.cases = re.findall(r'<input[^>]*name="cases"[^>]*value="([^"]+)"', page)
        # A manager holds no cases, so is never already the case manager of one of them.
        manager = re.search(r'<option value="([^"]+)"[^>]*>[^<]*team manager\)', page)
        self.worker = manager[1] if manager else None
        _, supervision, _ = self.browser.request("GET /supervision/", "/supervision/")
        self.reads = [*self.reads, *links(supervision, r'href="(/supervision/[^/"]+/prepare/)"')[:3]]

    def write(self) -> None:
        if not self.cases or not self.worker:
            return
        day, _ = self.next_week()
        case = self.cases[self.turn % len(self.cases)]
        self.browser.request("POST /team/reallocate/", "/team/reallocate/", data={
            "cases": [case], "staff": self.worker, **date_fields("start", day), **date_fields("end", day)},
            expect=(302,))


class Senior(Person):
    reads = ["/", "/chain/", "/compliance/", "/findings/", "/reports/", "/api/findings"]

    def setup(self) -> None:
        pass


class Performance(Person):
    reads = ["/", "/reports/", "/findings/", "/api/findings"]

    def setup(self) -> None:
        pass


# username, needs a code, kind of person, weeks ahead its leave starts (kept apart: no clashes)
PEOPLE = [("casemanager", False, CaseManager, 60), ("casemanager", False, CaseManager, 160),
          ("linemanager", True, LineManager, 60), ("senior", True, Senior, 0), ("duty", False, DutyOfficer, 60),
          ("performance", False, Performance, 0)]


def work(person: Person, stop: float) -> None:
    while time.time() < stop:
        if random.random() < 0.1:
            person.write()
        else:
            person.read()
        time.sleep(random.uniform(0.5, 1.5))  # reading the page before the next


# --- The server and its memory ---------------------------------------------------------------------

def workers_of(master: int) -> list[int]:
    try:
        return sorted(int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split())
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sample(master: int, started: float, samples: list, stop: threading.Event) -> None:
    while not stop.is_set():
        samples.append((round(time.time() - started, 1), {pid: rss_mb(pid) for pid in workers_of(master)}))
        stop.wait(SAMPLE_SECONDS)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope, in MB a minute."""
    if len(points) < 3:
        return 0.0
    xs, ys = [t / 60 for t, _ in points], [v for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def memory(samples: list, warm_up: float) -> dict:
    by_pid: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for t, values in samples:
        for pid, mb in values.items():
            if mb is not None:
                by_pid[pid].append((t, mb))
    out = {}
    for pid, points in sorted(by_pid.items()):
        settled = [p for p in points if p[0] >= warm_up] or points
        half = [p for p in points if p[0] >= points[-1][0] / 2]
        # The first third is the warm-up (imports, templates compiled, caches filled); what still
        # grows over the rest is what the limit judges.
        last_two_thirds = [p for p in points if p[0] >= points[-1][0] / 3]
        minutes: dict[int, list[float]] = defaultdict(list)
        for t, mb in points:
            minutes[int(t // 60)].append(mb)
        out[str(pid)] = {"start_mb": round(points[0][1], 1), "end_mb": round(points[-1][1], 1),
                         "max_mb": round(max(v for _, v in points), 1),
                         "slope_mb_per_min_after_warm_up": round(slope(settled), 2),
                         "slope_mb_per_min_second_half": round(slope(half), 2),
                         "slope_mb_per_min_last_two_thirds": round(slope(last_two_thirds), 2),
                         "growth_last_two_thirds_percent": round(
                             100 * (last_two_thirds[-1][1] / last_two_thirds[0][1] - 1), 1) if last_two_thirds else 0,
                         "mean_mb_by_minute": [round(statistics.fmean(v), 1) for _, v in sorted(minutes.items())],
                         "samples": len(points)}
    return out


def check_logs(path: Path) -> dict:
    levels: Counter[str] = Counter()
    not_json = 0
    request_lines = 0
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            not_json += 1
            continue
        levels[entry.get("level", "?")] += 1
        request_lines += entry.get("logger") == "oversight.requests" and bool(entry.get("request_id"))
    return {"lines_by_level": dict(levels), "lines_not_json": not_json, "request_lines_with_id": request_lines}


def postgres_database(url: str, *, create: bool) -> None:
    """Create the soak's PostgreSQL database afresh, or drop it."""
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "180")))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SOAK_PORT", "0")) or None)
    parser.add_argument("--seed", type=int, default=1, help="the demo service's seed")
    parser.add_argument("--database", default=os.environ.get("SOAK_DATABASE_URL") or "sqlite",
                        help="'sqlite' (a scratch file, the default) or a postgres://… URL of a database the run "
                        "creates afresh and drops at the end (SOAK_DATABASE_URL)")
    parser.add_argument("--max-growth", type=float, default=float(os.environ.get("SOAK_MAX_GROWTH", "2")),
                        metavar="MIB_PER_MIN", help="fail when a worker's memory grows faster than this over the "
                        "last two thirds of the run (MiB a minute, default 2; SOAK_MAX_GROWTH)")
    parser.add_argument("--max-growth-percent", type=float, default=10, metavar="PERCENT",
                        help="... and grows by more than this over the last two thirds (default 10): one step "
                        "of a few MiB (a page seen for the first time) is not a leak; a steady slope is")
    parser.add_argument("--copy-from", type=Path, metavar="VAR_DIR",
                        help="copy the demo database from this OVERSIGHT_VAR_DIR instead of generating it")
    args = parser.parse_args()
    if args.seconds < 30:
        parser.error("--seconds must be at least 30")
    random.seed(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="oversight-soak-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OVERSIGHT_LOG_LEVEL")}
    env |= {"DJANGO_SETTINGS_MODULE": "oversight.settings", "OVERSIGHT_VAR_DIR": str(scratch)}
    database = args.database
    if database.startswith("postgres"):
        env["DATABASE_URL"] = database
        postgres_database(database, create=True)
    elif database != "sqlite":
        parser.error("--database must be 'sqlite' or a postgres://… URL")
    else:
        database = ""
    oversight = str(BIN / "oversight")
    if args.copy_from and not database:
        shutil.copy(args.copy_from / "oversight.sqlite3", scratch / "oversight.sqlite3")
    else:
        print(f"Preparing the demo service in {database or scratch} ...", flush=True)
        subprocess.run([oversight, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run([oversight, "demo", "--seed", str(args.seed)], env=env, check=True, stdout=subprocess.DEVNULL)

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = scratch / "gunicorn.log"
    with open(log, "w") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "oversight.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--timeout", "120", "--log-level", "warning"],
            env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )
    tally, samples, stop_sampling = Tally(), [], threading.Event()
    try:
        wait_up(base, seconds=120)
        people = []
        for username, needs_code, kind, weeks in PEOPLE:
            browser = Browser(base, tally)
            code = subprocess.run([oversight, "demo_code", username], env=env, check=True, capture_output=True,
                                  text=True).stdout.strip() if needs_code else None
            browser.sign_in(username, code)
            person = kind(browser, weeks)
            person.setup()
            people.append(person)
        # Warm-up before the clock starts: each person reads each of their pages and writes, three
        # times, so that both workers have (very likely) imported, compiled and cached what they will
        # serve. Without it a worker that happened to see a page late grew during the measured run
        # (docs/operations.md).
        for _ in range(WARM_UP_PASSES):
            for person in people:
                for path in person.reads:
                    person.browser.request("warm-up", path)
                person.write()
        workers_at_start = workers_of(server.pid)
        started = time.time()
        sampler = threading.Thread(target=sample, args=(server.pid, started, samples, stop_sampling), daemon=True)
        sampler.start()
        print(f"Soaking for {args.seconds} s: {len(people)} people, {args.workers} gunicorn workers on {base}",
              flush=True)
        threads = [threading.Thread(target=work, args=(p, started + args.seconds)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop_sampling.set()
        sampler.join()
        workers_at_end = workers_of(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        if database:
            postgres_database(database, create=False)

    warm_up = 60 if args.seconds >= 120 else 0
    logs = check_logs(log)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": args.seconds,
        "database": "postgresql" if database and database.startswith("postgres") else "sqlite",
        "gunicorn_workers": args.workers, "people": [p[0] for p in PEOPLE], "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
        "requests": sum(tally.count.values()), "errors": sum(tally.errors.values()),
        "error_examples": tally.examples,
        "workers_replaced": workers_at_start != workers_at_end,
        "by_request": {name: {"requests": n, "errors": tally.errors[name],
                              "median_ms": round(statistics.median(tally.times[name]) * 1000),
                              "max_ms": round(max(tally.times[name]) * 1000)}
                       for name, n in sorted(tally.count.items())},
        "memory": memory(samples, warm_up), "warm_up_seconds": warm_up, "logs": logs,
        "max_growth_mib_per_min": args.max_growth, "max_growth_percent": args.max_growth_percent,
    }
    growing = [pid for pid, row in result["memory"].items()
               if row["slope_mb_per_min_last_two_thirds"] > args.max_growth
               and row["growth_last_two_thirds_percent"] > args.max_growth_percent]
    result["memory_growing"] = growing
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    out = results / f"soak-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)
    print(f"\nWritten to {out.relative_to(HERE.parent)}")
    failed = result["errors"] or result["workers_replaced"] or logs["lines_not_json"] or \
        logs["lines_by_level"].get("ERROR", 0) or growing
    if growing:
        print(f"Memory still growing after the warm-up: worker(s) {', '.join(growing)} above "
              f"{args.max_growth} MiB/min and {args.max_growth_percent}% over the last two thirds of the run")
    if failed:
        print(f"SOAK FAILED. The server's log and database are kept in {scratch}")
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"Soak passed: no errors, no worker replaced, every log line JSON and none at ERROR, memory growing "
          f"not above {args.max_growth} MiB/min and {args.max_growth_percent}% after the warm-up.")
    return 0


def print_table(result: dict) -> None:
    print(f"\n{'request':<34}{'count':>7}{'errors':>8}{'median ms':>11}{'max ms':>9}")
    for name, row in result["by_request"].items():
        print(f"{name[:33]:<34}{row['requests']:>7}{row['errors']:>8}{row['median_ms']:>11}{row['max_ms']:>9}")
    print(f"{'total':<34}{result['requests']:>7}{result['errors']:>8}")
    for example in result["error_examples"]:
        print("  error:", example)
    print(f"\n{'gunicorn worker (RSS)':<24}{'start MB':>10}{'end MB':>9}{'max MB':>9}{'MB/min':>9}"
          f"{'2nd half':>10}{'last 2/3':>10}  mean MB each minute")
    for pid, row in result["memory"].items():
        print(f"{'pid ' + pid:<24}{row['start_mb']:>10}{row['end_mb']:>9}{row['max_mb']:>9}"
              f"{row['slope_mb_per_min_after_warm_up']:>9}{row['slope_mb_per_min_second_half']:>10}"
              f"{row['slope_mb_per_min_last_two_thirds']:>10}  "
              f"{' '.join(map(str, row['mean_mb_by_minute']))}")
    print(f"(MB/min: the slope after the first {result['warm_up_seconds']} s; 2nd half, last 2/3: over that part "
          f"of the run, the last judged against {result['max_growth_mib_per_min']} MiB/min with "
          f"{result['max_growth_percent']}% growth; workers "
          f"replaced during the run: {'yes' if result['workers_replaced'] else 'no'})")
    logs = result["logs"]
    print(f"Log lines by level: {logs['lines_by_level']}; not JSON: {logs['lines_not_json']}; "
          f"request lines with an id: {logs['request_lines_with_id']}")


if __name__ == "__main__":
    sys.exit(main())
