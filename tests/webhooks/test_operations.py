"""Operations: failed events are visible and retried from the admin or the command line."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pay.models import Subscription, Webhook
from pay.webhooks import subscribe, unsubscribe

from .conftest import deliver_stripe

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_event(stripe_double, stripe_customer, client):
    """A subscription.created event whose processing failed: a handler raised."""
    stripe_customer.subscribe(plan="price_basic_monthly")
    Subscription.objects.all().delete()
    (created,) = stripe_double.events_of("customer.subscription.created")

    def broken(webhook):
        raise RuntimeError("the handler's database is down")

    subscribe("stripe.customer.subscription.created", broken)
    try:
        assert deliver_stripe(client, created).status_code == 500
    finally:
        unsubscribe("stripe.customer.subscription.created", broken)
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    return webhook


def test_the_admin_lists_failed_events(admin_client, failed_event):
    response = admin_client.get(reverse("admin:pay_webhook_changelist"), {"status": "failed"})

    assert response.status_code == 200
    assert failed_event.event_id.encode() in response.content


def test_the_admin_retry_action(admin_client, failed_event):
    response = admin_client.post(
        reverse("admin:pay_webhook_changelist"),
        {"action": "retry", "_selected_action": [failed_event.pk]},
        follow=True,
    )

    assert b"Retried 1 event(s); 0 failed again" in response.content
    failed_event.refresh_from_db()
    assert failed_event.status == Webhook.Status.PROCESSED
    assert Subscription.objects.exists()


def test_retry_all_failed(failed_event, capsys):
    call_command("pay_webhooks", "retry", "--all-failed")

    assert "Retried 1 event(s); 0 failed again." in capsys.readouterr().out
    failed_event.refresh_from_db()
    assert (failed_event.status, failed_event.attempts) == ("processed", 2)


def test_retry_by_id_reports_what_fails_again(failed_event, capsys):
    def broken(webhook):
        raise RuntimeError("still down")

    subscribe("stripe.customer.subscription.created", broken)
    try:
        with pytest.raises(CommandError, match="failed again"):
            call_command("pay_webhooks", "retry", str(failed_event.pk))
    finally:
        unsubscribe("stripe.customer.subscription.created", broken)

    assert "still down" in capsys.readouterr().err
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["retry"], "ids of the events to retry, or --all-failed"),
        (["retry", "999"], r"No webhook events with ids \[999\]"),
        (["replay", "999"], "No webhook event with id 999"),
    ],
)
def test_bad_arguments_say_what_to_do(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("pay_webhooks", *arguments)


def test_replay_applies_a_processed_event_again_without_undoing_newer_state(
    stripe_double, stripe_customer, client, capsys
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    deliver_stripe(client, stripe_double.events_of("customer.subscription.created")[0])
    subscription.cancel()
    webhook = Webhook.objects.get()

    call_command("pay_webhooks", "replay", str(webhook.pk))

    assert f"Replayed {webhook.pk}" in capsys.readouterr().out
    subscription.refresh_from_db()
    assert subscription.cancelled()  # Stripe's event re-reads today's state
    webhook.refresh_from_db()
    assert webhook.attempts == 2


@pytest.mark.parametrize(
    ("backend", "errors"), [("inline", []), ("celery", []), ("rq", ["pay.webhooks.E001"])]
)
def test_the_backend_setting_is_checked(settings, backend, errors):
    from pay.webhooks.checks import webhook_settings

    settings.PAY_WEBHOOK_BACKEND = backend

    assert [message.id for message in webhook_settings()] == errors
