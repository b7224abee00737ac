"""Processing in Celery: retried with backoff, failed for good with the error, and a real
worker on Redis that is killed mid-event still applies the event once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from pay.models import Subscription, Webhook
from pay.webhooks import subscribe, unsubscribe
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
    from .celery_app import app

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


def wait_for(condition, what, timeout=60.0):
    """Poll ``condition`` until it holds; the worker is another process."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Worker:
    def __init__(self, folder: Path, queue: str) -> None:
        self.folder, self.queue = folder, queue
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.webhooks.worker_settings",
            "PAY_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "PAY_TEST_CELERY_QUEUE": self.queue,
            "PAY_TEST_WORKER_DIR": str(self.folder),
            "PYTHONPATH": os.pathsep.join(["src", "."]),
            "PAY_TEST_VISIBILITY_TIMEOUT": "2",
        }
        command = [sys.executable, "-m", "celery", "-A", "tests.webhooks.worker", "worker"]
        options = ["--pool=prefork", "--concurrency=1", "-Q", self.queue, "--loglevel=WARNING"]
        options += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        log = (self.folder / "worker.log").open("ab")
        self.process = subprocess.Popen(
            command + options, env=env, stdout=log, stderr=log, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once: nothing gets to acknowledge or requeue."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(tmp_path, settings):
    from .celery_app import app

    queue = f"pay-tests-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    settings.PAY_WEBHOOK_BACKEND = "celery"
    started = Worker(tmp_path, queue)
    yield started
    started.stop()
    app.conf.task_default_queue = "pay-tests"


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
