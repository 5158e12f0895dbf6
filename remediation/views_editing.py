"""Pages on which regulator staff keep measures, the companies implementing them and the dates of open items.

Each page is declared (`compliance.form_pages.RecordPage`) and writes through the same services as the API
(`remediation.editing`): the same validation, the same change history.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.views_editing import case_or_404, finding_or_404
from compliance.form_pages import RecordPage, RemovalPage, bound, links, parent
from compliance.forms_editing import VersionForm, values
from compliance.guards import get_visible_or_404
from compliance.models import Company
from compliance.tracking import DATE_FIELDS, TIMING_FIELDS
from remediation import editing as remediation_editing
from remediation import forms_editing as f
from remediation import selectors as remediation_selectors
from remediation.models import Implementation, Measure


def _item(request: HttpRequest, kind: str, pk: int):
    if kind not in remediation_selectors.ITEM_KINDS:
        raise Http404
    return get_visible_or_404(request, remediation_selectors.items(user=request.user, kind=kind), pk=pk)


def _new_company(request: HttpRequest) -> list[dict]:
    return links((Company, reverse("compliance:company_create")), request=request)


class MeasureCreate(RecordPage):
    """Regulator staff record a measure under a finding, with the companies implementing it."""

    form_class, model, action = f.MeasureCreateForm, Measure, "add"

    def lookup(self, case, finding):
        return finding_or_404(self.request, case_or_404(self.request, case), finding)

    def form(self):
        self.measure_form = super().form()
        return self.measure_form

    def write(self, data):
        rows = self.measure_form.implementer_rows()
        implementers = [remediation_editing.Implementer(**row) for row in rows]
        return remediation_editing.measure_create(
            actor=self.user, finding=self.record, implementers=implementers, **data
        )

    def context(self):
        return {
            **parent(str(self.record), self.record.get_absolute_url()),
            "formset": self.measure_form.implementers,
            "links": _new_company(self.request),
        }


class MeasurePage(RecordPage):
    """A page of a measure."""

    model = Measure

    def lookup(self, case, finding, code):
        finding_obj = finding_or_404(self.request, case_or_404(self.request, case), finding)
        measures = remediation_selectors.measures(user=self.user, finding=finding_obj)
        return get_visible_or_404(self.request, measures, code=code)

    def context(self):
        return parent(str(self.record.finding), self.record.finding.get_absolute_url())


class MeasureEdit(MeasurePage):
    """Regulator staff change a measure's safeguard type, kind or texts."""

    form_class = f.MeasureEditForm

    def write(self, data):
        return remediation_editing.measure_update(actor=self.user, measure=self.record, **data)

    def context(self):
        return {**super().context(), "record": self.record.code}


class MeasureDelete(RemovalPage, MeasurePage):
    """Regulator staff remove a measure (refused once a company keeps records on it)."""

    def write(self, data):
        return remediation_editing.measure_delete(actor=self.user, measure=self.record, version=data["version"])

    def after(self):
        return self.record.finding.get_absolute_url()


class ImplementationAdd(MeasurePage):
    """Regulator staff add a company implementing a measure, with its status and dates."""

    form_class, model, action = f.ImplementerForm, Implementation, "add"

    def write(self, data):
        return remediation_editing.implementation_add(actor=self.user, measure=self.record, **data)

    def context(self):
        return {**parent(str(self.record), self.record.get_absolute_url()), "links": _new_company(self.request)}


class ImplementationRemove(RemovalPage):
    """Regulator staff remove a company from a measure's implementers, at the version they saw."""

    def lookup(self, pk):
        return _item(self.request, "implementation", pk)

    def form(self):
        return VersionForm(bound(self.request), initial={"version": self.record.version})

    def write(self, data):
        return remediation_editing.implementation_remove(
            actor=self.user, implementation=self.record, item_version=data["version"]
        )

    def back(self):
        return self.record.measure.get_absolute_url()

    def after(self):
        return self.record.measure.get_absolute_url()

    def context(self):
        return parent(str(self.record.measure), self.record.measure.get_absolute_url())


class ItemDatesSet(RecordPage):
    """Regulator staff set or move an open item's due date or window, at the version they saw."""

    def lookup(self, kind, pk):
        return _item(self.request, kind, pk)

    def form(self):
        fields = (*DATE_FIELDS, *TIMING_FIELDS)
        initial = {"version": self.record.version, **{name: getattr(self.record, name) for name in fields}}
        return f.ItemDatesForm(bound(self.request), initial=initial)

    def write(self, data):
        return remediation_editing.item_dates_set(
            actor=self.user, item=self.record, item_version=data["version"], **values(data)
        )

    def title(self):
        return _("Set the dates of %(item)s") % {"item": self.record}

    def back(self):
        return self.record.get_tracking_url()

    def context(self):
        return parent(str(self.record.case.title), self.record.case.get_absolute_url())


measure_create = MeasureCreate.view()
measure_edit = MeasureEdit.view()
measure_delete = MeasureDelete.view()
implementation_add = ImplementationAdd.view()
implementation_remove = ImplementationRemove.view()
item_dates_set = ItemDatesSet.view()
