"""Sign-ins, failed sign-ins and lockouts go to the access log."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from compliance.audit import access_log_sign_in
from compliance.models.audit import AccessAction


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs) -> None:
    access_log_sign_in(request=request, user=user, action=AccessAction.SIGN_IN)


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get(get_user_model().USERNAME_FIELD, "") or credentials.get("username", "")
    access_log_sign_in(request=request, user=None, action=AccessAction.SIGN_IN_FAILED, username=username)


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    access_log_sign_in(request=request, user=None, action=AccessAction.LOCKED_OUT, username=username or "")
