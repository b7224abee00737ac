"""The demo billing through Stripe: Checkout and the Customer Portal, against the Stripe double."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from apps.subscriptions.billing import latest_subscription

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"


def url(name, team):
    return reverse(name, args=[team.slug])


def subscribe_through_checkout(client, double, team, product="pro", interval="year"):
    response = client.post(
        url("subscriptions:start_checkout", team), {"product": product, "interval": interval}
    )
    session_id = urlsplit(response["Location"]).path.rsplit("/", 1)[-1]
    double.complete_checkout(session_id)
    client.get(f"{url('subscriptions:checkout_success', team)}?session_id={session_id}")
    return response


def test_checkout_is_for_the_teams_customer_and_every_seat(demo_stripe, team, owner, member, login):
    client = login(owner)

    response = subscribe_through_checkout(client, demo_stripe, team)

    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_")
    [request] = demo_stripe.created("/v1/checkout/sessions")
    params = request.params
    assert params["customer"] == team.payment_processor.processor_id
    assert params["mode"] == "subscription"
    assert params["line_items"] == {"0": {"price": "price_pro_year", "quantity": "2"}}
    assert params["success_url"] == (
        f"{SERVER}{url('subscriptions:checkout_success', team)}?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert params["cancel_url"] == f"{SERVER}{url('subscriptions:subscription', team)}"
    subscription = latest_subscription(team)
    assert subscription.processor_plan == "price_pro_year"
    assert subscription.quantity == 2
    assert client.get(reverse("web:demo_pro", args=[team.slug])).status_code == 200


def test_another_customers_checkout_session_is_refused(demo_stripe, team, owner, login, make_user):
    client = login(owner)
    client.post(url("subscriptions:start_checkout", team), {"product": "pro", "interval": "month"})
    stranger = demo_stripe.create_checkout_session(
        {"mode": "subscription", "line_items": [{"price": "price_pro_month", "quantity": 1}]}
    )
    demo_stripe.complete_checkout(stranger["id"])

    response = client.get(
        f"{url('subscriptions:checkout_success', team)}?session_id={stranger['id']}", follow=True
    )

    assert "belongs to another customer" in response.content.decode()
    assert latest_subscription(team) is None


def test_seats_cancel_and_resume_reach_stripe(demo_stripe, team, owner, add_member, login):
    client = login(owner)
    subscribe_through_checkout(client, demo_stripe, team, "starter", "month")
    stripe_id = latest_subscription(team).processor_id

    add_member("second@acme.test")
    client.post(url("subscriptions:sync_seats", team))
    assert demo_stripe.object(stripe_id)["items"]["data"][0]["quantity"] == 2

    client.post(url("subscriptions:cancel", team))
    assert demo_stripe.object(stripe_id)["cancel_at_period_end"] is True
    assert latest_subscription(team).on_grace_period()

    client.post(url("subscriptions:resume", team))
    assert demo_stripe.object(stripe_id)["cancel_at_period_end"] is False
    assert latest_subscription(team).active()


def test_the_billing_portal_opens_for_the_team_and_comes_back(demo_stripe, team, owner, login):
    client = login(owner)
    subscribe_through_checkout(client, demo_stripe, team)
    assert "Manage billing" in client.get(url("subscriptions:subscription", team)).content.decode()

    response = client.post(url("subscriptions:billing_portal", team))

    assert response["Location"].startswith("https://billing.stripe.com/p/session/")
    [request] = demo_stripe.created("/v1/billing_portal/sessions")
    assert request.params == {
        "customer": team.payment_processor.processor_id,
        "return_url": f"{SERVER}{url('subscriptions:subscription', team)}",
    }
