"""Stripe Checkout and the Customer Portal."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pay.errors import InvalidAction
from pay.processors.data import LineItem
from pay.processors.stripe.checkout import with_session_id

pytestmark = pytest.mark.django_db


def start_checkout(customer, **options):
    return customer.checkout(
        line_items=[{"price": "price_seat_monthly", "quantity": 3, "adjustable_quantity": True}],
        success_url="https://app.test/billing/done/",
        cancel_url="https://app.test/billing/",
        **options,
    )


def test_subscription_checkout_ties_the_session_to_the_owner(stripe_double, user):
    customer = user.set_payment_processor("stripe")

    session = start_checkout(customer, name="team", allow_promotion_codes=True)

    assert session.url.startswith("https://checkout.stripe.com/")
    assert session.customer_processor_id == customer.processor_id
    remote = stripe_double.store.objects[session.processor_id]
    assert remote["client_reference_id"] == f"testapp.user:{user.pk}"
    assert remote["metadata"] == {"pay_owner": f"testapp.user:{user.pk}"}
    assert remote["success_url"] == (
        "https://app.test/billing/done/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert remote["_subscription_data"]["metadata"]["pay_name"] == "team"
    assert remote["_line_items"][0]["adjustable_quantity"] == {"enabled": True, "minimum": 1}


def test_returning_from_checkout_records_the_subscription_at_once(stripe_double, user):
    customer = user.set_payment_processor("stripe")
    session = start_checkout(customer, name="team")
    stripe_double.complete_checkout(session.processor_id, quantity=5)

    subscription = customer.sync_checkout_session(session.processor_id)

    assert subscription is not None
    assert subscription.name == "team"
    assert subscription.quantity == 5
    assert subscription.active()
    assert customer.subscribed("team")
    card = customer.default_payment_method
    assert card is not None
    assert (card.brand, card.last4) == ("visa", "4242")


def test_a_checkout_that_is_not_finished_records_nothing(stripe_double, user):
    customer = user.set_payment_processor("stripe")
    session = start_checkout(customer)

    assert customer.sync_checkout_session(session.processor_id) is None
    assert not customer.subscriptions.exists()


def test_someone_elses_checkout_session_is_refused(stripe_double, user, team):
    theirs = team.set_payment_processor("stripe")
    session = start_checkout(theirs)
    stripe_double.complete_checkout(session.processor_id)
    mine = user.set_payment_processor("stripe")
    mine.details()

    with pytest.raises(InvalidAction, match="another customer"):
        mine.sync_checkout_session(session.processor_id)

    assert not mine.subscriptions.exists()


def test_payment_and_setup_checkouts(stripe_double, user):
    customer = user.set_payment_processor("stripe")

    payment = customer.checkout(
        mode="payment",
        line_items=[LineItem(price="price_one_off_ebook", quantity=2)],
        success_url="https://app.test/thanks/?from=checkout",
        cancel_url="https://app.test/",
    )
    setup = customer.checkout(
        mode="setup", line_items=[], success_url="https://app.test/", cancel_url="https://app.test/"
    )

    assert parse_qs(
        urlsplit(stripe_double.store.objects[payment.processor_id]["success_url"]).query
    ) == {
        "from": ["checkout"],
        "session_id": ["{CHECKOUT_SESSION_ID}"],
    }
    stripe_double.complete_checkout(payment.processor_id)
    completed = customer.backend.retrieve_checkout(payment.processor_id)
    assert completed.status == "complete"
    assert completed.data["payment_intent"]
    assert completed.subscription is None
    assert stripe_double.object(setup.processor_id)["mode"] == "setup"


@pytest.mark.parametrize(
    ("line_items", "message"),
    [
        ([], "needs at least one line item"),
        ([{"price": ""}], "price id"),
        ([{"price": "price_seat_monthly", "seats": 3}], "take price, quantity"),
    ],
)
def test_bad_line_items_are_refused_before_stripe_is_asked(
    stripe_double, user, line_items, message
):
    customer = user.set_payment_processor("stripe")

    with pytest.raises(InvalidAction, match=message):
        customer.checkout(
            line_items=line_items,
            success_url="https://app.test/billing/done/",
            cancel_url="https://app.test/billing/",
        )

    assert not stripe_double.store.all("checkout.session")


def test_with_session_id_keeps_fragments_and_existing_placeholders():
    assert with_session_id("https://a.test/x#top") == (
        "https://a.test/x?session_id={CHECKOUT_SESSION_ID}#top"
    )
    already = "https://a.test/x?s={CHECKOUT_SESSION_ID}"
    assert with_session_id(already) == already


def test_billing_portal_returns_stripes_url(stripe_double, stripe_customer):
    url = stripe_customer.billing_portal(return_url="https://app.test/billing/")

    assert url.startswith("https://billing.stripe.com/")
    (portal,) = stripe_double.store.all("billing_portal.session")
    assert portal["return_url"] == "https://app.test/billing/"
    assert portal["customer"] == stripe_customer.processor_id
