"""A minimal HTTP client for the stack tests: cookies kept by hand (the app marks
them Secure in production mode, and the test talks plain HTTP to gunicorn behind
a pretend TLS proxy), the CSRF token read from the form it posts."""

from __future__ import annotations

import re

import requests

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class StackClient:
    def __init__(self, base: str, forwarded_for: str | None = None):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.forwarded_for = forwarded_for

    def _headers(self) -> dict[str, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.base.replace("http://", "https://", 1) + "/",
        }
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response: requests.Response) -> requests.Response:
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, path: str) -> requests.Response:
        response = requests.get(
            self.base + path, headers=self._headers(), allow_redirects=False, timeout=30
        )
        return self._keep(response)

    def post_form(self, path: str, data: dict) -> requests.Response:
        """GET the form at `path`, then POST `data` to it with its CSRF token."""
        page = self.get(path)
        match = CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status_code}): {page.text[:500]}"
        response = requests.post(
            self.base + path,
            data={"csrfmiddlewaretoken": match.group(1), **data},
            headers=self._headers(),
            allow_redirects=False,
            timeout=30,
        )
        return self._keep(response)
