"""The endpoints refuse every bad request with 400 and a reason, and store nothing."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from pay.models import Webhook
from tests.paddle.double import signature_headers, signed_delivery
from tests.stripe_double import sign_payload, sign_webhook
from tests.stripe_double.plugin import WEBHOOK_SECRET

from .conftest import STRIPE_URL, deliver_stripe, post

pytestmark = pytest.mark.django_db

EVENT = {
    "id": "evt_endpoint",
    "object": "event",
    "type": "radar.early_fraud_warning.created",
    "created": 1700000000,
    "data": {"object": {"id": "issfr_1", "object": "radar.early_fraud_warning"}},
}


@pytest.fixture(autouse=True)
def _stripe(stripe_double):
    return stripe_double


def test_a_valid_event_is_stored_and_acknowledged(client):
    response = deliver_stripe(client, EVENT)

    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert (webhook.processor, webhook.event_id) == ("stripe", "evt_endpoint")
    # An event django-pay has no use for is recorded, acknowledged and done with.
    assert webhook.status == Webhook.Status.PROCESSED
    assert webhook.occurred_at == datetime.fromtimestamp(1700000000, tz=UTC)


def test_every_processor_has_its_endpoint_under_pay_urls(client):
    url = reverse("pay:webhook", kwargs={"processor": "stripe"})

    assert url == "/pay/webhooks/stripe/"
    assert deliver_stripe(client, EVENT, url).status_code == 200
    assert Webhook.objects.count() == 1


def test_the_stripe_endpoint_needs_its_trailing_slash(client):
    response = deliver_stripe(client, EVENT, STRIPE_URL.rstrip("/"))

    assert response.status_code in (301, 404)  # APPEND_SLASH redirects, dropping the body
    assert not Webhook.objects.exists()


def _signed(event=EVENT, secret=WEBHOOK_SECRET, at=None):
    return sign_webhook(event, secret, timestamp=at)


def _missing_header():
    body, _ = _signed()
    return body, {}


def _wrong_secret():
    return _signed(secret="whsec_someone_else")


def _tampered_body():
    body, headers = _signed()
    return body.replace(b"evt_endpoint", b"evt_tampered"), headers


def _signed_at(offset):
    return lambda: _signed(at=int(time.time()) + offset)


def _malformed_json():
    return sign_payload(b'{"id": "evt_1", ', WEBHOOK_SECRET)


@pytest.mark.parametrize(
    ("make_request", "reason"),
    [
        (_missing_header, "has no Stripe-Signature header"),
        (_wrong_secret, "No signature matches"),
        (_tampered_body, "No signature matches"),
        (_signed_at(-301), "tolerance"),
        (_signed_at(301), "tolerance"),
        (_malformed_json, "not JSON"),
    ],
    ids=["missing header", "wrong secret", "tampered body", "301 s old", "301 s ahead", "json"],
)
def test_bad_requests_are_refused_and_nothing_is_stored(client, make_request, reason, caplog):
    response = post(client, STRIPE_URL, *make_request())

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Webhook.objects.exists()
    assert WEBHOOK_SECRET not in caplog.text
    assert "Refused a stripe webhook" in caplog.text


@pytest.mark.parametrize(("shift", "status"), [(301, 400), (-301, 400), (300, 200), (-300, 200)])
def test_the_clock_decides_what_is_stale(client, time_machine, shift, status):
    time_machine.move_to("2026-06-01T12:00:00Z", tick=False)
    body, headers = _signed()
    time_machine.shift(shift)  # the same signature, read 301 s later or 301 s earlier

    assert post(client, STRIPE_URL, body, headers).status_code == status
    assert Webhook.objects.count() == (status == 200)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda body, headers: (body, {}),
        lambda body, headers: (body + b" ", headers),
        lambda body, headers: (body, signature_headers(body, "pdl_ntfset_wrong")),
    ],
    ids=["missing header", "tampered body", "wrong secret"],
)
def test_paddle_deliveries_are_verified_too(client, paddle, mangle):
    event = {
        "event_id": "evt_01paddle",
        "event_type": "customer.updated",
        "occurred_at": "2026-01-01T00:00:00Z",
        "data": {"id": "ctm_01"},
    }
    url = "/pay/webhooks/paddle_billing/"

    assert post(client, url, *signed_delivery(event)).status_code == 200
    Webhook.objects.all().delete()
    assert post(client, url, *mangle(*signed_delivery(event))).status_code == 400
    assert not Webhook.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_verified(client, settings):
    settings.PAY_WEBHOOK_MAX_BYTES = 1000
    event = {**EVENT, "data": {"object": {"id": "x", "padding": "x" * 1000}}}

    response = deliver_stripe(client, event)

    assert response.status_code == 400
    assert "larger than 1000 bytes" in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_body_without_a_declared_length_is_cut_at_the_limit(rf, settings):
    from pay.webhooks.views import stripe_webhook

    settings.PAY_WEBHOOK_MAX_BYTES = 100
    body, headers = _signed()
    request = rf.post(STRIPE_URL, body, content_type="application/json", headers=headers)
    del request.META["CONTENT_LENGTH"]

    response = stripe_webhook(request)

    assert response.status_code == 400
    assert not Webhook.objects.exists()


def test_get_is_refused(client):
    response = client.get(STRIPE_URL)

    assert response.status_code == 405
    assert not Webhook.objects.exists()


def test_csrf_is_not_required(stripe_double):
    from django.test import Client

    response = deliver_stripe(Client(enforce_csrf_checks=True), EVENT)

    assert response.status_code == 200


@pytest.mark.parametrize("processor", ["nobody", "fake_processor", "braintree"])
def test_a_processor_without_webhooks_here_is_not_found(client, processor):
    body, headers = _signed()

    response = post(client, f"/pay/webhooks/{processor}/", body, headers)

    assert response.status_code == 404
    assert not Webhook.objects.exists()


def test_without_a_secret_the_server_says_it_is_not_configured(client, settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = None
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("DJSTRIPE_WEBHOOK_SECRET", raising=False)

    response = deliver_stripe(client, EVENT)

    assert response.status_code == 500
    assert not Webhook.objects.exists()


def test_a_repeated_delivery_is_acknowledged_and_stored_once(client):
    answers = [deliver_stripe(client, EVENT) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[-1].content.decode() == "Already processed."
    assert Webhook.objects.get().attempts == 1


def test_the_payload_is_stored_as_sent(client):
    deliver_stripe(client, EVENT)

    assert Webhook.objects.get().payload == json.loads(json.dumps(EVENT))


def test_the_refusal_is_logged_at_warning(client, caplog):
    caplog.set_level(logging.WARNING, logger="pay.webhooks")
    post(client, STRIPE_URL, *_wrong_secret())

    assert any(r.levelno == logging.WARNING for r in caplog.records)
