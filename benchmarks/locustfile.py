"""Twenty people using Oversight at once, reading the busiest pages.

Run by benchmarks/web.py (locust headless against gunicorn on loopback). Case managers sign in
(BENCH_USER / BENCH_PASSWORD) and read BENCH_URLS; BENCH_MANAGERS of the users are line managers,
who read BENCH_MANAGER_URLS in the session web.py signed in with the demo's two-factor app
(BENCH_MANAGER_SESSION: a two-factor code is taken once, so they cannot each sign in afresh).
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

URLS = [u for u in os.environ.get("BENCH_URLS", "/").split(",") if u]
USER = os.environ.get("BENCH_USER", "casemanager")
PASSWORD = os.environ.get("BENCH_PASSWORD", "oversight-demo")
SIGN_IN = os.environ.get("BENCH_SIGN_IN", "/sign-in/")
MANAGER_URLS = [u for u in os.environ.get("BENCH_MANAGER_URLS", "").split(",") if u]
MANAGER_SESSION = os.environ.get("BENCH_MANAGER_SESSION", "")
MANAGERS = int(os.environ.get("BENCH_MANAGERS", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class CaseManager(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reading a page before the next

    def on_start(self) -> None:
        page = self.client.get(SIGN_IN, name="sign-in (form)")
        token = CSRF.search(page.text)
        self.client.post(
            SIGN_IN,
            data={"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token[1] if token else ""},
            headers={"Referer": self.host + SIGN_IN},
            name="sign-in",
            allow_redirects=False,  # the page it sends you to is measured as a page, not as signing in
        )

    @task
    def read(self) -> None:
        # One page at a time, any of them: a slow page must not hide the others from the figures.
        url = random.choice(URLS)
        self.client.get(url, name=url)


class LineManager(HttpUser):
    wait_time = between(0.5, 1.5)
    abstract = not (MANAGERS and MANAGER_URLS and MANAGER_SESSION)  # none asked for, or none signed in
    fixed_count = MANAGERS

    def on_start(self) -> None:
        self.client.headers["Cookie"] = MANAGER_SESSION

    @task
    def read(self) -> None:
        url = random.choice(MANAGER_URLS)
        self.client.get(url, name=url)
