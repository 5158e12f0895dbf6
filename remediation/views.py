"""Pages of the remediation: measures with their implementers, what is still open, progress updates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.filtersets import IncidentFilterSet
from compliance.access import is_regulator
from compliance.audit import access_log_denied, record_label
from compliance.choices import Role
from compliance.exports import Column
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from compliance.listing import export_if_requested, filtered_list
from remediation import selectors
from remediation.choices import ReviewDecision, ReviewState
from remediation.filtersets import (
    DeadlineChangeFilterSet,
    ImplementationFilterSet,
    OpenItemFilterSet,
    ProgressUpdateFilterSet,
    ReminderFilterSet,
    ReviewQueueFilterSet,
)
from remediation.forms import (
    DeadlineChangeForm,
    DeadlineDecisionForm,
    PreferencesForm,
    ProgressUpdateForm,
    ReportingDutyForm,
    ReviewForm,
)
from remediation.models import DigestSchedule, Evidence, Implementation, ProgressUpdate, about
from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request
from remediation.services.items import own_items
from remediation.services.preferences import person_preferences_set
from remediation.services.progress_updates import (
    progress_update_accept,
    progress_update_request_info,
    progress_update_submit,
)
from remediation.services.reporting_duties import reporting_duty_set
from remediation.workflow import ConflictError


def measure_detail(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """One measure with each implementing company's status and dates."""
    user = request.user
    case_obj = get_visible_or_404(request, case_selectors.cases(user=user), code=case)
    finding_obj = get_visible_or_404(request, case_selectors.finding_list(user=user, case=case_obj), code=finding)
    measure = get_visible_or_404(request, selectors.measures(user=user, finding=finding_obj), code=code)
    context = {"case": case_obj, "finding": finding_obj, "measure": measure}
    return render(request, "remediation/measure_detail.html", context)


def item_label(item) -> str:
    """A tracked item in one cell of an export: the measure's code, or the incident's pair and label."""
    if item is None:
        return ""
    if isinstance(item, Implementation):
        return item.measure.code
    return f"({item.pair.number}) {item.display_label} {item.pair.group.name_ja}"


def item_text(item) -> str:
    """A tracked item's Japanese text: the measure's, or the incident's summary."""
    return item.measure.text_ja if isinstance(item, Implementation) else item.summary_ja


def item_companies(item) -> str:
    """The company of an implementation, or the group of an incident's pair."""
    return item.company.name_ja if isinstance(item, Implementation) else item.pair.group.name_ja


TRACKED_ITEM_COLUMNS = [
    Column(gettext_lazy("Status"), "status_label"),
    Column(gettext_lazy("Due date"), "due_on"),
    Column(gettext_lazy("Window start"), "window_start"),
    Column(gettext_lazy("Window end"), "window_end"),
    Column(gettext_lazy("Original due date"), "baseline_due_on"),
    Column(gettext_lazy("Original window end"), "baseline_window_end"),
    Column(gettext_lazy("Slippage (days)"), "slippage_days"),
    Column(gettext_lazy("Progress update required"), "get_reporting_every_display"),
]
OPEN_ITEM_COLUMNS = [
    Column(gettext_lazy("Item"), item_label),
    Column(gettext_lazy("Company or group"), item_companies),
    Column(gettext_lazy("Text"), item_text),
    *TRACKED_ITEM_COLUMNS,
]


def open_item_list(request: HttpRequest, case: str) -> HttpResponse:
    """Everything of the case not yet reported done: implementations and incidents' fixes, filtered."""
    user = request.user
    case_obj = get_visible_or_404(request, case_selectors.cases(user=user), code=case)
    filterset = OpenItemFilterSet(
        request.GET, queryset=selectors.open_implementation_list(user=user, case=case_obj), request=request
    )
    incident_filterset = IncidentFilterSet(
        request.GET, queryset=case_selectors.open_incident_list(user=user, case=case_obj), request=request
    )
    implementations = list(filterset.qs)
    incidents = [] if filterset.narrows_to_implementations() else list(incident_filterset.qs)
    exported = export_if_requested(
        request, [*implementations, *incidents], OPEN_ITEM_COLUMNS, f"{case_obj.code}-open-items"
    )
    if exported is not None:
        return exported
    log_reads(request, incidents)
    selectors.attach_reporting(user=user, items=[*implementations, *incidents])
    context = {"case": case_obj, "implementations": implementations, "incidents": incidents, "filter": filterset}
    return render(request, "remediation/open_item_list.html", context)


IMPLEMENTATION_COLUMNS = [
    Column(gettext_lazy("Case"), "measure.finding.case.code"),
    Column(gettext_lazy("Finding"), "measure.finding.code"),
    Column(gettext_lazy("Measure"), "measure.code"),
    Column(gettext_lazy("Safeguard type"), "measure.safeguard_type.name_ja"),
    Column(gettext_lazy("Kind of measure"), "measure.get_kind_display"),
    Column(gettext_lazy("Measure (Japanese)"), "measure.text_ja"),
    Column(gettext_lazy("Measure (English)"), "measure.text_en"),
    Column(gettext_lazy("Company"), "company.name_ja"),
    *TRACKED_ITEM_COLUMNS,
]


def implementation_list(request: HttpRequest) -> HttpResponse:
    """Every implementation of every case: the main tracked record, filtered and searched."""
    implementations = selectors.implementations(user=request.user).order_by(
        "measure__finding__case__code", "measure__finding__position", "measure__position", "position"
    )
    filterset = ImplementationFilterSet(request.GET, queryset=implementations, request=request)
    return filtered_list(
        request,
        filterset,
        template="remediation/implementation_list.html",
        columns=IMPLEMENTATION_COLUMNS,
        filename="implementations",
    )


PROGRESS_UPDATE_COLUMNS = [
    Column(gettext_lazy("Submitted at"), "submitted_at"),
    Column(gettext_lazy("Company"), "company.name_ja"),
    Column(gettext_lazy("About"), lambda update: item_label(update.subject)),
    Column(gettext_lazy("Reported status"), "get_status_display"),
    Column(gettext_lazy("Review"), "get_review_state_display"),
    Column(gettext_lazy("Narrative"), "narrative"),
    Column(gettext_lazy("Next milestone or completion estimate"), "next_milestone_on"),
    Column(gettext_lazy("Author"), "author.username"),
]


def progress_update_list(request: HttpRequest) -> HttpResponse:
    """Progress updates: an officer's own company's, or every company's for the regulator; or as a file."""
    updates = selectors.progress_updates(user=request.user).order_by("-submitted_at", "-pk")
    filterset = ProgressUpdateFilterSet(request.GET, queryset=updates, request=request)
    return filtered_list(
        request,
        filterset,
        template="remediation/progress_update_list.html",
        columns=PROGRESS_UPDATE_COLUMNS,
        filename="progress-updates",
    )


def progress_update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One progress update."""
    update = get_visible_or_404(request, selectors.progress_updates(user=request.user), pk=pk)
    log_reads(request, update.evidence.all())
    subject = update.subject
    can_answer = (
        update.review_state == ReviewState.INFO_REQUESTED
        and not ProgressUpdate.objects.filter(in_reply_to=update).exists()
        and _is_own(request.user, subject)
        and subject.is_open
    )
    answer_form = ProgressUpdateForm(
        initial={"version": subject.version, "in_reply_to": update.pk}, current_status=subject.status
    )
    context = {
        "update": update,
        "can_answer": can_answer,
        "answer_form": answer_form,
        "can_review": is_regulator(request.user) and update.review_state == ReviewState.SUBMITTED,
    }
    return render(request, "remediation/progress_update_detail.html", context)


# The progress workflow ------------------------------------------------------------------------------


def _item(request: HttpRequest, kind: str, pk: int):
    if kind not in selectors.ITEM_KINDS:
        raise Http404
    return get_visible_or_404(request, selectors.items(user=request.user, kind=kind), pk=pk)


def _is_own(user, item) -> bool:
    return user.role == Role.COMPANY_OFFICER and own_items(user, item).filter(pk=item.pk).exists()


def item_detail(request: HttpRequest, kind: str, pk: int, forms_with_errors: dict | None = None, status: int = 200):
    """One item with its whole thread of updates and reviews, and the forms the person may use."""
    item = _item(request, kind, pk)
    selectors.attach_reporting(user=request.user, items=[item])
    updates = log_reads(request, selectors.thread(user=request.user, item=item))
    log_reads(request, [e for u in updates for e in u.evidence.all()])
    changes = log_reads(request, selectors.deadline_changes(user=request.user).filter(**about(item)))
    own = _is_own(request.user, item)
    forms_with_errors = forms_with_errors or {}
    context = {
        "item": item,
        "kind": kind,
        "updates": updates,
        "deadline_changes": changes,
        "can_report": own and item.is_open,
        "update_form": forms_with_errors.get("update")
        or ProgressUpdateForm(initial={"version": item.version}, current_status=item.status or ""),
        "deadline_form": forms_with_errors.get("deadline") or DeadlineChangeForm(initial={"version": item.version}),
        "conflict": forms_with_errors.get("conflict"),
        "is_regulator": is_regulator(request.user),
        "review_form_class": ReviewForm,
        "decision_form_class": DeadlineDecisionForm,
        "reporting_form": ReportingDutyForm(
            initial={"version": item.version, "every": item.reporting_every, "since": item.reporting_since}
        ),
    }
    return render(request, "remediation/item_detail.html", context, status=status)


def _refused(request: HttpRequest, kind: str, pk: int, **forms_with_errors) -> HttpResponse:
    status = 409 if "conflict" in forms_with_errors else 400
    return item_detail(request, kind, pk, forms_with_errors, status=status)


def _denied(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    access_log_denied(request=request, object_type=what, object_id=f"pk={pk}")
    raise Http404


def _write_on_item(request: HttpRequest, item, form_name: str, form, write):
    """Run an officer's write on an item; a refusal re-renders the item page with the form's errors.

    Returns the write's result, or the response to send instead: 404 outside the officer's company
    (logged as denied), 409 when the item changed meanwhile, 400 when the input is refused.
    """
    kind, pk = item.item_kind, item.pk
    if not form.is_valid():
        return None, _refused(request, kind, pk, **{form_name: form})
    try:
        return write(form.cleaned_data), None
    except PermissionDenied:
        return None, _denied(request, record_label(type(item)), pk)
    except ConflictError as conflict:
        return None, _refused(request, kind, pk, **{form_name: form}, conflict=str(conflict))
    except ValidationError as error:
        _add_errors(form, error)
        return None, _refused(request, kind, pk, **{form_name: form})


@require_POST
def progress_update_submit_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An officer submits an update on an item of their company."""
    item = _item(request, kind, pk)
    # Another company's item reads with its status hidden (None): the service refuses the write as not the officer's.
    form = ProgressUpdateForm(request.POST, request.FILES, current_status=item.status or "")
    update, refused = _write_on_item(
        request,
        item,
        "update",
        form,
        lambda data: progress_update_submit(
            actor=request.user,
            item=item,
            item_version=data["version"],
            status=data["status"],
            narrative=data["narrative"],
            next_milestone_on=data["next_milestone_on"],
            files=data["evidence"],
            in_reply_to=_reply_target(request, data.get("in_reply_to")),
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Your update was submitted. The regulator will review it."))
    return redirect(update.get_absolute_url())


def _reply_target(request: HttpRequest, pk: int | None) -> ProgressUpdate | None:
    if not pk:
        return None
    return get_visible_or_404(request, selectors.progress_updates(user=request.user), pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_POST
def deadline_change_submit_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An officer asks to move the item's date."""
    item = _item(request, kind, pk)
    _change, refused = _write_on_item(
        request,
        item,
        "deadline",
        DeadlineChangeForm(request.POST),
        lambda data: deadline_change_request(
            actor=request.user,
            item=item,
            item_version=data["version"],
            proposed=data["proposed"],
            reason=data["reason"],
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Your request was sent. The regulator will decide on it."))
    return redirect(item.get_tracking_url())


def _refusal(request: HttpRequest, message: str, back, status: int) -> HttpResponse:
    """A refused review or decision: nothing changed; say why and link back."""
    return render(request, "remediation/refused.html", {"message": message, "back": back}, status=status)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _decide(request: HttpRequest, back, decide) -> HttpResponse | None:
    """Run a regulator's decision; a conflict answers 409 and an invalid one 400, changing nothing."""
    try:
        decide()
    except ConflictError as conflict:
        return _refusal(request, str(conflict), back, 409)
    except ValidationError as error:
        return _refusal(request, " ".join(error.messages), back, 400)
    return None


@regulator_only
@require_POST
def progress_update_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The regulator accepts an update or asks for more."""
    update = get_visible_or_404(request, selectors.progress_updates(user=request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refusal(request, _form_errors(form), update, 400)
    data = form.cleaned_data
    review = progress_update_accept if data["decision"] == ReviewDecision.ACCEPT else progress_update_request_info
    refused = _decide(
        request,
        update,
        lambda: review(actor=request.user, update=update, update_version=data["version"], comment=data["comment"]),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Your review was recorded."))
    return redirect(update.get_absolute_url())


@regulator_only
@require_POST
def deadline_change_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The regulator approves or refuses a deadline change."""
    change = get_visible_or_404(request, selectors.deadline_changes(user=request.user), pk=pk)
    form = DeadlineDecisionForm(request.POST)
    if not form.is_valid():
        return _refusal(request, _form_errors(form), change.subject, 400)
    data = form.cleaned_data
    refused = _decide(
        request,
        change.subject,
        lambda: deadline_change_decide(
            actor=request.user,
            change=change,
            change_version=data["version"],
            approve=data["approve"],
            comment=data["comment"],
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("Your decision was recorded."))
    return redirect(reverse("remediation:deadline_change_list"))


@regulator_only
@require_POST
def reporting_duty_set_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The regulator requires a progress update on an item every month or quarter, or lifts the duty."""
    item = _item(request, kind, pk)
    form = ReportingDutyForm(request.POST)
    if not form.is_valid():
        return _refusal(request, _form_errors(form), item, 400)
    data = form.cleaned_data
    refused = _decide(
        request,
        item,
        lambda: reporting_duty_set(
            actor=request.user, item=item, item_version=data["version"], every=data["every"], since=data["since"]
        ),
    )
    if refused is not None:
        return refused
    messages.success(request, _("The reporting requirement was recorded."))
    return redirect(item.get_tracking_url())


@regulator_only
def review_queue(request: HttpRequest) -> HttpResponse:
    """Updates waiting for review, oldest first, by company and safeguard type; or as a file."""
    filterset = ReviewQueueFilterSet(request.GET, queryset=selectors.review_queue(user=request.user), request=request)
    return filtered_list(
        request,
        filterset,
        template="remediation/review_queue.html",
        columns=PROGRESS_UPDATE_COLUMNS,
        filename="review-queue",
    )


DEADLINE_CHANGE_COLUMNS = [
    Column(gettext_lazy("Requested at"), "requested_at"),
    Column(gettext_lazy("Company"), "company.name_ja"),
    Column(gettext_lazy("Item"), lambda change: item_label(change.subject)),
    Column(gettext_lazy("Date before"), lambda change: change.previous_window_end or change.previous_due_on),
    Column(gettext_lazy("Proposed date"), lambda change: change.proposed_window_end or change.proposed_due_on),
    Column(gettext_lazy("Reason"), "reason"),
    Column(gettext_lazy("State"), "get_state_display"),
    Column(gettext_lazy("Decided at"), "decided_at"),
    Column(gettext_lazy("Comment on the decision"), "decision_comment"),
    Column(gettext_lazy("Requested by"), "requested_by.username"),
    Column(gettext_lazy("Decided by"), "decided_by.username"),
]


def deadline_change_list(request: HttpRequest) -> HttpResponse:
    """Deadline change requests: the company's own, or all of them for the regulator; pending first."""
    changes = selectors.deadline_changes(user=request.user).order_by("-state", "requested_at")
    filterset = DeadlineChangeFilterSet(request.GET, queryset=changes, request=request)
    context = {"is_regulator": is_regulator(request.user), "decision_form_class": DeadlineDecisionForm}
    return filtered_list(
        request,
        filterset,
        template="remediation/deadline_change_list.html",
        columns=DEADLINE_CHANGE_COLUMNS,
        filename="deadline-changes",
        context=context,
    )


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """An evidence file as a download: never rendered by the browser, never cached."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to those who may see it; the read is logged."""
    return evidence_file_response(get_visible_or_404(request, Evidence.objects.all(), pk=pk))


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
