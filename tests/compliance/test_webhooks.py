"""Webhooks: subscribed through the API, delivered to a real HTTP receiver on 127.0.0.1, verified with the Standard
Webhooks library; retried after a 500 with the same webhook-id; scoped across the sister companies; paused, and the
owner told, when they keep failing."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from standardwebhooks import Webhook, WebhookVerificationError

from compliance import clock
from compliance.models import WebhookDelivery, WebhookSubscription
from compliance.webhook_delivery import backoff, delivery_sweep
from compliance.webhooks import address_check, secret_open, webhook_subscribe
from remediation.services.progress_updates import progress_update_accept
from tests.compliance.webhook_receiver import running_receiver
from tests.conftest import signed_in, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
API = "/api/v1/webhooks/"


def subscribe(client, url: str, events=("progress_update.submitted",), **extra):
    return client.post(API, {"url": url, "events": list(events), **extra}, content_type="application/json")


def verified(secret: str, received) -> dict:
    """The payload, once the Standard Webhooks library has verified its signature."""
    return Webhook(secret).verify(received.body, received.headers)


def test_a_delivery_is_signed_and_verifies_with_the_standard_webhooks_library(
    officers, django_capture_on_commit_callbacks
):
    officer = officers["kansai-td"]
    client = signed_in(officer, second_factor=False)
    with running_receiver() as receiver:
        created = subscribe(client, receiver.url)
        assert created.status_code == 201, created.content
        secret = created.json()["secret"]
        assert secret.startswith("whsec_")
        with django_capture_on_commit_callbacks(execute=True):
            update = submit_update(officer, "webhook progress")
    [request] = receiver.received
    payload = verified(secret, request)
    assert payload["type"] == "progress_update.submitted"
    assert payload["data"]["object"] == "progress_update"
    assert payload["data"]["id"] == update.pk
    assert payload["data"]["company"] == "kansai-td"
    assert payload["data"]["url"].endswith(f"/api/v1/progress-updates/{update.pk}/")
    assert "webhook progress" not in request.body.decode()  # a thin event: the narrative is fetched through the API
    assert request.headers["content-type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.body == delivery.body.encode()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 1, 200)

    tampered = request.body.replace(b"kansai-td", b"kansai-xx")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, request.headers)


def test_a_500_is_retried_with_backoff_and_the_same_webhook_id(officers, django_capture_on_commit_callbacks):
    officer = officers["kansai-td"]
    with running_receiver(answers=[500, 503]) as receiver:
        _, secret = webhook_subscribe(actor=officer, url=receiver.url, events=["progress_update.submitted"])
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer)
        delivery = WebhookDelivery.objects.get()
        first_at = delivery.last_attempt_at
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("pending", 1, 500)
        assert 30 <= (delivery.next_attempt_at - first_at).total_seconds() < 35
        assert delivery_sweep(now=clock.now()) == []  # not due yet: nothing is sent early
        assert len(receiver.received) == 1

        with time_machine.travel(first_at + datetime.timedelta(seconds=95), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert delivery_sweep(now=clock.now()) == [delivery.pk]
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("pending", 2, 503)
            second_at = delivery.last_attempt_at
            assert (delivery.next_attempt_at - second_at).total_seconds() == 60  # doubled (the clock held still)
        with time_machine.travel(second_at + datetime.timedelta(seconds=125), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                delivery_sweep(now=clock.now())
            delivery.refresh_from_db()
            assert (delivery.status, delivery.attempts, delivery.last_response_code) == ("delivered", 3, 200)
            ids = {request.headers["webhook-id"] for request in receiver.received}
            assert ids == {delivery.message_id}
            verified(secret, receiver.received[-1])
    assert len(receiver.received) == 3
    stamps = [int(request.headers["webhook-timestamp"]) for request in receiver.received]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3  # each attempt signed at its own moment


def test_backoff_doubles_up_to_its_limit():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == datetime.timedelta(hours=6)


def test_an_officer_receives_only_events_about_their_own_company_sister_companies_included(
    officers, regulator_staff, django_capture_on_commit_callbacks
):
    events = ["progress_update.submitted", "review.decided"]
    with running_receiver() as td, running_receiver() as retail, running_receiver() as regulator:
        webhook_subscribe(actor=officers["kansai-td"], url=td.url, events=events)
        webhook_subscribe(actor=officers["kansai-retail"], url=retail.url, events=events)
        webhook_subscribe(actor=regulator_staff, url=regulator.url, events=events)
        with django_capture_on_commit_callbacks(execute=True):
            update = submit_update(officers["kansai-td"])
        with django_capture_on_commit_callbacks(execute=True):
            progress_update_accept(actor=regulator_staff, update=update, update_version=update.version)
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officers["kansai-retail"])
    types = {name: [json.loads(r.body)["type"] for r in got.received] for name, got in [("td", td), ("retail", retail)]}
    assert types["td"] == ["progress_update.submitted", "review.decided"]
    assert types["retail"] == ["progress_update.submitted"]
    assert [json.loads(r.body)["data"]["company"] for r in td.received] == ["kansai-td", "kansai-td"]
    assert [json.loads(r.body)["data"]["company"] for r in retail.received] == ["kansai-retail"]
    assert len(regulator.received) == 3  # regulator staff receive every company's events


def test_the_scoping_rule_is_asked_again_at_send_time(officers, django_capture_on_commit_callbacks):
    officer = officers["kansai-td"]
    with running_receiver() as receiver:
        webhook_subscribe(actor=officer, url=receiver.url, events=["progress_update.submitted"])
        with django_capture_on_commit_callbacks(execute=False) as queued:
            submit_update(officer)
        # Before the delivery goes out, the owner moves to the sister company: it may not see the update any more.
        officer.company = officers["kansai-retail"].company
        officer.save()
        for callback in queued:
            callback()
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == "withheld"


@override_settings(WEBHOOK_MAX_ATTEMPTS=1, WEBHOOK_PAUSE_AFTER_FAILURES=2)
def test_a_subscription_that_keeps_failing_is_paused_and_its_owner_told(officers, django_capture_on_commit_callbacks):
    officer = officers["kansai-td"]
    officer.email = "td@example.jp"
    officer.save()
    with running_receiver(then=500) as receiver:
        subscription, _ = webhook_subscribe(actor=officer, url=receiver.url, events=["progress_update.submitted"])
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer, "one")
        subscription.refresh_from_db()
        assert (subscription.is_active, subscription.consecutive_failures) == (True, 1)
        assert subscription.version == 2  # a failure counted is a change of the subscription
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer, "two")
        subscription.refresh_from_db()
        assert (subscription.paused_because, subscription.consecutive_failures) == ("failing", 2)
        assert subscription.version == 3  # so is the pause: an owner who read it before must read it again
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer, "three")
    assert len(receiver.received) == 2  # nothing more once paused
    assert WebhookDelivery.objects.count() == 2
    [message] = mail.outbox
    assert message.to == ["td@example.jp"]
    assert "一時停止" in message.subject, message.subject
    assert receiver.url in message.body

    client = signed_in(officer, second_factor=False)
    url = f"{API}{subscription.pk}/"
    stale = client.patch(url, {"active": True}, content_type="application/json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    read = client.get(url)
    assert read["ETag"] == '"3"'
    resumed = client.patch(url, {"active": True}, content_type="application/json", headers={"If-Match": read["ETag"]})
    assert resumed.status_code == 200 and resumed.json()["active"] is True
    assert resumed.json()["consecutive_failures"] == 0
    assert resumed["ETag"] == '"4"'


@override_settings(WEBHOOK_PAUSE_AFTER_HOURS=24)
def test_an_address_failing_for_more_than_a_day_is_paused(officers, django_capture_on_commit_callbacks):
    officer = officers["kansai-td"]
    with running_receiver(then=500) as receiver:
        subscription, _ = webhook_subscribe(actor=officer, url=receiver.url, events=["progress_update.submitted"])
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            failing_since=clock.now() - datetime.timedelta(hours=25)
        )
        with override_settings(WEBHOOK_MAX_ATTEMPTS=1), django_capture_on_commit_callbacks(execute=True):
            submit_update(officer)
    subscription.refresh_from_db()
    assert subscription.paused_because == "failing"


def test_the_secret_is_shown_once_and_stored_encrypted(officer_client, officers):
    created = subscribe(officer_client, "https://hooks.example.com/tracker", description="our system")
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    Webhook(secret)  # the form the library takes
    listed = officer_client.get(API).json()["results"]
    assert [item["id"] for item in listed] == [body["id"]]
    shown = officer_client.get(f"{API}{body['id']}/").json()
    assert "secret" not in listed[0] and "secret" not in shown
    assert secret not in json.dumps(listed) + json.dumps(shown)
    stored = WebhookSubscription.objects.get()
    assert secret not in stored.secret_encrypted and secret[6:] not in stored.secret_encrypted
    assert secret_open(stored.secret_encrypted) == secret
    assert shown["events"] == ["progress_update.submitted"] and shown["description"] == "our system"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.com/x", True),
        ("http://127.0.0.1:8080/x", True),
        ("http://localhost/x", True),
        ("http://hooks.example.com/x", False),
        ("https://user:password@hooks.example.com/x", False),
        ("https://token@hooks.example.com/x", False),
        ("https://10.0.0.5/x", False),
        ("https://169.254.169.254/latest", False),
        ("ftp://hooks.example.com/x", False),
    ],
)
def test_addresses_https_only_no_credentials_no_private_networks(officer_client, url, allowed):
    answer = subscribe(officer_client, url)
    assert (answer.status_code == 201) is allowed, answer.content
    if not allowed:
        assert answer["Content-Type"] == "application/problem+json"
        assert "url" in answer.json()["errors"]


@override_settings(WEBHOOK_ALLOW_HTTP_LOOPBACK=False)
def test_plain_http_to_this_machine_only_where_the_settings_allow_it():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        address_check("http://127.0.0.1:8080/x")
    assert address_check("https://hooks.example.com/x")


def test_input_is_checked(officer_client):
    assert subscribe(officer_client, "https://hooks.example.com/", events=[]).status_code == 400
    assert subscribe(officer_client, "https://hooks.example.com/", events=["nothing.happened"]).status_code == 400
    unknown = subscribe(officer_client, "https://hooks.example.com/", secret="mine")
    assert unknown.status_code == 400 and "secret" in unknown.json()["errors"]


def test_create_list_pause_and_resend_through_the_api(officers, django_capture_on_commit_callbacks):
    officer = officers["kansai-td"]
    client = signed_in(officer, second_factor=False)
    with running_receiver() as receiver:
        body = subscribe(client, receiver.url).json()
        url = f"{API}{body['id']}/"
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer)
        [delivery] = client.get(f"{url}deliveries/").json()["results"]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["payload"]["type"] == "progress_update.submitted"

        with django_capture_on_commit_callbacks(execute=True):
            resent = client.post(f"{url}deliveries/{delivery['id']}/resend/", content_type="application/json")
        assert resent.status_code == 202, resent.content
        assert len(receiver.received) == 2
        assert {r.headers["webhook-id"] for r in receiver.received} == {delivery["message_id"]}
        assert verified(body["secret"], receiver.received[1])["data"] == delivery["payload"]["data"]
        again = client.get(f"{url}deliveries/").json()["results"][0]
        assert again["attempts"] == 2 and again["status"] == "delivered"

        assert client.patch(url, {"active": False}, content_type="application/json").status_code == 428
        paused = client.patch(url, {"active": False}, content_type="application/json", headers={"If-Match": '"1"'})
        assert paused.json()["active"] is False and paused.json()["paused_because"] == "owner"
        assert paused["ETag"] == '"2"'
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(officer)
        assert len(receiver.received) == 2  # paused: nothing sent
        refused = client.post(f"{url}deliveries/{delivery['id']}/resend/", content_type="application/json")
        assert refused.status_code == 400

        events = {"events": ["review.decided", "case.changed"]}
        changed = client.patch(url, events, content_type="application/json", headers={"If-Match": paused["ETag"]})
        assert changed.json()["events"] == ["case.changed", "review.decided"]
        assert client.delete(url, headers={"If-Match": paused["ETag"]}).status_code == 412
        assert client.delete(url).status_code == 428
        assert client.delete(url, headers={"If-Match": changed["ETag"]}).status_code == 204
    assert not WebhookSubscription.objects.exists() and not WebhookDelivery.objects.exists()


def test_an_officer_can_neither_see_nor_resend_anothers_subscription(officers, django_capture_on_commit_callbacks):
    owner = officers["kansai-td"]
    with running_receiver() as receiver:
        subscription, _ = webhook_subscribe(actor=owner, url=receiver.url, events=["progress_update.submitted"])
        with django_capture_on_commit_callbacks(execute=True):
            submit_update(owner)
        delivery = WebhookDelivery.objects.get()
        url = f"{API}{subscription.pk}/"
        for other in (officers["kansai-retail"], officers["okinawa"]):
            client = signed_in(other, second_factor=False)
            assert client.get(API).json()["results"] == []
            assert client.get(url).status_code == 404
            assert client.get(f"{url}deliveries/").status_code == 404
            resend = f"{url}deliveries/{delivery.pk}/resend/"
            assert client.post(resend, content_type="application/json").status_code == 404
            mine = {"If-Match": subscription.etag}  # the right version is no key to anyone else's subscription
            assert (
                client.patch(url, {"active": False}, content_type="application/json", headers=mine).status_code == 404
            )
            assert client.delete(url, headers=mine).status_code == 404
    assert len(receiver.received) == 1
    subscription.refresh_from_db()
    assert subscription.is_active


def test_events_from_the_services(officers, regulator_staff, case, django_capture_on_commit_callbacks):
    from cases.editing import case_update
    from remediation.models import Implementation
    from remediation.services.deadline_changes import deadline_change_decide, deadline_change_request

    item = Implementation.objects.exclude(due_on=None, window_end=None).exclude(status="done").order_by("pk").first()
    officer = officers[item.company.code]
    every = ["deadline_change.requested", "deadline_change.decided", "case.changed"]
    with running_receiver() as receiver:
        webhook_subscribe(actor=officer, url=receiver.url, events=every)
        with django_capture_on_commit_callbacks(execute=True):
            change = deadline_change_request(
                actor=officer,
                item=item,
                item_version=item.version,
                proposed=(item.window_end or item.due_on) + datetime.timedelta(days=30),
                reason="delayed delivery",
            )
        with django_capture_on_commit_callbacks(execute=True):
            deadline_change_decide(actor=regulator_staff, change=change, change_version=change.version, approve=True)
        with django_capture_on_commit_callbacks(execute=True):
            case_update(
                actor=regulator_staff, case=case, version=case.version, summary_en="Changed for the webhook test."
            )
    payloads = [json.loads(r.body) for r in receiver.received]
    assert [p["type"] for p in payloads] == every
    assert payloads[0]["data"]["item"]["object"] == "implementation"
    assert payloads[1]["data"]["state"] == "approved"
    assert payloads[2]["data"]["code"] == case.code and payloads[2]["data"]["change"] == "updated"
