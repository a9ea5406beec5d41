"""Every route of the project, from the URL resolver, as a concrete URL.

`all_routes()` walks `get_resolver()` recursively (includes, namespaces, the
admin, allauth and the DRF router's format-suffix routes) and describes each
route by its path template, e.g. `/monitor/cases/<pk>/edit/`: the form the
route × role test's allowlist is written in. `concrete_url()` fills the
template's parameters with ids and slugs of seeded objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize


@dataclass(frozen=True)
class Route:
    template: str  # "/monitor/cases/<pk>/edit/"
    name: str  # "monitor:case_edit" ("admin:" for unnamed ones)
    fmt: str  # "monitor/cases/%(pk)s/edit/"
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.partition(":")[0] if ":" in self.name else ""

    def __str__(self) -> str:
        return f"{self.template} ({self.name or 'unnamed'})"


def _walk(resolver: URLResolver, prefix: str = "", namespaces: tuple[str, ...] = ()):
    for pattern in resolver.url_patterns:
        regex = pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            ns = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern, prefix + regex, ns)
        else:
            # normalize() is what reverse() uses to turn a regex into a URL format.
            fmt, params = normalize(prefix + regex)[0]
            template = "/" + fmt % {p: f"<{p}>" for p in params}
            yield Route(template, ":".join((*namespaces, pattern.name or "")), fmt, tuple(params))


def all_routes(urlconf: str | None = None) -> list[Route]:
    return list(_walk(get_resolver(urlconf)))


_ADMIN_MODEL = re.compile(r"^/admin/(?P<app>\w+)/(?P<model>\w+)/")


def concrete_url(route: Route, values: dict) -> str:
    """The route's URL with every parameter filled.

    `values` maps what a parameter stands for to a value: a path segment before
    it ("cases" -> a case's pk on /monitor/cases/<pk>/, its slug on
    /cases/<slug>/), an admin model ("admin:cases.case" -> pk, with
    "admin-history:cases.case" -> a history row's pk) or the parameter's own
    name ("format", "key", ...). Anything unknown gets a plausible value.
    """
    filled = {}
    for param in route.params:
        filled[param] = _value_for(route, param, values)
    return "/" + route.fmt % filled


def _value_for(route: Route, param: str, values: dict) -> str:
    template = route.template
    admin_model = _ADMIN_MODEL.match(template)
    if admin_model and param in ("object_id", "id", "_0", "_1"):
        key = f"{admin_model['app']}.{admin_model['model']}"
        if param == "_1":
            return str(values.get(f"admin-history:{key}", 1))
        return str(values.get(f"admin:{key}", 1))
    before = template.split(f"<{param}>")[0].rstrip("/").rsplit("/", 1)[-1]
    kind = "slug" if param == "slug" else "pk"
    for key in (f"{before}:{kind}", param):
        if key in values:
            return str(values[key])
    return {"pk": "1", "slug": "no-such-slug", "format": "json"}.get(param, "plausible-value")
