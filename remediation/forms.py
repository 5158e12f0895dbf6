"""Forms of the progress workflow: each carries the version of what the person saw."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from compliance.choices import ItemStatus, ReportingEvery
from compliance.forms import JapaneseDateField
from remediation.choices import ReviewDecision
from remediation.workflow import allowed_statuses


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service before anything is stored."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class VersionedForm(forms.Form):
    """A form that says which version of the record the person was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProgressUpdateForm(VersionedForm):
    """An officer's progress update on an item: the status it may move to, what happened, evidence."""

    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    narrative = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    next_milestone_on = JapaneseDateField(label=_("Next milestone or completion estimate"), required=False)
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    in_reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current_status: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The menu offers the allowed moves only; any other status gets the service's clear refusal.
        self.fields["status"].widget.choices = [(s, ItemStatus(s).label) for s in allowed_statuses(current_status)]


class ReviewForm(VersionedForm):
    """The regulator's decision on an update."""

    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (required when asking for more)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )


class DeadlineChangeForm(VersionedForm):
    """An officer's request to move a due date or the end of a window."""

    proposed = JapaneseDateField(label=_("Proposed date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class DeadlineDecisionForm(VersionedForm):
    """The regulator's decision on a deadline change."""

    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (required when refusing)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20000,
    )


class ReportingDutyForm(VersionedForm):
    """The regulator requires a progress update every month or quarter, or lifts the requirement."""

    every = forms.ChoiceField(
        label=_("Progress update required"),
        choices=[("", _("No requirement")), *ReportingEvery.choices],
        required=False,
    )
    since = JapaneseDateField(
        label=_("Counted from"),
        required=False,
        help_text=_("From the first whole month or quarter after this day; today when left empty."),
    )


class PreferencesForm(forms.Form):
    """A person's language of mail and time of the reminder digest, offered within the regulator's limits."""

    language = forms.ChoiceField(label=_("Language of mail"), choices=settings.LANGUAGES)
    digest_time = forms.TypedChoiceField(
        label=_("Time of the reminder digest"),
        coerce=datetime.time.fromisoformat,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, schedule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default = _("The regulator's default (%(time)s)") % {"time": f"{schedule.default_time:%H:%M}"}
        self.fields["digest_time"].choices = [("", default)] + [
            (f"{time:%H:%M}", f"{time:%H:%M}") for time in _half_hours(schedule.earliest, schedule.latest)
        ]


def _half_hours(earliest: datetime.time, latest: datetime.time) -> list[datetime.time]:
    minutes = range(earliest.hour * 60 + earliest.minute, latest.hour * 60 + latest.minute + 1, 30)
    return [datetime.time(m // 60, m % 60) for m in minutes]
