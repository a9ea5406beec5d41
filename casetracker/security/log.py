"""The security log: one JSON object per line on the `casetracker.security` logger.

Call `security_event("case_published", request=request, case_id=case.pk)` from any
area. Only whitelisted field names are written, and only as short scalars: a
password, token, OTP code, health note or source identity cannot reach the log
even if a caller passes one by mistake (the names of dropped fields are kept so
the mistake is visible).
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest

from .net import client_ip

logger = logging.getLogger("casetracker.security")

# The request being served (set by SecurityEventMiddleware), so that events
# raised deep inside a service, which takes a user but no request, still carry
# the client address and path.
current_request: ContextVar[HttpRequest | None] = ContextVar("security_request", default=None)

# Field names other code may attach to an event. Values are identifiers, counts
# and states, never free text typed by a person about a person.
ALLOWED_FIELDS = frozenset(
    {
        "case_id",
        "case_slug",
        "person_id",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
        "visibility",
        "export_format",
        "row_count",
        "filters",
        "target_user_id",
        "target_username",
        "roles",
        "changed",
        "authenticator_type",
        "reason",
        "status_code",
        "method",
        "path",
        "username_known",
        "sessions_ended",
        "lockout_parameters",
    }
)
MAX_VALUE_LENGTH = 200


def _scalar(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_scalar(item) for item in list(value)[:50]]
    return str(value)[:MAX_VALUE_LENGTH]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def security_event(name: str, *, request: HttpRequest | None = None, user=None, **fields) -> None:
    """Write one security event: who (user id and username), from where (client
    address), when (UTC) and what (`name` plus whitelisted `fields`)."""
    if request is None:
        request = current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    event: dict = {"time": _now(), "event": name}
    if user is not None and getattr(user, "is_authenticated", False):
        event["user_id"] = user.pk
        event["username"] = user.get_username()
    if request is not None:
        event["ip"] = client_ip(request)
        # The path only: query strings carry search terms such as names.
        event.setdefault("method", request.method)
        event.setdefault("path", request.path[:MAX_VALUE_LENGTH])
    dropped = []
    for key, value in fields.items():
        if key in ALLOWED_FIELDS:
            event[key] = _scalar(value)
        else:
            dropped.append(key)
    if dropped:
        event["dropped_fields"] = sorted(dropped)
    logger.info(name, extra={"security_event": event})


def security_event_on_commit(name: str, *, user=None, **fields) -> None:
    """`security_event` once the current transaction commits (an action rolled
    back did not happen), with the request being served now."""
    from django.db import transaction

    request = current_request.get()
    transaction.on_commit(lambda: security_event(name, request=request, user=user, **fields))


class JSONLinesFormatter(logging.Formatter):
    """Formats security events (and anything else sent to the logger) as JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        event = getattr(record, "security_event", None)
        if event is None:
            event = {
                "time": datetime.fromtimestamp(record.created, UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "event": "message",
                "level": record.levelname,
                "message": record.getMessage()[:MAX_VALUE_LENGTH],
            }
        return json.dumps(event, ensure_ascii=False, sort_keys=True, default=str)
