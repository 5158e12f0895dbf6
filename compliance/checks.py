"""Django system checks of the product's own settings, run by `check --deploy` before a deployment starts."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# As for SECRET_KEY: long enough that it cannot be guessed.
CHECKPOINT_KEY_MIN_LENGTH = 32


@register(Tags.security, deploy=True)
def access_log_checkpoint_key(app_configs, **kwargs) -> list:
    """The access log's checkpoints need a key of their own, set in the environment, in production."""
    key = settings.ACCESS_LOG_CHECKPOINT_KEY
    if not key:
        return [
            Error(
                "ACCESS_LOG_CHECKPOINT_KEY is not set: the access log's checkpoints cannot be signed or verified.",
                hint="Set it in the environment (see .env.example), and keep it apart from the database's backups.",
                id="compliance.E001",
            )
        ]
    if len(key) < CHECKPOINT_KEY_MIN_LENGTH or key == settings.SECRET_KEY:
        return [
            Warning(
                f"ACCESS_LOG_CHECKPOINT_KEY is shorter than {CHECKPOINT_KEY_MIN_LENGTH} characters, or the same as "
                "SECRET_KEY.",
                hint="Generate one of its own: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="compliance.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def webhooks_over_https_only(app_configs, **kwargs) -> list:
    """Webhook deliveries go to https addresses alone in production: plain http to this machine is for tests and the
    demo (`WEBHOOK_ALLOW_HTTP_LOOPBACK`, on by default only with DEBUG)."""
    if settings.WEBHOOK_ALLOW_HTTP_LOOPBACK and not settings.DEBUG:
        return [
            Error(
                "WEBHOOK_ALLOW_HTTP_LOOPBACK is on: subscriptions may name plain-http addresses on this machine.",
                hint="Unset it (or set it to False) in the environment of a deployment.",
                id="compliance.E002",
            )
        ]
    return []
