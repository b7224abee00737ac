from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from pay.errors import WebhookInvalid
from pay.processors.data import ChargeChanged, PaymentProblem, SubscriptionChanged

from .webhooks import delivery, fields, form, signed

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_a_signed_notification_is_verified(processor):
    event = processor.verify_webhook(delivery(processor, "subscription_went_active", "sub1"), {})

    assert event.event_type == "subscription_went_active"
    assert event.created == NOW
    assert event.event_id.startswith("bt_")
    assert event.payload["subject_id"] == "sub1"
    json.dumps(event.payload)  # the webhook log stores it


def test_the_event_id_is_stable_for_the_same_notification(processor, time_machine):
    first = processor.verify_webhook(delivery(processor, "subscription_canceled", "sub1"), {})
    again = processor.verify_webhook(delivery(processor, "subscription_canceled", "sub1"), {})
    other_subject = processor.verify_webhook(
        delivery(processor, "subscription_canceled", "sub2"), {}
    )
    other_kind = processor.verify_webhook(delivery(processor, "subscription_expired", "sub1"), {})
    time_machine.move_to(NOW + timedelta(seconds=1))
    later = processor.verify_webhook(delivery(processor, "subscription_canceled", "sub1"), {})

    assert first.event_id == again.event_id
    assert len({first.event_id, other_subject.event_id, other_kind.event_id, later.event_id}) == 4


def test_an_altered_payload_is_refused(processor):
    genuine = fields(delivery(processor, "subscription_canceled", "sub1"))
    xml = base64.b64decode(genuine["bt_payload"]).replace(b"sub1", b"sub2")
    tampered = form(genuine["bt_signature"], base64.encodebytes(xml))

    with pytest.raises(WebhookInvalid, match="does not match"):
        processor.verify_webhook(tampered, {})


def test_a_signature_made_with_another_key_is_refused(processor):
    genuine = fields(delivery(processor, "subscription_canceled", "sub1"))
    xml = base64.b64decode(genuine["bt_payload"])

    with pytest.raises(WebhookInvalid, match="does not match"):
        processor.verify_webhook(signed(xml, private_key="an-attackers-key"), {})
    with pytest.raises(WebhookInvalid, match="does not match"):
        processor.verify_webhook(signed(xml, public_key="someone-else"), {})


def test_a_replay_older_than_the_tolerance_is_refused(processor, time_machine):
    body = delivery(processor, "subscription_canceled", "sub1")

    time_machine.move_to(NOW + timedelta(hours=24))
    assert processor.verify_webhook(body, {}).event_type == "subscription_canceled"

    time_machine.move_to(NOW + timedelta(hours=25, seconds=1))
    with pytest.raises(WebhookInvalid, match="too old"):
        processor.verify_webhook(body, {})


def test_the_tolerance_is_a_setting(processor, settings, time_machine):
    settings.BRAINTREE_WEBHOOK_TOLERANCE = 60
    body = delivery(processor, "subscription_canceled", "sub1")

    time_machine.move_to(NOW + timedelta(seconds=61))

    with pytest.raises(WebhookInvalid, match="too old"):
        processor.verify_webhook(body, {})


def test_a_notification_from_the_future_is_refused(processor, time_machine):
    time_machine.move_to(NOW + timedelta(hours=1))
    body = delivery(processor, "subscription_canceled", "sub1")
    time_machine.move_to(NOW)

    with pytest.raises(WebhookInvalid, match="future"):
        processor.verify_webhook(body, {})


@pytest.mark.parametrize(
    "body",
    [b"", b'{"kind": "subscription_canceled"}', b"bt_signature=abc", b"\xff\xfe"],
)
def test_a_body_that_is_not_braintrees_form_is_refused(processor, body):
    with pytest.raises(WebhookInvalid):
        processor.verify_webhook(body, {})


def test_a_signed_payload_that_is_not_a_notification_is_refused(processor):
    with pytest.raises(WebhookInvalid, match="not a Braintree notification"):
        processor.verify_webhook(signed(b"<nonsense/>"), {})


# Translation: the subscription is re-read, so the change is its current state.


def verified(processor, kind, subject_id):
    return processor.verify_webhook(delivery(processor, kind, subject_id), {})


def test_subscription_notifications_report_the_current_subscription(processor, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    processor.gateway.subscription.cancel(subscription.processor_id)  # in the Control Panel

    changes = processor.translate_webhook(
        verified(processor, "subscription_canceled", subscription.processor_id)
    )

    assert len(changes) == 1
    change = changes[0]
    assert isinstance(change, SubscriptionChanged)
    assert change.customer_processor_id == braintree_customer.processor_id
    assert change.subscription.processor_id == subscription.processor_id
    assert change.subscription.status == "canceled"
    assert change.subscription.ends_at == NOW


def test_a_successful_renewal_reports_the_subscription_and_its_sale(
    processor, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))

    changes = processor.translate_webhook(
        verified(processor, "subscription_charged_successfully", subscription.processor_id)
    )

    renewed, sale = changes
    assert isinstance(renewed, SubscriptionChanged)
    assert renewed.subscription.current_period_start == datetime(2026, 4, 10, tzinfo=UTC)
    assert isinstance(sale, ChargeChanged)
    assert sale.charge.amount == 1000
    assert sale.charge.subscription_processor_id == subscription.processor_id
    assert sale.customer_processor_id == braintree_customer.processor_id


def test_a_failed_renewal_reports_a_payment_problem(
    processor, braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    braintree_double.subscriptions[subscription.processor_id]["price"] = 2000  # declined
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))

    changes = processor.translate_webhook(
        verified(processor, "subscription_charged_unsuccessfully", subscription.processor_id)
    )

    past_due, problem = changes
    assert isinstance(past_due, SubscriptionChanged)
    assert past_due.subscription.status == "past_due"
    assert problem == PaymentProblem(
        customer_processor_id=braintree_customer.processor_id,
        subscription_processor_id=subscription.processor_id,
        reason="Do Not Honor",
        amount=200000,
        currency="usd",
    )


def test_a_stored_notification_is_translated_after_the_tolerance(
    processor, braintree_customer, time_machine
):
    """The webhook log may process (or retry) an event long after it was verified."""
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    event = verified(processor, "subscription_went_active", subscription.processor_id)
    stored = json.loads(json.dumps(event.payload))

    time_machine.move_to(NOW + timedelta(days=3))
    changes = processor.translate_webhook(
        type(event)(event.event_id, event.event_type, event.created, stored)
    )

    assert [type(change) for change in changes] == [SubscriptionChanged]


@pytest.mark.parametrize(
    "kind",
    ["check", "disbursement", "disbursement_exception", "dispute_opened", "dispute_lost"],
)
def test_disbursements_disputes_and_checks_change_nothing(processor, kind):
    assert processor.translate_webhook(verified(processor, kind, "abc123")) == []
