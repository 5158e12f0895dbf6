"""The site's own 404, 403 and 500 pages, in both languages, also with DEBUG on as in `make run`."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug of ours")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-broken/", broken), path("test-forbidden/", forbidden), *site_urlpatterns]
HERE = "tests.test_error_pages"


def page(client: Client, url: str, language: str = "ja"):
    client.cookies["django_language"] = language
    return client.get(url)


@pytest.mark.parametrize("debug", [True, False])
def test_an_address_no_view_answers_gets_the_sites_page_not_the_url_patterns(debug, officers):
    client = signed_in(officers["kansai-td"], second_factor=False)
    with override_settings(DEBUG=debug):
        response = page(client, "/no-such-page/")
        english = page(client, "/no-such-page/", "en")
    assert response.status_code == 404 and english.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body and 'href="/home/"' in body
    assert "URLconf" not in body and "urlpatterns" not in body
    assert "Page not found" in english.content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_an_officer_opening_a_regulator_page_gets_the_sites_404(debug, officers):
    client = signed_in(officers["kansai-td"], second_factor=False)
    with override_settings(DEBUG=debug):
        response = page(client, "/reviews/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "ページが見つかりません" in body and "Traceback" not in body and "Raised by" not in body
    assert "関西" in body  # the site's header: the person stays signed in, with the way home


def test_the_api_still_answers_problem_details_with_debug_on(officers):
    with override_settings(DEBUG=True):
        response = signed_in(officers["kansai-td"], second_factor=False).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")


@override_settings(ROOT_URLCONF=HERE)
@pytest.mark.parametrize("debug", [True, False])
def test_an_error_of_ours_gets_the_sites_500_page_and_is_logged(debug, officers, caplog):
    client = signed_in(officers["kansai-td"], second_factor=False)
    client.raise_request_exception = False
    with override_settings(DEBUG=debug), caplog.at_level(logging.ERROR, logger="django.request"):
        response = page(client, "/test-broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "エラーが発生しました" in body and 'href="/home/"' in body
    assert "a bug of ours" not in body and "Traceback" not in body
    assert any(record.exc_info and "a bug of ours" in str(record.exc_info[1]) for record in caplog.records)


@override_settings(ROOT_URLCONF=HERE)
@pytest.mark.parametrize("debug", [True, False])
def test_a_refusal_gets_the_sites_403_page(debug, officers):
    client = signed_in(officers["kansai-td"], second_factor=False)
    with override_settings(DEBUG=debug):
        response = page(client, "/test-forbidden/", "en")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Not allowed" in body and 'href="/home/"' in body


@override_settings(ROOT_URLCONF=HERE, DEBUG=True, DEBUG_TECHNICAL_ERROR_PAGES=True)
def test_a_developer_may_ask_for_djangos_technical_pages(officers):
    client = signed_in(officers["kansai-td"], second_factor=False)
    client.raise_request_exception = False
    assert "URLconf" in page(client, "/no-such-page/").content.decode()
    assert "a bug of ours" in page(client, "/test-broken/").content.decode()
