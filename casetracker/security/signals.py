"""Receivers that feed the security log and end sessions of deactivated users."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from .log import security_event
from .net import client_ip, lift_lockouts, login_username
from .sessions import end_all_sessions, stamp_login

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="ct_security_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    stamp_login(request.session)
    # allauth.usersessions tracks allauth's logins; every other Django login
    # (force_login, any other login view) is tracked here, so that deactivating
    # a user can end all their sessions.
    from allauth.usersessions.models import UserSession

    if request.session.session_key is None:
        request.session.save()
    user_agent_field = UserSession._meta.get_field("user_agent")
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[: user_agent_field.max_length],
        },
    )
    security_event("login_succeeded", request=request, user=user)


@receiver(user_login_failed, dispatch_uid="ct_security_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Only a username that exists is logged: a stranger's typo (or a password
    # typed into the username box) never reaches the log.
    username = login_username(request, credentials)
    known = bool(username) and User.objects.filter(username__iexact=username).first()
    security_event(
        "login_failed",
        request=request,
        user=known or None,
        username_known=bool(known),
    )


@receiver(user_locked_out, dispatch_uid="ct_security_locked_out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    known = bool(username) and User.objects.filter(username__iexact=username).first()
    security_event(
        "lockout",
        request=request,
        user=known or None,
        username_known=bool(known),
        lockout_parameters="username+ip",
    )


@receiver(user_logged_out, dispatch_uid="ct_security_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    security_event("logout", request=request, user=user)


def _mfa_event(name):
    def handler(sender, request=None, user=None, authenticator=None, **kwargs):
        security_event(
            name,
            request=request,
            user=user,
            authenticator_type=getattr(authenticator, "type", None),
        )

    return handler


# Strong references: these closures live as long as the module.
_MFA_HANDLERS = {
    mfa_signals.authenticator_added: _mfa_event("mfa_authenticator_added"),
    mfa_signals.authenticator_removed: _mfa_event("mfa_authenticator_removed"),
    mfa_signals.authenticator_reset: _mfa_event("mfa_recovery_codes_reset"),
    mfa_signals.authentication_failed: _mfa_event("mfa_failed"),
    # The second step of a sign-in (or a re-authentication) passed: the log shows
    # that a code was asked for and given, not only that a sign-in succeeded.
    mfa_signals.authenticator_used: _mfa_event("mfa_succeeded"),
}
for _signal, _handler in _MFA_HANDLERS.items():
    _signal.connect(_handler, dispatch_uid=f"ct_security_{id(_signal)}")


def _password_event(name):
    def handler(sender, request=None, user=None, **kwargs):
        security_event(name, request=request, user=user)

    return handler


@receiver(account_signals.password_reset, dispatch_uid="ct_security_reset_lifts_lockout")
def on_password_reset(sender, request=None, user=None, **kwargs):
    # The owner proved they hold the account's email: an attacker's lockout of
    # that username (from any address) must not keep them out.
    if user is not None and lift_lockouts(user):
        security_event("lockout_lifted", request=request, user=user, reason="password_reset")


_PASSWORD_HANDLERS = {
    account_signals.password_changed: _password_event("password_changed"),
    account_signals.password_set: _password_event("password_set"),
    account_signals.password_reset: _password_event("password_reset"),
}
for _signal, _handler in _PASSWORD_HANDLERS.items():
    _signal.connect(_handler, dispatch_uid=f"ct_security_{id(_signal)}")


def _acting_request():
    """The request being served, if any: simple-history's middleware keeps it, so
    changes made in the admin are attributed to the administrator who made them."""
    return getattr(HistoricalRecords.context, "request", None)


_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=User, dispatch_uid="ct_security_flags_before")
def remember_flags(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not set(_FLAGS) & set(update_fields)):
        instance._ct_previous_flags = None
        return
    instance._ct_previous_flags = User.objects.filter(pk=instance.pk).values(*_FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="ct_security_flags_after")
def on_user_saved(sender, instance, created, **kwargs):
    request = _acting_request()
    current = {flag: getattr(instance, flag) for flag in _FLAGS}
    previous = getattr(instance, "_ct_previous_flags", None)
    if created:
        if instance.is_staff or instance.is_superuser:
            security_event(
                "privileged_account_created",
                request=request,
                target_user_id=instance.pk,
                target_username=instance.get_username(),
                changed=[f"{flag}={value}" for flag, value in current.items()],
            )
        return
    if not previous:
        return
    changed = [f"{flag}={current[flag]}" for flag in _FLAGS if previous[flag] != current[flag]]
    if changed:
        security_event(
            "account_flags_changed",
            request=request,
            target_user_id=instance.pk,
            target_username=instance.get_username(),
            changed=changed,
        )
    if previous["is_active"] and not instance.is_active:
        # Django would refuse the inactive user on their next request anyway;
        # this deletes the sessions themselves, everywhere.
        ended = end_all_sessions(instance)
        security_event(
            "sessions_ended",
            request=request,
            target_user_id=instance.pk,
            target_username=instance.get_username(),
            reason="deactivated",
            sessions_ended=ended,
        )


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="ct_security_roles")
def on_roles_changed(sender, instance, action, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    security_event(
        "roles_changed",
        request=_acting_request(),
        target_user_id=instance.pk,
        target_username=instance.get_username(),
        changed=action.removeprefix("post_"),
        roles=sorted(instance.groups.values_list("name", flat=True)),
    )
