from allauth.account.utils import get_next_redirect_url
from allauth.core.internal.httpkit import add_query_params
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casetracker.security.log import security_event
from casetracker.security.net import lift_lockouts

from .forms import PRIVILEGE_FIELDS, AdminUserChangeForm
from .models import User


def admin_login(request, extra_context=None):
    """/admin/login/ has no login form and checks no password: it hands over to
    allauth, where the second factor, the lockout and the security log apply.

    Django's own admin login would sign in anyone whose password it is given, with
    no code asked, even over a signed-in staff session (allauth's
    `secure_admin_login` lets signed-in staff through to it). Here:
    - anonymous: allauth's login page, with `next`;
    - signed in as an administrator: straight to `next`;
    - signed in as somebody else (switching accounts): allauth's sign-out page
      first (a POST, so no other site can sign a monitor out), then its login;
    - a POST (credentials sent here directly): never checked; whoever is signed
      in is signed out (the CSRF check has passed), then allauth's login.
    """
    next_url = get_next_redirect_url(request) or reverse("admin:index")
    login_url = add_query_params(resolve_url(settings.LOGIN_URL), {REDIRECT_FIELD_NAME: next_url})
    if request.method == "POST":
        if request.user.is_authenticated:
            logout(request)
        return HttpResponseRedirect(login_url)
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(next_url)
        logout_url = reverse("account_logout")
        return HttpResponseRedirect(add_query_params(logout_url, {REDIRECT_FIELD_NAME: login_url}))
    return HttpResponseRedirect(login_url)


admin.site.login = admin_login


@admin.register(User)
class CasetrackerUserAdmin(UserAdmin):
    """Only superusers change what a user may do (superuser and staff flags,
    roles, permissions) or touch a superuser's account; everyone else with
    `change_user` manages names, emails, passwords and deactivation."""

    form = AdminUserChangeForm
    search_fields = ("username", "first_name", "last_name", "email")
    actions = ["lift_lockouts"]

    @admin.action(description=_("Lift sign-in lockouts"), permissions=["change"])
    def lift_lockouts(self, request, queryset):
        """An administrator vouches for a locked-out monitor (e.g. on the phone):
        every address locked for these usernames may try again at once."""
        lifted = 0
        for user in queryset:
            if lift_lockouts(user):
                lifted += 1
                security_event(
                    "lockout_lifted",
                    request=request,
                    target_user_id=user.pk,
                    target_username=user.get_username(),
                    reason="administrator",
                )
        self.message_user(
            request,
            ngettext(
                "Lifted the lockouts of %(count)d account.",
                "Lifted the lockouts of %(count)d accounts.",
                lifted,
            )
            % {"count": lifted},
        )

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
