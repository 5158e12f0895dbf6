"""Pages of the calendar feed: the person's secret address, and the iCalendar feed behind it."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache

from compliance.audit import access_log_denied, record_label
from compliance.guards import log_reads
from compliance.models import CalendarFeed
from remediation import calendar


@never_cache
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The person's calendar address: shown once when made, and made anew or revoked here."""
    person = request.user
    context: dict[str, object] = {}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.calendar_feed_revoke(actor=person)
            messages.success(request, gettext("Your calendar address was revoked: it no longer answers."))
            return redirect(reverse("remediation:calendar_feed"))
        token = calendar.calendar_feed_issue(actor=person)
        context["feed_url"] = request.build_absolute_uri(reverse("remediation:calendar_feed_ics", args=[token]))
    context["feed"] = calendar.active_feed(person=person)
    return render(request, "compliance/calendar_feed.html", context)


def _without_token(request: HttpRequest, token: str, feed: CalendarFeed | None = None) -> HttpRequest:
    """The request as the access log records it: the secret token left out of its path, made by the feed's person.

    The token stands for its person, as an API token does, so the feed's reads are logged as theirs.
    """
    logged = copy.copy(request)
    logged.path = request.path.replace(token, f"(feed-{feed.pk})" if feed else "(unknown-token)")
    if feed is not None:
        logged.user = feed.person
    return logged


@login_not_required
@never_cache
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret address: the dates its person follows; 404 once revoked."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        access_log_denied(request=_without_token(request, token), object_type=record_label(CalendarFeed))
        raise Http404
    person = feed.person
    items = log_reads(_without_token(request, token, feed), calendar.calendar_items(person=person))
    with translation.override(person.language):
        body = calendar.calendar_text(items, name=gettext("Compliance case tracker"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
