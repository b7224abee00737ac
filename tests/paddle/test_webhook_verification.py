"""Paddle-Signature verification: only fresh events signed with our secret get through."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from pay.errors import ConfigurationError, WebhookInvalid
from pay.models import Customer, Subscription

from .double import WEBHOOK_SECRET, signature_headers, signed_delivery

pytestmark = pytest.mark.django_db

EVENT = {
    "event_id": "evt_01hv8x2acma2gz9y7h1zg7qtz7",
    "event_type": "subscription.updated",
    "occurred_at": "2024-04-12T10:18:49.621022Z",
    "notification_id": "ntf_01hv8x2af7t6c3d2x1rmpzpq5q",
    "data": {"id": "sub_01hv8x29kz0t586xy6zn1a62ny"},
}


def refused(processor, paddle, body, headers, reason):
    """Verification fails with ``reason``, without a call to Paddle or a row written."""
    calls, rows = len(paddle.requests), (Customer.objects.count(), Subscription.objects.count())
    with pytest.raises(WebhookInvalid, match=reason):
        processor.verify_webhook(body, headers)
    assert len(paddle.requests) == calls
    assert (Customer.objects.count(), Subscription.objects.count()) == rows


def test_a_signed_event_is_verified_and_parsed(processor):
    event = processor.verify_webhook(*signed_delivery(EVENT))

    assert event.event_id == EVENT["event_id"]
    assert event.event_type == "subscription.updated"
    assert event.created == datetime(2024, 4, 12, 10, 18, 49, 621022, tzinfo=UTC)
    assert event.payload == EVENT


def test_header_names_are_case_insensitive(processor):
    body, headers = signed_delivery(EVENT)

    event = processor.verify_webhook(body, {"paddle-signature": headers["Paddle-Signature"]})

    assert event.event_id == EVENT["event_id"]


def test_a_forged_signature_is_refused(processor, paddle):
    body, headers = signed_delivery(EVENT, secret="pdl_ntfset_someone_else")
    refused(processor, paddle, body, headers, "does not match")


def test_a_tampered_body_is_refused(processor, paddle):
    body, headers = signed_delivery(EVENT)
    tampered = body.replace(b"subscription.updated", b"subscription.canceled")
    refused(processor, paddle, tampered, headers, "does not match")


def test_a_signature_moved_to_another_timestamp_is_refused(processor, paddle):
    body, headers = signed_delivery(EVENT)
    signature = headers["Paddle-Signature"].split(";")[1]
    moved = {"Paddle-Signature": f"ts={int(time.time()) - 1};{signature}"}
    refused(processor, paddle, body, moved, "does not match")


def test_a_replay_after_the_tolerance_is_refused(processor, paddle, time_machine):
    body, headers = signed_delivery(EVENT)

    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=6))

    refused(processor, paddle, body, headers, "too old")


def test_the_tolerance_is_a_setting(processor, time_machine, settings):
    settings.PADDLE_WEBHOOK_TOLERANCE = 300
    body, headers = signed_delivery(EVENT)

    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=60))

    assert processor.verify_webhook(body, headers).event_id == EVENT["event_id"]


def test_a_timestamp_from_the_future_is_refused(processor, paddle):
    body, headers = signed_delivery(EVENT, timestamp=int(time.time()) + 60)
    refused(processor, paddle, body, headers, "in the future")


@pytest.mark.parametrize(
    "header",
    ["", "h1=abc", "ts=;h1=abc", "ts=soon;h1=abc", "ts=1700000000", "ts=1;ts=2;h1=abc", "garbage"],
)
def test_a_missing_or_malformed_header_is_refused(processor, paddle, header):
    body, _ = signed_delivery(EVENT)
    headers = {"Paddle-Signature": header} if header else {}
    refused(processor, paddle, body, headers, "Paddle-Signature")


def test_several_secrets_verify_while_rotating(processor, settings):
    settings.PADDLE_WEBHOOK_SECRET = ["pdl_ntfset_new", WEBHOOK_SECRET]

    assert processor.verify_webhook(*signed_delivery(EVENT)).event_id == EVENT["event_id"]
    assert processor.verify_webhook(*signed_delivery(EVENT, "pdl_ntfset_new")).event_id


def test_secrets_can_come_from_the_environment(processor, settings, monkeypatch):
    del settings.PADDLE_WEBHOOK_SECRET
    monkeypatch.setenv("PADDLE_WEBHOOK_SECRET", f"pdl_ntfset_new, {WEBHOOK_SECRET}")

    assert processor.verify_webhook(*signed_delivery(EVENT)).event_id == EVENT["event_id"]


def test_one_good_signature_among_several_is_enough(processor):
    body, headers = signed_delivery(EVENT)
    headers["Paddle-Signature"] += ";h1=" + "0" * 64

    assert processor.verify_webhook(body, headers).event_id == EVENT["event_id"]


def test_a_missing_secret_is_a_configuration_error(processor, settings, monkeypatch):
    del settings.PADDLE_WEBHOOK_SECRET
    monkeypatch.delenv("PADDLE_WEBHOOK_SECRET", raising=False)

    with pytest.raises(ConfigurationError, match="PADDLE_WEBHOOK_SECRET"):
        processor.verify_webhook(*signed_delivery(EVENT))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a Paddle event"),
        (json.dumps({**EVENT, "event_id": None}).encode(), "no event_id"),
        (json.dumps({**EVENT, "data": None}).encode(), "no data"),
        (json.dumps({**EVENT, "occurred_at": "yesterday"}).encode(), "not a time"),
    ],
)
def test_a_signed_body_that_is_not_a_paddle_event_is_refused(processor, paddle, body, reason):
    refused(processor, paddle, body, signature_headers(body), reason)
