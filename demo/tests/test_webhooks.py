"""The demo's webhook handler: site admins hear when Stripe cancels a subscription."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from tests.stripe_double import sign_webhook
from tests.stripe_double.plugin import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


def deliver(client, events):
    """POST each event to /stripe/webhook/ as Stripe signs it; mails wait for the commit."""
    statuses = []
    for event in events:
        body, headers = sign_webhook(event, WEBHOOK_SECRET)
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(
                "/stripe/webhook/", body, content_type="application/json", headers=headers
            )
        statuses.append(response.status_code)
    return statuses


@pytest.fixture
def subscribed(demo_stripe, team, owner, login):
    client = login(owner)
    response = client.post(
        reverse("team_pay:upgrade", args=[team.slug]), {"price": "price_pro_monthly"}
    )
    session_id = response["Location"].rsplit("/", 1)[-1]
    demo_stripe.complete_checkout(session_id)
    client.get(reverse("team_pay:checkout_return", args=[team.slug]), {"session_id": session_id})
    team.forget_subscriptions()
    return team.active_subscription()


def test_a_cancelled_subscription_mails_the_site_admins(demo_stripe, subscribed, client):
    subscribed.cancel_now()
    events = demo_stripe.events_of("customer.subscription.deleted")

    assert deliver(client, events) == [200]

    [message] = mail.outbox
    assert message.to == ["admin@demo.test"]
    assert message.subject.endswith("Subscription cancelled: Acme")
    assert subscribed.processor_id in message.body


def test_other_events_mail_nobody(demo_stripe, subscribed, client):
    assert set(deliver(client, demo_stripe.events)) == {200}

    assert not [m for m in mail.outbox if "Subscription cancelled" in m.subject]


def test_a_repeated_cancellation_mails_once(demo_stripe, subscribed, client):
    subscribed.cancel_now()
    [event] = demo_stripe.events_of("customer.subscription.deleted")

    deliver(client, [event, event])

    assert len([m for m in mail.outbox if "Subscription cancelled" in m.subject]) == 1
