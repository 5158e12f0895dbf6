"""Single sign-on against a real OpenID Connect provider (node's oidc-provider) started by the tests on 127.0.0.1.

Accounts are matched to people the regulator created, never created by the provider; the provider's multi-factor
sign-in satisfies the second factor only where the regulator trusts it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client, override_settings

from compliance.models import AccessLogEntry, User
from tests.real_services import free_port, wait_for

pytestmark = [
    pytest.mark.django_db,
    # The provider keeps real time and stamps its tokens with it.
    pytest.mark.real_clock,
    pytest.mark.skipif(shutil.which("npm") is None, reason="node and npm are not installed here"),
]
PROVIDER_DIR = Path(__file__).parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "compliance-tracker", "a-secret-only-for-tests"
CALLBACK = "http://testserver/accounts/sso/callback/"
ACCOUNTS = {
    "alice": {"email": "alice@regulator.example", "email_verified": True},
    "bob": {"email": "bob@kansai-td.example", "email_verified": True},
    "mallory": {"email": "mallory@nowhere.example", "email_verified": True},
    "unverified": {"email": "bob@kansai-td.example", "email_verified": False},
}


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False


@pytest.fixture(scope="module")
def provider() -> str:
    """The provider's address, running for this module's tests."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        npm = [shutil.which("npm"), "ci", "--no-audit", "--no-fund"]
        subprocess.run(npm, cwd=PROVIDER_DIR, check=True, capture_output=True)
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": CALLBACK,
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    node = [shutil.which("node"), "provider.mjs"]
    process = subprocess.Popen(node, cwd=PROVIDER_DIR, env=env, stdout=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(f"{address}/.well-known/openid-configuration"), "the OpenID provider", timeout=30)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(provider, settings):
    """The product configured for the provider, as an operator would from the environment."""
    configuration = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()
    with override_settings(
        OIDC_ENABLED=True,
        OIDC_RP_CLIENT_ID=CLIENT_ID,
        OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT=configuration["authorization_endpoint"],
        OIDC_OP_TOKEN_ENDPOINT=configuration["token_endpoint"],
        OIDC_OP_USER_ENDPOINT=configuration["userinfo_endpoint"],
        OIDC_OP_JWKS_ENDPOINT=configuration["jwks_uri"],
        AUTHENTICATION_BACKENDS=[*settings.AUTHENTICATION_BACKENDS, "compliance.sso.PeopleOfTheRegulatorBackend"],
    ):
        yield provider


def sign_in_through(provider: str, account: str, amr: list[str] | None = None, acr: str = "") -> Client:
    """Walk the whole redirect dance as a browser would: the product, the provider, back to the product."""
    login = {"accountId": account, "amr": amr or ["pwd"], "acr": acr}
    requests.post(f"{provider}/test/next-login", json=login, timeout=5).raise_for_status()
    client = Client()
    location = client.get("/accounts/sso/")["Location"]
    browser = requests.Session()
    while not location.startswith("http://testserver"):
        answer = browser.get(location, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        location = requests.compat.urljoin(location, answer.headers["Location"])
    back = urlsplit(location)
    client.sso_answer = client.get(f"{back.path}?{back.query}")
    return client


def test_a_person_the_regulator_created_signs_in_and_it_is_logged(sso, officers):
    officers["kansai-td"].email = "bob@kansai-td.example"
    officers["kansai-td"].save()
    client = sign_in_through(sso, "bob")
    assert client.sso_answer.status_code == 302
    assert client.get("/my-items/").status_code == 200
    assert AccessLogEntry.objects.filter(username="officer-kansai-td", action="sign_in").exists()


def test_the_provider_never_creates_a_person(sso):
    before = User.objects.count()
    client = sign_in_through(sso, "mallory")
    assert client.get("/my-items/").status_code == 302  # still signed out
    assert User.objects.count() == before
    assert AccessLogEntry.objects.filter(action="sign_in_failed", object_id="single sign-on").exists()


def test_an_unverified_mail_address_signs_in_nobody(sso, officers):
    officers["kansai-td"].email = "bob@kansai-td.example"
    officers["kansai-td"].save()
    assert sign_in_through(sso, "unverified").get("/my-items/").status_code == 302


def test_without_trust_the_regulator_still_gives_a_code(sso, regulator_staff):
    regulator_staff.email = "alice@regulator.example"
    regulator_staff.save()
    client = sign_in_through(sso, "alice", amr=["pwd", "otp"])
    page = client.get("/audit/access-log/")
    assert page.status_code == 302 and "/accounts/second-factor/" in page["Location"]
    assert client.get("/api/v1/access-log/").status_code in (401, 403)


@override_settings(OIDC_TRUSTED_AMR=["otp", "hwk"])
def test_a_trusted_multi_factor_sign_in_counts_as_the_second_factor(sso, regulator_staff):
    regulator_staff.email = "alice@regulator.example"
    regulator_staff.save()
    client = sign_in_through(sso, "alice", amr=["pwd", "otp"])
    assert client.get("/audit/access-log/").status_code == 200
    assert client.get("/api/v1/access-log/").status_code == 200
    assert AccessLogEntry.objects.filter(username="regulator-staff", action="second_factor", object_id="single sign-on")
    # A password-only sign-in at the provider does not.
    weak = sign_in_through(sso, "alice", amr=["pwd"])
    assert weak.get("/api/v1/access-log/").status_code in (401, 403)


@override_settings(OIDC_TRUSTED_ACR=["urn:example:mfa"])
def test_a_trusted_acr_counts_too(sso, regulator_staff):
    regulator_staff.email = "alice@regulator.example"
    regulator_staff.save()
    assert sign_in_through(sso, "alice", acr="urn:example:mfa").get("/api/v1/access-log/").status_code == 200


def test_single_sign_on_is_off_unless_configured(client):
    assert client.get("/accounts/sso/").status_code == 404
    assert "/accounts/sso/" not in client.get("/accounts/login/").content.decode()
