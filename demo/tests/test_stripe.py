"""The demo billing through Stripe: Checkout and the Customer Portal, against the Stripe double."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"


def url(name, team, *args):
    return reverse(name, args=[team.slug, *args])


def subscribe_through_checkout(client, double, team, price="price_pro_annual"):
    response = client.post(url("team_pay:upgrade", team), {"price": price})
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    double.complete_checkout(session_id)
    client.get(url("team_pay:checkout_return", team), {"session_id": session_id})
    team.forget_subscriptions()
    return response


def test_checkout_is_for_the_teams_customer_and_every_seat(demo_stripe, team, owner, member, login):
    client = login(owner)

    response = subscribe_through_checkout(client, demo_stripe, team)

    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_")
    [request] = demo_stripe.created("/v1/checkout/sessions")
    params = request.params
    assert params["customer"] == team.payment_processor.processor_id
    assert params["mode"] == "subscription"
    assert params["line_items"] == {"0": {"price": "price_pro_annual", "quantity": "2"}}
    welcome = url("team_pay:checkout_return", team)
    assert params["success_url"] == f"{SERVER}{welcome}?session_id={{CHECKOUT_SESSION_ID}}"
    assert params["cancel_url"] == f"{SERVER}{url('team_pay:subscription', team)}"
    subscription = team.active_subscription()
    assert subscription.processor_plan == "price_pro_annual"
    assert subscription.quantity == 2
    assert client.get(reverse("web:demo_pro", args=[team.slug])).status_code == 200


def test_another_customers_checkout_session_is_refused(demo_stripe, team, owner, login):
    client = login(owner)
    client.post(url("team_pay:upgrade", team), {"price": "price_pro_monthly"})
    stranger = demo_stripe.create_checkout_session(
        {"mode": "subscription", "line_items": [{"price": "price_pro_monthly", "quantity": 1}]}
    )
    demo_stripe.complete_checkout(stranger["id"])

    response = client.get(
        url("team_pay:checkout_return", team), {"session_id": stranger["id"]}, follow=True
    )

    assert "belongs to another customer" in response.content.decode()
    assert team.active_subscription() is None


def test_seats_cancel_and_resume_reach_stripe(demo_stripe, team, owner, add_member, login):
    client = login(owner)
    subscribe_through_checkout(client, demo_stripe, team, "price_starter_monthly")
    stripe_id = team.active_subscription().processor_id

    add_member("second@acme.test")
    client.post(reverse("subscriptions:sync_seats", args=[team.slug]))
    assert demo_stripe.object(stripe_id)["items"]["data"][0]["quantity"] == 2

    client.post(url("team_pay:billing_action", team, "cancel"))
    assert demo_stripe.object(stripe_id)["cancel_at_period_end"] is True
    team.forget_subscriptions()
    assert team.active_subscription().on_grace_period()

    client.post(url("team_pay:billing_action", team, "resume"))
    assert demo_stripe.object(stripe_id)["cancel_at_period_end"] is False


def test_the_billing_portal_opens_for_the_team_and_comes_back(demo_stripe, team, owner, login):
    client = login(owner)
    subscribe_through_checkout(client, demo_stripe, team)

    response = client.post(url("team_pay:manage_billing", team))

    assert response["Location"].startswith("https://billing.stripe.com/p/session/")
    [request] = demo_stripe.created("/v1/billing_portal/sessions")
    assert request.params == {
        "customer": team.payment_processor.processor_id,
        "return_url": f"{SERVER}{url('team_pay:subscription', team)}",
    }
