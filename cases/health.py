"""Health monitoring: when is each detained person's next health update due?

`refresh_health_due` is called by every service that records an observation,
starts or ends a hunger strike or a detention, or changes a case's interval
override. The stale-health job (cases.tasks) only asks "who is past due?".
"""

from __future__ import annotations

from collections.abc import Iterable


def refresh_health_due(*, person_ids: Iterable[int]) -> None:
    """Recompute Person.health_due_at for these people (set-based)."""
    # Filled in by the stale-health work; services call it already.
    return None
