"""The report generator for regulator staff: draft the next report from live data, read it, approve it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case, ReportDraft
from compliance import clock
from compliance.access import is_regulator_admin
from compliance.forms import JapaneseDateField
from compliance.guards import get_visible_or_404, regulator_only
from remediation.public_views import publication_labels
from remediation.reports import report_draft_approve, report_draft_create, report_pdf


class ReportDraftForm(forms.Form):
    """A case and the day the draft speaks for."""

    case = forms.ModelChoiceField(
        label=gettext_lazy("Case"),
        queryset=Case.objects.all(),
        to_field_name="code",
        empty_label=pgettext_lazy("form choice", "Choose one"),
    )
    as_of = JapaneseDateField(label=gettext_lazy("As of"))


@regulator_only
def report_draft_list(request: HttpRequest) -> HttpResponse:
    """The drafts so far, and a form to draft another."""
    form = ReportDraftForm(request.POST or None, initial={"as_of": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            draft = report_draft_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("as_of", error.messages)
        else:
            return redirect(draft.get_absolute_url())
    drafts = ReportDraft.objects.visible_to(request.user).select_related("case", "created_by", "approved_by")[:50]
    status = 400 if form.errors else 200
    return render(request, "cases/report/draft_list.html", {"form": form, "drafts": drafts}, status=status)


@regulator_only
def report_draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft in the report's layout, in the interface's language; marked "draft" until approved."""
    draft = get_visible_or_404(request, ReportDraft.objects.select_related("case", "approved_by"), pk=pk)
    context = {
        "draft": draft,
        "content": draft.content,
        "labels": publication_labels(),
        "can_approve": draft.is_draft and is_regulator_admin(request.user),
    }
    return render(request, "cases/report/draft_detail.html", context)


@regulator_only
def report_draft_pdf(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """The draft as a PDF, in Japanese or English."""
    if language not in ("ja", "en"):
        raise Http404
    draft = get_visible_or_404(request, ReportDraft.objects.select_related("case"), pk=pk)
    response = HttpResponse(report_pdf(draft, language), content_type="application/pdf")
    state = "draft" if draft.is_draft else "approved"
    response["Content-Disposition"] = f'attachment; filename="{draft.case.code}-{draft.as_of}-{state}-{language}.pdf"'
    return response


@regulator_only
@require_POST
def report_draft_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A regulator administrator approves the draft."""
    draft = get_visible_or_404(request, ReportDraft.objects.all(), pk=pk)
    try:
        report_draft_approve(actor=request.user, draft=draft)
    except (PermissionDenied, ValidationError) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
        return redirect(draft.get_absolute_url())
    messages.success(request, _("The report was approved."))
    return redirect(draft.get_absolute_url())
