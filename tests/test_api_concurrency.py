"""Concurrency everywhere in the API: every record the API changes or removes has a version, served as its ETag.

The walk goes through the router: every resource with a PATCH or a DELETE must be listed below with a way to make a
fresh record of it, and then proves on it that a write without `If-Match` is refused (428), a stale one too (412),
the current one succeeds and raises the version by one, and a PATCH that changes nothing keeps the version and writes
no change history. A new writable resource that is not listed fails the walk; one without `If-Match` fails the schema
check. Two real connections then show that of two writers sending the same ETag at once, one gets 412.
"""

from __future__ import annotations

import datetime
import itertools
import threading

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from cases import editing as case_editing
from cases import editing_laws, reference_data
from cases.choices import AuthorityKind, Side
from cases.models import Authority, Case, Instrument, Law, SafeguardType
from compliance import services as compliance_services
from compliance.api import lookups
from compliance.choices import CompanyKind, Role
from compliance.models import ChangeEvent, Company, CompanyGroup, User
from compliance.webhooks import webhook_subscribe
from config.api_urls import router
from remediation import editing as remediation_editing
from remediation.choices import MeasureKind

# Fresh items are followed from today (`compliance.clock`).
pytestmark = [pytest.mark.django_db, pytest.mark.dates]

# Resources with a PATCH or DELETE that need no If-Match, and why. Nothing else may be here.
EXEMPT = {"apitoken": "an API token is never changed, only revoked by its owner: there is nothing to overwrite"}

serial = itertools.count(1)


def fresh_code(prefix: str) -> str:
    return f"{prefix}-{next(serial)}"


def token_client(person) -> Client:
    _, token = AuthToken.objects.create(person)
    return Client(headers={"Authorization": f"Token {token}", "Accept": "application/json"})


# A fresh record of each resource (nothing refers to it, so that it may be removed), and a change of one field. -----


def a_case(staff) -> Case:
    return case_editing.case_open(
        actor=staff, code=fresh_code("walk"), title_ja="試験案件", opened_on=datetime.date(2026, 4, 1)
    )


def a_finding(staff):
    return case_editing.finding_create(
        actor=staff,
        case=a_case(staff),
        code="f1",
        side=Side.TD_OPERATOR,
        text_ja="問題点",
        affected_companies=[Company.objects.get(code="kansai-td")],
    )


def a_measure(staff):
    return remediation_editing.measure_create(
        actor=staff,
        finding=a_finding(staff),
        code="m1",
        safeguard_type=SafeguardType.objects.order_by("pk").first(),
        kind=MeasureKind.COMPLETED,
        text_ja="改善措置",
    )


def a_pair(staff):
    return case_editing.incident_pair_create(
        actor=staff,
        case=a_case(staff),
        group=CompanyGroup.objects.get(code="kansai"),
        companies=list(Company.objects.filter(group__code="kansai")),
        incident_total=2,
    )


RECORDS = {
    "case": (a_case, "title_ja", "変更後の件名"),
    "regulatoryaction": (
        lambda staff: case_editing.regulatory_action_create(
            actor=staff,
            case=a_case(staff),
            code="a1",
            instrument=Instrument.objects.order_by("pk").first(),
            date=datetime.date(2026, 4, 2),
            title_ja="指導",
        ),
        "title_ja",
        "変更後の指導",
    ),
    "law": (
        lambda staff: reference_data.reference_add(
            actor=staff,
            model=Law,
            values={"code": fresh_code("law"), "name_ja": "試験法", "short_name_ja": "試験法"},
        ),
        "name_ja",
        "改正試験法",
    ),
    "instrument": (
        lambda staff: reference_data.reference_add(
            actor=staff,
            model=Instrument,
            values={"code": fresh_code("ins"), "law": Law.objects.order_by("pk").first(), "name_ja": "勧告"},
        ),
        "name_ja",
        "命令",
    ),
    "lawarticle": (
        lambda staff: editing_laws.law_article_create(
            actor=staff, law=Law.objects.order_by("pk").first(), article=900 + next(serial), title_ja="見出し"
        ),
        "title_ja",
        "新しい見出し",
    ),
    "authority": (
        lambda staff: reference_data.reference_add(
            actor=staff,
            model=Authority,
            values={"code": fresh_code("auth"), "name_ja": "試験委員会", "kind": AuthorityKind.COMMISSION},
        ),
        "name_ja",
        "改名委員会",
    ),
    "companygroup": (
        lambda staff: compliance_services.company_group_create(actor=staff, code=fresh_code("grp"), name_ja="試験"),
        "name_ja",
        "改名グループ",
    ),
    "company": (
        lambda staff: compliance_services.company_create(
            actor=staff, code=fresh_code("co"), name_ja="試験会社", kind=CompanyKind.RETAILER
        ),
        "name_ja",
        "改名会社",
    ),
    "finding": (a_finding, "text_ja", "変更後の問題点"),
    "measure": (a_measure, "text_ja", "変更後の改善措置"),
    "implementation": (
        lambda staff: remediation_editing.implementation_add(
            actor=staff, measure=a_measure(staff), company=Company.objects.get(code="kansai-td")
        ),
        "deadline_text",
        "概ね1年以内",
    ),
    "incidentpair": (a_pair, "incident_total", 3),
    "webhook": (
        lambda staff: webhook_subscribe(
            actor=staff, url="https://hooks.example.com/walk", events=["case.changed"], description="試験"
        )[0],
        "description",
        "変更後の説明",
    ),
    "incident": (
        lambda staff: case_editing.incident_create(
            actor=staff, pair=a_pair(staff), described_in_report=True, label="A", summary_ja="事象"
        ),
        "summary_ja",
        "変更後の事象",
    ),
}


def writable_resources() -> list[tuple[str, type]]:
    """Every resource of the router that has a PATCH or a DELETE."""
    return [
        (basename, viewset)
        for _prefix, viewset, basename in router.registry
        if hasattr(viewset, "partial_update") or hasattr(viewset, "destroy")
    ]


def detail_url(viewset, record) -> str:
    basename = next(name for _p, v, name in router.registry if v is viewset)
    return reverse(f"api:{basename}-detail", kwargs=lookups.key_of(record, lookups.lookup_fields_of(viewset)))


def history_of(record) -> int:
    return ChangeEvent.objects.filter(pgh_obj_model=record._meta.label, pgh_obj_id=record.pk).count()


def stored(record):
    return type(record).objects.get(pk=record.pk)


def test_every_writable_resource_is_walked():
    writable = {basename for basename, _viewset in writable_resources()}
    assert writable - set(EXEMPT) == set(RECORDS), "list each new writable resource in RECORDS (and give it If-Match)"


def test_every_change_and_removal_in_the_schema_requires_if_match():
    schema = yaml.safe_load((settings.BASE_DIR / "openapi" / "schema.yaml").read_text())
    exempt_paths = {"/api/v1/auth/tokens/{token_key}/"}
    missing = []
    for path, operations in schema["paths"].items():
        for method in ("put", "patch", "delete"):
            operation = operations.get(method)
            if operation is None or path in exempt_paths or path.endswith("/links/"):
                continue
            headers = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match"]
            if not (headers and headers[0]["required"] and {"412", "428"} <= operation["responses"].keys()):
                missing.append(f"{method.upper()} {path}")
            for status in ("200", "201"):
                answer = operation["responses"].get(status)
                if answer is not None and "ETag" not in answer.get("headers", {}):
                    missing.append(f"{method.upper()} {path} {status} ETag")
        retrieve = operations.get("get") if operations.get("patch") else None
        if retrieve is not None and (
            "304" not in retrieve["responses"] or "ETag" not in retrieve["responses"]["200"].get("headers", {})
        ):
            missing.append(f"GET {path} ETag")
    assert missing == []


@pytest.mark.parametrize(
    ("basename", "viewset"), [pytest.param(*resource, id=resource[0]) for resource in writable_resources()]
)
def test_a_write_names_the_version_it_changes(basename, viewset, regulator_staff):
    if basename in EXEMPT:
        pytest.skip(EXEMPT[basename])
    make, field, new_value = RECORDS[basename]
    api = token_client(regulator_staff)
    record = make(regulator_staff)
    url = detail_url(viewset, record)

    read = api.get(url)
    assert read.status_code == 200
    version = read.json()["version"]
    assert read["ETag"] == f'"{version}"' == f'"{stored(record).version}"'
    assert api.get(url, headers={"If-None-Match": read["ETag"]}).status_code == 304

    if hasattr(viewset, "partial_update"):
        before, events = getattr(stored(record), field), history_of(record)
        change = {field: new_value}
        missing = api.patch(url, change, content_type="application/json")
        assert missing.status_code == 428, missing.content
        assert missing["Content-Type"] == "application/problem+json"
        stale = api.patch(url, change, content_type="application/json", headers={"If-Match": f'"{version + 7}"'})
        assert stale.status_code == 412, stale.content
        assert (getattr(stored(record), field), stored(record).version, history_of(record)) == (before, version, events)

        changed = api.patch(url, change, content_type="application/json", headers={"If-Match": read["ETag"]})
        assert changed.status_code == 200, changed.content
        assert changed.json()["version"] == version + 1
        assert changed["ETag"] == f'"{version + 1}"'
        assert getattr(stored(record), field) == new_value
        assert history_of(record) == events + 1

        same = {field: changed.json()[field]}
        unchanged = api.patch(url, same, content_type="application/json", headers={"If-Match": changed["ETag"]})
        assert unchanged.status_code == 200, unchanged.content
        assert unchanged.json()["version"] == version + 1
        assert unchanged["ETag"] == changed["ETag"]
        assert (stored(record).version, history_of(record)) == (version + 1, events + 1)
        version += 1

    if hasattr(viewset, "destroy"):
        etag = f'"{version}"'
        assert api.delete(url).status_code == 428
        assert api.delete(url, headers={"If-Match": f'"{version + 7}"'}).status_code == 412
        assert type(record).objects.filter(pk=record.pk).exists()
        removed = api.delete(url, headers={"If-Match": etag})
        assert removed.status_code == 204, removed.content
        assert not type(record).objects.filter(pk=record.pk).exists()


def test_an_implementation_s_reporting_duty_asked_as_it_stands_keeps_the_version(regulator_staff):
    api = token_client(regulator_staff)
    item = RECORDS["implementation"][0](regulator_staff)
    url = reverse("api:implementation-reporting-duty", kwargs={"pk": item.pk})
    duty = {"every": "monthly", "since": "2026-04-01"}
    first = api.put(url, duty, content_type="application/json", headers={"If-Match": item.etag})
    assert first.status_code == 200, first.content
    events = history_of(item)
    again = api.put(url, duty, content_type="application/json", headers={"If-Match": first["ETag"]})
    assert (again.status_code, again["ETag"], history_of(item)) == (200, first["ETag"], events)


# Two writers at once, on two real PostgreSQL connections ------------------------------------------------------


def in_own_connection(work):
    """Run `work` in a thread: its own connection, its own committed transactions."""
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except Exception as error:  # handed back to the test
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    close_old_connections()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def test_of_two_writers_with_the_same_etag_one_is_refused():
    def prepare():
        staff = [User.objects.create_user(username=f"etag-race-{n}", role=Role.REGULATOR_STAFF) for n in range(2)]
        group = compliance_services.company_group_create(actor=staff[0], code="etag-race", name_ja="競合")
        return group, [AuthToken.objects.create(person)[1] for person in staff]

    group, tokens = in_own_connection(prepare)
    url = reverse("api:companygroup-detail", kwargs={"code": group.code})
    barrier = threading.Barrier(2)
    outcomes: list[tuple[int, str]] = []

    def writer(token: str, name: str):
        def work():
            client = Client(headers={"Authorization": f"Token {token}", "Accept": "application/json"})
            barrier.wait(timeout=30)
            try:
                answer = client.patch(
                    url, {"name_ja": name}, content_type="application/json", headers={"If-Match": group.etag}
                )
                outcomes.append((answer.status_code, name))
            finally:
                connection.close()

        return threading.Thread(target=work)

    threads = [writer(token, f"名前{n}") for n, token in enumerate(tokens)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(status for status, _ in outcomes) == [200, 412]
        winner = next(name for status, name in outcomes if status == 200)
        saved = in_own_connection(lambda: CompanyGroup.objects.values_list("name_ja", "version").get(pk=group.pk))
        assert saved == (winner, group.version + 1)
    finally:

        def clean():
            CompanyGroup.objects.filter(pk=group.pk).delete()
            apps.get_model("compliance", "CompanyGroupEvent").objects.filter(pgh_obj_id=group.pk).delete()
            AuthToken.objects.filter(user__username__startswith="etag-race-").delete()
            User.objects.filter(username__startswith="etag-race-").delete()

        in_own_connection(clean)


# The edit pages: the version read, as a hidden field ------------------------------------------------------------


def test_an_edit_page_refuses_a_save_based_on_a_version_someone_else_changed(regulator_client, regulator_staff):
    group = RECORDS["companygroup"][0](regulator_staff)
    url = reverse("compliance:company_group_edit", args=[group.code])
    page = regulator_client.get(url).content.decode()
    assert f'name="version" value="{group.version}"' in page
    compliance_services.company_group_update(actor=regulator_staff, group=group, version=group.version, name_en="B")
    form = {"name_ja": "古い版から", "name_en": "", "position": group.position, "version": group.version}
    stale = regulator_client.post(url, form)
    assert stale.status_code == 409
    assert "Reload" in stale.content.decode() or "再読み込み" in stale.content.decode()
    assert stored(group).name_ja == group.name_ja and stored(group).version == group.version + 1
    assert regulator_client.post(url, {}).status_code == 400  # no version: nothing written either
    saved = regulator_client.post(url, {**form, "version": group.version + 1})
    assert saved.status_code == 302
    assert (stored(group).name_ja, stored(group).version) == ("古い版から", group.version + 2)


def test_a_removal_page_carries_the_version_too(regulator_client, regulator_staff):
    finding = RECORDS["finding"][0](regulator_staff)
    url = reverse("cases:finding_delete", args=[finding.case.code, finding.code])
    assert f'name="version" value="{finding.version}"' in regulator_client.get(url).content.decode()
    assert regulator_client.post(url, {"version": finding.version + 1}).status_code == 409
    assert regulator_client.post(url, {"version": finding.version}).status_code == 302
    assert not type(finding).objects.filter(pk=finding.pk).exists()
