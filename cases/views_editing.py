"""Pages on which regulator staff open and keep a case: the case, its actions, findings, incident pairs,
incidents, and the law articles the product does not know yet.

Each page is declared (`compliance.form_pages.RecordPage`) and writes through the same services as the API
(`cases.editing`): the same validation, the same change history.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import editing, editing_laws, selectors
from cases import forms_editing as f
from cases.models import Case, Finding, Incident, IncidentPair, LawArticle, RegulatoryAction
from compliance.form_pages import RecordPage, RemovalPage, links, next_url, parent, saved
from compliance.forms_editing import values
from compliance.guards import get_visible_or_404
from compliance.models import Company, CompanyGroup

# Lookups: always among what the person may see ---------------------------------------------------------------


def case_or_404(request: HttpRequest, code: str) -> Case:
    """The case of this code, among those the person may see."""
    return get_visible_or_404(request, selectors.cases(user=request.user), code=code)


def finding_or_404(request: HttpRequest, case: Case, code: str) -> Finding:
    """The finding of this code in a case, among those the person may see."""
    return get_visible_or_404(request, selectors.finding_list(user=request.user, case=case), code=code)


def _pair(request: HttpRequest, case: Case, number: int) -> IncidentPair:
    return get_visible_or_404(request, selectors.incident_pair_list(user=request.user, case=case), number=number)


def _timeline(case: Case) -> str:
    return f"{case.get_absolute_url()}#timeline-heading"


def _of_case(case: Case) -> dict:
    return parent(case.title, case.get_absolute_url())


def _new_articles_and_companies(request: HttpRequest) -> list[dict]:
    return links(
        (LawArticle, reverse("cases:law_article_create")),
        (Company, reverse("compliance:company_create")),
        request=request,
    )


# Cases ------------------------------------------------------------------------------------------------------


class CaseOpen(RecordPage):
    """Regulator staff open a case."""

    form_class, model, action = f.CaseOpenForm, Case, "add"

    def write(self, data):
        return editing.case_open(actor=self.user, **data)

    def title(self):
        return _("Open a case")

    def submit(self):
        return _("Open the case")

    def back(self):
        return reverse("cases:case_list")


class CasePage(RecordPage):
    """A page of a case, its record the case."""

    model = Case

    def lookup(self, case):
        return case_or_404(self.request, case)

    def context(self):
        return _of_case(self.record)


class CaseEdit(CasePage):
    """Regulator staff change a case's texts, opening day, status (open or monitoring) and its publication."""

    form_class = f.CaseEditForm

    def write(self, data):
        return editing.case_update(actor=self.user, case=self.record, **data)


class CaseClose(CasePage):
    """Regulator staff close a case on a day."""

    form_class = f.CaseCloseForm

    def write(self, data):
        return editing.case_close(actor=self.user, case=self.record, **data)

    def title(self):
        return _("Close the case")

    def submit(self):
        return _("Close the case")


class CaseReopen(CasePage):
    """Regulator staff reopen a closed case, open or under monitoring."""

    form_class = f.CaseReopenForm

    def write(self, data):
        return editing.case_reopen(actor=self.user, case=self.record, **data)

    def title(self):
        return _("Reopen the case")

    def submit(self):
        return _("Reopen the case")


# Law articles -----------------------------------------------------------------------------------------------


def _law_article_name(article: LawArticle) -> str:
    return f"{article.code} ({article.reference})"


class LawArticleCreate(RecordPage):
    """Regulator staff add an article of any law; they go back to the page they came from, if any."""

    form_class, model, action = f.LawArticleForm, LawArticle, "add"

    def write(self, data):
        return editing_laws.law_article_create(actor=self.user, **data)

    def back(self):
        return next_url(self.request) or reverse("cases:case_list")

    def done(self, article):
        return reverse("cases:law_article_edit", args=[article.code])

    def message(self, article):
        return saved(article, _law_article_name(article))


class LawArticleEdit(LawArticleCreate):
    """Regulator staff correct a law article (its code stays)."""

    form_class, action = f.LawArticleEditForm, "edit"

    def lookup(self, code):
        return get_visible_or_404(self.request, LawArticle.objects.all(), code=code)

    def write(self, data):
        return editing_laws.law_article_update(actor=self.user, law_article=self.record, **data)

    def context(self):
        return {"record": _law_article_name(self.record)}


# Regulatory actions -----------------------------------------------------------------------------------------


class RegulatoryActionCreate(CasePage):
    """Regulator staff record an action in a case, under law articles, addressed to companies."""

    form_class, model, action = f.RegulatoryActionForm, RegulatoryAction, "add"

    def write(self, data):
        return editing.regulatory_action_create(actor=self.user, case=self.record, **data)

    def back(self):
        return _timeline(self.record)

    def done(self, _action):
        return _timeline(self.record)

    def context(self):
        return {**_of_case(self.record), "links": _new_articles_and_companies(self.request)}


class ActionPage(RecordPage):
    """A page of a regulatory action, back on its case's timeline."""

    model = RegulatoryAction

    def lookup(self, case, code):
        case_obj = case_or_404(self.request, case)
        return get_visible_or_404(self.request, selectors.action_list(user=self.user, case=case_obj), code=code)

    def back(self):
        return _timeline(self.record.case)

    def done(self, _action):
        return _timeline(self.record.case)


class RegulatoryActionEdit(ActionPage):
    """Regulator staff change an action: kind, date, texts, law articles, addressees."""

    form_class = f.RegulatoryActionEditForm

    def write(self, data):
        return editing.regulatory_action_update(actor=self.user, action=self.record, **data)

    def context(self):
        links_ = _new_articles_and_companies(self.request)
        return {**_of_case(self.record.case), "record": self.record.code, "links": links_}


class RegulatoryActionDelete(RemovalPage, ActionPage):
    """Regulator staff remove an action recorded by mistake."""

    def write(self, data):
        return editing.regulatory_action_delete(actor=self.user, action=self.record, version=data["version"])

    def after(self):
        return _timeline(self.record.case)

    def context(self):
        return _of_case(self.record.case)


# Findings ---------------------------------------------------------------------------------------------------


class FindingCreate(CasePage):
    """Regulator staff record a finding of a case."""

    form_class, model, action = f.FindingForm, Finding, "add"

    def write(self, data):
        return editing.finding_create(actor=self.user, case=self.record, **data)

    def back(self):
        return reverse("cases:finding_list", args=[self.record.code])

    def context(self):
        return {**_of_case(self.record), "links": _new_articles_and_companies(self.request)}


class FindingPage(RecordPage):
    """A page of a finding."""

    model = Finding

    def lookup(self, case, code):
        return finding_or_404(self.request, case_or_404(self.request, case), code)


class FindingEdit(FindingPage):
    """Regulator staff change a finding: side, article, safeguard types, companies concerned, texts."""

    form_class = f.FindingEditForm

    def write(self, data):
        return editing.finding_update(actor=self.user, finding=self.record, **data)

    def context(self):
        links_ = _new_articles_and_companies(self.request)
        return {**_of_case(self.record.case), "record": self.record.code, "links": links_}


class FindingDelete(RemovalPage, FindingPage):
    """Regulator staff remove a finding with its measures (refused once a company keeps records on them)."""

    def write(self, data):
        return editing.finding_delete(actor=self.user, finding=self.record, version=data["version"])

    def after(self):
        return reverse("cases:finding_list", args=[self.record.case.code])

    def context(self):
        return _of_case(self.record.case)


# Incident pairs and incidents -------------------------------------------------------------------------------


class IncidentPairCreate(CasePage):
    """Regulator staff record the companies of a group whose inspection found incidents, and the total reported."""

    form_class, model, action = f.IncidentPairForm, IncidentPair, "add"

    def write(self, data):
        return editing.incident_pair_create(actor=self.user, case=self.record, **data)

    def back(self):
        return reverse("cases:incident_list", args=[self.record.code])

    def context(self):
        new = links(
            (CompanyGroup, reverse("compliance:company_group_create")),
            (Company, reverse("compliance:company_create")),
            request=self.request,
        )
        return {**_of_case(self.record), "links": new}


class PairPage(RecordPage):
    """A page of an incident pair."""

    model = IncidentPair

    def lookup(self, case, pair):
        return _pair(self.request, case_or_404(self.request, case), pair)

    def context(self):
        return {**_of_case(self.record.case), "record": str(self.record)}


class IncidentPairEdit(PairPage):
    """Regulator staff change a pair's group, companies or reported total."""

    form_class = f.IncidentPairForm

    def write(self, data):
        return editing.incident_pair_update(actor=self.user, pair=self.record, **data)


class IncidentCreate(PairPage):
    """Regulator staff add an incident to a pair, described in the report or only counted."""

    form_class, model, action = f.IncidentForm, Incident, "add"

    def write(self, data):
        return editing.incident_create(actor=self.user, pair=self.record, **data)


class IncidentEdit(RecordPage):
    """Regulator staff change what is known of an incident, at the version they saw."""

    form_class, model = f.IncidentEditForm, Incident

    def lookup(self, case, pair, number):
        self.case = case_or_404(self.request, case)
        incidents = selectors.incidents(user=self.user)
        return get_visible_or_404(self.request, incidents, pair__case=self.case, pair__number=pair, number=number)

    def write(self, data):
        return editing.incident_update(
            actor=self.user, incident=self.record, item_version=data["version"], **values(data)
        )

    def context(self):
        return {**_of_case(self.case), "record": str(self.record)}


case_open = CaseOpen.view()
case_edit = CaseEdit.view()
case_close = CaseClose.view()
case_reopen = CaseReopen.view()
law_article_create = LawArticleCreate.view()
law_article_edit = LawArticleEdit.view()
regulatory_action_create = RegulatoryActionCreate.view()
regulatory_action_edit = RegulatoryActionEdit.view()
regulatory_action_delete = RegulatoryActionDelete.view()
finding_create = FindingCreate.view()
finding_edit = FindingEdit.view()
finding_delete = FindingDelete.view()
incident_pair_create = IncidentPairCreate.view()
incident_pair_edit = IncidentPairEdit.view()
incident_create = IncidentCreate.view()
incident_edit = IncidentEdit.view()
