"""Schemathesis against the committed OpenAPI schema, in process, as regulator staff and as a company officer."""

from __future__ import annotations

import datetime
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.urls import resolve
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from compliance.api import lookups
from compliance.choices import Role
from compliance.models import AccessAnomaly, Company
from compliance.models.webhooks import WebhookDelivery, WebhookEvent, WebhookSubscription
from compliance.webhooks import webhook_subscribe
from remediation.models import DeadlineChange, Implementation, ProgressUpdate, Reminder
from remediation.services.progress_updates import progress_update_accept
from remediation.workflow import allowed_statuses
from tests.api_keys import fill, model_of, record_keys
from tests.conftest import make_person, submit_update

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "openapi" / "schema.yaml"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and person: valid requests (most of them aimed at real records), then invalid ones.
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
MIN_REQUESTS = 1000
REQUEST_SECONDS = 30  # a request that takes longer has hung: the test fails rather than wait
HOST = "http://testserver"
PDF = b"%PDF-1.4\n%%EOF\n"
MOSTLY = st.sampled_from([True, True, False])


@contextmanager
def in_test_transaction():
    """Keep Django from closing the test's connection after each request, as its test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def time_limit(seconds: int):
    """Fail a request that hangs instead of waiting for it (in the main thread, where signals work)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def hung(signum, frame):
        raise TimeoutError(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def private_records(officer, other_officer, regulator) -> None:
    """Private records of two companies: updates, evidence, a review, deadline changes, reminders, an anomaly; and
    webhook subscriptions of the officer and of regulator staff, with deliveries (never sent: nothing commits)."""
    for person in (officer, regulator):
        for n in range(4):  # more than the generated DELETEs remove, so that their deliveries are reached too
            webhook_subscribe(
                actor=person, url=f"https://hooks.example.com/fuzz/{n}", events=[WebhookEvent.PROGRESS_UPDATE_SUBMITTED]
            )
    submit_update(officer, files=[SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")])
    accepted = submit_update(other_officer, narrative="accepted progress")
    progress_update_accept(actor=regulator, update=accepted, update_version=accepted.version, comment="ok")
    for person in (officer, other_officer):
        item = Implementation.objects.filter(company=person.company, window_end=None).order_by("-pk").first()
        DeadlineChange.objects.create(
            company=person.company,
            implementation=item,
            requested_by=person,
            reason="fuzz",
            proposed_due_on="2030-01-01",
        )
        Reminder.objects.create(
            company=person.company, implementation=item, rule="overdue", period="fuzz", planned_for="2026-11-25"
        )
    AccessAnomaly.objects.create(kind="lockout", user=officer, day=datetime.date(2026, 11, 25), count=1)
    # One delivery of each subscription given up, so that a resend sends it again (a pending one goes out anyway).
    for subscription in WebhookSubscription.objects.all():
        given_up = subscription.deliveries.order_by("pk").first()
        WebhookDelivery.objects.filter(pk=given_up.pk).update(status="failed", attempts=1, next_attempt_at=None)


def record_pools(schema, tokens: list[str], companies: list[Company]) -> dict[str, tuple]:
    """For each operation with a record in its path: the model, and some existing records, each as its path
    parameters (named as the schema names them) and the lookup that finds it. A record under its parent (a webhook
    delivery under its subscription) has a parameter for each."""
    pools = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [parameter.name for parameter in operation.path_parameters]
        if not names:
            continue
        if set(names) == {"id", "delivery_id"}:
            pairs = WebhookDelivery.objects.order_by("pk").values_list("subscription_id", "pk")
            pools[operation.label] = (WebhookDelivery, [({"id": s, "delivery_id": d}, {"pk": d}) for s, d in pairs])
            continue
        view = resolve(fill(operation.path, None)).func.cls
        if view.__name__ == "ApiTokenViewSet":
            pools[operation.label] = (AuthToken, [({"token_key": token}, {"token_key": token}) for token in tokens])
            continue
        fields = lookups.lookup_fields_of(view)
        keys = record_keys(view, order="pk")
        unique = [dict(key) for key in sorted({tuple(key.items()) for key in keys[:10] + keys[-10:]}, key=str)]
        pools[operation.label] = (
            model_of(view),
            [(schema_names(key), lookups.lookup_from_url(fields, key)) for key in unique],
        )
    items = Implementation.objects.filter(company__in=companies).exclude(status="done").order_by("pk")
    pools["items"] = (Implementation, list(items.values_list("pk", flat=True)))
    return pools


def schema_names(key: dict[str, object]) -> dict[str, object]:
    """A key as the schema names its path parameters: a primary key is `id`."""
    return {("id" if name == "pk" else name): value for name, value in key.items()}


def aim(case, data, pools: dict[str, tuple]) -> None:
    """Point a valid request at a real record (perhaps another company's) and, for a write, at its current ETag."""
    model, pool = pools.get(case.operation.label, (None, []))
    record = None
    if pool and data.draw(MOSTLY, label="real record"):
        parameters, lookup = data.draw(st.sampled_from(pool), label="key")
        case.path_parameters.update(parameters)
        record = model._default_manager.filter(**lookup).first()
    if "If-Match" not in (case.headers or {}):
        return
    # The items still there: a generated DELETE (of an item, its measure, its case) may have removed some.
    items = Implementation.objects.filter(pk__in=pools["items"][1]).order_by("pk").values_list("pk", flat=True)
    if not pool and isinstance(case.body, dict) and items and data.draw(MOSTLY, label="real item"):
        # A create names its item in its body: an open item, and a change the workflow allows.
        record = Implementation.objects.get(pk=data.draw(st.sampled_from(list(items)), label="item"))
        if "/progress-updates/" in case.operation.path:
            status = (allowed_statuses(record.status) or ["in_progress"])[0]
            case.body = {"implementation": record.pk, "status": status, "narrative": "fuzz"}
        else:
            case.body = {"implementation": record.pk, "proposed": "2031-06-30", "reason": "fuzz"}
    if record is not None and data.draw(MOSTLY, label="current ETag"):
        case.headers["If-Match"] = record.etag


class Fuzzer:
    """Generated requests as one person: each sent in process, checked and counted; each distinct mismatch kept."""

    def __init__(self, app, role: str, token: str, pools: dict, failures: dict) -> None:
        self.app, self.role, self.pools, self.failures = app, role, pools, failures
        self.auth = {"Authorization": f"Token {token}"}
        self.sent = 0
        self.statuses: Counter = Counter()

    def run(self, schema) -> None:
        """Every operation of the schema: valid requests, then invalid ones."""
        for result in schema.get_all_operations():
            for mode, examples in EXAMPLES.items():
                self.operation(result.ok(), mode, examples)

    def operation(self, operation, mode: GenerationMode, examples: int) -> None:
        """Up to `examples` generated requests to one operation."""

        @hypothesis_settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def generated(case, data):
            if mode is GenerationMode.POSITIVE:
                aim(case, data, self.pools)
            self.send(case)

        try:
            generated()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, operation.label  # no input to make invalid

    def send(self, case) -> None:
        """Send one request and check its answer against the schema."""
        savepoint = transaction.savepoint()  # each request on its own, as in production
        with time_limit(REQUEST_SECONDS):
            response = case.call(app=self.app, base_url=HOST, headers=self.auth)
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:  # a database error inside the request left the transaction aborted
            transaction.savepoint_rollback(savepoint)
            self.fail(case, response, "Database error in the request", "")
        self.sent += 1
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.auth)
        except FailureGroup as group:
            for failure in group.exceptions:
                self.fail(case, response, failure.title, failure.message)

    def fail(self, case, response, title: str, message: str) -> None:
        """Keep the first request that shows a mismatch, once per role, operation, kind and status."""
        key = (self.role, case.operation.label, title, response.status_code)
        self.failures.setdefault(key, f"{case.as_curl_command(headers=self.auth)}\n{message}".strip())


def test_every_operation_answers_as_the_schema_says_to_regulator_and_officer():
    """At least 1,000 generated requests, as regulator staff then as an officer: no 5xx, every answer documented."""
    regulator = make_person("fuzz-regulator", Role.REGULATOR_STAFF)
    officer = make_person("fuzz-officer", Role.COMPANY_OFFICER, Company.objects.get(code="kansai-td"))
    other_officer = make_person("fuzz-other-officer", Role.COMPANY_OFFICER, Company.objects.get(code="kansai-retail"))
    private_records(officer, other_officer, regulator)
    assert ProgressUpdate.objects.exists()
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    # The token pool holds spare tokens only: a generated DELETE may revoke the token it names.
    spare = [AuthToken.objects.create(person, expiry=ttl)[0].token_key for person in (regulator, officer)]
    schema = schemathesis.openapi.from_path(SCHEMA_PATH)
    pools = record_pools(schema, spare, [officer.company, other_officer.company])
    app = WSGIHandler()
    failures: dict = {}
    fuzzers = [
        Fuzzer(app, role, AuthToken.objects.create(person, expiry=ttl)[1], pools, failures)
        for role, person in (("regulator staff", regulator), ("company officer", officer))
    ]
    started = time.monotonic()
    with in_test_transaction():
        for fuzzer in fuzzers:
            fuzzer.run(schema)
    sent = {fuzzer.role: fuzzer.sent for fuzzer in fuzzers}
    statuses = dict(sorted(sum((fuzzer.statuses for fuzzer in fuzzers), Counter()).items()))
    print(f"{sum(sent.values())} generated requests {sent} in {time.monotonic() - started:.0f} s; statuses {statuses}")
    report = "\n\n".join(
        f"{role}: {label}: {title} (HTTP {status})\n{detail}"
        for (role, label, title, status), detail in failures.items()
    )
    assert not failures, f"{len(failures)} mismatches in {sum(sent.values())} requests:\n\n{report}"
    assert sum(sent.values()) >= MIN_REQUESTS, sent
