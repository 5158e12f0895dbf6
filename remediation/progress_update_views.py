"""Pages of progress updates: the lists, one update, an officer's submission, the regulator's review, evidence files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compliance.access import is_regulator
from compliance.exports import Column
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from compliance.listing import filtered_list
from compliance.versioning import ConflictError
from remediation import selectors
from remediation.choices import ReviewDecision, ReviewState
from remediation.filtersets import ProgressUpdateFilterSet, ReviewQueueFilterSet
from remediation.forms import ProgressUpdateForm, ReviewForm
from remediation.models import Evidence, ProgressUpdate
from remediation.services.progress_updates import (
    progress_update_accept,
    progress_update_request_info,
    progress_update_submit,
)
from remediation.views import _is_own, _item, _write_on_item, item_label, refusal_status, write_refused

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


def progress_update_detail(
    request: HttpRequest, pk: int, review_form: ReviewForm | None = None, conflict: str | None = None, status: int = 200
) -> HttpResponse:
    """One progress update; after a refused review, with the reviewer's input and the reasons beside the fields."""
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
        "review_form": review_form or ReviewForm(initial={"version": update.version}),
        "review_conflict": conflict,
    }
    return render(request, "remediation/progress_update_detail.html", context, status=status)


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


@regulator_only
@require_POST
def progress_update_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The regulator accepts an update or asks for more."""
    update = get_visible_or_404(request, selectors.progress_updates(user=request.user), pk=pk)
    form = ReviewForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        review = progress_update_accept if data["decision"] == ReviewDecision.ACCEPT else progress_update_request_info
        try:
            review(actor=request.user, update=update, update_version=data["version"], comment=data["comment"])
        except (ConflictError, ValidationError) as error:
            conflict = write_refused(form, error)
    if form.errors or conflict:
        return progress_update_detail(request, pk, review_form=form, conflict=conflict, status=refusal_status(conflict))
    messages.success(request, _("Your review was recorded."))
    return redirect(update.get_absolute_url())


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
