from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import PRIVILEGE_FIELDS, AdminUserChangeForm
from .models import User


def login_through_allauth(request, extra_context=None):
    """The admin has no login form of its own: admins sign in like everyone else,
    so the second factor, lockout and security log apply to them too."""
    if request.user.is_authenticated:
        # Signed in but not staff: sending them to the login page would loop.
        raise PermissionDenied
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


admin.site.login = login_through_allauth


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
