"""Pages of the remediation's items: measures with their implementers, what is still open, one item with its thread.

Also the helpers the item's writes share: a refused write re-renders the page that holds its form, with the input
kept and the reasons beside the fields.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from cases import selectors as case_selectors
from cases.filtersets import IncidentFilterSet
from compliance.access import is_regulator
from compliance.audit import access_log_denied, record_label
from compliance.choices import Role
from compliance.exports import Column
from compliance.guards import get_visible_or_404, log_reads
from compliance.listing import export_if_requested, filtered_list
from compliance.versioning import ConflictError
from remediation import selectors
from remediation.filtersets import (
    ImplementationFilterSet,
    OpenItemFilterSet,
)
from remediation.forms import (
    DeadlineChangeForm,
    ProgressUpdateForm,
    ReportingDutyForm,
)
from remediation.models import Implementation, about
from remediation.naming import item_name_text
from remediation.services.items import own_items


def measure_detail(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """One measure with each implementing company's status and dates."""
    user = request.user
    case_obj = get_visible_or_404(request, case_selectors.cases(user=user), code=case)
    finding_obj = get_visible_or_404(request, case_selectors.finding_list(user=user, case=case_obj), code=finding)
    measure = get_visible_or_404(request, selectors.measures(user=user, finding=finding_obj), code=code)
    context = {"case": case_obj, "finding": finding_obj, "measure": measure}
    return render(request, "remediation/measure_detail.html", context)


def item_label(item) -> str:
    """A tracked item in one cell of an export: what must be done, by whom, by when, then its code."""
    return "" if item is None else item_name_text(item)


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
    # The order of the table's own columns (measures in the order they were made, which follows the report), which
    # the index implementation_order serves: a page is read from the index, never a sort of every implementation.
    implementations = selectors.implementations(user=request.user).order_by("measure_id", "position", "pk")
    filterset = ImplementationFilterSet(request.GET, queryset=implementations, request=request)
    return filtered_list(
        request,
        filterset,
        template="remediation/implementation_list.html",
        columns=IMPLEMENTATION_COLUMNS,
        filename="implementations",
    )


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
        "reporting_conflict": forms_with_errors.get("reporting_conflict"),
        "is_regulator": is_regulator(request.user),
        "reporting_form": forms_with_errors.get("reporting")
        or ReportingDutyForm(
            initial={"version": item.version, "every": item.reporting_every, "since": item.reporting_since}
        ),
        "others_hidden": _others_updates_hidden(request.user, item),
    }
    return render(request, "remediation/item_detail.html", context, status=status)


def _others_updates_hidden(user, item) -> bool:
    """Whether the item may have updates of a company whose updates the person does not see.

    True for everyone but the regulator, except on an implementation of the person's own company (only that company
    reports on it). Said whether or not such updates exist, so that it tells nothing about them.
    """
    if is_regulator(user):
        return False
    return not (isinstance(item, Implementation) and item.company_id == getattr(user, "company_id", None))


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


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def write_refused(form, error: ValidationError | ConflictError) -> str | None:
    """Put a refused write's reasons on its form; a conflict's message is returned, to show above the form."""
    if isinstance(error, ConflictError):
        return str(error)
    _add_errors(form, error)
    return None


def refusal_status(conflict: str | None) -> int:
    """409 when the record changed meanwhile, 400 when the input is refused."""
    return 409 if conflict else 400
