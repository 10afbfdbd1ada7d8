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
DEFAULT_URLS = "/,/caseload/,/team/cover/,/findings/,/api/findings"


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


def preflight(base: str, urls: list[str], user: str, password: str, warm: int = 0) -> dict[str, int]:
    """Sign in once and fetch each URL: its status code."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = urllib.parse.urlencode(
        {"username": user, "password": password, "csrfmiddlewaretoken": token[1] if token else ""}
    ).encode()
    request = urllib.request.Request(base + "/sign-in/", data=data, headers={"Referer": base + "/sign-in/"})
    try:
        opener.open(request, timeout=60)
    except urllib.error.HTTPError:
        pass
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
    parser.add_argument("--password", default="oversight-demo")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--warm", type=int, default=0, help="fetch each page this many times (8 at once) first")
    parser.add_argument("--redis", default="", help="REDIS_URL for the shared findings cache (else per worker)")
    args = parser.parse_args()
    urls = [u for u in args.urls.split(",") if u]
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
    result: dict = {"users": args.users, "seconds": args.seconds, "gunicorn_workers": args.workers, "cache": cache, "warm": args.warm,
                    "load_before": round(os.getloadavg()[0], 2)}
    try:
        wait_up(base)
        statuses = preflight(base, urls, args.user, args.password, args.warm)
        measured = [u for u, code in statuses.items() if code == 200]
        result["preflight"] = statuses
        result["not_measured"] = {u: code for u, code in statuses.items() if code != 200}
        if not measured:
            result["endpoints"] = {}
            print(json.dumps(result))
            return
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "locust")
            subprocess.run(
                [os.path.join(BIN, "locust"), "-f", os.path.join(HERE, "locustfile.py"), "--headless",
                 "--host", base, "--users", str(args.users), "--spawn-rate", str(args.users),
                 "--run-time", f"{args.seconds}s", "--csv", prefix, "--only-summary", "--stop-timeout", "10"],
                env=dict(env, BENCH_URLS=",".join(measured), BENCH_USER=args.user, BENCH_PASSWORD=args.password),
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
