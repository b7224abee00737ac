"""Customers and their payment methods at Stripe."""

from __future__ import annotations

import pytest

from pay.errors import InvalidAction, PaymentDeclined
from pay.models import PaymentMethod

pytestmark = pytest.mark.django_db


def test_the_customer_is_created_on_first_use_with_a_link_to_its_owner(stripe_double, user):
    customer = user.set_payment_processor("stripe")
    assert not customer.processor_id
    assert not stripe_double.store.all("customer")

    details = customer.details()

    remote = stripe_double.object(details.processor_id)
    assert (remote["email"], remote["name"]) == ("ada@example.com", "Ada Lovelace")
    assert remote["metadata"] == {"pay_owner": f"testapp.user:{user.pk}"}


def test_a_team_owner_uses_its_billing_email(stripe_double, team):
    customer = team.set_payment_processor("stripe")

    remote = stripe_double.object(customer.details().processor_id)

    assert remote["email"] == "billing@engines.test"


def test_update_customer(stripe_double, stripe_customer):
    stripe_customer.update_processor_customer(email="ada@engines.test", metadata={"plan": "x"})

    remote = stripe_double.object(stripe_customer.processor_id)
    assert remote["email"] == "ada@engines.test"
    assert remote["metadata"]["plan"] == "x"
    assert remote["metadata"]["pay_owner"]


def test_delete_customer_marks_the_row_deleted(stripe_double, stripe_customer):
    stripe_customer.delete_processor_customer()

    assert stripe_customer.deleted_at is not None
    assert stripe_double.store.objects[stripe_customer.processor_id]["deleted"] is True


def test_adding_a_card_token_makes_it_the_default(stripe_double, stripe_customer):
    method = stripe_customer.add_payment_method("tok_mastercard")

    assert (method.brand, method.last4, method.exp_month, method.exp_year) == (
        "mastercard",
        "4444",
        12,
        2034,
    )
    assert stripe_customer.default_payment_method == method
    assert PaymentMethod.objects.filter(customer=stripe_customer, default=True).count() == 1
    remote = stripe_double.object(stripe_customer.processor_id)
    assert remote["invoice_settings"]["default_payment_method"] == method.processor_id


def test_a_card_that_is_declined_cannot_be_added(stripe_double, stripe_customer):
    with pytest.raises(PaymentDeclined):
        stripe_customer.add_payment_method("pm_card_chargeDeclined")

    assert stripe_customer.payment_methods.count() == 1


@pytest.mark.parametrize("token", ["", " ", None])
def test_a_missing_token_is_refused_before_stripe_is_asked(stripe_double, stripe_customer, token):
    asked, kept = len(stripe_double.requests), PaymentMethod.objects.count()

    with pytest.raises(InvalidAction, match="needs the token"):
        stripe_customer.add_payment_method(token)

    assert len(stripe_double.requests) == asked
    assert PaymentMethod.objects.count() == kept


def test_adding_a_non_default_card(stripe_double, stripe_customer):
    method = stripe_customer.add_payment_method("pm_card_amex", default=False)

    assert not method.default
    assert stripe_customer.default_payment_method.brand == "visa"


def test_a_card_saved_through_a_setup_intent(stripe_double, stripe_customer, stripe_processor):
    intent = stripe_processor.create_setup_intent(stripe_customer.details())
    assert intent.client_secret.startswith(intent.processor_id)
    # What Stripe.js does on the page once the customer typed the card in:
    stripe_processor.client.v1.setup_intents.confirm(
        intent.processor_id, {"payment_method": "pm_card_authenticationRequired"}
    )
    assert stripe_processor.retrieve_setup_intent(intent.processor_id).status == "requires_action"
    stripe_double.authenticate(intent.processor_id)

    saved = stripe_processor.retrieve_setup_intent(intent.processor_id)
    method = stripe_customer.add_payment_method(saved.payment_method_processor_id)

    assert saved.status == "succeeded"
    assert method.last4 == "3184"
    assert method.default
