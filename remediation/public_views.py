"""The public portal: the published case, without signing in, read through public fields only."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.vary import vary_on_headers

from cases.choices import CaseStatus, DataKind, Side
from cases.models import Case, Instrument
from compliance import clock
from compliance.choices import ItemStatus
from remediation.choices import MeasureKind
from remediation.publication import case_publication, published_values

PUBLIC_SECONDS = 600


def publication_labels() -> dict[str, dict]:
    """The labels of the values a publication keeps as data."""
    return {
        "action": {i.code: i.name for i in Instrument.objects.all()},
        "side": dict(Side.choices),
        "kind": dict(MeasureKind.choices),
        "status": dict(ItemStatus.choices),
        "data": dict(DataKind.choices),
        "case_status": dict(CaseStatus.choices),
    }


def _public(view):
    """A page of the portal: no sign-in; kept by shared caches for ten minutes when it names nobody.

    An anonymous visitor's page sets no cookie (its language links need no CSRF token), so a shared cache may keep
    it; a signed-in person's page names them in its header, so it is theirs alone.
    """

    @login_not_required
    @vary_on_headers("Accept-Language", "Cookie")
    @functools.wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_SECONDS)
        return response

    return page


@login_not_required
def public_language(request: HttpRequest, language: str) -> HttpResponse:
    """Switch the portal's language by a plain link (a preference, not a change of data: no CSRF token needed)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/public/"
    response = redirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@_public
def public_case_list(request: HttpRequest) -> HttpResponse:
    """Every published case."""
    published = Case.objects.filter(published=True).order_by("-opened_on")
    cases = published_values(published, "code", "title_ja", "title_en", "opened_on")
    return render(request, "public/case_list.html", {"cases": cases})


@_public
def public_case_detail(request: HttpRequest, case: str) -> HttpResponse:
    """One case as published: timeline, findings, measures, incidents and fixes; open items once made public."""
    found = Case.objects.filter(code=case, published=True).first()
    if found is None:
        raise Http404
    content = case_publication(case=found, as_of=clock.today())
    context = {"content": content, "labels": publication_labels(), "by_company": _by_company(content)}
    return render(request, "public/case_detail.html", context)


def _by_company(content: dict) -> list[dict]:
    """Each company with the findings that concern it and the measures it carries out, each with its text and code.

    The text names it (shortened by the page); the code links to its row in the published report below.
    """
    companies: dict[str, dict] = {}
    for side in content["sides"]:
        for finding in side["findings"]:
            named = {"code": finding["code"], "text_ja": finding["text_ja"], "text_en": finding["text_en"]}
            for company in finding["concerned"]:
                companies.setdefault(company["code"], {"company": company, "findings": [], "measures": []})
                companies[company["code"]]["findings"].append(named)
            for measure in finding["measures"]:
                named = {"code": measure["code"], "finding_code": finding["code"]}
                named |= {"text_ja": measure["text_ja"], "text_en": measure["text_en"]}
                for company in measure["implementers"]:
                    entry = companies.setdefault(company["code"], {"company": company, "findings": [], "measures": []})
                    entry["measures"].append(named)
    return list(companies.values())
