"""Pages on which regulator staff keep records, declared: a `RecordPage` per page, its form, service and links.

Every page is for regulator staff alone (anyone else gets 404, and the attempt is logged) and writes through the
same services as the API: the same validation, the same change history. `record_form_page` runs them all alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from compliance.audit import access_log_denied
from compliance.forms_editing import ConfirmForm
from compliance.guards import regulator_only
from compliance.versioning import ConflictError, Versioned

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

    GET shows the form (with the version of the record it changes, as a hidden field). On POST, valid input goes
    to `write` (a service call): its result's page is shown next (`done`) with a success `message`, or the page the
    person came from (`?next=`). A refusal shows the form again, with nothing written: the service's errors on their
    fields (400), a change someone else made meanwhile as a request to reload (409). A service that refuses the person
    answers 404 like the page.
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


def links(*models_and_urls: tuple[type[models.Model], str], request: HttpRequest) -> list[dict]:
    """Links to add a related record that is not known yet, coming back to this page afterwards."""
    back_here = urlencode({"next": request.get_full_path()})
    return [{"label": heading("add", model), "url": f"{url}?{back_here}"} for model, url in models_and_urls]


def parent(label: str, url: str) -> dict:
    """The record a page's record belongs to, linked above the heading."""
    return {"parent": {"label": label, "url": url}}


class RecordPage:
    """One page that adds, edits or removes a record, declared by its settings.

    A page names its form (`form_class`), the service that writes (`write`), its heading (`action` on `model`,
    or `title`), where its back link goes (`back`), the page shown once saved (`done`) and what more the template
    shows (`context`). `lookup` finds, among what the person may see, the record the URL names (404 otherwise):
    the record edited or removed, or the one a new record goes under. `view()` is the page, for regulator staff
    alone.
    """

    form_class: type[forms.Form] = ConfirmForm
    model: type[models.Model] | None = None
    action = "edit"  # add, edit or remove

    def __init__(self, request: HttpRequest, **url: object) -> None:
        self.request, self.user = request, request.user
        self.record = self.lookup(**url)

    @classmethod
    def view(cls) -> Callable[..., HttpResponse]:
        """The page as a view: regulator staff alone, GET and POST."""

        def page(request: HttpRequest, **url: object) -> HttpResponse:
            return cls(request, **url).respond()

        page.__name__, page.__qualname__, page.__doc__ = cls.__name__, cls.__qualname__, cls.__doc__
        return regulator_only(get_and_post(page))

    def lookup(self, **url: object) -> models.Model | None:
        """The record the URL names (none by default)."""
        return None

    def form(self) -> forms.Form:
        """The form, bound on a POST; a record's form starts from the record edited."""
        if not issubclass(self.form_class, forms.ModelForm):
            return self.form_class(bound(self.request))
        instance = {"instance": self.record} if self.action == "edit" else {}
        return self.form_class(bound(self.request), user=self.user, **instance)

    def write(self, data: dict) -> object:
        """The service call that writes the record."""
        raise NotImplementedError

    def title(self) -> str:
        return heading(self.action, self.model)

    def submit(self) -> str:
        return _("Save")

    def back(self) -> str:
        return self.record.get_absolute_url()

    def done(self, result: object) -> str:
        return result.get_absolute_url()

    def message(self, result: object) -> str:
        return saved(result)

    def context(self) -> dict:
        return {}

    def at_version(self, form: forms.Form) -> forms.Form:
        """The form of a change or removal of a record with a version, carrying the version the person read (hidden):
        the service refuses the write once someone else changed the record meanwhile (`data["version"]`)."""
        if self.action != "add" and isinstance(self.record, Versioned) and "version" not in form.fields:
            form.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=self.record.version
            )
        return form

    def respond(self) -> HttpResponse:
        return record_form_page(
            self.request,
            self.at_version(self.form()),
            self.write,
            title=self.title(),
            submit=self.submit(),
            back=self.back(),
            done=self.done,
            message=self.message,
            context=self.page_context(),
        )

    def page_context(self) -> dict:
        return self.context()


class RemovalPage(RecordPage):
    """A page that confirms the removal of a record before a service removes it; `done` is where it goes after."""

    action = "remove"

    def title(self) -> str:
        return heading("remove", type(self.record))

    def submit(self) -> str:
        return _("Remove")

    def message(self, _result: object) -> str:
        return removed(self.record, self.name)

    def after(self) -> str:
        """The page shown once the record is removed."""
        raise NotImplementedError

    def done(self, _result: object) -> str:
        return self.after_removal

    def respond(self) -> HttpResponse:
        # Named and placed before the record is gone.
        self.name, self.after_removal = str(self.record), self.after()
        return super().respond()

    def page_context(self) -> dict:
        return {"record": self.name, "removal": True, **self.context()}
