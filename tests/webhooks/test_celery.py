"""Processing in Celery: retried with backoff, failed for good with the error, and a real
worker on Redis that is killed mid-event still applies the event once."""

from __future__ import annotations

import os
import signal

import pytest

from pay.models import Subscription, Webhook
from pay.webhooks import subscribe, unsubscribe
from tests.celery.plugin import wait_for
from tests.testapp.models import Team

from .conftest import deliver_stripe

EVENT = {
    "id": "evt_held",
    "object": "event",
    "type": "radar.early_fraud_warning.created",
    "created": 1700000000,
    "data": {"object": {"id": "issfr_1", "object": "radar.early_fraud_warning"}},
}


@pytest.fixture
def eager_celery(settings):
    from tests.celery.app import app

    settings.PAY_WEBHOOK_BACKEND = "celery"
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.mark.django_db
def test_the_task_retries_then_marks_the_event_failed(
    eager_celery, settings, stripe_double, stripe_customer, client
):
    import pay.webhooks.tasks  # noqa: F401

    settings.PAY_WEBHOOK_MAX_RETRIES = 2
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

    assert response.status_code == 200  # recorded: what the task does is its own business
    webhook = Webhook.objects.get()
    assert (webhook.status, webhook.attempts) == (Webhook.Status.FAILED, 3)
    assert "the handler's database is down" in webhook.last_error
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_task_processes_the_event(eager_celery, stripe_double, stripe_customer, client):
    import pay.webhooks.tasks  # noqa: F401

    stripe_customer.subscribe(plan="price_basic_monthly")
    Subscription.objects.all().delete()

    deliver_stripe(client, stripe_double.events_of("customer.subscription.created")[0])

    assert Webhook.objects.get().status == Webhook.Status.PROCESSED
    assert Subscription.objects.exists()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_event_leaves_it_to_be_processed_once(worker, stripe_double, client):
    import pay.webhooks.tasks  # noqa: F401

    hold = worker.folder / "hold"
    hold.touch()
    worker.start()

    assert deliver_stripe(client, EVENT).status_code == 200
    wait_for((worker.folder / "started").exists, "the worker to start the event")
    child = int((worker.folder / "started").read_text())
    hold.unlink()
    os.kill(child, signal.SIGKILL)  # mid-event: the handler was still holding it

    webhook = Webhook.objects.get()
    wait_for(
        lambda: Webhook.objects.filter(pk=webhook.pk, status="processed").exists(),
        "the event to be processed after the worker's restart",
    )
    webhook.refresh_from_db()
    assert webhook.attempts == 1
    assert int((worker.folder / "started").read_text()) != child
    assert list(Team.objects.values_list("name", flat=True)) == ["evt_held"]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_event_processes_it_once_after_a_restart(
    worker, stripe_double, client
):
    import pay.webhooks.tasks  # noqa: F401

    hold = worker.folder / "hold"
    hold.touch()
    worker.start()
    assert deliver_stripe(client, EVENT).status_code == 200
    wait_for((worker.folder / "started").exists, "the worker to start the event")
    first_run = (worker.folder / "started").read_text()

    worker.kill()
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.RECEIVED  # the killed run's transaction is gone
    hold.unlink()
    worker.start()

    wait_for(
        lambda: Webhook.objects.filter(pk=webhook.pk, status="processed").exists(),
        "the restarted worker to process the redelivered event",
    )
    webhook.refresh_from_db()
    assert webhook.attempts == 1
    assert (worker.folder / "started").read_text() != first_run
    assert list(Team.objects.values_list("name", flat=True)) == ["evt_held"]


@pytest.mark.django_db
def test_a_deleted_event_is_not_retried(eager_celery):
    from pay.webhooks.tasks import process_webhook

    assert process_webhook.apply(args=[404]).get() == "deleted"
