"""One authentication policy for pages and API: the second factor cannot be skipped by session, token or setup.

Each test replays an attack that once worked with the password alone and shows it refused and logged.
"""

import base64
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from compliance import clock
from compliance.lockout import FIRST_DELAY, KNOWN_DEVICE_COOKIE, lockout_delay
from compliance.models import AccessLogEntry
from tests.clock import held_clock
from tests.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TOKENS = "/api/v1/auth/tokens/"
JSON = "application/json"  # the API reads JSON bodies
PRIVATE_API = ["/api/v1/access-log/", "/api/v1/progress-updates/"]
OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


def basic(username: str, password: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    device.throttle_reset()
    device.last_t = -1  # a code may be used once: let the test use the current one again
    device.save()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def logged(username: str, action: str) -> int:
    return AccessLogEntry.objects.filter(username=username, action=action).count()


@pytest.fixture
def staff_device(regulator_staff) -> TOTPDevice:
    return TOTPDevice.objects.create(user=regulator_staff, name="phone", confirmed=True)


def password_only(username: str, address: str = OFFICE) -> Client:
    client = Client(REMOTE_ADDR=address)
    assert client.post(LOGIN, {"username": username, "password": PASSWORD}).status_code == 302
    return client


# A password-only session ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PRIVATE_API)
def test_a_password_only_session_reads_nothing_through_the_api(regulator_staff, staff_device, path):
    client = password_only("regulator-staff")
    response = client.get(path)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "second_factor_required"
    assert AccessLogEntry.objects.filter(username="regulator-staff", action="denied", object_id="second factor")


def test_a_regulator_without_a_device_yet_reads_nothing_through_the_api_either(regulator_staff):
    assert password_only("regulator-staff").get(PRIVATE_API[0]).status_code in (401, 403)


def test_a_verified_session_reads_the_api(regulator_staff, staff_device):
    assert signed_in(regulator_staff).get(PRIVATE_API[0]).status_code == 200


# Minting tokens -----------------------------------------------------------------------------------------------


def test_the_password_alone_mints_no_token_for_someone_who_owes_a_second_factor(regulator_staff, staff_device):
    client = Client()
    refused = client.post(TOKENS, **basic("regulator-staff", PASSWORD))
    assert refused.status_code == 403 and "code" in refused.json()["detail"]
    wrong = client.post(
        TOKENS, {"code": "000000"}, content_type="application/json", **basic("regulator-staff", PASSWORD)
    )
    assert wrong.status_code == 403
    assert not AuthToken.objects.exists()
    assert logged("regulator-staff", "code_failed") == 1

    made = client.post(
        TOKENS, {"code": code_of(staff_device)}, content_type="application/json", **basic("regulator-staff", PASSWORD)
    )
    assert made.status_code == 201
    entry = AccessLogEntry.objects.get(username="regulator-staff", action="token_created")
    assert entry.object_id == made.json()["key"]
    assert client.get(PRIVATE_API[0], HTTP_AUTHORIZATION=f"Token {made.json()['token']}").status_code == 200


def test_an_unverified_session_mints_no_token_and_a_verified_one_does(regulator_staff, staff_device):
    assert password_only("regulator-staff").post(TOKENS, content_type=JSON).status_code in (401, 403)
    assert not AuthToken.objects.exists()
    assert signed_in(regulator_staff).post(TOKENS, content_type=JSON).status_code == 201


def test_an_officer_without_a_device_mints_a_token_with_the_password(officers):
    assert Client().post(TOKENS, **basic("officer-okinawa", PASSWORD)).status_code == 201
    assert logged("officer-okinawa", "token_created") == 1


def test_no_more_than_twenty_live_tokens_and_a_revocation_is_logged(officers):
    client = Client()
    keys = [client.post(TOKENS, **basic("officer-okinawa", PASSWORD)).json()["key"] for _ in range(20)]
    refused = client.post(TOKENS, **basic("officer-okinawa", PASSWORD))
    assert refused.status_code == 403 and "20" in refused.json()["detail"]
    assert AuthToken.objects.filter(user__username="officer-okinawa").count() == 20
    session = signed_in(officers["okinawa"], second_factor=False)
    assert session.delete(f"{TOKENS}{keys[0]}/").status_code == 204
    assert logged("officer-okinawa", "token_revoked") == 1
    assert client.post(TOKENS, **basic("officer-okinawa", PASSWORD)).status_code == 201


# Enrolling a device ---------------------------------------------------------------------------------------------


def test_the_password_alone_cannot_enrol_another_authenticator(regulator_staff, staff_device):
    client = password_only("regulator-staff")
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 302 and page.url.startswith(reverse("accounts:otp_verify"))
    assert not TOTPDevice.objects.filter(user=regulator_staff, confirmed=False).exists()  # no secret handed out
    assert client.post(reverse("accounts:otp_setup"), {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=regulator_staff).count() == 1
    assert AccessLogEntry.objects.filter(username="regulator-staff", object_id="second factor setup").count() == 2


def test_a_verified_session_enrols_another_authenticator_and_it_is_logged(regulator_staff, staff_device):
    client = signed_in(regulator_staff)
    confirmed = TOTPDevice.objects.filter(user=regulator_staff, confirmed=True)
    before = confirmed.count()
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    second = TOTPDevice.objects.get(user=regulator_staff, confirmed=False)
    assert client.post(reverse("accounts:otp_setup"), {"token": code_of(second)}).status_code == 302
    assert confirmed.count() == before + 1
    assert logged("regulator-staff", "device_added") == 1


def test_failed_and_good_codes_are_logged(regulator_staff, staff_device):
    client = password_only("regulator-staff")
    assert client.post(reverse("accounts:otp_verify"), {"token": "000000"}).status_code == 200
    assert client.post(reverse("accounts:otp_verify"), {"token": code_of(staff_device)}).status_code == 302
    assert (logged("regulator-staff", "code_failed"), logged("regulator-staff", "second_factor")) == (1, 1)


def test_an_administrator_resets_a_lost_phone_and_it_is_logged(regulator_admin, regulator_staff, staff_device):
    admin = signed_in(regulator_admin)
    changelist = reverse("admin:compliance_user_changelist")
    response = admin.post(changelist, {"action": "reset_second_factor", "_selected_action": [regulator_staff.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=regulator_staff).exists()
    assert AccessLogEntry.objects.get(action="device_reset").object_id == "regulator-staff"
    # Now the password leads to setting up a new authenticator, as for a new person.
    assert password_only("regulator-staff").get(reverse("accounts:otp_setup")).status_code == 200


def test_officers_cannot_reset_anyone(officers, regulator_staff, staff_device):
    client = signed_in(officers["okinawa"], second_factor=False)
    changelist = reverse("admin:compliance_user_changelist")
    client.post(changelist, {"action": "reset_second_factor", "_selected_action": [regulator_staff.pk]})
    assert TOTPDevice.objects.filter(user=regulator_staff).exists()


# Lockout ---------------------------------------------------------------------------------------------------------


def fail(username: str, times: int, address: str, client: Client | None = None) -> int:
    client = client or Client(REMOTE_ADDR=address)
    status = 0
    for attempt in range(times):
        status = client.post(LOGIN, {"username": username, "password": f"wrong-{attempt}"}).status_code
    return status


def test_failures_from_elsewhere_do_not_lock_the_person_out_of_their_own_address(officers):
    assert fail("officer-okinawa", 10, ELSEWHERE) == 429
    assert (
        Client(REMOTE_ADDR=ELSEWHERE).post(LOGIN, {"username": "officer-okinawa", "password": PASSWORD}).status_code
        == 429
    )
    assert password_only("officer-okinawa", OFFICE)


def test_ten_bad_basic_auth_requests_lock_that_address_only(regulator_staff, staff_device):
    attacker = Client(REMOTE_ADDR=ELSEWHERE)
    for attempt in range(10):
        attacker.post(TOKENS, **basic("regulator-staff", f"wrong-{attempt}"))
    assert attacker.post(TOKENS, **basic("regulator-staff", PASSWORD)).status_code in (401, 403, 429)
    assert password_only("regulator-staff", OFFICE)


@pytest.mark.dates
def test_the_lock_grows_with_each_failure_and_ends(officers):
    with held_clock() as traveller:
        fail("officer-okinawa", 10, ELSEWHERE)
        request = Client(REMOTE_ADDR=ELSEWHERE)
        lock = AccessAttempt.objects.get(username="officer-okinawa", ip_address=ELSEWHERE)
        assert lock.failures_since_start == 10
        fail("officer-okinawa", 3, ELSEWHERE, request)  # while locked: each try counts
        lock.refresh_from_db()
        assert lock.failures_since_start == 13
        traveller.shift(datetime.timedelta(minutes=5))  # 13 failures: a lock of 8 minutes
        # A try during the lock counts too (14 failures: 16 minutes from now).
        assert request.post(LOGIN, {"username": "officer-okinawa", "password": PASSWORD}).status_code == 429
        traveller.shift(datetime.timedelta(minutes=15))
        assert request.post(LOGIN, {"username": "officer-okinawa", "password": PASSWORD}).status_code == 429
        traveller.shift(datetime.timedelta(minutes=32, seconds=1))  # 15 failures: 32 minutes after the last
        assert request.post(LOGIN, {"username": "officer-okinawa", "password": PASSWORD}).status_code == 302


def test_the_delay_doubles_from_a_minute_to_a_day_at_most(officers, rf):
    request = rf.post(LOGIN, {"username": "officer-okinawa"}, REMOTE_ADDR=ELSEWHERE)
    request.axes_ip_address = ELSEWHERE
    delays = []
    for failures in (10, 11, 12, 40):
        AccessAttempt.objects.update_or_create(
            username="officer-okinawa",
            ip_address=ELSEWHERE,
            user_agent="",
            defaults={"failures_since_start": failures, "attempt_time": clock.now()},
        )
        delays.append(lockout_delay(request))
    assert delays == [FIRST_DELAY, FIRST_DELAY * 2, FIRST_DELAY * 4, datetime.timedelta(days=1)]


@pytest.mark.dates
def test_a_known_device_waits_a_minute_however_long_the_lock_has_grown(regulator_staff, staff_device):
    with held_clock() as traveller:
        own = password_only("regulator-staff", OFFICE)
        own.post(reverse("accounts:otp_verify"), {"token": code_of(staff_device)})
        assert own.cookies[KNOWN_DEVICE_COOKIE].value
        own.post(reverse("accounts:logout"))
        fail("regulator-staff", 20, OFFICE)  # someone in the same office: a lock of about 17 hours
        traveller.shift(FIRST_DELAY + datetime.timedelta(seconds=1))
        assert (
            Client(REMOTE_ADDR=OFFICE).post(LOGIN, {"username": "regulator-staff", "password": PASSWORD}).status_code
            == 429
        )
        # A minute after the last failure from its address, the known device gets in.
        traveller.shift(FIRST_DELAY + datetime.timedelta(seconds=1))
        assert own.post(LOGIN, {"username": "regulator-staff", "password": PASSWORD}).status_code == 302
        # Its verified second factor ends the lock for every address.
        assert own.post(reverse("accounts:otp_verify"), {"token": code_of(staff_device)}).status_code == 302
        assert not AccessAttempt.objects.filter(username="regulator-staff").exists()


def test_an_administrator_unlocks_at_once_and_it_is_logged(regulator_admin, officers):
    fail("officer-okinawa", 10, OFFICE)
    admin = signed_in(regulator_admin)
    changelist = reverse("admin:compliance_user_changelist")
    admin.post(changelist, {"action": "unlock_sign_in", "_selected_action": [officers["okinawa"].pk]})
    assert AccessLogEntry.objects.get(action="unlocked").object_id == "officer-okinawa"
    assert password_only("officer-okinawa", OFFICE)


# Passwords -------------------------------------------------------------------------------------------------------


NEW_PASSWORD = "a much longer passphrase of mine"


def test_everyone_changes_their_password_and_it_is_logged(officers):
    client = signed_in(officers["okinawa"], second_factor=False)
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "password1234", "new_password2": "password1234"},
    )
    assert weak.status_code == 200  # too common: the breached-password list refuses it
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert logged("officer-okinawa", "password_changed") == 1
    assert Client().post(LOGIN, {"username": "officer-okinawa", "password": NEW_PASSWORD}).status_code == 302


def test_a_password_change_needs_the_second_factor_first(regulator_staff, staff_device):
    response = password_only("regulator-staff").get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


def reset_link(address: str) -> str:
    Client().post(reverse("accounts:password_reset"), {"email": address})
    [message] = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def test_a_reset_link_works_once_and_both_steps_are_logged(officers):
    officers["okinawa"].email = "okinawa@example.invalid"
    officers["okinawa"].save()
    link = reset_link("okinawa@example.invalid")
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert Client().post(LOGIN, {"username": "officer-okinawa", "password": NEW_PASSWORD}).status_code == 302
    again = Client().get(link, follow=True)
    assert "used already or has expired" in again.content.decode() or "期限" in again.content.decode()
    assert AccessLogEntry.objects.filter(action="reset_requested", object_id="okinawa@example.invalid").count() == 1
    assert logged("officer-okinawa", "password_reset") == 1


@pytest.mark.dates
def test_a_reset_link_expires_after_an_hour(officers):
    officers["okinawa"].email = "okinawa@example.invalid"
    officers["okinawa"].save()
    link = reset_link("okinawa@example.invalid")
    with held_clock(later=datetime.timedelta(hours=1, minutes=1)):
        page = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in page


def test_an_unknown_address_gets_the_same_answer_and_no_mail():
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.invalid"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
