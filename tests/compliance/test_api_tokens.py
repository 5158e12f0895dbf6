"""API tokens: created with the password, shown once, stored hashed, listed, revoked, expiring."""

import base64

import pytest
from django.test import Client
from knox.models import AuthToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TOKENS = "/api/v1/auth/tokens/"


def basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_the_whole_life_of_a_token(officers):
    client = Client()
    created = client.post(TOKENS, **basic("officer-kyushu-td", PASSWORD))
    assert created.status_code == 201
    token = created.json()["token"]
    stored = AuthToken.objects.get(token_key=created.json()["key"])
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) >= 64  # hashed
    assert stored.expiry is not None

    bearer = {"HTTP_AUTHORIZATION": f"Token {token}"}
    listing = client.get(TOKENS, **bearer).json()
    assert [row["key"] for row in listing["results"]] == [stored.token_key]
    assert "token" not in listing["results"][0]
    assert client.get("/api/v1/progress-updates/", **bearer).status_code == 200

    assert client.delete(f"{TOKENS}{stored.token_key}/", **bearer).status_code == 204
    assert client.get("/api/v1/progress-updates/", **bearer).status_code == 401


def test_a_token_cannot_mint_another(officers):
    client = Client()
    token = client.post(TOKENS, **basic("officer-kyushu-td", PASSWORD)).json()["token"]
    assert client.post(TOKENS, HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)


def test_a_wrong_password_creates_nothing(officers):
    assert Client().post(TOKENS, **basic("officer-kyushu-td", "wrong")).status_code == 401
    assert AuthToken.objects.count() == 0
