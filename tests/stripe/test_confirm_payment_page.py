"""The built-in page where a customer confirms a payment their bank holds (3-D Secure)."""

from __future__ import annotations

import json
import re

import pytest

from pay.errors import ActionRequired
from pay.processors.stripe.views import confirm_payment_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_subscription(stripe_double, stripe_customer):
    """A subscription whose first payment waits for 3-D Secure."""
    stripe_customer.add_payment_method("pm_card_authenticationRequired")
    with pytest.raises(ActionRequired) as raised:
        stripe_customer.subscribe(plan="price_basic_monthly")
    return raised.value


def page_options(response):
    found = re.search(
        r'<script id="pay-stripe-options"[^>]*>(.*?)</script>', response.content.decode()
    )
    assert found, "the page carries its Stripe.js options as JSON"
    return json.loads(found.group(1))


def test_the_page_loads_stripe_js_with_the_payment_to_confirm(client, user, held_subscription):
    client.force_login(user)

    response = client.get(confirm_payment_url(held_subscription.payment_intent_id, "/billing/"))

    assert response.status_code == 200
    assert b"https://js.stripe.com/v3/" in response.content
    assert b"10.00 USD" in response.content
    options = page_options(response)
    assert options["publishableKey"] == "pk_test_double"
    assert options["clientSecret"] == held_subscription.client_secret
    assert options["status"] == "requires_action"
    assert options["completeUrl"].endswith("/complete/?next=%2Fbilling%2F")


def test_completing_records_the_payment_and_returns_to_next(
    client, user, stripe_double, held_subscription
):
    client.force_login(user)
    stripe_double.authenticate(held_subscription.payment_intent_id)

    response = client.get(
        f"/pay/stripe/payments/{held_subscription.payment_intent_id}/complete/?next=/billing/"
    )

    assert response.status_code == 302
    assert response["Location"] == "/billing/"
    subscription = held_subscription.subscription
    subscription.refresh_from_db()
    assert subscription.status == "active"
    charge = subscription.customer.charges.get()
    assert charge.subscription == subscription
    assert charge.amount == 1000


def test_a_payment_still_unpaid_goes_back_to_the_page(client, user, held_subscription):
    client.force_login(user)

    response = client.get(
        f"/pay/stripe/payments/{held_subscription.payment_intent_id}/complete/?next=/billing/"
    )

    assert response.status_code == 302
    assert response["Location"].startswith(
        f"/pay/stripe/payments/{held_subscription.payment_intent_id}/?next=%2Fbilling%2F"
    )
    assert "failed=1" in response["Location"]


def test_a_failed_authentication_asks_for_another_card(
    client, user, stripe_double, held_subscription
):
    client.force_login(user)
    stripe_double.authenticate(held_subscription.payment_intent_id, succeed=False)

    response = client.get(confirm_payment_url(held_subscription.payment_intent_id) + "?failed=1")

    assert page_options(response)["status"] == "requires_payment_method"
    assert b"did not go through" in response.content


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_only_same_site_urls_are_followed(client, user, stripe_double, held_subscription, next_url):
    client.force_login(user)
    stripe_double.authenticate(held_subscription.payment_intent_id)

    response = client.get(
        f"/pay/stripe/payments/{held_subscription.payment_intent_id}/complete/",
        {"next": next_url},
    )

    assert response["Location"] == "/"


def test_someone_elses_payment_is_not_found(client, django_user_model, held_subscription):
    intruder = django_user_model.objects.create_user(username="eve", email="eve@example.com")
    client.force_login(intruder)

    page = client.get(confirm_payment_url(held_subscription.payment_intent_id))
    complete = client.get(f"/pay/stripe/payments/{held_subscription.payment_intent_id}/complete/")

    assert page.status_code == complete.status_code == 404
    assert held_subscription.client_secret.encode() not in page.content


def test_a_team_can_let_its_members_pay(
    client, django_user_model, stripe_double, team, monkeypatch
):
    member = django_user_model.objects.create_user(username="grace", email="grace@example.com")
    monkeypatch.setattr(
        type(team), "pay_can_manage", lambda self, user: user == member, raising=False
    )
    customer = team.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_authenticationRequired")
    with pytest.raises(ActionRequired) as raised:
        customer.charge(2000)
    client.force_login(member)

    response = client.get(confirm_payment_url(raised.value.payment_intent_id))

    assert response.status_code == 200


def test_the_projects_billing_rule_decides_who_pays(client, user, settings, held_subscription):
    settings.PAY_CAN_MANAGE_BILLING = "tests.saas.test_gating.nobody_manages_billing"
    client.force_login(user)

    page = client.get(confirm_payment_url(held_subscription.payment_intent_id))

    assert page.status_code == 404
    assert held_subscription.client_secret.encode() not in page.content


def test_unknown_payments_and_anonymous_visitors(client, user, stripe_double):
    anonymous = client.get("/pay/stripe/payments/pi_missing/")
    client.force_login(user)
    missing = client.get("/pay/stripe/payments/pi_missing/")

    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    assert missing.status_code == 404
