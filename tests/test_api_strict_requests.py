"""Strict requests, endpoint by endpoint: what an operation does not document is a 400 naming it, never ignored.

The endpoints are read from the router and the schema generator (`compliance.api.strict`), so a new list or write
is covered here as soon as it is registered. And the `case` filter on every list that belongs to a case.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from knox.models import AuthToken
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient

from cases.models import Finding, Incident, IncidentPair, RegulatoryAction
from compliance import clock
from compliance.api import lookups
from compliance.api.strict import BODY_METHODS, _operations, documented
from config.api_urls import router
from remediation.models import DeadlineChange, Evidence, Implementation, Measure, ProgressUpdate, Reminder, Review
from remediation.services.deadline_changes import deadline_change_request
from remediation.services.progress_updates import progress_update_accept
from remediation.services.reminders import reminder_sweep
from tests.api_keys import model_of
from tests.cases.factories import second_case
from tests.conftest import submit_update

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
LISTS = sorted(basename for _prefix, _viewset, basename in router.registry)
UNKNOWN = "no_such_parameter"


@pytest.fixture
def staff(case, regulator_staff) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(regulator_staff)  # every endpoint, the token's creation included
    return client


def refused(response, name: str) -> str:
    assert response.status_code == 400, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    return " ".join(response.json()["errors"][name])


def list_url(basename: str) -> str:
    return reverse(f"api:{basename}-list")


def list_parameters(basename: str) -> dict[str, bool]:
    return dict(documented(resolve(list_url(basename)).func, "GET").query)


# Query parameters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("basename", LISTS)
def test_a_query_parameter_a_list_does_not_document_is_refused_naming_what_it_takes(staff, basename):
    message = refused(staff.get(list_url(basename), {UNKNOWN: "1"}), UNKNOWN)
    taken = list_parameters(basename)
    assert "Unknown query parameter" in message
    assert set(re.search(r"takes: (.*)\.$", message).group(1).split(", ")) == set(taken)
    assert {"page_size", "cursor"} <= set(taken), "a list documents its pages"


@pytest.mark.parametrize("basename", LISTS)
def test_a_parameter_given_twice_where_one_is_expected_is_refused(staff, basename):
    assert refused(staff.get(f"{list_url(basename)}?format=json&format=json"), "format") == "Give this parameter once."


def test_a_filter_given_twice_is_refused(staff):
    assert refused(staff.get(f"{list_url('implementation')}?status=done&status=done"), "status")


@pytest.mark.parametrize(("name", "value"), [("code", "kansai-td"), ("case", "ppc-2024-utilities")])
def test_what_the_issue_saw_ignored_is_refused(staff, name, value):
    """`?code=` on companies, `?case=` on cases (a list with no case filter): no longer a silent 200."""
    path = list_url("company") if name == "code" else list_url("case")
    assert "Unknown query parameter" in refused(staff.get(path, {name: value}), name)


def test_a_record_takes_no_query_parameter_but_format(staff, case):
    path = reverse("api:case-detail", args=[case.code])
    assert staff.get(path, {"format": "json"}).status_code == 200
    assert "takes: format." in refused(staff.get(path, {"cursor": "1"}), "cursor")
    assert "takes: format." in refused(staff.get(reverse("api:api-root"), {"cursor": "1"}), "cursor")


# Ordering --------------------------------------------------------------------------------------------------


@pytest.mark.dates  # a list of items computes each one's standing on the day
@pytest.mark.parametrize("basename", LISTS)
def test_an_ordering_a_list_does_not_take_is_refused_naming_the_fields_it_takes(staff, basename):
    viewset = next(v for _p, v, b in router.registry if b == basename)
    fields = getattr(viewset, "ordering_fields", None)
    path = list_url(basename)
    if not fields:  # a list in a fixed order documents no ordering, and takes none
        assert "ordering" not in list_parameters(basename)
        assert "Unknown query parameter" in refused(staff.get(path, {"ordering": "id"}), "ordering")
        return
    two = ",".join(fields[:2]) if len(fields) > 1 else f"{fields[0]},{fields[0]}"  # one field: an index serves it
    for bad in ("no_such_field", "", f"{fields[0]},", "id" if "id" not in fields else "pk", f"--{fields[0]}", two):
        assert ", ".join(fields) in refused(staff.get(path, {"ordering": bad}), "ordering"), bad
    for name in fields:
        assert staff.get(path, {"ordering": f"-{name}", "page_size": 5}).status_code == 200


# Bodies ----------------------------------------------------------------------------------------------------


def later(item) -> datetime.date:
    """A date a month after the item's current one: a deadline change to ask for."""
    return (item.due_on or item.window_end or clock.today()) + datetime.timedelta(days=30)


@pytest.fixture
def world(case, officers, regulator_staff):
    """A record of every kind a write can name: an update, a deadline change, a token."""
    officer = officers["okinawa"]
    update = submit_update(officer)
    item = update.implementation
    item.refresh_from_db()
    deadline_change_request(actor=officer, item=item, item_version=item.version, proposed=later(item), reason="because")
    AuthToken.objects.create(regulator_staff)
    return case


def write_operations() -> list[tuple[str, str]]:
    operations = [(path, method) for (_callback, method), (path, _regex) in _operations().items()]
    return sorted({(path, method) for path, method in operations if method in BODY_METHODS})


def concrete(path: str, method: str) -> tuple[str, object]:
    """The operation's path with the key of a record of its kind (any number for a key below it: the checks come
    before the lookup), and its view callback."""
    callback = next(cb for (cb, m), (p, _regex) in _operations().items() if p == path and m == method)
    view = callback.cls
    if "{" in path:
        model = AuthToken if view.__name__ == "ApiTokenViewSet" else model_of(view)
        record = model.objects.order_by("pk").first()
        key = lookups.key_of(record, lookups.lookup_fields_of(view)) if record is not None else {}
        path = re.sub(r"\{(\w+)\}", lambda match: str(key.get(match.group(1), 1)), path)
    return path, callback


def send(client, path: str, method: str, callback, body: dict):
    handler = getattr(callback.cls, callback.actions[method.lower()])
    parsers = getattr(handler, "kwargs", {}).get("parser_classes", callback.cls.parser_classes)
    multipart = not any(issubclass(parser, JSONParser) for parser in parsers)
    return getattr(client, method.lower())(path, body, format="multipart" if multipart else "json")


@pytest.mark.parametrize(("path", "method"), write_operations())
def test_a_body_field_a_write_does_not_take_is_refused_naming_it(staff, world, path, method):
    url, callback = concrete(path, method)
    message = refused(send(staff, url, method, callback, {"no_such_field": "x"}), "no_such_field")
    assert "not known here" in message and "nothing was saved" in message


@pytest.mark.parametrize(("path", "method"), write_operations())
def test_a_read_only_field_sent_to_a_write_is_refused_as_read_only(staff, world, path, method):
    url, callback = concrete(path, method)
    taken = documented(callback, method)
    name = "id" if "id" in taken.shown - taken.inputs else sorted(taken.shown - taken.inputs)[0]
    assert "read only" in refused(send(staff, url, method, callback, {name: "1"}), name)


def test_a_code_cannot_be_changed_and_nothing_is_saved(staff):
    path = reverse("api:company-detail", args=["kansai-td"])
    before = staff.get(path).json()
    response = staff.patch(path, {"code": "kansai", "name_en": "Renamed"}, format="json")
    assert "read only" in refused(response, "code")
    assert "name_en" not in response.json()["errors"]
    assert staff.get(path).json() == before


def test_a_review_takes_its_comment_alone(staff, world):
    update = ProgressUpdate.objects.get()
    path = reverse("api:progressupdate-accept", args=[update.pk])
    response = staff.post(path, {"comment": "ok", "status": "done"}, format="json", HTTP_IF_MATCH=update.etag)
    assert "read only" in refused(response, "status")
    assert ProgressUpdate.objects.get().review_state == update.review_state


def test_a_progress_update_names_its_files_as_fields_and_nothing_else(case, officers):
    officer = officers["okinawa"]
    item = Implementation.objects.filter(company=officer.company).exclude(status="done").order_by("pk").first()
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(officer)
    body = {
        "implementation": item.pk,
        "status": "in_progress",
        "narrative": "done half",
        "evidence": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
        "attachment": SimpleUploadedFile("b.pdf", PDF, "application/pdf"),
    }
    response = client.post(reverse("api:progressupdate-list"), body, format="multipart", HTTP_IF_MATCH=item.etag)
    assert set(response.json()["errors"]) == {"attachment"}
    assert not ProgressUpdate.objects.exists()
    del body["attachment"]
    body["evidence"] = [SimpleUploadedFile("a.pdf", PDF, "application/pdf")]
    response = client.post(reverse("api:progressupdate-list"), body, format="multipart", HTTP_IF_MATCH=item.etag)
    assert response.status_code == 201, response.content


# The case filter -------------------------------------------------------------------------------------------


def case_of(row) -> str:
    """The code of the case a row belongs to, read the long way."""
    if isinstance(row, Finding | RegulatoryAction | IncidentPair):
        return row.case.code
    if isinstance(row, Measure):
        return row.finding.case.code
    if isinstance(row, Implementation | Incident):
        return row.case.code
    if isinstance(row, Review | Evidence):
        return row.update.subject.case.code
    return row.subject.case.code


CASE_LISTS = {
    "regulatoryaction": RegulatoryAction,
    "finding": Finding,
    "measure": Measure,
    "implementation": Implementation,
    "incidentpair": IncidentPair,
    "incident": Incident,
    "progressupdate": ProgressUpdate,
    "review": Review,
    "evidence": Evidence,
    "deadlinechange": DeadlineChange,
    "reminder": Reminder,
}


def test_every_list_that_belongs_to_a_case_filters_by_case_and_no_other():
    with_case = {basename for basename in LISTS if "case" in list_parameters(basename)}
    assert with_case == {*CASE_LISTS, "company"}


@pytest.fixture
def two_cases(on_follow_up_day, case, officers, regulator_staff):
    """The report's case and a second one, each with updates (one with a file), reviews, deadline changes and
    reminders."""
    second = second_case()
    officer = officers["kansai-td"]
    for code in (case.code, second.code):
        item = (
            Implementation.objects.filter(company=officer.company, measure__finding__case__code=code)
            .exclude(status="done")
            .order_by("pk")
            .first()
        )
        update = submit_update(officer, item=item, files=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")])
        progress_update_accept(actor=regulator_staff, update=update, update_version=update.version)
        item.refresh_from_db()
        deadline_change_request(actor=officer, item=item, item_version=item.version, proposed=later(item), reason="why")
    reminder_sweep(today=clock.today())
    return case, second


@pytest.mark.dates  # the reminders are those of the follow-up day
@pytest.mark.parametrize("basename", sorted(CASE_LISTS))
def test_the_case_filter_lists_the_rows_of_that_case_alone(staff, two_cases, basename):
    model = CASE_LISTS[basename]
    for case in two_cases:
        rows = staff.get(list_url(basename), {"case": case.code, "page_size": 500}).json()
        listed = {row["id"] for row in rows["results"]}
        expected = {row.pk for row in model.objects.all() if case_of(row) == case.code}
        assert listed == expected and len(rows["results"]) == len(expected) and rows["next"] is None
        assert expected or model in (IncidentPair, Incident)  # the second case has no incidents
    nothing = staff.get(list_url(basename), {"case": "no-such-case"})
    assert nothing.status_code == 200 and nothing.json()["results"] == []  # as for any value no row has


@pytest.mark.dates
def test_the_companies_of_a_case_are_those_it_names(staff, two_cases):
    _first, second = two_cases
    rows = staff.get(list_url("company"), {"case": second.code, "page_size": 500}).json()["results"]
    assert {row["code"] for row in rows} == {"kansai-td", "kansai-retail"}
    everyone = staff.get(list_url("company"), {"case": "ppc-2024-utilities", "page_size": 500}).json()["results"]
    assert len(everyone) == len({row["code"] for row in everyone}) > 2  # each company once


@pytest.mark.parametrize("method", ["put", "trace"])
def test_a_method_an_endpoint_lacks_is_not_allowed_whatever_it_names(staff, method):
    path = reverse("api:company-detail", args=["kansai-td"])
    response = getattr(staff, method)(f"{path}?{UNKNOWN}=1", {"no_such_field": 1}, format="json")
    assert response.status_code == 405
