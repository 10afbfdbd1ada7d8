"""Twenty people using Oversight at once: each signs in as a demo user and reads the busiest pages.

Run by benchmarks/web.py (locust headless against gunicorn on loopback). The pages come from
BENCH_URLS (comma-separated paths), the user from BENCH_USER / BENCH_PASSWORD.
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
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
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
