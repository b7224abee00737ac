from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from pay.errors import WebhookInvalid
from pay.processors.data import (
    ChargeChanged,
    ChargeSucceeded,
    PaymentMethodRemoved,
    PaymentProblem,
    SubscriptionChanged,
)

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


@pytest.mark.parametrize(
    "xml",
    [
        b"<nonsense/>",
        b"<notification><kind>check</kind></notification>",
        b"<notification><kind>check</kind><subject>text</subject></notification>",
    ],
)
def test_a_signed_payload_that_is_not_a_notification_is_refused(processor, xml):
    with pytest.raises(WebhookInvalid, match=r"not a Braintree notification|no timestamp"):
        processor.verify_webhook(signed(xml), {})


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


def test_a_trial_cancelled_for_its_end_stays_on_trial_when_braintree_reports_it(
    processor, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="basic-monthly", trial_period_days=14)
    subscription.cancel()

    (change,) = processor.translate_webhook(
        verified(processor, "subscription_canceled", subscription.processor_id)
    )

    assert isinstance(change, SubscriptionChanged)
    assert change.subscription.status == "trialing"
    assert change.subscription.ends_at == NOW + timedelta(days=14)


def from_double(processor, double, kind):
    return processor.verify_webhook(signed(double.notification(kind)), {})


def test_a_successful_renewal_reports_the_subscription_and_its_sale(
    processor, braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))
    subscription.sync()  # Braintree renews it: the double bills when asked

    changes = processor.translate_webhook(
        from_double(processor, braintree_double, "subscription_charged_successfully")
    )

    renewed, sale = changes
    assert isinstance(renewed, SubscriptionChanged)
    assert renewed.subscription.current_period_start == datetime(2026, 4, 10, tzinfo=UTC)
    assert isinstance(sale, ChargeSucceeded)
    assert sale.charge.amount == 1000
    assert sale.charge.subscription_processor_id == subscription.processor_id
    assert sale.customer_processor_id == braintree_customer.processor_id


def test_a_renewal_processed_late_reports_its_own_sale_and_the_current_subscription(
    processor, braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))
    subscription.sync()
    april_sale = braintree_double.subscriptions[subscription.processor_id]["transactions"][0]
    april = from_double(processor, braintree_double, "subscription_charged_successfully")
    time_machine.move_to(datetime(2026, 5, 10, 8, tzinfo=UTC))
    subscription.sync()

    renewed, sale = processor.translate_webhook(april)  # a retry from the webhook log

    assert sale.charge.processor_id == april_sale["id"]
    assert renewed.subscription.current_period_start == datetime(2026, 5, 10, tzinfo=UTC)


def test_a_failed_renewal_reports_a_payment_problem(
    processor, braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    braintree_double.subscriptions[subscription.processor_id]["price"] = 2000  # declined
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))
    subscription.sync()

    changes = processor.translate_webhook(
        from_double(processor, braintree_double, "subscription_charged_unsuccessfully")
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


def test_a_settled_sale_or_refund_reports_the_sale(processor, braintree_double, braintree_customer):
    charge = braintree_customer.charge(2500)
    braintree_double.settle(charge.processor_id)

    (settled,) = processor.translate_webhook(
        from_double(processor, braintree_double, "transaction_settled")
    )
    charge.refund(1000)
    refund_id = charge.data["refunds"][0]["id"]
    braintree_double.settle(refund_id)
    (refunded,) = processor.translate_webhook(
        from_double(processor, braintree_double, "transaction_settled")
    )

    assert isinstance(settled, ChargeChanged)
    assert settled.customer_processor_id == braintree_customer.processor_id
    assert (settled.charge.processor_id, settled.charge.data["status"]) == (
        charge.processor_id,
        "settled",
    )
    assert (refunded.charge.processor_id, refunded.charge.amount_refunded) == (
        charge.processor_id,
        1000,
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


def test_a_revoked_paypal_agreement_removes_the_payment_method(processor):
    (change,) = processor.translate_webhook(
        verified(processor, "payment_method_revoked_by_customer", "pm_token")
    )

    assert change == PaymentMethodRemoved("a-customer-id", "pm_token")


@pytest.mark.parametrize(
    "kind",
    ["check", "disbursement", "disbursement_exception", "dispute_opened", "dispute_lost"],
)
def test_disbursements_disputes_and_checks_change_nothing(processor, kind):
    assert processor.translate_webhook(verified(processor, kind, "abc123")) == []
