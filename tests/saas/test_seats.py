"""Per-seat billing: quantities follow the members, pushed once per changed holder."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from pay.models import Subscription
from pay.seats import changed_since_last_sync, sync_subscription_quantities
from tests.celery.plugin import Worker, wait_for
from tests.stripe_double import StripeDouble
from tests.testapp.models import Membership, Team

from .counting import count_fake_processor_calls
from .factories import add_members, teams_with_subscriptions

pytestmark = pytest.mark.django_db


def test_only_the_changed_teams_cost_a_processor_call(
    settings: Any, django_assert_max_num_queries: Any
) -> None:
    calls = count_fake_processor_calls(settings)
    teams = teams_with_subscriptions(1000)
    changed = teams[::100]
    for team in changed:
        add_members(team, 3)

    with django_assert_max_num_queries(1):
        assert changed_since_last_sync(Team).count() == 10
    result = sync_subscription_quantities()

    assert calls == Counter({"change_quantity": 10})
    assert result.examined == 10
    assert len(result.updated) == 10
    assert set(
        Subscription.objects.filter(quantity=3).values_list("customer__owner_id", flat=True)
    ) == {str(team.pk) for team in changed}
    assert changed_since_last_sync(Team).count() == 0
    calls.clear()
    assert sync_subscription_quantities().examined == 0
    assert calls == Counter()


def test_a_change_that_leaves_the_count_alone_costs_no_call(settings: Any) -> None:
    calls = count_fake_processor_calls(settings)
    (team,) = teams_with_subscriptions(1)
    team.mark_billing_details_changed()  # e.g. a member left and another joined
    assert sync_subscription_quantities().examined == 1
    assert calls == Counter()
    assert changed_since_last_sync(Team).count() == 0


def test_membership_changes_mark_the_team(django_user_model: Any) -> None:
    (team,) = teams_with_subscriptions(1)
    assert changed_since_last_sync(Team).count() == 0
    user = django_user_model.objects.create_user(username="grace")
    membership = Membership.objects.create(team=team, user=user)
    assert changed_since_last_sync(Team).count() == 1
    sync_subscription_quantities()
    membership.role = Membership.Role.ADMIN
    membership.save()
    assert changed_since_last_sync(Team).count() == 0
    membership.delete()
    assert changed_since_last_sync(Team).count() == 1


def test_the_command_and_the_celery_task(settings: Any, capsys: Any) -> None:
    from pay.tasks import sync_subscription_quantities as task

    calls = count_fake_processor_calls(settings)
    first, second = teams_with_subscriptions(2)
    add_members(first, 2)
    call_command("sync_subscriptions")
    assert capsys.readouterr().out == (
        f"Updated the seats of {first}\nExamined 1 changed holder(s); updated 1.\n"
    )
    add_members(second, 4)
    assert task.apply().get() == {"examined": 1, "updated": 1, "failed": 0}
    assert calls == Counter({"change_quantity": 2})


def test_stripe_gets_one_update_per_changed_team(stripe_double: StripeDouble) -> None:
    teams = []
    for n in range(5):
        team = Team.objects.create(name=f"Stripe team {n}")
        customer = team.set_payment_processor("stripe")
        customer.add_payment_method("pm_card_visa")
        customer.subscribe(plan="price_seat_monthly")
        Team.objects.filter(pk=team.pk).update(last_synced_with_processor=timezone.now())
        teams.append(team)
    add_members(teams[2], 3)
    stripe_double.requests.clear()

    sync_subscription_quantities()

    writes = [r for r in stripe_double.requests if r.method == "post"]
    assert [r.path for r in writes] == [f"/v1/subscriptions/{_subscription_id(teams[2])}"]
    assert writes[0].params["items"]["0"]["quantity"] == "3"
    assert stripe_double.object(_subscription_id(teams[2]))["items"]["data"][0]["quantity"] == 3


def _subscription_id(team: Team) -> str:
    subscription = team.active_subscription()
    assert subscription is not None
    return subscription.processor_id


def test_a_refused_update_is_retried_on_the_next_run(stripe_double: StripeDouble) -> None:
    team = Team.objects.create(name="Stripe team")
    customer = team.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    customer.subscribe(plan="price_seat_monthly")
    add_members(team, 2)
    stripe_double.fail_next("server_error", "/v1/subscriptions/", times=10)

    with pytest.raises(CommandError, match="Could not sync Stripe team"):
        call_command("sync_subscriptions")
    assert changed_since_last_sync(Team).count() == 1

    stripe_double.faults.clear()
    assert sync_subscription_quantities().updated == ["Stripe team"]
    assert changed_since_last_sync(Team).count() == 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_runs_the_scheduled_sync(worker: Worker) -> None:
    """What beat schedules, a real worker on Redis does: the changed team's seats are pushed."""
    from pay.tasks import sync_subscription_quantities as scheduled_sync

    (team,) = teams_with_subscriptions(1)
    add_members(team, 2)
    worker.start()

    scheduled_sync.delay()

    wait_for(
        lambda: not changed_since_last_sync(Team).exists(), "the worker to sync the seat count"
    )
    assert Subscription.objects.get().quantity == team.get_quantity() == 2
