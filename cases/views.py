"""Pages of the published case: the case, its timeline, findings and incidents."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.filtersets import CaseFilterSet, FindingFilterSet, IncidentFilterSet
from cases.forms import CaseLinkForm
from cases.models import Case, CaseLink
from cases.services import case_link, case_unlink
from compliance.access import is_regulator
from compliance.exports import Column
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from compliance.listing import export_if_requested

# What the case page shows of the layers above (remediation: its items' statuses and open windows), each a
# function of the person and the case giving the page's context; registered from their AppConfig.ready().
case_page_sections: list[Callable[..., dict]] = []


def _case(request: HttpRequest, code: str) -> Case:
    return get_visible_or_404(request, selectors.cases(user=request.user), code=code)


def names(related) -> str:
    """The Japanese names of related rows (companies, safeguard types), joined for one cell of an export."""
    return "、".join(row.name_ja for row in related.all())


CASES_PER_PAGE = 100

CASE_COLUMNS = [
    Column(_("Code"), "code"),
    Column(_("Title (Japanese)"), "title_ja"),
    Column(_("Title (English)"), "title_en"),
    Column(_("Status"), "get_status_display"),
    Column(_("Opened on"), "opened_on"),
    Column(_("Closed on"), "closed_on"),
    Column(_("Findings"), "finding_count"),
    Column(_("Incidents"), "incident_count"),
]


def case_list(request: HttpRequest) -> HttpResponse:
    """Every case, filtered and searched; or the filtered list as a file."""
    filterset = CaseFilterSet(request.GET, queryset=selectors.case_list(user=request.user), request=request)
    exported = export_if_requested(request, filterset.qs, CASE_COLUMNS, "cases")
    if exported is not None:
        return exported
    page = Paginator(filterset.qs, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"filter": filterset, "cases": page, "page": page})


def case_detail(
    request: HttpRequest, case: str, link_form: CaseLinkForm | None = None, status: int = 200
) -> HttpResponse:
    """One case: summary, figures, timeline of regulatory actions, what is still open.

    After a refused link, with the regulator's input and the reasons beside the fields (`link_form`, status 400).
    """
    user = request.user
    case_obj = _case(request, case)
    context = {
        "case": case_obj,
        "actions": selectors.action_list(user=user, case=case_obj),
        "pairs": selectors.incident_pair_list(user=user, case=case_obj),
        "related": selectors.case_links(user=user, case=case_obj),
        "link_form": link_form or (CaseLinkForm(user=user) if is_regulator(user) else None),
    }
    for section in case_page_sections:
        context.update(section(user=user, case=case_obj))
    return render(request, "cases/case_detail.html", context, status=status)


def _related_section(case_obj: Case) -> str:
    return f"{case_obj.get_absolute_url()}#related-heading"


@regulator_only
@require_POST
def case_link_add(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff link the case to a related one."""
    case_obj = _case(request, case)
    form = CaseLinkForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case_link(
                actor=request.user,
                case=case_obj,
                other=data["other"],
                relation=data["relation"],
                note_ja=data["note_ja"],
                note_en=data["note_en"],
            )
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        return case_detail(request, case, link_form=form, status=400)
    messages.success(request, gettext("The cases were linked."))
    return redirect(_related_section(case_obj))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@regulator_only
@require_POST
def case_link_remove(request: HttpRequest, case: str, pk: int) -> HttpResponse:
    """Regulator staff remove a link between the case and a related one."""
    case_obj = _case(request, case)
    links = CaseLink.objects.filter(Q(from_case=case_obj) | Q(to_case=case_obj))
    link = get_visible_or_404(request, links, pk=pk)
    case_unlink(actor=request.user, link=link)
    messages.success(request, gettext("The link was removed."))
    return redirect(_related_section(case_obj))


FINDING_COLUMNS = [
    Column(_("Code"), "code"),
    Column(_("Side"), "get_side_display"),
    Column(_("Law references"), lambda finding: " ".join(a.reference_ja for a in finding.articles.all())),
    Column(_("Safeguard types"), lambda finding: names(finding.safeguard_types)),
    Column(_("Text (Japanese)"), "text_ja"),
    Column(_("Text (English)"), "text_en"),
    Column(_("Companies concerned"), lambda finding: names(finding.affected_companies)),
    Column(_("Measures"), lambda finding: " ".join(measure.code for measure in finding.measures.all())),
]


def finding_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's findings grouped by side and law article, each with its measures, filtered and searched."""
    case_obj = _case(request, case)
    findings = selectors.finding_list(user=request.user, case=case_obj)
    filterset = FindingFilterSet(request.GET, queryset=findings, request=request)
    exported = export_if_requested(request, filterset.qs, FINDING_COLUMNS, f"{case_obj.code}-findings")
    if exported is not None:
        return exported
    grouped = selectors.group_by_side_and_article(filterset.qs)
    return render(request, "cases/finding_list.html", {"case": case_obj, "grouped": grouped, "filter": filterset})


def finding_detail(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """One finding with its companies concerned and its measures."""
    case_obj = _case(request, case)
    finding = get_visible_or_404(request, selectors.finding_list(user=request.user, case=case_obj), code=code)
    return render(request, "cases/finding_detail.html", {"case": case_obj, "finding": finding})


INCIDENT_COLUMNS = [
    Column(_("Pair"), "pair.number"),
    Column(_("Group"), "pair.group.name_ja"),
    Column(_("Label"), "display_label"),
    Column(_("Described in the report"), "described_in_report"),
    Column(_("Summary (Japanese)"), "summary_ja"),
    Column(_("Summary (English)"), "summary_en"),
    Column(_("Company that could view"), "viewer.name_ja"),
    Column(_("Company whose data it was"), "owner.name_ja"),
    Column(_("Each could view the other's data"), "mutual"),
    Column(_("Kind of data"), "get_data_kind_display"),
    Column(_("Data was used"), "was_used"),
    Column(_("New-entrant customers' data involved"), "involves_new_entrant_data"),
    Column(_("Fix (Japanese)"), "fix_ja"),
    Column(_("Fix (English)"), "fix_en"),
    Column(_("Status"), "status_label"),
    Column(_("Due date"), "due_on"),
    Column(_("Window start"), "window_start"),
    Column(_("Window end"), "window_end"),
]


def incident_list(request: HttpRequest, case: str) -> HttpResponse:
    """The case's incidents by pair, with the totals the report gives, filtered and searched."""
    user = request.user
    case_obj = _case(request, case)
    shown = selectors.incidents(user=user).filter(pair__case=case_obj)
    filterset = IncidentFilterSet(request.GET, queryset=shown, request=request)
    exported = export_if_requested(request, filterset.qs, INCIDENT_COLUMNS, f"{case_obj.code}-incidents")
    if exported is not None:
        return exported
    pairs = list(selectors.incident_pair_list(user=user, case=case_obj, shown_incidents=filterset.qs))
    if filterset.form.has_changed():
        pairs = [pair for pair in pairs if pair.incidents.all()]
    log_reads(request, [incident for pair in pairs for incident in pair.incidents.all()])
    return render(request, "cases/incident_list.html", {"case": case_obj, "pairs": pairs, "filter": filterset})


def incident_detail(request: HttpRequest, case: str, pair: int, number: int) -> HttpResponse:
    """One incident and its fix."""
    case_obj = _case(request, case)
    incident = get_visible_or_404(
        request, selectors.incidents(user=request.user), pair__case=case_obj, pair__number=pair, number=number
    )
    return render(request, "cases/incident_detail.html", {"case": case_obj, "incident": incident})
