"""Verified events change the models once, in order, whatever the deliveries do."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from pay import signals
from pay.models import Charge, Customer, PaymentMethod, Subscription, Webhook
from pay.owners import signed_owner_reference
from pay.webhooks import subscribe, unsubscribe
from pay.webhooks.processing import process
from tests.paddle.conftest import BASIC, PRO, checkout
from tests.paddle.double import signed_delivery

from .conftest import deliver_all, deliver_stripe, post, state

pytestmark = pytest.mark.django_db

PADDLE_URL = "/pay/webhooks/paddle_billing/"


def deliver_paddle(client, event):
    return post(client, PADDLE_URL, *signed_delivery(event))


# Stripe, end to end


def test_stripe_events_bring_in_what_happened_elsewhere(stripe_double, stripe_customer, client):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    subscription.cancel()
    expected = state(subscription)
    Subscription.objects.all().delete()
    Charge.objects.all().delete()

    assert set(deliver_all(client, stripe_double)) == {200}

    recorded = Subscription.objects.get()
    assert recorded.details() == expected
    assert Charge.objects.get().amount == 1000
    assert stripe_customer.payment_methods.get().default
    assert Webhook.objects.filter(status=Webhook.Status.PROCESSED).count() == len(
        stripe_double.events
    )


def test_the_same_event_five_times_changes_things_once(
    stripe_double, stripe_customer, client, mailoutbox
):
    stripe_customer.charge(2500)
    Charge.objects.all().delete()
    (succeeded,) = stripe_double.events_of("charge.succeeded")
    received = []
    receiver = lambda **kwargs: received.append(kwargs)  # noqa: E731
    signals.charge_succeeded.connect(receiver)

    try:
        answers = [deliver_stripe(client, succeeded).status_code for _ in range(5)]
    finally:
        signals.charge_succeeded.disconnect(receiver)

    assert answers == [200] * 5
    assert Charge.objects.count() == 1
    assert len(received) == 1
    assert len(mailoutbox) == 1
    assert Webhook.objects.get().attempts == 1


def test_a_customer_deleted_at_stripe_is_marked_deleted(stripe_double, stripe_customer, client):
    stripe_customer.delete_processor_customer()
    Customer.objects.update(deleted_at=None, default=True)

    deliver_stripe(client, stripe_double.events_of("customer.deleted")[-1])

    assert Customer.objects.get().deleted_at is not None


def test_a_detached_card_is_removed(stripe_double, stripe_customer, client, stripe_processor):
    method = stripe_customer.default_payment_method
    stripe_processor.client.v1.payment_methods.detach(method.processor_id)

    deliver_stripe(client, stripe_double.events_of("payment_method.detached")[-1])

    assert not PaymentMethod.objects.exists()


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_stripe_events_in_any_order_leave_the_current_state(
    stripe_double, stripe_customer, client, time_machine, order
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly", quantity=2)
    subscription.swap("price_pro_monthly")
    subscription.cancel_now()
    expected = state(subscription)
    events = stripe_double.events_of(
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    )
    assert len(events) == 4
    Subscription.objects.all().delete()

    for index in order:
        assert deliver_stripe(client, events[index]).status_code == 200

    assert Subscription.objects.get().details() == expected


# Paddle sends snapshots: order matters, and older snapshots must lose.


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_paddle_snapshots_in_any_order_leave_the_newest_state(client, paddle_lifecycle, order):
    events, expected = paddle_lifecycle
    Subscription.objects.all().delete()

    for index in order:
        assert deliver_paddle(client, events[index]).status_code == 200

    subscription = Subscription.objects.get()
    assert subscription.details() == expected
    assert subscription.status == "canceled"
    assert (subscription.quantity, subscription.processor_plan) == (3, PRO)
    assert Webhook.objects.filter(status=Webhook.Status.PROCESSED).count() == 4


def test_a_late_snapshot_does_not_undo_a_change_made_through_the_api(
    client, paddle, paddle_customer, time_machine
):
    time_machine.move_to("2026-01-01T00:00:00Z", tick=False)
    subscription = checkout(paddle_customer, paddle, BASIC)
    (created,) = paddle.events_of("subscription.created")
    time_machine.shift(timedelta(minutes=1))
    subscription.cancel_now()

    deliver_paddle(client, created)

    assert state(subscription).status == "canceled"


def test_a_signed_owner_reference_creates_the_customer(client, paddle, user, time_machine):
    customer = user.set_payment_processor("paddle_billing")
    subscription = checkout(customer, paddle, BASIC)
    (created,) = paddle.events_of("subscription.created")
    assert created["data"]["custom_data"]["pay_owner"] == signed_owner_reference(user)
    Subscription.objects.all().delete()
    Customer.objects.all().delete()

    deliver_paddle(client, created)

    customer = Customer.objects.get()
    assert customer.owner == user
    assert customer.processor_id == created["data"]["customer_id"]
    assert customer.subscriptions.get().processor_id == subscription.processor_id


def test_a_stripe_checkout_for_an_unknown_customer_finds_its_owner(stripe_double, user, client):
    customer = user.set_payment_processor("stripe")
    session = customer.checkout(
        line_items=[{"price": "price_basic_monthly"}],
        success_url="https://app.test/",
        cancel_url="https://app.test/",
    )
    stripe_double.complete_checkout(session.processor_id)
    processor_id = customer.processor_id
    Customer.objects.all().delete()

    deliver_stripe(client, stripe_double.events_of("checkout.session.completed")[-1])

    customer = Customer.objects.get()
    assert (customer.owner, customer.processor_id) == (user, processor_id)
    assert customer.subscriptions.get().status == "active"


def test_a_subscription_of_a_customer_unknown_here_fails_visibly(client, paddle, user):
    customer = user.set_payment_processor("paddle_billing")
    checkout(customer, paddle, BASIC)
    (created,) = paddle.events_of("subscription.created")
    created["data"]["custom_data"] = None
    Customer.objects.all().delete()

    assert deliver_paddle(client, created).status_code == 200

    assert not Customer.objects.exists()
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    assert "is not known here" in webhook.last_error


def test_an_owner_linked_to_another_customer_there_is_not_relinked(client, paddle, user):
    customer = user.set_payment_processor("paddle_billing")
    checkout(customer, paddle, BASIC)
    (created,) = paddle.events_of("subscription.created")
    Subscription.objects.all().delete()
    Customer.objects.update(processor_id="ctm_other")

    deliver_paddle(client, created)

    assert Customer.objects.get().processor_id == "ctm_other"
    assert not Subscription.objects.exists()
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    assert "already has the paddle_billing customer ctm_other" in webhook.last_error


def test_a_forged_owner_reference_creates_nothing_and_fails_the_event(client, paddle, user, team):
    customer = user.set_payment_processor("paddle_billing")
    checkout(customer, paddle, BASIC)
    (created,) = paddle.events_of("subscription.created")
    Subscription.objects.all().delete()
    Customer.objects.all().delete()
    reference = created["data"]["custom_data"]["pay_owner"]
    created["data"]["custom_data"]["pay_owner"] = reference.replace(
        f"user:{user.pk}", f"team:{team.pk}"
    )

    response = deliver_paddle(client, created)

    assert response.status_code == 200  # retrying cannot help: the event is failed for good
    assert not Customer.objects.exists()
    assert not Subscription.objects.exists()
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    assert "signature does not match" in webhook.last_error


@pytest.mark.parametrize(
    "data",
    [{"object": {}}, {"object": {"id": None}}],
    ids=["no id", "id is null"],
)
def test_a_signed_event_that_cannot_be_read_fails_for_good(client, stripe_double, data):
    event = {
        "id": "evt_garbled",
        "object": "event",
        "type": "customer.subscription.updated",
        "created": 1700000000,
        "data": data,
    }

    answers = [deliver_stripe(client, event).status_code for _ in range(2)]

    assert answers == [200, 200]  # a redelivery brings the same payload: retrying cannot help
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    assert "The customer.subscription.updated event cannot be read" in webhook.last_error
    assert webhook.attempts == 2


# Custom handlers and signals


def test_custom_handlers_run_once_after_the_builtin_handling(
    stripe_double, stripe_customer, client
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    subscription.cancel_now()
    Subscription.objects.all().delete()
    seen: list[tuple[str, str, str | None]] = []

    def first(webhook):
        seen.append(("first", webhook.event_type, Subscription.objects.get().status))

    def second(webhook):
        seen.append(("second", webhook.event_type, None))

    processed = []
    receiver = lambda webhook, changes, **kw: processed.append(webhook.event_type)  # noqa: E731
    signals.webhook_processed.connect(receiver)
    subscribe("stripe.customer.subscription.deleted", first)
    subscribe("stripe.customer.subscription.deleted", second)
    try:
        for _ in range(3):
            deliver_stripe(client, stripe_double.events_of("customer.subscription.deleted")[0])
        unsubscribe("stripe.customer.subscription.deleted", second)
        deliver_stripe(client, stripe_double.events_of("customer.subscription.created")[0])
    finally:
        unsubscribe("stripe.customer.subscription.deleted", first)
        unsubscribe("stripe.customer.subscription.deleted", second)
        signals.webhook_processed.disconnect(receiver)

    assert seen == [
        ("first", "customer.subscription.deleted", "canceled"),
        ("second", "customer.subscription.deleted", None),
    ]
    assert processed == ["customer.subscription.deleted", "customer.subscription.created"]


def test_a_failing_handler_rolls_the_event_back_for_a_retry(stripe_double, stripe_customer, client):
    stripe_customer.subscribe(plan="price_basic_monthly")
    Subscription.objects.all().delete()
    (created,) = stripe_double.events_of("customer.subscription.created")

    def broken(webhook):
        raise RuntimeError("the handler's database is down")

    subscribe("stripe.customer.subscription.created", broken)
    try:
        response = deliver_stripe(client, created)
    finally:
        unsubscribe("stripe.customer.subscription.created", broken)

    assert response.status_code == 500
    webhook = Webhook.objects.get()
    assert (webhook.status, webhook.attempts) == (Webhook.Status.FAILED, 1)
    assert "the handler's database is down" in webhook.last_error
    assert not Subscription.objects.exists()

    # The processor delivers it again, and this time it goes through.
    assert deliver_stripe(client, created).status_code == 200
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_error) == ("processed", 2, "")
    assert Subscription.objects.exists()


def test_replay_applies_a_processed_event_again(stripe_double, stripe_customer, client):
    stripe_customer.subscribe(plan="price_basic_monthly")
    deliver_stripe(client, stripe_double.events_of("customer.subscription.created")[0])
    Subscription.objects.all().delete()

    webhook = process(Webhook.objects.get().pk, replay=True)

    assert webhook.attempts == 2
    assert Subscription.objects.exists()
