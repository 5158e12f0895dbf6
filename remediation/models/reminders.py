"""Reminders: the policies, the ledger of what was sent to whom, and when the digests go out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from compliance.access import RegulatorOnly, Scoped
from compliance.keyset import keyset_index
from compliance.validators import DATE_VALIDATORS
from remediation.choices import (
    ReminderKind,
    ReminderRule,
)
from remediation.models.items import AboutItem

# The policies as first installed; regulator administrators change them in the admin.
DEFAULT_POLICIES: dict[str, dict] = {
    ReminderKind.DUE_DATE: {"days_before": [90, 30, 7, 1, 0]},
    ReminderKind.WINDOW: {"every_days": 91, "final_days": 182, "final_every_days": 30},
    ReminderKind.UNDATED: {"every_days": 30},
    ReminderKind.PERIODIC: {"every_days": 91},
    ReminderKind.REPORTING: {"days_before": [7]},
}


class ReminderPolicy(Scoped):
    """When to remind about one kind of open item: kept as data, changed by regulator administrators."""

    kind = models.CharField(_("kind of item"), max_length=16, choices=ReminderKind.choices, unique=True)
    days_before = ArrayField(
        models.PositiveIntegerField(), verbose_name=_("days before the due date"), default=list, blank=True
    )
    every_days = models.PositiveIntegerField(_("every (days)"), null=True, blank=True)
    final_days = models.PositiveIntegerField(_("final stretch of a window (days)"), null=True, blank=True)
    final_every_days = models.PositiveIntegerField(_("every, in the final stretch (days)"), null=True, blank=True)
    overdue_every_days = models.PositiveIntegerField(_("while overdue, every (days)"), default=7)
    overdue_backoff_after_days = models.PositiveIntegerField(_("back off after overdue for (days)"), default=91)
    overdue_backoff_every_days = models.PositiveIntegerField(_("then every (days)"), default=30)
    escalate_after_days = models.PositiveIntegerField(_("tell the lead officer after overdue for (days)"), default=7)
    regulator_after_days = models.PositiveIntegerField(_("tell regulator staff after overdue for (days)"), default=28)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(name="reminderpolicy_kind_valid", condition=Q(kind__in=ReminderKind.values)),
            models.CheckConstraint(
                name="reminderpolicy_steps_positive",
                condition=Q(every_days__isnull=True) | Q(every_days__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @classmethod
    def all_by_kind(cls) -> dict[str, ReminderPolicy]:
        """Every policy, installing the default for a kind that has none."""
        policies = {policy.kind: policy for policy in cls.objects.all()}
        for kind, defaults in DEFAULT_POLICIES.items():
            if kind not in policies:
                policies[kind], _created = cls.objects.get_or_create(kind=kind, defaults=defaults)
        return policies


class Reminder(AboutItem):
    """One reminder owed about an item to a company: the ledger, unique per (item, company, rule, period)."""

    rule = models.CharField(_("rule"), max_length=16, choices=ReminderRule.choices)
    period = models.CharField(_("period"), max_length=40)
    planned_for = models.DateField(_("planned for"), validators=DATE_VALIDATORS)
    # 0: the company's officers; 1: its lead officer too; 2: regulator staff too.
    escalation = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The day of the sweep that sent it: a sweep run by hand for an earlier day sends on that day, whatever the clock.
    addressed_on = models.DateField(_("sent on"), null=True, blank=True, validators=DATE_VALIDATORS)
    late = models.BooleanField(_("sent late"), default=False)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), through="ReminderRecipient", blank=True
    )
    acted_on_at = models.DateTimeField(_("acted on at"), null=True, blank=True)

    class Meta(AboutItem.Meta):
        ordering = ["-planned_for", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            *AboutItem.Meta.constraints,
            models.CheckConstraint(name="reminder_rule_valid", condition=Q(rule__in=ReminderRule.values)),
            models.CheckConstraint(
                name="reminder_sent_on_a_day",
                condition=Q(sent_at__isnull=True, addressed_on__isnull=True)
                | Q(sent_at__isnull=False, addressed_on__isnull=False),
            ),
            models.UniqueConstraint(
                name="reminder_once_per_implementation_period",
                fields=["implementation", "company", "rule", "period"],
                condition=Q(implementation__isnull=False),
            ),
            models.UniqueConstraint(
                name="reminder_once_per_incident_period",
                fields=["incident", "company", "rule", "period"],
                condition=Q(incident__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "planned_for"], name="reminder_unsent"),
            models.Index(fields=["planned_for", "id"], name="reminder_order"),
            keyset_index(("sent_at", models.DateTimeField), "id", name="reminder_sent"),  # ?ordering=sent_at
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.rule} {self.period}"


class ReminderRecipient(models.Model):
    """One person a reminder is addressed to, and when it went out in that person's digest."""

    reminder = models.ForeignKey(Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        # The table the recipients had before they carried a mailing time; its unique key stays.
        db_table = "remediation_reminder_recipients"
        verbose_name = _("reminder recipient")
        verbose_name_plural = _("reminder recipients")
        constraints = [
            models.UniqueConstraint(name="reminderrecipient_once_per_person", fields=["reminder", "user"]),
        ]
        indexes = [
            models.Index(fields=["user"], name="reminder_unmailed", condition=Q(mailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} → {self.user}"


class DigestSchedule(Scoped):
    """The hours within which people may choose the time of their reminder digest, and the default time."""

    earliest = models.TimeField(_("earliest time"), default=datetime.time(9, 0))
    latest = models.TimeField(_("latest time"), default=datetime.time(18, 0))
    default_time = models.TimeField(_("default time"), default=datetime.time(9, 0))

    class Meta:
        verbose_name = _("digest schedule")
        verbose_name_plural = _("digest schedule")
        constraints = [
            models.CheckConstraint(name="digestschedule_single", condition=Q(pk=1)),
            models.CheckConstraint(
                name="digestschedule_ordered",
                condition=Q(earliest__lte=F("default_time"), default_time__lte=F("latest")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.earliest:%H:%M}–{self.latest:%H:%M}"

    def clean(self) -> None:
        if self.earliest < settings.REMINDER_SWEEP_AT:
            raise ValidationError(
                {
                    "earliest": _("No earlier than the daily sweep at %(time)s.")
                    % {"time": f"{settings.REMINDER_SWEEP_AT:%H:%M}"}
                }
            )
        if not self.earliest <= self.default_time <= self.latest:
            raise ValidationError({"default_time": _("The default time must lie between the earliest and the latest.")})

    @classmethod
    def current(cls) -> DigestSchedule:
        """The one schedule, installed with its defaults the first time it is asked for."""
        return cls.objects.get_or_create(pk=1)[0]

    def time_for(self, person) -> datetime.time:
        """The person's digest time: their choice kept within the limits, or the default."""
        chosen = person.digest_time or self.default_time
        return min(max(chosen, self.earliest), self.latest)


class RegulatorDigest(RegulatorOnly):
    """The day's digest for regulator staff: recorded once per day, so that a second sweep sends none."""

    day = models.DateField(_("day"), unique=True, validators=DATE_VALIDATORS)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("regulator digest")
        verbose_name_plural = _("regulator digests")

    def __str__(self) -> str:
        return self.day.isoformat()
