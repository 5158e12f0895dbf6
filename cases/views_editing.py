"""Pages on which regulator staff open and keep a case: the case, its actions, findings, measures, incident pairs,
incidents, the dates of open items, and the law articles, companies and groups the product does not know yet.

Every page is for regulator staff alone (anyone else gets 404, and the attempt is logged) and writes through the
same services as the API (`cases.editing`, `remediation.editing`, `compliance.services`): the same validation,
the same change history. `record_form_page` runs them all alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import editing, selectors
from cases import forms_editing as f
from cases.models import Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction
from compliance import selectors as compliance_selectors
from compliance import services as compliance_services
from compliance.audit import access_log_denied
from compliance.guards import get_visible_or_404, regulator_only
from compliance.models import Company, CompanyGroup
from compliance.tracking import DATE_FIELDS
from remediation import editing as remediation_editing
from remediation import selectors as remediation_selectors
from remediation.models import Implementation, Measure
from remediation.workflow import ConflictError

FORM_TEMPLATE = "cases/record_form.html"
get_and_post = require_http_methods(["GET", "POST"])


def kind_of(model: type[models.Model] | models.Model) -> str:
    """What a record is, as its model names it: "Regulatory action"."""
    return capfirst(model._meta.verbose_name)


def heading(action: str, model: type[models.Model]) -> str:
    """A page's heading: "Add finding", "Edit finding", "Remove finding"."""
    headings = {"add": _("Add %(kind)s"), "edit": _("Edit %(kind)s"), "remove": _("Remove %(kind)s")}
    return headings[action] % {"kind": model._meta.verbose_name}


def saved(record: models.Model, name: str | None = None) -> str:
    """The message once a record is saved."""
    return _("%(kind)s saved: %(record)s") % {"kind": kind_of(record), "record": name or record}


def removed(record: models.Model, name: str | None = None) -> str:
    """The message once a record is removed."""
    return _("%(kind)s removed: %(record)s") % {"kind": kind_of(record), "record": name or record}


def bound(request: HttpRequest) -> dict | None:
    """The submitted data on a POST; None (an unbound form) on a GET."""
    return request.POST if request.method == "POST" else None


def next_url(request: HttpRequest) -> str | None:
    """Where the person came from, to go back there once the record is saved (a page of this site only)."""
    url = request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each error on its field when the form has it, on the whole form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


def record_form_page(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict], object],
    *,
    title: str,
    submit: str,
    back: str,
    done: Callable[[object], str],
    message: Callable[[object], str],
    context: dict | None = None,
) -> HttpResponse:
    """A page with a form whose data a service writes.

    GET shows the form. On POST, valid input goes to `write` (a service call): its result's page is shown next
    (`done`) with a success `message`, or the page the person came from (`?next=`). A refusal shows the form
    again, with nothing written: the service's errors on their fields (400), a change someone else made
    meanwhile as a request to reload (409). A service that refuses the person answers 404 like the page.
    """
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = write(form.cleaned_data)
            except PermissionDenied:
                access_log_denied(request=request, object_type=f"page:{request.resolver_match.view_name}")
                raise Http404 from None
            except ConflictError as conflict:
                form.add_error(None, str(conflict))
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message(result))
                return redirect(next_url(request) or done(result))
    page = {"form": form, "title": title, "submit": submit, "back": back, **(context or {})}
    return render(request, FORM_TEMPLATE, page, status=status)


def removal_page(
    request: HttpRequest,
    record: models.Model,
    remove: Callable[[dict], None],
    *,
    back: str,
    done: str,
    form: forms.Form | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """A page that confirms the removal of a record before a service removes it."""
    name = str(record)
    return record_form_page(
        request,
        form or f.ConfirmForm(bound(request)),
        remove,
        title=heading("remove", type(record)),
        submit=_("Remove"),
        back=back,
        done=lambda _result: done,
        message=lambda _result: removed(record, name),
        context={"record": name, "removal": True, **(context or {})},
    )


def links(*models_and_urls: tuple[type[models.Model], str], request: HttpRequest) -> list[dict]:
    """Links to add a related record that is not known yet, coming back to this page afterwards."""
    back_here = urlencode({"next": request.get_full_path()})
    return [{"label": heading("add", model), "url": f"{url}?{back_here}"} for model, url in models_and_urls]


# Lookups: always among what the person may see ---------------------------------------------------------------


def _case(request: HttpRequest, code: str) -> Case:
    return get_visible_or_404(request, selectors.cases(user=request.user), code=code)


def _finding(request: HttpRequest, case: Case, code: str) -> Finding:
    return get_visible_or_404(request, selectors.finding_list(user=request.user, case=case), code=code)


def _measure(request: HttpRequest, case: str, finding: str, code: str) -> Measure:
    finding_obj = _finding(request, _case(request, case), finding)
    return get_visible_or_404(
        request, remediation_selectors.measures(user=request.user, finding=finding_obj), code=code
    )


def _pair(request: HttpRequest, case: Case, number: int) -> IncidentPair:
    return get_visible_or_404(request, selectors.incident_pair_list(user=request.user, case=case), number=number)


def _item(request: HttpRequest, kind: str, pk: int):
    if kind not in remediation_selectors.ITEM_KINDS:
        raise Http404
    return get_visible_or_404(request, remediation_selectors.items(user=request.user, kind=kind), pk=pk)


def _timeline(case: Case) -> str:
    return f"{case.get_absolute_url()}#timeline-heading"


def _parent(label: str, url: str) -> dict:
    return {"parent": {"label": label, "url": url}}


# Cases ------------------------------------------------------------------------------------------------------


@regulator_only
@get_and_post
def case_open(request: HttpRequest) -> HttpResponse:
    """Regulator staff open a case."""
    form = f.CaseOpenForm(bound(request), user=request.user)
    return record_form_page(
        request,
        form,
        lambda data: editing.case_open(actor=request.user, **data),
        title=_("Open a case"),
        submit=_("Open the case"),
        back=reverse("cases:case_list"),
        done=lambda case: case.get_absolute_url(),
        message=saved,
    )


@regulator_only
@get_and_post
def case_edit(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff change a case's texts, opening day, status (open or monitoring) and its publication."""
    case_obj = _case(request, case)
    form = f.CaseEditForm(bound(request), user=request.user, instance=case_obj)
    return record_form_page(
        request,
        form,
        lambda data: editing.case_update(actor=request.user, case=case_obj, **data),
        title=heading("edit", Case),
        submit=_("Save"),
        back=case_obj.get_absolute_url(),
        done=lambda case: case.get_absolute_url(),
        message=saved,
        context=_parent(case_obj.title, case_obj.get_absolute_url()),
    )


@regulator_only
@get_and_post
def case_close(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff close a case on a day."""
    case_obj = _case(request, case)
    return record_form_page(
        request,
        f.CaseCloseForm(bound(request)),
        lambda data: editing.case_close(actor=request.user, case=case_obj, **data),
        title=_("Close the case"),
        submit=_("Close the case"),
        back=case_obj.get_absolute_url(),
        done=lambda case: case.get_absolute_url(),
        message=saved,
        context=_parent(case_obj.title, case_obj.get_absolute_url()),
    )


@regulator_only
@get_and_post
def case_reopen(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff reopen a closed case, open or under monitoring."""
    case_obj = _case(request, case)
    return record_form_page(
        request,
        f.CaseReopenForm(bound(request)),
        lambda data: editing.case_reopen(actor=request.user, case=case_obj, **data),
        title=_("Reopen the case"),
        submit=_("Reopen the case"),
        back=case_obj.get_absolute_url(),
        done=lambda case: case.get_absolute_url(),
        message=saved,
        context=_parent(case_obj.title, case_obj.get_absolute_url()),
    )


# Law articles, groups and companies -------------------------------------------------------------------------


def _law_article_name(article: LawArticle) -> str:
    return f"{article.code} ({article.law_ja} {article.reference_ja.removeprefix('法')})"


def _law_article_page(article: LawArticle) -> str:
    return reverse("cases:law_article_edit", args=[article.code])


@regulator_only
@get_and_post
def law_article_create(request: HttpRequest) -> HttpResponse:
    """Regulator staff add an article of any law; they go back to the page they came from, if any."""
    return record_form_page(
        request,
        f.LawArticleForm(bound(request), user=request.user),
        lambda data: editing.law_article_create(actor=request.user, **data),
        title=heading("add", LawArticle),
        submit=_("Save"),
        back=next_url(request) or reverse("cases:case_list"),
        done=_law_article_page,
        message=lambda article: saved(article, _law_article_name(article)),
    )


@regulator_only
@get_and_post
def law_article_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Regulator staff correct a law article (its code stays)."""
    article = get_visible_or_404(request, LawArticle.objects.all(), code=code)
    return record_form_page(
        request,
        f.LawArticleEditForm(bound(request), user=request.user, instance=article),
        lambda data: editing.law_article_update(actor=request.user, law_article=article, **data),
        title=heading("edit", LawArticle),
        submit=_("Save"),
        back=next_url(request) or reverse("cases:case_list"),
        done=_law_article_page,
        message=lambda article: saved(article, _law_article_name(article)),
        context={"record": _law_article_name(article)},
    )


def _group_page(group: CompanyGroup) -> str:
    return f"{reverse('remediation:company_list')}?group={group.code}"


@regulator_only
@get_and_post
def company_group_create(request: HttpRequest) -> HttpResponse:
    """Regulator staff add a corporate group not yet known to the product."""
    return record_form_page(
        request,
        f.CompanyGroupForm(bound(request), user=request.user),
        lambda data: compliance_services.company_group_create(actor=request.user, **data),
        title=heading("add", CompanyGroup),
        submit=_("Save"),
        back=next_url(request) or reverse("remediation:company_list"),
        done=_group_page,
        message=saved,
    )


@regulator_only
@get_and_post
def company_group_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Regulator staff rename a group or move it in the list."""
    group = get_visible_or_404(request, CompanyGroup.objects.all(), code=code)
    return record_form_page(
        request,
        f.CompanyGroupEditForm(bound(request), user=request.user, instance=group),
        lambda data: compliance_services.company_group_update(actor=request.user, group=group, **data),
        title=heading("edit", CompanyGroup),
        submit=_("Save"),
        back=_group_page(group),
        done=_group_page,
        message=saved,
        context={"record": f"{group.code} ({group.name_ja})"},
    )


@regulator_only
@get_and_post
def company_create(request: HttpRequest) -> HttpResponse:
    """Regulator staff add a company or a contractor not yet known to the product."""
    return record_form_page(
        request,
        f.CompanyForm(bound(request), user=request.user),
        lambda data: compliance_services.company_create(actor=request.user, **data),
        title=heading("add", Company),
        submit=_("Save"),
        back=next_url(request) or reverse("remediation:company_list"),
        done=lambda company: company.get_absolute_url(),
        message=saved,
        context={"links": links((CompanyGroup, reverse("compliance:company_group_create")), request=request)},
    )


@regulator_only
@get_and_post
def company_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Regulator staff rename a company, change its kind or group, or move it in the list."""
    company = get_visible_or_404(request, compliance_selectors.companies(user=request.user), code=code)
    return record_form_page(
        request,
        f.CompanyEditForm(bound(request), user=request.user, instance=company),
        lambda data: compliance_services.company_update(actor=request.user, company=company, **data),
        title=heading("edit", Company),
        submit=_("Save"),
        back=company.get_absolute_url(),
        done=lambda company: company.get_absolute_url(),
        message=saved,
        context={
            **_parent(company.name, company.get_absolute_url()),
            "links": links((CompanyGroup, reverse("compliance:company_group_create")), request=request),
        },
    )


# Regulatory actions -----------------------------------------------------------------------------------------


def _new_articles_and_companies(request: HttpRequest) -> list[dict]:
    return links(
        (LawArticle, reverse("cases:law_article_create")),
        (Company, reverse("compliance:company_create")),
        request=request,
    )


@regulator_only
@get_and_post
def regulatory_action_create(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff record an action in a case, under law articles, addressed to companies."""
    case_obj = _case(request, case)
    return record_form_page(
        request,
        f.RegulatoryActionForm(bound(request), user=request.user),
        lambda data: editing.regulatory_action_create(actor=request.user, case=case_obj, **data),
        title=heading("add", RegulatoryAction),
        submit=_("Save"),
        back=_timeline(case_obj),
        done=lambda action: _timeline(case_obj),
        message=saved,
        context={**_parent(case_obj.title, case_obj.get_absolute_url()), "links": _new_articles_and_companies(request)},
    )


def _action(request: HttpRequest, case: str, code: str) -> RegulatoryAction:
    case_obj = _case(request, case)
    return get_visible_or_404(request, selectors.action_list(user=request.user, case=case_obj), code=code)


@regulator_only
@get_and_post
def regulatory_action_edit(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """Regulator staff change an action: kind, date, texts, law articles, addressees."""
    action = _action(request, case, code)
    return record_form_page(
        request,
        f.RegulatoryActionEditForm(bound(request), user=request.user, instance=action),
        lambda data: editing.regulatory_action_update(actor=request.user, action=action, **data),
        title=heading("edit", RegulatoryAction),
        submit=_("Save"),
        back=_timeline(action.case),
        done=lambda _action: _timeline(action.case),
        message=saved,
        context={
            **_parent(action.case.title, action.case.get_absolute_url()),
            "record": action.code,
            "links": _new_articles_and_companies(request),
        },
    )


@regulator_only
@get_and_post
def regulatory_action_delete(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """Regulator staff remove an action recorded by mistake."""
    action = _action(request, case, code)
    return removal_page(
        request,
        action,
        lambda _data: editing.regulatory_action_delete(actor=request.user, action=action),
        back=_timeline(action.case),
        done=_timeline(action.case),
        context=_parent(action.case.title, action.case.get_absolute_url()),
    )


# Findings ---------------------------------------------------------------------------------------------------


@regulator_only
@get_and_post
def finding_create(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff record a finding of a case."""
    case_obj = _case(request, case)
    return record_form_page(
        request,
        f.FindingForm(bound(request), user=request.user),
        lambda data: editing.finding_create(actor=request.user, case=case_obj, **data),
        title=heading("add", Finding),
        submit=_("Save"),
        back=reverse("cases:finding_list", args=[case_obj.code]),
        done=lambda finding: finding.get_absolute_url(),
        message=saved,
        context={**_parent(case_obj.title, case_obj.get_absolute_url()), "links": _new_articles_and_companies(request)},
    )


@regulator_only
@get_and_post
def finding_edit(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """Regulator staff change a finding: side, article, safeguard types, companies concerned, texts."""
    finding = _finding(request, _case(request, case), code)
    return record_form_page(
        request,
        f.FindingEditForm(bound(request), user=request.user, instance=finding),
        lambda data: editing.finding_update(actor=request.user, finding=finding, **data),
        title=heading("edit", Finding),
        submit=_("Save"),
        back=finding.get_absolute_url(),
        done=lambda finding: finding.get_absolute_url(),
        message=saved,
        context={
            **_parent(finding.case.title, finding.case.get_absolute_url()),
            "record": finding.code,
            "links": _new_articles_and_companies(request),
        },
    )


@regulator_only
@get_and_post
def finding_delete(request: HttpRequest, case: str, code: str) -> HttpResponse:
    """Regulator staff remove a finding with its measures (refused once a company keeps records on them)."""
    finding = _finding(request, _case(request, case), code)
    return removal_page(
        request,
        finding,
        lambda _data: editing.finding_delete(actor=request.user, finding=finding),
        back=finding.get_absolute_url(),
        done=reverse("cases:finding_list", args=[finding.case.code]),
        context=_parent(finding.case.title, finding.case.get_absolute_url()),
    )


# Measures and their implementing companies ------------------------------------------------------------------


def _measure_create(request: HttpRequest, finding: Finding, form: f.MeasureCreateForm, data: dict) -> Measure:
    implementers = [remediation_editing.Implementer(**row) for row in form.implementer_rows()]
    return remediation_editing.measure_create(actor=request.user, finding=finding, implementers=implementers, **data)


@regulator_only
@get_and_post
def measure_create(request: HttpRequest, case: str, finding: str) -> HttpResponse:
    """Regulator staff record a measure under a finding, with the companies implementing it."""
    finding_obj = _finding(request, _case(request, case), finding)
    form = f.MeasureCreateForm(bound(request), user=request.user)
    return record_form_page(
        request,
        form,
        lambda data: _measure_create(request, finding_obj, form, data),
        title=heading("add", Measure),
        submit=_("Save"),
        back=finding_obj.get_absolute_url(),
        done=lambda measure: measure.get_absolute_url(),
        message=saved,
        context={
            **_parent(str(finding_obj), finding_obj.get_absolute_url()),
            "formset": form.implementers,
            "links": links((Company, reverse("compliance:company_create")), request=request),
        },
    )


@regulator_only
@get_and_post
def measure_edit(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """Regulator staff change a measure's safeguard type, kind or texts."""
    measure = _measure(request, case, finding, code)
    return record_form_page(
        request,
        f.MeasureEditForm(bound(request), user=request.user, instance=measure),
        lambda data: remediation_editing.measure_update(actor=request.user, measure=measure, **data),
        title=heading("edit", Measure),
        submit=_("Save"),
        back=measure.get_absolute_url(),
        done=lambda measure: measure.get_absolute_url(),
        message=saved,
        context={**_parent(str(measure.finding), measure.finding.get_absolute_url()), "record": measure.code},
    )


@regulator_only
@get_and_post
def measure_delete(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """Regulator staff remove a measure (refused once a company keeps records on it)."""
    measure = _measure(request, case, finding, code)
    return removal_page(
        request,
        measure,
        lambda _data: remediation_editing.measure_delete(actor=request.user, measure=measure),
        back=measure.get_absolute_url(),
        done=measure.finding.get_absolute_url(),
        context=_parent(str(measure.finding), measure.finding.get_absolute_url()),
    )


@regulator_only
@get_and_post
def implementation_add(request: HttpRequest, case: str, finding: str, code: str) -> HttpResponse:
    """Regulator staff add a company implementing a measure, with its status and dates."""
    measure = _measure(request, case, finding, code)
    return record_form_page(
        request,
        f.ImplementerForm(bound(request), user=request.user),
        lambda data: remediation_editing.implementation_add(actor=request.user, measure=measure, **data),
        title=heading("add", Implementation),
        submit=_("Save"),
        back=measure.get_absolute_url(),
        done=lambda implementation: implementation.get_absolute_url(),
        message=saved,
        context={
            **_parent(str(measure), measure.get_absolute_url()),
            "links": links((Company, reverse("compliance:company_create")), request=request),
        },
    )


@regulator_only
@get_and_post
def implementation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Regulator staff remove a company from a measure's implementers, at the version they saw."""
    implementation = _item(request, "implementation", pk)
    measure_url = implementation.measure.get_absolute_url()
    form = f.VersionForm(bound(request), initial={"version": implementation.version})
    return removal_page(
        request,
        implementation,
        lambda data: remediation_editing.implementation_remove(
            actor=request.user, implementation=implementation, item_version=data["version"]
        ),
        form=form,
        back=measure_url,
        done=measure_url,
        context=_parent(str(implementation.measure), measure_url),
    )


@regulator_only
@get_and_post
def item_dates_set(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Regulator staff set or move an open item's due date or window, at the version they saw."""
    item = _item(request, kind, pk)
    initial = {"version": item.version, **{name: getattr(item, name) for name in DATE_FIELDS}}
    return record_form_page(
        request,
        f.ItemDatesForm(bound(request), initial=initial),
        lambda data: remediation_editing.item_dates_set(
            actor=request.user, item=item, item_version=data["version"], **f.values(data)
        ),
        title=_("Set the dates of %(item)s") % {"item": item},
        submit=_("Save"),
        back=item.get_tracking_url(),
        done=lambda item: item.get_absolute_url(),
        message=saved,
        context=_parent(str(item.case.title), item.case.get_absolute_url()),
    )


# Incident pairs and incidents -------------------------------------------------------------------------------


@regulator_only
@get_and_post
def incident_pair_create(request: HttpRequest, case: str) -> HttpResponse:
    """Regulator staff record the companies of a group whose inspection found incidents, and the total reported."""
    case_obj = _case(request, case)
    return record_form_page(
        request,
        f.IncidentPairForm(bound(request), user=request.user),
        lambda data: editing.incident_pair_create(actor=request.user, case=case_obj, **data),
        title=heading("add", IncidentPair),
        submit=_("Save"),
        back=reverse("cases:incident_list", args=[case_obj.code]),
        done=lambda pair: pair.get_absolute_url(),
        message=saved,
        context={
            **_parent(case_obj.title, case_obj.get_absolute_url()),
            "links": links(
                (CompanyGroup, reverse("compliance:company_group_create")),
                (Company, reverse("compliance:company_create")),
                request=request,
            ),
        },
    )


@regulator_only
@get_and_post
def incident_pair_edit(request: HttpRequest, case: str, pair: int) -> HttpResponse:
    """Regulator staff change a pair's group, companies or reported total."""
    pair_obj = _pair(request, _case(request, case), pair)
    return record_form_page(
        request,
        f.IncidentPairForm(bound(request), user=request.user, instance=pair_obj),
        lambda data: editing.incident_pair_update(actor=request.user, pair=pair_obj, **data),
        title=heading("edit", IncidentPair),
        submit=_("Save"),
        back=pair_obj.get_absolute_url(),
        done=lambda pair: pair.get_absolute_url(),
        message=saved,
        context={**_parent(pair_obj.case.title, pair_obj.case.get_absolute_url()), "record": str(pair_obj)},
    )


@regulator_only
@get_and_post
def incident_create(request: HttpRequest, case: str, pair: int) -> HttpResponse:
    """Regulator staff add an incident to a pair, described in the report or only counted."""
    pair_obj = _pair(request, _case(request, case), pair)
    return record_form_page(
        request,
        f.IncidentForm(bound(request), user=request.user),
        lambda data: editing.incident_create(actor=request.user, pair=pair_obj, **data),
        title=heading("add", Incident),
        submit=_("Save"),
        back=pair_obj.get_absolute_url(),
        done=lambda incident: incident.get_absolute_url(),
        message=saved,
        context={**_parent(pair_obj.case.title, pair_obj.case.get_absolute_url()), "record": str(pair_obj)},
    )


@regulator_only
@get_and_post
def incident_edit(request: HttpRequest, case: str, pair: int, number: int) -> HttpResponse:
    """Regulator staff change what is known of an incident, at the version they saw."""
    case_obj = _case(request, case)
    incident = get_visible_or_404(
        request, selectors.incidents(user=request.user), pair__case=case_obj, pair__number=pair, number=number
    )
    return record_form_page(
        request,
        f.IncidentEditForm(bound(request), user=request.user, instance=incident),
        lambda data: editing.incident_update(
            actor=request.user, incident=incident, item_version=data["version"], **f.values(data)
        ),
        title=heading("edit", Incident),
        submit=_("Save"),
        back=incident.get_absolute_url(),
        done=lambda incident: incident.get_absolute_url(),
        message=saved,
        context={**_parent(case_obj.title, case_obj.get_absolute_url()), "record": str(incident)},
    )
