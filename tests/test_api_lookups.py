"""One lookup rule in the API (`compliance.api.lookups`): a record with a code is addressed by its code(s), in URLs
and in the relations of bodies and answers; a record without one by its id.

Findings and regulatory actions are coded within their case, measures within their finding: the same code in two
cases names two records, each reached through its own case.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse

from cases.models import Finding, RegulatoryAction
from compliance.api import lookups
from compliance.api.scoping import ScopedViewSetMixin
from compliance.models import AccessLogEntry
from config.api_urls import router
from remediation.models import Implementation, Measure, ProgressUpdate
from tests.api_keys import record_keys
from tests.cases.test_second_case_end_to_end import CASE, api_of, enter_the_second_case
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
JSON = "application/json"
FIRST = "ppc-2024-utilities"
SCOPED = [
    (prefix, viewset) for prefix, viewset, _basename in router.registry if issubclass(viewset, ScopedViewSetMixin)
]
CODED = [(prefix, viewset) for prefix, viewset in SCOPED if lookups.lookup_fields_of(viewset)[-1] == "code"]


def expected_key(model: type[models.Model]) -> tuple[str, ...]:
    """The rule, read from the model: its code, within the key of the record its code is unique within; else its id."""
    try:
        code = model._meta.get_field("code")
    except FieldDoesNotExist:
        return ("pk",)
    if code.unique:
        return ("code",)
    for constraint in model._meta.constraints:
        fields = set(getattr(constraint, "fields", ()))
        if isinstance(constraint, models.UniqueConstraint) and "code" in fields and len(fields) == 2:
            (parent,) = fields - {"code"}
            parent_key = expected_key(model._meta.get_field(parent).related_model)
            return (*(f"{parent}__{field}" for field in parent_key), "code")
    raise AssertionError(f"{model._meta.label}: a code unique within nothing")


@pytest.fixture
def two_cases(case, regulator_staff):
    """The report's case and a second, real case with findings coded as the first's (td-1, td-2), a measure coded
    as one of the first's under the same finding code, and an action coded as one of the first's."""
    api = api_of(regulator_staff)
    enter_the_second_case(api)
    first_action = RegulatoryAction.objects.filter(case__code=FIRST).first()
    body = {"case": CASE, "code": first_action.code, "kind": "eba-business-improvement-recommendation",
            "date": "2023-05-01", "title_ja": "同じ符号の措置"}  # fmt: skip
    assert api.post(f"{API}/regulatory-actions/", body, content_type=JSON).status_code == 201
    first_measure = Measure.objects.filter(finding__case__code=FIRST, finding__code="td-1").first()
    body = {"case": CASE, "finding": "td-1", "code": first_measure.code, "kind": "standing",
            "safeguard_type": "organizational", "text_ja": "同じ符号", "implementers": ["kansai-td"]}  # fmt: skip
    assert api.post(f"{API}/measures/", body, content_type=JSON).status_code == 201
    return api


def test_every_resource_is_addressed_as_the_rule_says():
    wrong = {
        prefix: (lookups.lookup_fields_of(viewset), expected_key(viewset.queryset.model))
        for prefix, viewset in SCOPED
        if lookups.lookup_fields_of(viewset) != expected_key(viewset.queryset.model)
    }
    assert wrong == {}
    coded = {prefix for prefix, _viewset in CODED}
    assert {"cases", "findings", "measures", "regulatory-actions", "companies", "law-articles"} <= coded
    assert not {"implementations", "incidents", "incident-pairs", "progress-updates", "evidence"} & coded


@pytest.mark.parametrize(("prefix", "viewset"), CODED, ids=[prefix for prefix, _viewset in CODED])
def test_each_coded_record_is_read_at_its_codes_and_links_to_itself_there(case, regulator_client, prefix, viewset):
    key = record_keys(viewset)[0]
    path = "/".join(str(value) for value in key.values())
    response = regulator_client.get(f"{API}/{prefix}/{path}/")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["url"] == f"http://testserver{API}/{prefix}/{path}/"
    assert response.json()["code"] == key["code"]
    assert regulator_client.get(f"{API}/{prefix}/{path}.json").status_code == 200


@pytest.mark.parametrize(
    ("prefix", "model"), [("findings", Finding), ("regulatory-actions", RegulatoryAction), ("measures", Measure)]
)
def test_the_old_id_path_is_no_url(case, regulator_client, prefix, model):
    record = model.objects.first()
    assert regulator_client.get(f"{API}/{prefix}/{record.pk}/").status_code == 404
    assert regulator_client.get(f"{API}/{prefix}/{FIRST}/{record.pk}/").status_code == 404
    assert regulator_client.get(f"{API}/{prefix}/{record.code}/").status_code == 404


def test_a_code_from_another_case_is_not_found(two_cases, regulator_client):
    only_in_first = Finding.objects.filter(case__code=FIRST).exclude(code__in=["td-1", "td-2"]).first()
    assert regulator_client.get(f"{API}/findings/{FIRST}/{only_in_first.code}/").status_code == 200
    assert regulator_client.get(f"{API}/findings/{CASE}/{only_in_first.code}/").status_code == 404
    action = RegulatoryAction.objects.get(case__code=CASE, code="recommendation-2023-04-17")
    assert regulator_client.get(f"{API}/regulatory-actions/{FIRST}/{action.code}/").status_code == 404
    measure = Measure.objects.get(finding__case__code=CASE, finding__code="td-2", code="causes")
    assert regulator_client.get(f"{API}/measures/{FIRST}/td-2/{measure.code}/").status_code == 404
    assert regulator_client.get(f"{API}/measures/{CASE}/td-1/{measure.code}/").status_code == 200  # td-1's own


def test_the_same_code_in_two_cases_reads_each_cases_own_record(two_cases, regulator_client):
    for code in ("td-1", "td-2"):
        mine, theirs = (regulator_client.get(f"{API}/findings/{c}/{code}/").json() for c in (FIRST, CASE))
        assert (mine["case"], theirs["case"]) == (FIRST, CASE)
        assert mine["id"] == Finding.objects.get(case__code=FIRST, code=code).pk
        assert theirs["id"] == Finding.objects.get(case__code=CASE, code=code).pk
    action = RegulatoryAction.objects.filter(case__code=FIRST).first()
    answers = [regulator_client.get(f"{API}/regulatory-actions/{c}/{action.code}/").json() for c in (FIRST, CASE)]
    assert [a["case"] for a in answers] == [FIRST, CASE] and answers[0]["id"] == action.pk
    measure = Measure.objects.filter(finding__case__code=FIRST, finding__code="td-1").first()
    answers = [regulator_client.get(f"{API}/measures/{c}/td-1/{measure.code}/").json() for c in (FIRST, CASE)]
    assert [(a["case"], a["finding_code"], a["code"]) for a in answers] == [
        (FIRST, "td-1", measure.code),
        (CASE, "td-1", measure.code),
    ]
    assert answers[0]["id"] == measure.pk and answers[1]["id"] != measure.pk


def test_writes_address_the_record_at_its_codes(two_cases):
    api = two_cases
    url = f"{API}/findings/{CASE}/td-2/"
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"text_en": "Only the second case's td-2"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["url"].endswith(url)
    assert Finding.objects.get(case__code=FIRST, code="td-2").text_en != "Only the second case's td-2"
    measure = Measure.objects.filter(finding__case__code=FIRST, finding__code="td-1").first()
    url = f"{API}/measures/{CASE}/td-1/{measure.code}/"
    assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204
    assert Measure.objects.filter(pk=measure.pk).exists()
    assert not Measure.objects.filter(finding__case__code=CASE, code=measure.code).exists()


def test_the_answers_show_the_codes_that_address_related_records(two_cases, regulator_client):
    measure = Measure.objects.get(finding__case__code=CASE, finding__code="td-2", code="causes")
    shown = regulator_client.get(f"{API}/measures/{CASE}/td-2/causes/").json()
    assert (shown["case"], shown["finding_code"]) == (CASE, "td-2")
    assert shown["finding"] == f"http://testserver{API}/findings/{CASE}/td-2/"
    finding = regulator_client.get(shown["finding"]).json()
    assert finding["measure_codes"] == ["causes"] and finding["measures"] == [shown["url"]]
    item = measure.implementations.get()
    listed = regulator_client.get(f"{API}/implementations/{item.pk}/").json()
    assert (listed["case"], listed["finding_code"], listed["measure_code"]) == (CASE, "td-2", "causes")
    assert listed["measure"] == shown["url"]
    assert shown["implementations"] == [listed["url"]]  # an implementation has no code: its id


def test_a_measures_finding_and_an_implementations_measure_are_given_by_codes(two_cases):
    api = two_cases
    body = {"case": CASE, "finding": "td-2", "code": "second", "kind": "standing", "safeguard_type": "technical",
            "text_ja": "二つ目", "implementers": ["kansai-td"]}  # fmt: skip
    created = api.post(f"{API}/measures/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["url"].endswith(f"/measures/{CASE}/td-2/second/")
    assert Measure.objects.get(finding__case__code=CASE, code="second").finding.code == "td-2"
    body = {"case": CASE, "finding": "td-2", "measure": "second", "company": "okinawa"}
    added = api.post(f"{API}/implementations/", body, content_type=JSON)
    assert added.status_code == 201, added.content
    assert (added.json()["case"], added.json()["finding_code"], added.json()["measure_code"]) == (
        CASE,
        "td-2",
        "second",
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("measures", {"finding": "FINDING_ID"}, "finding"),
        ("measures", {"case": "CASE_ID"}, "case"),
        ("implementations", {"measure": "MEASURE_ID"}, "measure"),
        ("implementations", {"finding": "FINDING_ID"}, "finding"),
        ("findings", {"case": "CASE_ID"}, "case"),
    ],
)
def test_a_coded_record_given_by_its_id_is_refused_saying_so(two_cases, path, body, field):
    finding = Finding.objects.get(case__code=CASE, code="td-2")
    ids = {"FINDING_ID": finding.pk, "MEASURE_ID": finding.measures.get().pk, "CASE_ID": finding.case_id}
    valid = {
        "measures": {"case": CASE, "finding": "td-2", "code": "by-id", "kind": "standing",
                     "safeguard_type": "technical", "text_ja": "x"},
        "implementations": {"case": CASE, "finding": "td-2", "measure": "causes", "company": "okinawa"},
        "findings": {"case": CASE, "code": "by-id", "side": "td_operator", "affected_companies": ["kansai-td"],
                     "text_ja": "x"},
    }[path]  # fmt: skip
    sent = {**valid, **{name: ids[value] for name, value in body.items()}}
    before = (Measure.objects.count(), Implementation.objects.count(), Finding.objects.count())
    response = two_cases.post(f"{API}/{path}/", sent, content_type=JSON, headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "never named by its id" in " ".join(response.json()["errors"][field])
    assert (Measure.objects.count(), Implementation.objects.count(), Finding.objects.count()) == before


def test_codes_that_name_nothing_in_that_case_are_refused_with_the_key_looked_for(two_cases):
    only_in_first = Finding.objects.filter(case__code=FIRST).exclude(code__in=["td-1", "td-2"]).first()
    body = {"case": CASE, "finding": only_in_first.code, "code": "x", "kind": "standing",
            "safeguard_type": "technical", "text_ja": "x"}  # fmt: skip
    response = two_cases.post(f"{API}/measures/", body, content_type=JSON, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["errors"]["finding"] == [f"There is no finding {CASE}/{only_in_first.code}."]
    body = {"case": FIRST, "finding": "td-2", "measure": "causes", "company": "okinawa"}
    response = two_cases.post(f"{API}/implementations/", body, content_type=JSON, headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    assert response.json()["errors"]["measure"] == [f"改善措置 {FIRST}/td-2/causes はありません。"]


def test_records_without_a_code_keep_their_id_and_the_scoping_rule_still_logs(case, officers):
    update = submit_update(officers["okinawa"])
    outsider = signed_in(officers["kansai-td"], second_factor=False)
    assert outsider.get(f"{API}/progress-updates/{update.pk}/").status_code == 404
    denied = AccessLogEntry.objects.order_by("-id").first()
    assert (denied.action, denied.object_type, denied.object_id) == (
        "denied",
        "remediation.progressupdate",
        f"pk={update.pk}",
    )
    owner = signed_in(officers["okinawa"], second_factor=False)
    assert owner.get(f"{API}/progress-updates/{update.pk}/").status_code == 200
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_links_built_elsewhere_follow_the_rule(two_cases):
    finding = Finding.objects.get(case__code=CASE, code="td-2")
    assert reverse("api:finding-detail", kwargs={"case": CASE, "code": "td-2"}) == f"{API}/findings/{CASE}/td-2/"
    assert lookups.key_of(finding, lookups.route_lookup("api:finding-detail")) == {"case": CASE, "code": "td-2"}
    measure = finding.measures.get()
    key = lookups.key_of(measure, lookups.route_lookup("api:measure-detail"))
    assert reverse("api:measure-detail", kwargs=key) == f"{API}/measures/{CASE}/td-2/causes/"


def test_the_schema_documents_each_segment_of_a_key_as_text(regulator_client):
    paths = regulator_client.get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert "/api/v1/findings/{case}/{code}/" in paths and "/api/v1/findings/{id}/" not in paths
    measure = paths["/api/v1/measures/{case}/{finding}/{code}/"]["get"]["parameters"]
    segments = [p for p in measure if p["in"] == "path"]
    assert [p["name"] for p in segments] == ["case", "finding", "code"]
    assert all(p["schema"] == {"type": "string"} and p["description"] for p in segments)
    segments = {name for _prefix, viewset in CODED for name in lookups.url_kwargs(lookups.lookup_fields_of(viewset))}
    for path, operations in paths.items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in segments:
                    assert parameter["schema"]["type"] == "string" and parameter.get("description"), (path, parameter)
