"""The regulator's pages over the logs: the access log, the change history, and the access analysis."""

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from compliance import selectors
from compliance.audit import access_log_read_rows
from compliance.audit_pages import name_access_log, name_changes
from compliance.exports import Column
from compliance.filtersets import AccessLogFilterSet, AnomalyFilterSet, HistoryFilterSet
from compliance.guards import regulator_only
from compliance.history import change_history
from compliance.listing import filtered_list

PAGE_SIZE = 100

ACCESS_LOG_COLUMNS = [
    Column("#", "pk"),
    Column(_("At"), "at"),
    Column(_("Person"), "person"),
    Column(_("Username"), "username"),
    Column(_("Action"), "get_action_display"),
    Column(_("Records read"), lambda entry: "; ".join(str(name) for name in entry.named)),
    Column(_("Record type"), "object_type"),
    Column(_("Record"), "object_id"),
    Column(_("Record's company (id)"), "object_company_id"),
    Column(_("Method"), "method"),
    Column(_("Path"), "path"),
    Column(_("Address"), "ip_address"),
    Column(_("User agent"), "user_agent"),
    Column(_("Hash"), "entry_hash"),
]


@regulator_only
def access_log_list(request: HttpRequest) -> HttpResponse:
    """The access log, filterable, or exported; reading it is itself logged."""
    filterset = AccessLogFilterSet(request.GET, queryset=selectors.access_log(user=request.user), request=request)
    return filtered_list(
        request,
        filterset,
        template="compliance/access_log_list.html",
        columns=ACCESS_LOG_COLUMNS,
        filename="access-log",
        per_page=PAGE_SIZE,
        log=lambda entries: name_access_log(request, entries),
    )


HISTORY_COLUMNS = [
    Column(_("At"), "pgh_created_at"),
    Column(_("Kind of record"), lambda event: event.record.kind if event.record else event.pgh_obj_model),
    Column(_("Record"), lambda event: event.record.label if event.record else ""),
    Column(_("Record type"), "pgh_obj_model"),
    Column(_("Record id"), "pgh_obj_id"),
    Column(_("Event"), "action"),
    Column(_("Person"), "person"),
    Column(
        _("Changes (before → after)"),
        lambda event: "; ".join(f"{c.label}: {c.before} → {c.after}" for c in event.changes),
    ),
    Column(_("Changes (raw)"), lambda event: json.dumps(event.pgh_diff, ensure_ascii=False, default=str)),
]


@regulator_only
def change_history_list(request: HttpRequest) -> HttpResponse:
    """Every change to every record: who, when, what changed; or the filtered history as a file."""
    filterset = HistoryFilterSet(request.GET, queryset=change_history(), request=request)
    return filtered_list(
        request,
        filterset,
        template="compliance/change_history_list.html",
        columns=HISTORY_COLUMNS,
        filename="change-history",
        per_page=PAGE_SIZE,
        log=lambda events: _history_read(request, events),
    )


def _history_read(request: HttpRequest, events: list) -> None:
    """Log the changes shown, and name them in words."""
    access_log_read_rows(request=request, object_type="history", object_ids=[e.pgh_slug for e in events])
    name_changes(request, events)


ANOMALY_COLUMNS = [
    Column(_("Day"), "day"),
    Column(_("Kind"), "get_kind_display"),
    Column(_("Person"), "user.username"),
    Column(_("Company"), "user.company.name_ja"),
    Column(_("Count"), "count"),
    Column(_("Usual daily count"), "baseline"),
]


@regulator_only
def access_anomaly_list(request: HttpRequest) -> HttpResponse:
    """What the periodic analysis of the access log flagged; or the filtered list as a file."""
    filterset = AnomalyFilterSet(request.GET, queryset=selectors.access_anomalies(user=request.user))
    return filtered_list(
        request,
        filterset,
        template="compliance/access_anomaly_list.html",
        columns=ANOMALY_COLUMNS,
        filename="access-analysis",
        per_page=PAGE_SIZE,
    )
