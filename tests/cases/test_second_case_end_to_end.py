"""A second, real kind of case, entered through the API alone and carried to another database in its case file.

Two authorities bring a case under the Electricity Business Act; an action is addressed to a minister and cites
provisions with branch numbers, paragraphs and items; findings cite two provisions each; measures carry a
completion day and a deadline stated loosely; the case is linked to the report's case. Its export imports into
its own database changing nothing, and into an empty database reproducing both cases file for file.
"""

from __future__ import annotations

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from knox.models import AuthToken

from cases.models import Case, LawArticle
from compliance.choices import Role
from compliance.models.audit import REFUSE_TRUNCATE
from remediation.models import Measure
from tests.conftest import make_person

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1"
JSON = "application/json"
YAML = "application/yaml"
CASE = "egc-2023-kansai"


def api_of(person) -> Client:
    _, token = AuthToken.objects.create(person)
    return Client(headers={"Authorization": f"Token {token}", "Accept": JSON})


def post(api: Client, path: str, body: dict, status: int = 201) -> dict:
    response = api.post(f"{API}/{path}", body, content_type=JSON)
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def export(api: Client, code: str) -> bytes:
    response = api.get(f"{API}/cases/{code}/export/", headers={"Accept": YAML})
    assert response.status_code == 200, response.content[:400]
    return b"".join(response.streaming_content) if response.streaming else response.content


def import_file(api: Client, data: bytes, status: int) -> dict:
    response = api.post(f"{API}/cases/import/", data, content_type=YAML)
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def enter_the_second_case(api: Client) -> None:
    post(
        api,
        "cases/",
        {"code": CASE, "title_ja": "関西電力送配電による非公開情報の漏えい", "title_en": "Leak at Kansai T&D",
         "opened_on": "2023-04-17", "law": "eba", "authorities": ["egc", "meti"]},
    )  # fmt: skip
    action = post(
        api,
        "regulatory-actions/",
        {"case": CASE, "code": "recommendation-2023-04-17", "kind": "eba-business-improvement-recommendation",
         "date": "2023-04-17", "title_ja": "業務改善勧告", "issuer": "egc", "addressees": ["kansai-td"],
         "addressee_authorities": ["meti-minister"],
         "articles": ["電気事業法第二十三条第一項", {"article": "2の17", "paragraph": 1, "item": 2}]},
    )  # fmt: skip
    assert action["addressee_authorities"] == ["meti-minister"] and action["issuer"] == "egc"
    cited = {"td-1": ["法第23条第1項", "法第23条の2第1項"], "td-2": ["法第２３条第２項", "法27条1項"]}
    for code, articles in cited.items():
        finding = post(
            api,
            "findings/",
            {"case": CASE, "code": code, "side": "td_operator", "articles": articles,
             "affected_companies": ["kansai-td"], "text_ja": f"{code}：非公開情報の取扱い"},
        )  # fmt: skip
        assert len(finding["articles"]) == 2
        measure = post(
            api,
            "measures/",
            {"case": CASE, "finding": finding["code"], "code": "causes", "kind": "standing",
             "safeguard_type": "organizational", "text_ja": "原因の究明", "implementers": ["kansai-td"],
             "status": "planned"},
        )  # fmt: skip
        dates = {"deadline_text": "概ね3年以内", "submitted_on": "2023-05-12", "completed_on": "2024-03-01"}
        at = f'"{measure["version"]}"'
        changed = api.patch(
            f"{API}/measures/{CASE}/{code}/{measure['code']}/", dates, content_type=JSON, HTTP_IF_MATCH=at
        )
        assert changed.status_code == 200, changed.content
    post(api, f"cases/{CASE}/links/", {"case": "ppc-2024-utilities", "relation": "other_regulator"})


def test_a_case_under_another_law_through_the_api_and_back_from_its_file(case, regulator_staff):
    api = api_of(regulator_staff)
    enter_the_second_case(api)
    references = LawArticle.objects.filter(findings__case__code=CASE).distinct()
    assert {r.reference_ja for r in references} == {
        "電気事業法第23条第1項", "電気事業法第23条の2第1項", "電気事業法第23条第2項", "電気事業法第27条第1項",
    }  # fmt: skip
    assert set(Measure.objects.filter(finding__case__code=CASE).values_list("code", flat=True)) == {"causes"}
    related = api.get(f"{API}/cases/ppc-2024-utilities/").json()["related"]
    assert [link["case"] for link in related] == [CASE], related

    first, second = export(api, "ppc-2024-utilities"), export(api, CASE)
    assert b"meti-minister" in second and b"eba-business-improvement-recommendation" in second
    # Into its own database: nothing changes.
    again = import_file(api, second, 200)
    assert (again["created"], again["updated"]) == ({}, {}), again
    assert export(api, CASE) == second

    # Into an empty database: both files reproduce both cases.
    with connection.cursor() as cursor:  # the deferred checks first: PostgreSQL truncates no table with some pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pgtrigger.ignore(f"compliance.AccessLogEntry:{REFUSE_TRUNCATE.name}"):
        call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    api = api_of(make_person("regulator-after-flush", Role.REGULATOR_STAFF))
    import_file(api, first, 201)
    made = import_file(api, second, 201)
    assert made["created"].get("cases.Case") == 1, made
    assert export(api, CASE) == second
    assert export(api, "ppc-2024-utilities") == first
