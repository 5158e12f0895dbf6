"""Pages of deadline changes: an officer's request, the regulator's decision, the list of requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from compliance.access import is_regulator
from compliance.exports import Column
from compliance.guards import get_visible_or_404, regulator_only
from compliance.listing import filtered_list
from compliance.versioning import ConflictError
from remediation import selectors
from remediation.filtersets import DeadlineChangeFilterSet
from remediation.forms import DeadlineChangeForm, DeadlineDecisionForm
from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request
from remediation.views import _item, _write_on_item, item_label, refusal_status, write_refused


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


@regulator_only
@require_http_methods(["GET", "POST"])
def deadline_change_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The regulator approves or refuses a deadline change, on a page of its own showing what is asked and why."""
    change = get_visible_or_404(request, selectors.deadline_changes(user=request.user), pk=pk)
    form = DeadlineDecisionForm(request.POST or None, initial={"version": change.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deadline_change_decide(
                actor=request.user,
                change=change,
                change_version=data["version"],
                approve=data["approve"],
                comment=data["comment"],
            )
        except (ConflictError, ValidationError) as error:
            conflict = write_refused(form, error)
            if conflict:
                # The page shows the request as it is now; the person's choice and comment stay, on its new version.
                change.refresh_from_db()
                approve = "yes" if data["approve"] else "no"
                form = DeadlineDecisionForm(
                    initial={"version": change.version, "approve": approve, "comment": data["comment"]}
                )
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect(reverse("remediation:deadline_change_list"))
    refused = bool(form.errors or conflict)
    context = {"change": change, "form": form, "conflict": conflict}
    return render(
        request, "remediation/deadline_change_decide.html", context, status=refusal_status(conflict) if refused else 200
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
    context = {"is_regulator": is_regulator(request.user)}
    return filtered_list(
        request,
        filterset,
        template="remediation/deadline_change_list.html",
        columns=DEADLINE_CHANGE_COLUMNS,
        filename="deadline-changes",
        context=context,
    )
