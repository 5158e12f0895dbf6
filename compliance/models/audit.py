"""The access log: every read of a private record and every denied attempt, append-only and chained."""

from __future__ import annotations

import hashlib
import json

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.access import RegulatorOnly
from compliance.validators import DATE_VALIDATORS


class AccessAction(models.TextChoices):
    """What an access log entry records."""

    READ = "read", _("Read")
    DENIED = "denied", _("Denied")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    SECOND_FACTOR = "second_factor", _("Second factor verified")
    CODE_FAILED = "code_failed", _("Second-factor code refused")
    DEVICE_ADDED = "device_added", _("Authenticator added")
    DEVICE_RESET = "device_reset", _("Authenticators reset")
    UNLOCKED = "unlocked", _("Sign-in unlocked")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    RESET_REQUESTED = "reset_requested", _("Password reset requested")
    PASSWORD_RESET = "password_reset", _("Password reset")
    # OPTIONS on a page or an endpoint behind sign-in: it reads no record, and it is answered, so not "denied".
    OPTIONS = "options", _("Asked what a URL allows")


# Refused by the database itself, whoever asks: TRUNCATE fires no row trigger, so it needs a statement trigger of
# its own. Django's `flush` truncates every table and is refused too; the browser tests lift this one trigger for
# their flush (tests/browser/conftest.py).
REFUSE_TRUNCATE = pgtrigger.Trigger(
    name="no_truncate",
    level=pgtrigger.Statement,
    when=pgtrigger.Before,
    operation=pgtrigger.Truncate,
    func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the % table: the access log is append-only', TG_TABLE_NAME;",
)


# The one change the database lets through: the sequencer chaining an entry (`compliance.access_chain`), which sets its
# position and hashes once and nothing else. Every other UPDATE, and every DELETE, is refused. A row trigger on the
# partitioned table applies to every partition, those created later too.
CHAIN_ONCE = pgtrigger.Trigger(
    name="append_only",
    level=pgtrigger.Row,
    when=pgtrigger.Before,
    operation=pgtrigger.Update | pgtrigger.Delete,
    func="""
    IF TG_OP = 'UPDATE' AND OLD.position IS NULL AND NEW.position IS NOT NULL
        AND OLD.previous_hash = '' AND OLD.entry_hash = '' AND NEW.previous_hash <> '' AND NEW.entry_hash <> ''
        AND (to_jsonb(NEW) - 'position' - 'previous_hash' - 'entry_hash')
            = (to_jsonb(OLD) - 'position' - 'previous_hash' - 'entry_hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'pgtrigger: Cannot % rows of the % table: the access log is append-only',
        lower(TG_OP), TG_TABLE_NAME;
    """,
)


@pgtrigger.register(CHAIN_ONCE, REFUSE_TRUNCATE)
class AccessLogEntry(RegulatorOnly):
    """One access: who, what, when, from where, and the hash that chains it to the entry before.

    A request writes its entry unchained (no position, no hashes) and never waits for another; the sequencer chains
    the entries in order shortly after (`compliance.access_chain`). The table is partitioned by month of `at`
    (`compliance.partitions`): its primary key in the database is (id, at), `id` alone being unique by its sequence.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="access_log_entries",
        null=True,
        blank=True,
    )
    # Kept as written at the time: a later rename or move must not rewrite history.
    username = models.CharField(_("username"), max_length=150, blank=True)
    user_company_id = models.BigIntegerField(_("person's company"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    # A read names every record it read in `records`; the three fields below name the one record it read, or what
    # all its records share (the kind when of one kind, the company when of one company), blank when they differ.
    # A denied attempt or a sign-in names its subject in them alone.
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=100, blank=True)
    object_company_id = models.BigIntegerField(_("record's company"), null=True, blank=True)
    # One read entry per request: each record it read, as {"type": "remediation.progressupdate", "id": "12",
    # "company": 3} (company None for the regulator's own records and the change history's events).
    records = models.JSONField(_("records read"), default=list, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    # The entry's place in the chain, 1, 2, 3… with no gap: empty until the sequencer chains it.
    position = models.BigIntegerField(_("chain position"), null=True, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64, blank=True, default="")
    entry_hash = models.CharField(_("hash"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            models.Index(fields=["action", "at"], name="accesslog_action_at"),
            # The log filtered by the kind or the company of the records read: `records @> [{"company": 3}]`.
            GinIndex(fields=["records"], name="accesslog_records", opclasses=["jsonb_path_ops"]),
            # The chain in order, from any position on (an incremental verification starts at a checkpoint's).
            models.Index(fields=["position"], name="accesslog_position", condition=Q(position__isnull=False)),
            # What the sequencer has still to chain, oldest first.
            models.Index(fields=["id"], name="accesslog_unchained", condition=Q(position__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(name="accesslogentry_action_valid", condition=Q(action__in=AccessAction.values)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type} {self.object_id}"

    def chained_fields(self) -> dict[str, object]:
        """The content the hash covers, in a stable form (see `chained_content`)."""
        return chained_content([getattr(self, column) for column in CHAINED_COLUMNS])

    def record_count(self) -> int:
        """How many records the entry read: those it lists, or the one it names (an entry older than the list)."""
        if self.records:
            return len(self.records)
        return 1 if self.action == AccessAction.READ and self.object_id else 0

    def compute_hash(self) -> str:
        """SHA-256 over the previous entry's hash and this entry's content."""
        return chain_hash(self.previous_hash, self.chained_fields())


# The columns an entry's hash covers, in the order `chained_content` reads them (a verification fetches just these).
CHAINED_COLUMNS = (
    "at",
    "user_id",
    "username",
    "user_company_id",
    "action",
    "object_type",
    "object_id",
    "object_company_id",
    "method",
    "path",
    "ip_address",
    "user_agent",
    "records",
)


def chained_content(values: list[object]) -> dict[str, object]:
    """The content an entry's hash covers, from its values of CHAINED_COLUMNS.

    `records` is covered when it names any: the entries written before it existed keep the hashes they had.
    """
    (
        at,
        user,
        username,
        user_company,
        action,
        object_type,
        object_id,
        object_company,
        method,
        path,
        ip,
        agent,
        records,
    ) = values
    fields = {
        "at": at.isoformat(),
        "user": user,
        "username": username,
        "user_company": user_company,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_company": object_company,
        "method": method,
        "path": path,
        "ip_address": ip,
        "user_agent": agent,
    }
    if records:
        fields["records"] = records
    return fields


def chain_hash(previous_hash: str, content: dict[str, object]) -> str:
    """SHA-256 over the previous entry's hash and an entry's content."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{text}".encode()).hexdigest()


class AnomalyKind(models.TextChoices):
    """What the access-log analysis flags."""

    CROSS_COMPANY_DENIED = "cross_company_denied", _("Denied attempts on another company's records")
    UNUSUAL_VOLUME = "unusual_volume", _("Unusual volume of reads")
    LOCKOUT = "lockout", _("Account locked out")


class AccessAnomaly(RegulatorOnly):
    """Something the periodic analysis of the access log found for one person on one day."""

    kind = models.CharField(_("kind"), max_length=24, choices=AnomalyKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="anomalies"
    )
    day = models.DateField(_("day"), validators=DATE_VALIDATORS)
    count = models.PositiveIntegerField(_("count"))
    baseline = models.FloatField(_("usual daily count"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "kind", "user_id"]
        indexes = [models.Index(models.F("day").desc(), "kind", "user", name="accessanomaly_order")]
        verbose_name = _("access anomaly")
        verbose_name_plural = _("access anomalies")
        constraints = [
            models.UniqueConstraint(name="accessanomaly_unique_per_day", fields=["kind", "user", "day"]),
            models.CheckConstraint(name="accessanomaly_kind_valid", condition=Q(kind__in=AnomalyKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.user}"
