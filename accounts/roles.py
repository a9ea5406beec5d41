"""Roles are groups. These helpers are the only place that knows their names."""

MONITOR = "monitor"
EDITOR = "editor"
RESEARCHER = "researcher"
ADMINISTRATOR = "administrator"
ALL_ROLES = (MONITOR, EDITOR, RESEARCHER, ADMINISTRATOR)


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or role in _groups(user)


def is_staff_member(user) -> bool:
    """Monitors, editors and administrators: the people who may see internal records."""
    return any(has_role(user, role) for role in (MONITOR, EDITOR, ADMINISTRATOR))


def sees_confidential(user) -> bool:
    return has_role(user, EDITOR) or has_role(user, ADMINISTRATOR)


# Who may publish is not a role question: cases.policy.may_publish (the permission).
