"""Pages on which regulator staff add and keep the companies and corporate groups the product does not know yet.

Each page is declared (`compliance.form_pages.RecordPage`) and writes through the same services as the API
(`compliance.services`).
"""

from __future__ import annotations

from django.urls import reverse

from compliance import selectors as compliance_selectors
from compliance import services as compliance_services
from compliance.form_pages import RecordPage, links, next_url, parent
from compliance.forms_editing import CompanyEditForm, CompanyForm, CompanyGroupEditForm, CompanyGroupForm
from compliance.guards import get_visible_or_404
from compliance.models import Company, CompanyGroup


def _group_page(group: CompanyGroup) -> str:
    return f"{reverse('remediation:company_list')}?group={group.code}"


class CompanyGroupCreate(RecordPage):
    """Regulator staff add a corporate group not yet known to the product."""

    form_class, model, action = CompanyGroupForm, CompanyGroup, "add"

    def write(self, data):
        return compliance_services.company_group_create(actor=self.user, **data)

    def back(self):
        return next_url(self.request) or reverse("remediation:company_list")

    def done(self, group):
        return _group_page(group)


class CompanyGroupEdit(RecordPage):
    """Regulator staff rename a group or move it in the list."""

    form_class, model = CompanyGroupEditForm, CompanyGroup

    def lookup(self, code):
        return get_visible_or_404(self.request, CompanyGroup.objects.all(), code=code)

    def write(self, data):
        return compliance_services.company_group_update(actor=self.user, group=self.record, **data)

    def back(self):
        return _group_page(self.record)

    def done(self, group):
        return _group_page(group)

    def context(self):
        return {"record": f"{self.record.code} ({self.record.name_ja})"}


class CompanyCreate(RecordPage):
    """Regulator staff add a company or a contractor not yet known to the product."""

    form_class, model, action = CompanyForm, Company, "add"

    def write(self, data):
        return compliance_services.company_create(actor=self.user, **data)

    def back(self):
        return next_url(self.request) or reverse("remediation:company_list")

    def context(self):
        return {"links": links((CompanyGroup, reverse("compliance:company_group_create")), request=self.request)}


class CompanyEdit(RecordPage):
    """Regulator staff rename a company, change its kind or group, or move it in the list."""

    form_class, model = CompanyEditForm, Company

    def lookup(self, code):
        return get_visible_or_404(self.request, compliance_selectors.companies(user=self.user), code=code)

    def write(self, data):
        return compliance_services.company_update(actor=self.user, company=self.record, **data)

    def context(self):
        return {
            **parent(self.record.name, self.record.get_absolute_url()),
            "links": links((CompanyGroup, reverse("compliance:company_group_create")), request=self.request),
        }


company_group_create = CompanyGroupCreate.view()
company_group_edit = CompanyGroupEdit.view()
company_create = CompanyCreate.view()
company_edit = CompanyEdit.view()
