"""Pages of reminders and what drives them: the ledger, the reporting duty, a person's mail preferences."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compliance.exports import Column
from compliance.guards import regulator_only
from compliance.listing import filtered_list
from compliance.versioning import ConflictError
from remediation import selectors
from remediation.filtersets import ReminderFilterSet
from remediation.forms import PreferencesForm, ReportingDutyForm
from remediation.models import DigestSchedule
from remediation.services.preferences import person_preferences_set
from remediation.services.reporting_duties import reporting_duty_set
from remediation.views import _add_errors, _item, item_detail, item_label, refusal_status, write_refused


@regulator_only
@require_POST
def reporting_duty_set_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The regulator requires a progress update on an item every month or quarter, or lifts the duty."""
    item = _item(request, kind, pk)
    form = ReportingDutyForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            reporting_duty_set(
                actor=request.user, item=item, item_version=data["version"], every=data["every"], since=data["since"]
            )
        except (ConflictError, ValidationError) as error:
            conflict = write_refused(form, error)
    if form.errors or conflict:
        forms_with_errors = {"reporting": form, "reporting_conflict": conflict}
        return item_detail(request, kind, pk, forms_with_errors, status=refusal_status(conflict))
    messages.success(request, _("The reporting requirement was recorded."))
    return redirect(item.get_tracking_url())


REMINDER_COLUMNS = [
    Column(gettext_lazy("Planned for"), "planned_for"),
    Column(gettext_lazy("Item"), lambda reminder: item_label(reminder.subject)),
    Column(gettext_lazy("Company"), "company.name_ja"),
    Column(gettext_lazy("Rule"), "get_rule_display"),
    Column(gettext_lazy("Period"), "period"),
    Column(gettext_lazy("Escalation level"), "escalation"),
    Column(gettext_lazy("Sent at"), "sent_at"),
    Column(gettext_lazy("Sent late"), "late"),
    Column(gettext_lazy("Acted on at"), "acted_on_at"),
]


def reminder_list(request: HttpRequest) -> HttpResponse:
    """The reminder ledger: what was sent, when, late or not, and whether anyone acted on it; or as a file."""
    filterset = ReminderFilterSet(request.GET, queryset=selectors.reminders(user=request.user), request=request)
    return filtered_list(
        request,
        filterset,
        template="remediation/reminder_list.html",
        columns=REMINDER_COLUMNS,
        filename="reminders",
        per_page=100,
    )


def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own mail preferences: language, and the time of the reminder digest within the limits."""
    schedule = DigestSchedule.current()
    person = request.user
    initial = {"language": person.language, "digest_time": f"{person.digest_time:%H:%M}" if person.digest_time else ""}
    form = PreferencesForm(request.POST or None, initial=initial, schedule=schedule)
    if request.method == "POST" and form.is_valid():
        try:
            person_preferences_set(actor=person, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your preferences were saved."))
            return redirect(reverse("remediation:preferences"))
    context = {"form": form, "schedule": schedule, "effective_time": schedule.time_for(person)}
    return render(request, "remediation/preferences.html", context, status=400 if form.errors else 200)
