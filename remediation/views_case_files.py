"""Pages of case files for regulator staff: a case's export, and the import of a case file."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import selectors
from cases.models import Case
from cases.report_format import MAX_FILE_BYTES, CaseFileError, decode_case_file
from compliance.guards import get_visible_or_404, log_reads, regulator_only
from remediation.case_files import MEDIA_TYPE, case_file_export, case_file_import, export_file_name, exported_records


def case_file_response(request: HttpRequest, case: Case) -> HttpResponse:
    """The case's file as a download, its private records' read logged: for the page and the API alike."""
    text = case_file_export(case=case)
    log_reads(request, exported_records(case=case))
    response = HttpResponse(text.encode("utf-8"), content_type=f"{MEDIA_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(case)}"'
    return response


@regulator_only
def case_file_download(request: HttpRequest, case: str) -> HttpResponse:
    """The whole case as a case file (YAML)."""
    case_obj = get_visible_or_404(request, selectors.cases(user=request.user), code=case)
    return case_file_response(request, case_obj)


class CaseFileForm(forms.Form):
    """A case file to import."""

    file = forms.FileField(
        label=gettext_lazy("Case file (YAML)"),
        help_text=gettext_lazy("As exported from a case's page, or in the format of the report's data file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload


@regulator_only
def case_file_upload(request: HttpRequest) -> HttpResponse:
    """Import a case file: the case on success; otherwise every problem of the file, and nothing written."""
    form = CaseFileForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = decode_case_file(upload.read(), name=upload.name)
            result = case_file_import(actor=request.user, text_or_path=text, name=upload.name)
        except CaseFileError as error:
            problems = error.problems
        else:
            created, updated = sum(result.created.values()), sum(result.updated.values())
            messages.success(
                request,
                _("%(case)s was imported: %(created)s records created, %(updated)s updated.")
                % {"case": result.case.code, "created": created, "updated": updated},
            )
            if result.pending_links:
                messages.info(
                    request,
                    _("Links to cases not here yet (%(cases)s) will be made when their files are imported.")
                    % {"cases": ", ".join(result.pending_links)},
                )
            return redirect(result.case.get_absolute_url())
    return render(request, "cases/case_file_import.html", {"form": form, "problems": problems})
