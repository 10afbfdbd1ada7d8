"""(d) Page and API latency with 20 concurrent users: gunicorn on loopback, locust headless.

    DATABASE_URL=... python benchmarks/web.py --urls /,/caseload/ --seconds 60

Each URL is first fetched once signed in: one that does not answer 200 (not built yet, or not for
this user) is reported as not measured and left out of the load. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
# The case manager's busiest pages, and the line manager's (signed in with the demo's two-factor
# app). Both as BENCH_URLS / BENCH_MANAGER_URLS.
DEFAULT_URLS = "/,/caseload/,/covering/,/api/findings"
DEFAULT_MANAGER_URLS = "/team/cover/,/supervision/"
DEMO_TOTP_KEY = b"oversight-demo-totp!"  # oversight.accounts.demo.DEMO_KEY: the demo sign-ins' app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/sign-in/", timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _post_form(opener, base: str, path: str, fields: dict) -> str:
    """GET a form, POST it with its CSRF token; the URL it ends on."""
    page = opener.open(base + path, timeout=60).read().decode()
    token = CSRF.search(page)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token[1] if token else ""}).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Referer": base + path})
    try:
        return opener.open(request, timeout=60).geturl()
    except urllib.error.HTTPError as error:
        return error.url


def _demo_code() -> str:
    from django_otp.oath import totp

    return f"{totp(DEMO_TOTP_KEY):06d}"


def sign_in(base: str, user: str, password: str):
    """A cookie-keeping opener signed in as `user`, with the demo app's code when two-factor is
    asked for (a code is taken once: a second sign-in in the same 30 s waits for the next one)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    landed = _post_form(opener, base, "/sign-in/", {"username": user, "password": password})
    for _attempt in range(2):
        if "/sign-in/two-factor/" not in landed:
            break
        landed = _post_form(opener, base, "/sign-in/two-factor/", {"code": _demo_code()})
        if "/sign-in/two-factor/" in landed:
            time.sleep(30 - time.time() % 30 + 1)  # this step's code was used by the previous run
    return opener, jar


def session_cookie(jar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar if c.name in ("sessionid", "csrftoken"))


def preflight(base: str, urls: list[str], user: str, password: str, warm: int = 0, opener=None) -> dict[str, int]:
    """Sign in once (unless given a signed-in opener) and fetch each URL: its status code."""
    if opener is None:
        opener, _jar = sign_in(base, user, password)
    out = {}
    for url in urls:
        try:
            out[url] = opener.open(base + url, timeout=120).status
        except urllib.error.HTTPError as error:
            out[url] = error.code
        except OSError:
            out[url] = 0
    if warm:
        # Every worker's first request reads the service's facts (seconds for a large service):
        # fetched concurrently, each page lands on every worker before the measured run.
        from concurrent.futures import ThreadPoolExecutor

        def fetch(url):
            try:
                opener.open(base + url, timeout=300).read()
            except OSError:
                pass

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(fetch, [u for u, code in out.items() if code == 200] * warm))
    return out


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - no Redis: the per-worker cache
        return False


def _redis_flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("oversight:*findings:*"):
        client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", default=os.environ.get("BENCH_URLS", DEFAULT_URLS))
    parser.add_argument("--user", default="casemanager")
    parser.add_argument("--manager-urls", default=os.environ.get("BENCH_MANAGER_URLS", DEFAULT_MANAGER_URLS))
    parser.add_argument("--manager", default="linemanager", help="the line manager's demo sign-in")
    parser.add_argument("--managers", type=int, default=5, help="of the users, how many are line managers")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users starting each second")
    parser.add_argument("--password", default="oversight-demo")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--warm", type=int, default=0, help="fetch each page this many times (8 at once) first")
    parser.add_argument("--redis", default="", help="REDIS_URL for the shared findings cache (else per worker)")
    parser.add_argument("--keeper", action="store_true",
                        help="run `oversight keep_findings` beside gunicorn, started with it, as deployed")
    args = parser.parse_args()
    urls = [u for u in args.urls.split(",") if u]
    manager_urls = [u for u in args.manager_urls.split(",") if u]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="oversight.settings")
    cache = "per worker (LocMem)"
    if args.redis and _redis_answers(args.redis):
        env["REDIS_URL"], cache = args.redis, f"shared ({args.redis})"
        _redis_flush(args.redis)  # start cold, like the per-worker cache
    # The server's log goes to a file: a pipe nobody reads fills up with the request log after a
    # few hundred requests and then every worker waits on it (the earlier runs' p95 of 25 s).
    server_log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [os.path.join(BIN, "gunicorn"), "oversight.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=server_log, start_new_session=True,
    )
    keeper = None
    if args.keeper:
        # Only the measured service: on two cores a keeper judging all 150 would take a core from the
        # pages for minutes; deployed, keepers run on machines of their own (docs/scaling.md).
        ref = subprocess.run(
            [os.path.join(BIN, "oversight"), "shell", "-c", "from oversight.accounts.models import Account; "
             f"print(Account.objects.get(user__username={args.user!r}).service.ref)"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
        keeper = subprocess.Popen([os.path.join(BIN, "oversight"), "keep_findings", "--interval", "2",
                                   "--service", ref], env=env,
                                  stdout=subprocess.DEVNULL, stderr=server_log, start_new_session=True)
    result: dict = {"keeper": bool(keeper), "users": args.users, "line_managers": args.managers, "spawn_rate": args.spawn_rate,
                    "seconds": args.seconds, "gunicorn_workers": args.workers, "cache": cache, "warm": args.warm,
                    "load_before": round(os.getloadavg()[0], 2)}
    try:
        wait_up(base)
        statuses = preflight(base, urls, args.user, args.password, args.warm)
        manager, jar = sign_in(base, args.manager, args.password)
        manager_statuses = preflight(base, manager_urls, args.manager, args.password, args.warm, opener=manager)
        measured = [u for u, code in statuses.items() if code == 200]
        manager_measured = [u for u, code in manager_statuses.items() if code == 200]
        result["preflight"] = {**statuses, **{f"{u} ({args.manager})": c for u, c in manager_statuses.items()}}
        result["not_measured"] = {u: code for u, code in result["preflight"].items() if code != 200}
        if not measured:
            result["endpoints"] = {}
            print(json.dumps(result))
            return
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "locust")
            subprocess.run(
                [os.path.join(BIN, "locust"), "-f", os.path.join(HERE, "locustfile.py"), "--headless",
                 "--host", base, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
                 "--run-time", f"{args.seconds}s", "--csv", prefix, "--only-summary", "--stop-timeout", "10"],
                env=dict(env, BENCH_URLS=",".join(measured), BENCH_USER=args.user, BENCH_PASSWORD=args.password,
                         BENCH_MANAGER_URLS=",".join(manager_measured), BENCH_MANAGER_SESSION=session_cookie(jar),
                         BENCH_MANAGERS=str(args.managers if manager_measured else 0)),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=args.seconds + 120,
            )
            endpoints = {}
            with open(prefix + "_stats.csv") as stats:
                for row in csv.DictReader(stats):
                    endpoints[row["Name"]] = {
                        "requests": int(row["Request Count"]),
                        "errors": int(row["Failure Count"]),
                        "p50_ms": float(row["50%"] or 0),
                        "p95_ms": float(row["95%"] or 0),
                        "rps": round(float(row["Requests/s"] or 0), 1),
                    }
        result["endpoints"] = endpoints
    finally:
        if keeper is not None:
            os.killpg(keeper.pid, signal.SIGKILL)
            keeper.wait(timeout=30)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        server_log.close()
    result["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
