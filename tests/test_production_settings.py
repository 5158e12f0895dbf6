"""Production settings: Django's deployment checks pass, HTTPS only, secure headers, a CSP, probes, request ids."""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.test import Client

from tests.real_services import ROOT

PRODUCTION = {
    "DEBUG": "False",
    "ALLOWED_HOSTS": "tracker.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "BEHIND_TLS_PROXY": "True",
    "LOG_FORMAT": "json",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": settings_database_url(), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def settings_database_url() -> str:
    database = settings.DATABASES["default"]
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{database['USER'] or 'postgres'}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def test_the_deployment_checks_pass_with_the_production_settings():
    keys = {"SECRET_KEY": secrets.token_urlsafe(50), "ACCESS_LOG_CHECKPOINT_KEY": secrets.token_urlsafe(50)}
    done = run_manage("check", "--deploy", "--fail-level", "WARNING", **keys, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


@pytest.mark.parametrize("checkpoint_key", ["", "short"])
def test_without_a_checkpoint_key_of_its_own_the_deployment_checks_fail(checkpoint_key):
    """Production signs the access log's checkpoints with a key of its own; with DEBUG off nothing derives one."""
    keys = {"SECRET_KEY": secrets.token_urlsafe(50), "ACCESS_LOG_CHECKPOINT_KEY": checkpoint_key}
    done = run_manage("check", "--deploy", "--fail-level", "WARNING", **keys, **PRODUCTION)
    assert done.returncode != 0
    assert "ACCESS_LOG_CHECKPOINT_KEY" in done.stderr


def test_webhooks_to_plain_http_fail_the_deployment_checks():
    """A setting for tests and the demo (deliveries to http://127.0.0.1) is refused with DEBUG off."""
    keys = {"SECRET_KEY": secrets.token_urlsafe(50), "ACCESS_LOG_CHECKPOINT_KEY": secrets.token_urlsafe(50)}
    done = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", WEBHOOK_ALLOW_HTTP_LOOPBACK="True", **keys, **PRODUCTION
    )
    assert done.returncode != 0
    assert "compliance.E002" in done.stderr


def test_without_a_secret_key_nothing_starts():
    done = run_manage("check", SECRET_KEY="", **PRODUCTION)
    assert done.returncode != 0
    assert "Set SECRET_KEY" in done.stderr


def test_a_malformed_log_format_is_refused():
    done = run_manage("check", SECRET_KEY=secrets.token_urlsafe(50), **{**PRODUCTION, "LOG_FORMAT": "xml"})
    assert done.returncode != 0 and "LOG_FORMAT" in done.stderr


@pytest.fixture
def production_client(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return Client()


def test_plain_http_is_redirected_to_https_except_the_probes(production_client):
    response = production_client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert production_client.get("/healthz").status_code == 200


def test_every_page_carries_the_security_headers(production_client):
    response = production_client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Secure" in str(response.cookies["csrftoken"])
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.dates
def test_no_page_has_inline_script_or_style(case, regulator_client):
    # What the CSP would block: the pages must not need it (the browser tests also fail on any CSP error).
    for url in ["/dashboard/", "/cases/ppc-2024-utilities/", "/api/docs/", "/public/"]:
        page = regulator_client.get(url).content.decode()
        assert "<script>" not in page and 'style="' not in page and "<style" not in page, url


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_and_redis(db, client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    assert ready.json()["checks"]["database"]["ok"] and ready.json()["checks"]["broker"]["ok"]
    redis_server.stop()
    unready = client.get("/readyz")
    assert unready.status_code == 503
    assert unready.json()["status"] == "unavailable" and not unready.json()["checks"]["broker"]["ok"]


def test_each_response_carries_a_request_id_and_keeps_a_valid_one_from_the_proxy(client):
    made = client.get("/healthz", HTTP_X_REQUEST_ID="x").get("X-Request-ID")  # probes are not traced
    assert made is None
    fresh = client.get("/accounts/login/")["X-Request-ID"]
    assert uuid.UUID(fresh)
    given = uuid.uuid4().hex
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id(client, caplog):
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(**{k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"})
    given = uuid.uuid4().hex
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", HTTP_X_REQUEST_ID=given)
    record = next(r for r in caplog.records if r.name == "django.request")
    line = json.loads(formatter.format(record))
    assert line["request_id"] == given and line["level"] == "WARNING" and line["logger"] == "django.request"


def test_each_request_is_logged_once_with_its_request_id(client, caplog):
    given = uuid.uuid4().hex
    with caplog.at_level(logging.INFO, logger="compliance.requests"):
        client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)
        client.get("/healthz")
    (record,) = [r for r in caplog.records if r.name == "compliance.requests"]
    assert (record.method, record.path, record.status, record.request_id) == ("GET", "/accounts/login/", 200, given)
