"""Locust users for bench/load.py (run through it, not directly).

Visitors browse /cases/ with filters and pages, search names, open case pages
and statistics; monitors sign in through allauth and log prison visits through
the workspace form. BENCH_SLUGS_FILE lists public case slugs, one a line;
BENCH_MONITOR_PASSWORD is the password of bench-monitor-0..N.
"""

import itertools
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

SLUGS = Path(os.environ["BENCH_SLUGS_FILE"]).read_text().split()
PASSWORD = os.environ["BENCH_MONITOR_PASSWORD"]
MONITORS = int(os.environ.get("BENCH_MONITORS", "5"))
_numbers = itertools.count()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_OPTION = re.compile(r'<option value="(\d+)"')
NAMES = ["Ivanov", "Абенов", "Seitkali", "Petrova", "Zhylanbayev", "Karimov", "Sokolov"]
FILTERS = [
    {},
    {"country": "KZ"},
    {"status": "convicted", "year": "2020"},
    {"min_months": "24", "sort": "sentence"},
    {"hunger_strike": "ongoing"},
    {"sort": "name", "page": "3"},
]


class Visitor(HttpUser):
    weight = 9
    wait_time = between(0.5, 2)

    @task(4)
    def browse(self):
        self.client.get("/cases/", params=random.choice(FILTERS), name="/cases/?filters")

    @task(2)
    def search(self):
        self.client.get("/cases/", params={"q": random.choice(NAMES)}, name="/cases/?q=")

    @task(4)
    def case_page(self):
        self.client.get(f"/cases/{random.choice(SLUGS)}/", name="/cases/<slug>/")

    @task(1)
    def stats(self):
        self.client.get("/stats/")

    @task(1)
    def home(self):
        self.client.get("/")


class Monitor(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        username = f"bench-monitor-{next(_numbers) % MONITORS}"
        page = self.client.get("/accounts/login/").text
        response = self.client.post(
            "/accounts/login/",
            {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": _token(page)},
            name="/accounts/login/ (POST)",
        )
        if "/accounts/login/" in response.url:
            response.failure("login did not succeed")

    @task(1)
    def workspace(self):
        self.client.get("/monitor/")

    @task(2)
    def log_visit(self):
        form = self.client.get("/monitor/visits/new/").text
        cases = CASE_OPTION.findall(form)
        with self.client.post(
            "/monitor/visits/new/",
            {
                "csrfmiddlewaretoken": _token(form),
                "case": random.choice(cases),
                "visited_on": "2025-07-25",
                "kind": "in_person",
                "outcome": "held",
                "public_summary": "Load test visit.",
                "visibility": "internal",
                "observations-TOTAL_FORMS": "1",
                "observations-INITIAL_FORMS": "0",
                "observations-0-kind": "weight",
                "observations-0-weight_kg": "61.5",
                "observations-0-visibility": "internal",
                "sources-TOTAL_FORMS": "0",
                "sources-INITIAL_FORMS": "0",
            },
            name="/monitor/visits/new/ (POST)",
            catch_response=True,
        ) as response:
            if "/monitor/visits/" not in response.url or "saved=1" not in response.url:
                response.failure("the visit was not saved")


def _token(page: str) -> str:
    match = TOKEN.search(page)
    return match.group(1) if match else ""
