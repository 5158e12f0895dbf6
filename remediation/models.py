"""Measures taken against findings, their implementation by each company, and progress updates."""

from __future__ import annotations

import datetime
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.access import CompanyPrivate, RegulatorOnly, Scoped
from compliance.choices import ItemStatus
from compliance.i18n import Localized, bilingual_text
from compliance.tracking import TrackedItem
from compliance.validators import CODE_VALIDATORS, DATE_VALIDATORS
from remediation.choices import (
    DeadlineChangeState,
    MeasureKind,
    ReminderKind,
    ReminderRule,
    ReviewDecision,
    ReviewState,
)


@pghistory.track()
class Measure(Scoped):
    """An improvement measure (改善措置): one bullet under a finding."""

    finding = models.ForeignKey(
        "cases.Finding", verbose_name=_("finding"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.SlugField(_("code"), max_length=40, validators=CODE_VALIDATORS)
    safeguard_type = models.ForeignKey(
        "cases.SafeguardType",
        verbose_name=_("safeguard type"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    text_ja, text_en = bilingual_text(_("text"))
    implementers = models.ManyToManyField(
        "compliance.Company",
        through="Implementation",
        verbose_name=_("implementing companies"),
        related_name="measures",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    text = Localized("text")

    class Meta:
        # By the finding's id, not the finding's own ordering: the index below serves every list of measures.
        ordering = ["finding_id", "position"]
        indexes = [models.Index(fields=["finding", "position"], name="measure_order")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(name="measure_unique_code", fields=["finding", "code"]),
            models.CheckConstraint(name="measure_kind_valid", condition=Q(kind__in=MeasureKind.values)),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text_ja[:40]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "remediation:measure_detail",
            kwargs={"case": self.finding.case.code, "finding": self.finding.code, "code": self.code},
        )


@pghistory.track()
class Implementation(TrackedItem):
    """A measure as carried out by one company, with that company's own status and dates."""

    item_kind = "implementation"

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="implementations"
    )
    company = models.ForeignKey(
        "compliance.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="implementations",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta(TrackedItem.Meta):
        ordering = ["measure", "position"]
        indexes = [*TrackedItem.Meta.indexes, models.Index(fields=["measure", "position"], name="implementation_order")]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            *TrackedItem.Meta.constraints,
            models.UniqueConstraint(name="implementation_unique_company", fields=["measure", "company"]),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} / {self.company.name_ja}"

    def get_absolute_url(self) -> str:
        return self.measure.get_absolute_url() + f"#implementation-{self.company.code}"

    @classmethod
    def concern_filter(cls, *, company_id: int | None) -> Q:
        """An implementation is its company's own."""
        return Q(company_id=company_id) if company_id else Q(pk__in=[])

    @classmethod
    def status_published_filter(cls) -> Q:
        """Implementations of the cases whose current status the regulator has published (`Case.status_public`)."""
        # A subquery, not a join: a locking read of implementations must not lock their cases.
        return Q(Exists(Measure.objects.filter(pk=OuterRef("measure_id"), finding__case__status_public=True)))

    @property
    def case(self):
        """The case of the implemented measure (as `Incident.case`), so that either kind of item names its case."""
        return self.measure.finding.case


class AboutItem(CompanyPrivate):
    """A company's private record about one tracked item: an implementation or an incident."""

    implementation = models.ForeignKey(
        Implementation,
        verbose_name=_("implementation"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        null=True,
        blank=True,
    )
    incident = models.ForeignKey(
        "cases.Incident",
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        null=True,
        blank=True,
    )

    class Meta(CompanyPrivate.Meta):
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_one_subject",
                condition=Q(implementation__isnull=False, incident__isnull=True)
                | Q(implementation__isnull=True, incident__isnull=False),
            ),
        ]

    @property
    def subject(self) -> TrackedItem:
        """The implementation or incident this record is about."""
        return self.implementation or self.incident


def about(item: TrackedItem) -> dict[str, TrackedItem]:
    """The field and value that point a record at `item`: {"implementation": item} or {"incident": item}."""
    return {"implementation": item} if isinstance(item, Implementation) else {"incident": item}


@pghistory.track()
class ProgressUpdate(AboutItem):
    """A company's report of progress on one implementation or one incident of its own: private to it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    status = models.CharField(_("reported status"), max_length=16, choices=ItemStatus.choices)
    narrative = models.TextField(_("narrative"))
    next_milestone_on = models.DateField(
        _("next milestone or completion estimate"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    review_state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    in_reply_to = models.OneToOneField(
        "self",
        verbose_name=_("answers the request on"),
        on_delete=models.PROTECT,
        related_name="reply",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(AboutItem.Meta):
        ordering = ["submitted_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            *AboutItem.Meta.constraints,
            models.CheckConstraint(name="progressupdate_status_valid", condition=Q(status__in=ItemStatus.values)),
            models.CheckConstraint(
                name="progressupdate_review_state_valid", condition=Q(review_state__in=ReviewState.values)
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "submitted_at"], name="progressupdate_queue"),
            models.Index(fields=["submitted_at", "id"], name="progressupdate_order"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:progress_update_detail", kwargs={"pk": self.pk})

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@pghistory.track()
class Review(CompanyPrivate):
    """The regulator's decision on one progress update: accepted, or more information requested."""

    update = models.OneToOneField(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="review"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=ReviewDecision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta(CompanyPrivate.Meta):
        ordering = ["reviewed_at", "pk"]
        indexes = [models.Index(fields=["reviewed_at", "id"], name="review_order")]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(name="review_decision_valid", condition=Q(decision__in=ReviewDecision.values)),
            models.CheckConstraint(
                name="review_request_has_comment",
                condition=Q(decision=ReviewDecision.ACCEPT) | ~Q(comment=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.update}"

    def get_absolute_url(self) -> str:
        return self.update.get_absolute_url()


def evidence_storage() -> FileSystemStorage:
    """Evidence files live outside the web root and are served only through a scoped view."""
    return FileSystemStorage(location=settings.EVIDENCE_ROOT, base_url=None)


def evidence_path(evidence: Evidence, filename: str) -> str:
    """A stored name of our own: the sender's file name is kept as data, never used as a path."""
    return f"{evidence.company_id}/{uuid.uuid4().hex}"


@pghistory.track()
class Evidence(CompanyPrivate):
    """A file attached to a progress update, its type checked by content."""

    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta(CompanyPrivate.Meta):
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [models.CheckConstraint(name="evidence_not_empty", condition=Q(size__gt=0))]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("remediation:evidence_download", kwargs={"pk": self.pk})


@pghistory.track()
class DeadlineChange(AboutItem):
    """A company's request to move an item's due date or window, and the regulator's decision on it."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="deadline_requests",
    )
    reason = models.TextField(_("reason"))
    previous_due_on = models.DateField(_("due date before"), null=True, blank=True, validators=DATE_VALIDATORS)
    previous_window_end = models.DateField(_("window end before"), null=True, blank=True, validators=DATE_VALIDATORS)
    proposed_due_on = models.DateField(_("proposed due date"), null=True, blank=True, validators=DATE_VALIDATORS)
    proposed_window_end = models.DateField(_("proposed window end"), null=True, blank=True, validators=DATE_VALIDATORS)
    state = models.CharField(
        _("state"), max_length=16, choices=DeadlineChangeState.choices, default=DeadlineChangeState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="deadline_decisions",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment on the decision"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(AboutItem.Meta):
        ordering = ["requested_at", "pk"]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        constraints = [
            *AboutItem.Meta.constraints,
            models.CheckConstraint(
                name="deadlinechange_state_valid", condition=Q(state__in=DeadlineChangeState.values)
            ),
            models.CheckConstraint(
                name="deadlinechange_proposes_one_date",
                condition=Q(proposed_due_on__isnull=False, proposed_window_end__isnull=True)
                | Q(proposed_due_on__isnull=True, proposed_window_end__isnull=False),
            ),
            models.CheckConstraint(
                name="deadlinechange_decided_when_not_pending",
                condition=Q(state=DeadlineChangeState.PENDING, decided_at__isnull=True)
                | (~Q(state=DeadlineChangeState.PENDING) & Q(decided_at__isnull=False)),
            ),
            # One open request per item at a time.
            models.UniqueConstraint(
                name="deadlinechange_one_pending_per_implementation",
                fields=["implementation"],
                condition=Q(state=DeadlineChangeState.PENDING),
            ),
            models.UniqueConstraint(
                name="deadlinechange_one_pending_per_incident",
                fields=["incident"],
                condition=Q(state=DeadlineChangeState.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("remediation:deadline_change_list") + f"#deadline-change-{self.pk}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


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


class DailyCount(RegulatorOnly):
    """One figure of the daily snapshot: how many items of a kind stood at a status that day, and how many overdue.

    Implementations are counted per case, company and safeguard type; incidents per case and status only, since
    each concerns two companies. Kept as data, so the dashboard shows how each figure moved month by month, for
    all cases or for one.
    """

    day = models.DateField(_("day"), validators=DATE_VALIDATORS)
    item_kind = models.CharField(_("kind of item"), max_length=16)
    # Empty on snapshots taken before figures were kept per case (see migration 0009).
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "compliance.Company", verbose_name=_("company"), on_delete=models.CASCADE, null=True, blank=True
    )
    safeguard_type = models.ForeignKey(
        "cases.SafeguardType", verbose_name=_("safeguard type"), on_delete=models.CASCADE, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, blank=True)
    count = models.PositiveIntegerField(_("count"))
    overdue = models.PositiveIntegerField(_("overdue"))
    overdue_days = models.PositiveIntegerField(_("days overdue, summed"))

    class Meta:
        ordering = ["day", "item_kind", "case", "company", "safeguard_type", "status"]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(
                name="dailycount_once_per_day",
                fields=["day", "item_kind", "case", "company", "safeguard_type", "status"],
                nulls_distinct=False,
            ),
            models.CheckConstraint(name="dailycount_overdue_within_count", condition=Q(overdue__lte=F("count"))),
        ]
        indexes = [models.Index(fields=["day"], name="dailycount_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.item_kind} {self.status}: {self.count}"
