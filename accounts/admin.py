from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .forms import PRIVILEGE_FIELDS, AdminUserChangeForm
from .models import User

# The admin has no login form of its own: admins sign in through allauth like
# everyone else, so the second factor, the lockout and the security log apply.
# (allauth's decorator sends anonymous visitors to its login page with `next`,
# and refuses signed-in non-staff instead of looping.)
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class CasetrackerUserAdmin(UserAdmin):
    """Only superusers change what a user may do (superuser and staff flags,
    roles, permissions) or touch a superuser's account; everyone else with
    `change_user` manages names, emails, passwords and deactivation."""

    form = AdminUserChangeForm
    search_fields = ("username", "first_name", "last_name", "email")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [field for field in PRIVILEGE_FIELDS if field not in readonly]
        return readonly

    def _touches_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if self._touches_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, not deleted: their authorship stays in the history.
        return request.user.is_superuser and super().has_delete_permission(request, obj)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """A role's permissions are everyone's permissions: superusers only."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _administrators_only(request) -> bool:
    """The admin is for administrators. Monitors and editors work in /monitor/,
    whose views apply the per-object rules (assignment, confidentiality, publishing)
    that the admin's model permissions cannot express."""
    from accounts import roles

    return request.user.is_active and roles.has_role(request.user, roles.ADMINISTRATOR)


admin.site.has_permission = _administrators_only
