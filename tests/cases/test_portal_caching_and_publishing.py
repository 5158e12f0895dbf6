"""The portal shows published cases only, and what a shared cache keeps names nobody and sets no cookie."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import etag, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


@pytest.mark.parametrize("page", ["list", "detail"])
def test_an_anonymous_page_may_be_cached_and_sets_no_cookie(case, page):
    url = reverse("public:case_list") if page == "list" else reverse("public:case_detail", args=[case.code])
    response = Client().get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert not response.cookies, list(response.cookies)
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_signed_in_persons_page_is_theirs_alone(case, officers):
    response = signed_in(officers["okinawa"], second_factor=False).get(reverse("public:case_list"))
    assert "officer-okinawa" in response.content.decode()
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_the_language_links_switch_without_a_token_and_stay_on_the_site(case):
    client = Client()
    english = client.get(reverse("public:language", args=["en"]), {"next": "/public/"})
    assert english.status_code == 302 and english["Location"] == "/public/"
    assert english.cookies["django_language"].value == "en"
    assert "Published cases" in client.get("/public/").content.decode()
    away = client.get(reverse("public:language", args=["ja"]), {"next": "https://evil.example/"})
    assert away["Location"] == "/public/"
    unknown = Client().get(reverse("public:language", args=["xx"]), {"next": "/public/"})
    assert "django_language" not in unknown.cookies


def test_a_case_opened_in_the_product_reaches_the_portal_only_when_published(case, regulator_client):
    body = {
        "code": "meti-2026-sample",
        "title_ja": "新しい事案",
        "title_en": "A new case",
        "status": "open",
        "opened_on": "2026-11-01",
    }
    assert regulator_client.post("/api/v1/cases/", body, content_type="application/json").status_code == 201
    detail = reverse("public:case_detail", args=["meti-2026-sample"])
    assert "新しい事案" not in Client().get(reverse("public:case_list")).content.decode()
    assert Client().get(detail).status_code == 404
    api = "/api/v1/cases/meti-2026-sample/"
    published = regulator_client.patch(
        api, {"published": True}, content_type="application/json", HTTP_IF_MATCH=etag(regulator_client, api)
    )
    assert published.status_code == 200, published.content
    assert published.json()["published"] is True
    assert "新しい事案" in Client().get(reverse("public:case_list")).content.decode()
    assert Client().get(detail).status_code == 200


def test_the_schema_and_its_documentation_need_a_signed_in_person():
    for name in ("api_schema", "api_docs"):
        assert Client().get(reverse(name)).status_code in (401, 403), name
