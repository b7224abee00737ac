"""X-Signature checks: only bodies signed with a configured secret, unchanged, get through."""

from __future__ import annotations

import json

import pytest

from pay.errors import ConfigurationError, WebhookInvalid

from .conftest import BASIC
from .double import signature_headers, signed_delivery
from .flows import start_checkout


@pytest.fixture
def event(lemon, lemon_customer):
    session = start_checkout(lemon_customer, BASIC)
    subscription = lemon.complete_checkout(session.processor_id)
    return next(
        e for e in lemon.events_of("subscription_created") if e["data"]["id"] == subscription["id"]
    )


pytestmark = pytest.mark.django_db


def test_a_signed_event_is_verified_with_its_time_and_a_stable_id(processor, event):
    body, headers = signed_delivery(event)

    verified = processor.verify_webhook(body, headers)
    retried = processor.verify_webhook(body, headers)

    assert verified.event_type == "subscription_created"
    assert verified.created.isoformat().startswith(event["data"]["attributes"]["updated_at"][:19])
    assert verified.event_id == retried.event_id
    assert verified.event_id.startswith(
        f"subscription_created:subscriptions:{event['data']['id']}:"
    )


def test_a_different_event_about_the_same_subscription_has_another_id(processor, event):
    updated = {**event, "meta": {**event["meta"], "event_name": "subscription_updated"}}

    first = processor.verify_webhook(*signed_delivery(event))
    second = processor.verify_webhook(*signed_delivery(updated))

    assert first.event_id != second.event_id


def test_a_forged_signature_is_refused(processor, event):
    body, headers = signed_delivery(event, secret="not-the-secret")

    with pytest.raises(WebhookInvalid, match="does not match"):
        processor.verify_webhook(body, headers)


def test_a_tampered_body_is_refused(processor, event):
    body, headers = signed_delivery(event)
    tampered = body.replace(b'"status": "active"', b'"status": "expired"')
    assert tampered != body

    with pytest.raises(WebhookInvalid, match="does not match"):
        processor.verify_webhook(tampered, headers)


def test_an_unsigned_request_is_refused(processor, event):
    body, headers = signed_delivery(event)
    del headers["X-Signature"]

    with pytest.raises(WebhookInvalid, match="no X-Signature header"):
        processor.verify_webhook(body, headers)


@pytest.mark.parametrize("signature", ["", "abc", "é" * 64, "sha256=" + "0" * 64])
def test_a_malformed_signature_is_refused(processor, event, signature):
    body, headers = signed_delivery(event)

    with pytest.raises(WebhookInvalid):
        processor.verify_webhook(body, {**headers, "X-Signature": signature})


def test_every_secret_is_tried_while_rotating(processor, event, settings):
    settings.LEMON_SQUEEZY_WEBHOOK_SECRET = ["new-secret", "old-secret"]

    assert processor.verify_webhook(*signed_delivery(event, secret="old-secret"))
    assert processor.verify_webhook(*signed_delivery(event, secret="new-secret"))


def test_headers_are_matched_whatever_their_case(processor, event):
    body, headers = signed_delivery(event)

    assert processor.verify_webhook(body, {"x-signature": headers["X-Signature"]})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[]", "no meta or data"),
        (json.dumps({"meta": {}, "data": {"type": "orders", "id": "1"}}).encode(), "no event_name"),
        (
            json.dumps(
                {"meta": {"event_name": "order_created"}, "data": {"type": "orders", "id": "1"}}
            ).encode(),
            "no attributes",
        ),
        (
            json.dumps(
                {
                    "meta": {"event_name": "order_created"},
                    "data": {"type": "orders", "id": "1", "attributes": {}},
                }
            ).encode(),
            "no updated_at",
        ),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(processor, lemon, body, reason):
    with pytest.raises(WebhookInvalid, match=reason):
        processor.verify_webhook(body, signature_headers(body, "order_created"))


def test_a_missing_secret_names_the_setting(processor, event, settings, monkeypatch):
    del settings.LEMON_SQUEEZY_WEBHOOK_SECRET
    monkeypatch.delenv("LEMON_SQUEEZY_WEBHOOK_SECRET", raising=False)

    with pytest.raises(ConfigurationError, match="LEMON_SQUEEZY_WEBHOOK_SECRET"):
        processor.verify_webhook(*signed_delivery(event))
