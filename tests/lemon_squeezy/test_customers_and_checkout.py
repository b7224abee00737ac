"""Customers, checkouts, the portal and refunds, as Lemon Squeezy's API receives them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from pay.errors import (
    ConfigurationError,
    InvalidAction,
    NotSupported,
    ProcessorError,
)
from pay.models import Charge
from pay.owners import resolve_owner
from pay.processors.data import ChargeChanged

from .conftest import BASIC, ONCE
from .double import STORE_ID
from .flows import (
    charge_through_checkout,
    deliver,
    only,
    start_checkout,
    subscribe_through_checkout,
)

pytestmark = pytest.mark.django_db


def test_a_customer_is_created_in_the_store_with_the_owners_email(lemon, lemon_customer):
    [customer] = lemon.customers.values()
    method, path, body = lemon.requests[-1]

    assert lemon_customer.processor_id == customer["id"]
    assert (customer["email"], customer["name"]) == ("ada@example.com", "Ada Lovelace")
    assert (method, path) == ("POST", "customers")
    assert body["data"]["relationships"]["store"]["data"] == {"type": "stores", "id": STORE_ID}


def test_an_existing_customer_with_that_email_is_reused(lemon, user):
    existing = lemon._new_customer("ada@example.com", "Ada")

    customer = user.set_payment_processor("lemon_squeezy")

    assert customer.details().processor_id == existing["id"]
    assert len(lemon.customers) == 1


def test_a_customer_needs_an_email(lemon, user):
    user.email = ""
    user.save()

    with pytest.raises(InvalidAction, match="needs an email"):
        user.set_payment_processor("lemon_squeezy").details()
    assert not lemon.customers


def test_update_and_delete_archive_rather_than_delete(lemon, lemon_customer):
    lemon_customer.update_processor_customer(name="Augusta Ada King")
    with pytest.raises(InvalidAction, match="cannot change a customer's metadata"):
        lemon_customer.update_processor_customer(metadata={"a": 1})

    lemon_customer.delete_processor_customer()

    customer = lemon.customers[lemon_customer.processor_id]
    assert (customer["name"], customer["status"]) == ("Augusta Ada King", "archived")


@pytest.mark.parametrize("setting", ["LEMON_SQUEEZY_API_KEY", "LEMON_SQUEEZY_STORE_ID"])
def test_missing_credentials_name_the_setting(
    lemon, lemon_customer, settings, monkeypatch, setting
):
    delattr(settings, setting)
    monkeypatch.delenv(setting, raising=False)

    with pytest.raises(ConfigurationError, match=setting):
        start_checkout(lemon_customer, BASIC)
    assert not lemon.checkouts


def test_the_key_comes_from_the_environment_when_settings_lack_it(
    lemon, lemon_customer, settings, monkeypatch
):
    monkeypatch.setenv("LEMON_SQUEEZY_API_KEY", settings.LEMON_SQUEEZY_API_KEY)
    del settings.LEMON_SQUEEZY_API_KEY

    assert start_checkout(lemon_customer, BASIC).url


def test_an_api_refusal_is_a_processor_error_with_lemon_squeezys_detail(lemon, lemon_customer):
    with pytest.raises(ProcessorError, match=r"Variant 999 does not exist\. \(HTTP 422\)"):
        start_checkout(lemon_customer, "999")


def test_a_checkout_carries_the_signed_owner_the_quantity_and_the_redirect(
    lemon, lemon_customer, user
):
    session = start_checkout(lemon_customer, BASIC, quantity=3, name="seats")

    checkout = lemon.checkouts[session.processor_id]
    data = checkout["checkout_data"]
    assert session.url == checkout["url"]
    assert session.customer_processor_id == lemon_customer.processor_id
    assert resolve_owner(data["custom"]["pay_owner"]) == user
    assert data["custom"]["pay_name"] == "seats"
    assert data["email"] == "ada@example.com"
    assert data["variant_quantities"] == [{"variant_id": int(BASIC), "quantity": 3}]
    assert checkout["product_options"]["redirect_url"] == "https://app.example.test/thanks"


@pytest.mark.parametrize(
    ("line_items", "options", "error"),
    [
        ([{"price": BASIC}, {"price": ONCE}], {}, InvalidAction),
        ([{"price": BASIC}], {"allow_promotion_codes": True}, InvalidAction),
        ([{"price": BASIC}], {"mode": "setup"}, NotSupported),
    ],
    ids=["two-variants", "unknown-option", "setup-mode"],
)
def test_checkouts_django_pay_cannot_make_are_refused(
    lemon, lemon_customer, line_items, options, error
):
    with pytest.raises(error):
        lemon_customer.checkout(
            line_items=line_items, success_url="https://a.test", cancel_url="", **options
        )
    assert not lemon.checkouts


def test_a_checkout_does_not_lead_back_to_its_order(lemon, lemon_customer):
    session = start_checkout(lemon_customer, BASIC)

    with pytest.raises(NotSupported, match="arrives by webhook"):
        lemon_customer.sync_checkout_session(session.processor_id)


def test_the_billing_portal_is_the_customers_signed_portal_link(lemon, lemon_customer):
    url = lemon_customer.billing_portal(return_url="https://app.example.test/billing")

    assert url == lemon.customers[lemon_customer.processor_id]["urls"]["customer_portal"]


def test_refunds_of_a_subscription_payment_go_to_its_invoice(lemon, lemon_customer):
    subscription = subscribe_through_checkout(lemon_customer, lemon, BASIC)
    paid = only(
        deliver(lemon_customer, lemon.events_of("subscription_payment_success")[-1]), ChargeChanged
    )
    charge = Charge.objects.record(lemon_customer, paid.charge)

    charge.refund()

    assert charge.subscription == subscription
    assert charge.fully_refunded()
    assert lemon.invoices["1"]["status"] == "refunded"
    assert lemon.orders["1"]["refunded_amount"] == 0


def test_a_refund_beyond_what_is_left_is_refused_by_lemon_squeezy(lemon, lemon_customer, processor):
    charge = charge_through_checkout(lemon_customer, lemon, ONCE)
    charge.refund(4000)

    with pytest.raises(ProcessorError, match="between 1 and 1000"):
        processor.refund(charge.details(), 2000)

    assert lemon.orders["1"]["refunded_amount"] == 4000


def test_one_off_charges_through_the_api_are_refused(lemon, lemon_customer):
    with pytest.raises(NotSupported, match="only in its"):
        lemon_customer.charge(500)
    with pytest.raises(NotSupported, match="update_payment_method"):
        lemon_customer.add_payment_method("tok_visa")


def test_the_template_tag_gives_a_checkout_url_for_the_owner(lemon, team):
    rendered = Template(
        "{% load pay_lemon_squeezy %}"
        "{% lemon_squeezy_checkout_url team variant quantity=2 name='team' as url %}"
        "<a href='{{ url }}'>Subscribe</a>"
    ).render(Context({"team": team, "variant": BASIC}))

    [checkout] = lemon.checkouts.values()
    assert f"<a href='{checkout['url']}'>" in rendered.replace("&amp;", "&")
    assert resolve_owner(checkout["checkout_data"]["custom"]["pay_owner"]) == team
    assert checkout["checkout_data"]["variant_quantities"][0]["quantity"] == 2
    assert team.payment_processor is None
