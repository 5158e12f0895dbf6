"""Signing in: passwords hashed with Argon2, lockout after ten failures, a second factor for the regulator."""

import base64

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.models import AccessLogEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_product_hashes_passwords_with_argon2id_at_owasp_cost_or_more():
    """The tests use a fast hasher; the product itself uses Argon2id, no cheaper than OWASP's recommendation."""
    from django.utils.module_loading import import_string

    from config import settings as product_settings

    hasher = import_string(product_settings.PASSWORD_HASHERS[0])()
    assert hasher.algorithm == "argon2"
    params = hasher.params()
    assert params.type.name == "ID"
    # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1 (or a larger memory for fewer passes).
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2
    assert params.parallelism == 1


def test_a_hash_made_with_djangos_default_argon2_cost_still_signs_in_and_is_remade(officers):
    """Hashes made before the cost changed verify, and are remade with the product's parameters."""
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    from compliance.hashers import Argon2idPasswordHasher

    person = officers["okinawa"]
    person.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())
    person.save(update_fields=["password"])
    with override_settings(
        PASSWORD_HASHERS=["compliance.hashers.Argon2idPasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        assert sign_in(Client(), "officer-okinawa", PASSWORD).status_code == 302
        person.refresh_from_db()
        assert Argon2idPasswordHasher().decode(person.password)["memory_cost"] == 19 * 1024
        assert sign_in(Client(), "officer-okinawa", PASSWORD).status_code == 302


def test_an_officer_signs_in_and_the_sign_in_is_logged(officers):
    client = Client()
    response = sign_in(client, "officer-okinawa", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AccessLogEntry.objects.filter(username="officer-okinawa", action="sign_in").exists()


def test_ten_wrong_passwords_lock_the_account_and_the_lockout_is_logged(officers):
    client = Client()
    for attempt in range(10):
        response = sign_in(client, "officer-chugoku-td", f"wrong-{attempt}")
        assert response.status_code in (200, 429), attempt
    assert response.status_code == 429
    assert AccessLogEntry.objects.filter(username="officer-chugoku-td", action="sign_in_failed").count() >= 9
    assert AccessLogEntry.objects.filter(username="officer-chugoku-td", action="locked_out").exists()
    # Locked: even the right password is refused now.
    assert sign_in(Client(), "officer-chugoku-td", PASSWORD).status_code == 429
    # Another account is not affected.
    assert sign_in(Client(), "officer-chugoku-retail", PASSWORD).status_code == 302


def test_nine_wrong_passwords_do_not_lock(officers):
    for attempt in range(9):
        sign_in(Client(), "officer-shikoku-td", f"wrong-{attempt}")
    assert sign_in(Client(), "officer-shikoku-td", PASSWORD).status_code == 302


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_regulator_staff_must_set_up_and_use_a_second_factor(regulator_staff):
    client = Client()
    assert sign_in(client, "regulator-staff", PASSWORD).status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_setup"))
    setup = client.get(reverse("accounts:otp_setup"))
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=regulator_staff, confirmed=False)
    assert base64.b32encode(device.bin_key).decode() in setup.content.decode()
    assert client.post(reverse("accounts:otp_setup"), {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code delays the next try; the test does not wait
    assert client.post(reverse("accounts:otp_setup"), {"token": current_code(device)}).status_code == 302
    assert client.get("/").status_code == 200

    # Next time, the code is asked after the password.
    again = Client()
    sign_in(again, "regulator-staff", PASSWORD)
    response = again.get("/audit/access-log/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert again.post(reverse("accounts:otp_verify"), {"token": current_code(device), "next": "/"}).status_code == 302
    assert again.get("/audit/access-log/").status_code == 200


def test_officers_need_no_second_factor_unless_they_set_one_up(officers):
    client = Client()
    sign_in(client, "officer-tohoku-td", PASSWORD)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.create(user=officers["tohoku-td"], name="phone", confirmed=True)
    assert client.get("/").status_code == 302


@override_settings(OTP_REQUIRED_FOR_REGULATOR=False)
def test_the_demo_may_switch_the_requirement_off(regulator_staff):
    client = Client()
    sign_in(client, "regulator-staff", PASSWORD)
    assert client.get("/").status_code == 200


def test_the_session_cookie_is_http_only_and_expires_with_the_browser():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.CSRF_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE == settings.SECURE_COOKIES
