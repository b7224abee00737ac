"""The subscription state rules, walked through time with a moving clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pay.errors import InvalidAction
from pay.models import Subscription

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def state(subscription: Subscription) -> dict[str, bool]:
    """Every predicate at once, so a test shows the whole picture at each instant."""
    return {
        "active": subscription.active(),
        "on_trial": subscription.on_trial(),
        "cancelled": subscription.cancelled(),
        "on_grace_period": subscription.on_grace_period(),
        "ended": subscription.ended(),
        "paused": subscription.paused(),
    }


def only(*true: str) -> dict[str, bool]:
    names = ("active", "on_trial", "cancelled", "on_grace_period", "ended", "paused")
    return {name: name in true for name in names}


def test_trial_runs_to_its_last_instant_and_no_further(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly", trial_period_days=14)
    trial_end = START + timedelta(days=14)

    assert subscription.status == "trialing"
    assert subscription.trial_ends_at == trial_end
    assert subscription.current_period_end == trial_end
    assert state(subscription) == only("active", "on_trial")

    clock.move_to(trial_end - SECOND)
    assert state(subscription) == only("active", "on_trial")

    clock.move_to(trial_end)
    assert state(subscription) == only("active"), "the trial's last instant is not on trial"

    subscription.sync()
    assert subscription.status == "active"
    assert subscription.current_period_start == trial_end
    assert subscription.current_period_end == datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def test_cancelling_during_trial_keeps_access_until_the_trial_ends(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly", trial_period_days=14)
    clock.move_to(START + timedelta(days=3))

    subscription.cancel()

    assert subscription.ends_at == subscription.trial_ends_at
    assert state(subscription) == only("active", "on_trial", "cancelled", "on_grace_period")

    clock.move_to(subscription.ends_at - SECOND)
    assert customer.subscribed()
    assert customer.on_trial()

    clock.move_to(subscription.ends_at)
    assert state(subscription) == only("cancelled", "ended")
    assert not customer.subscribed()
    assert not customer.on_trial()


def test_cancel_gives_a_grace_period_until_the_period_ends(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly")
    period_end = datetime(2026, 2, 28, 9, 0, tzinfo=UTC)  # 31 Jan + 1 month, clamped
    assert subscription.current_period_end == period_end

    clock.move_to(START + timedelta(days=10))
    subscription.cancel()

    assert subscription.ends_at == period_end
    assert state(subscription) == only("active", "cancelled", "on_grace_period")

    clock.move_to(period_end - SECOND)
    assert state(subscription) == only("active", "cancelled", "on_grace_period")

    clock.move_to(period_end)
    assert state(subscription) == only("cancelled", "ended")
    subscription.sync()
    assert subscription.status == "canceled"


def test_cancel_now_ends_at_once(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly", trial_period_days=7)

    subscription.cancel_now()

    assert subscription.status == "canceled"
    assert subscription.ends_at == START
    assert state(subscription) == only("cancelled", "ended")
    assert not customer.subscribed()


def test_resume_during_grace_period(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly")
    subscription.cancel()
    clock.move_to(START + timedelta(days=5))

    subscription.resume()

    assert subscription.ends_at is None
    assert subscription.status == "active"
    assert state(subscription) == only("active")
    clock.move_to(START + timedelta(days=400))
    assert subscription.active()


def test_resume_during_grace_period_of_a_trial_returns_to_trialing(clock, customer):
    subscription = customer.subscribe(trial_period_days=14)
    subscription.cancel()

    subscription.resume()

    assert subscription.status == "trialing"
    assert state(subscription) == only("active", "on_trial")


def test_pause_without_resume_date_lasts_until_resumed(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly")

    subscription.pause(behavior="void")

    assert subscription.pause_behavior == "void"
    assert state(subscription) == only("paused")
    clock.move_to(START + timedelta(days=365))
    assert state(subscription) == only("paused")

    subscription.resume()
    assert state(subscription) == only("active")
    assert subscription.pause_starts_at is None


def test_pause_with_resume_date_ends_by_itself(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly")
    resumes_at = START + timedelta(days=20)

    subscription.pause(resumes_at=resumes_at)

    assert state(subscription) == only("paused")
    clock.move_to(resumes_at - SECOND)
    assert state(subscription) == only("paused")
    clock.move_to(resumes_at)
    assert state(subscription) == only("active")
    subscription.sync()
    assert subscription.pause_resumes_at is None


def test_swap_changes_plan_and_restarts_the_period_when_the_interval_changes(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly", quantity=3)
    clock.move_to(START + timedelta(days=10))

    subscription.swap("basic-monthly")
    assert subscription.processor_plan == "basic-monthly"
    assert subscription.current_period_start == START, "same interval: same period"

    subscription.swap("pro-annual")
    now = START + timedelta(days=10)
    assert subscription.processor_plan == "pro-annual"
    assert subscription.current_period_start == now
    assert subscription.current_period_end == now.replace(year=2027)
    assert subscription.quantity == 3
    assert customer.subscribed(processor_plan="pro-annual")
    assert not customer.subscribed(processor_plan="pro-monthly")


def test_change_quantity(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly", quantity=2)

    subscription.change_quantity(5)
    subscription.refresh_from_db()
    assert subscription.quantity == 5

    subscription.change_quantity(0)
    subscription.refresh_from_db()
    assert subscription.quantity == 0


def test_renewals_roll_the_period_forward_on_sync_without_drifting(clock, customer):
    subscription = customer.subscribe(plan="pro-monthly")  # on 31 January
    clock.move_to(datetime(2026, 3, 1, tzinfo=UTC))
    subscription.sync()
    assert subscription.current_period_start == datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
    assert subscription.current_period_end == datetime(2026, 3, 31, 9, 0, tzinfo=UTC)

    clock.move_to(datetime(2026, 5, 2, tzinfo=UTC))
    subscription.sync()
    assert subscription.current_period_start == datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
    assert subscription.current_period_end == datetime(2026, 5, 31, 9, 0, tzinfo=UTC)
    assert subscription.active()


def test_an_annual_plan_renews_yearly(clock, customer):
    subscription = customer.subscribe(plan="pro-annual")
    assert subscription.current_period_end == START.replace(year=2027)
    clock.move_to(START.replace(year=2027) + SECOND)
    subscription.sync()
    assert subscription.current_period_end == START.replace(year=2028)


def test_generic_trial(clock, customer):
    trial_end = START + timedelta(days=14)
    subscription = customer.subscribe(trial_period_days=14, ends_at=trial_end)

    assert subscription.is_generic_trial()
    assert customer.on_generic_trial()
    assert customer.on_trial()
    assert customer.on_trial_or_subscribed()

    clock.move_to(trial_end)
    assert not customer.on_generic_trial()
    assert not customer.on_trial_or_subscribed()


def test_an_ordinary_trial_is_not_generic(clock, customer):
    customer.subscribe(trial_period_days=14)
    assert not customer.on_generic_trial()


def test_named_subscriptions_are_independent(clock, customer):
    main = customer.subscribe(plan="pro-monthly")
    addon = customer.subscribe(name="support", plan="basic-monthly", trial_period_days=5)

    main.cancel_now()

    assert not customer.subscribed()
    assert customer.subscribed(name="support")
    assert customer.on_trial(name="support", plan="basic-monthly")
    assert not customer.on_trial(name="support", plan="pro-monthly")
    assert customer.subscription("support") == addon

    replacement = customer.subscribe(plan="basic-monthly")
    assert customer.subscription() == replacement, "the newest of a name wins"
    assert customer.subscribed()


def test_incomplete_payment_predicates(clock, customer):
    subscription = customer.subscribe()
    for status, incomplete in [("past_due", True), ("incomplete", True), ("active", False)]:
        Subscription.objects.filter(pk=subscription.pk).update(status=status)
        assert customer.has_incomplete_payment() is incomplete
        refreshed = customer.subscription()
        assert refreshed.has_incomplete_payment() is incomplete
        assert refreshed.past_due() is (status == "past_due")
        assert refreshed.incomplete() is (status == "incomplete")
    Subscription.objects.filter(pk=subscription.pk).update(status="past_due")
    assert not customer.subscribed(), "a past-due subscription gives no access"


def snapshot(subscription: Subscription) -> dict[str, object]:
    subscription.refresh_from_db()
    return {f.name: getattr(subscription, f.name) for f in Subscription._meta.fields}


@pytest.mark.parametrize(
    ("prepare", "action", "message"),
    [
        ("cancel_now", lambda s: s.resume(), "already ended"),
        ("cancel_now", lambda s: s.swap("pro-annual"), "ended"),
        ("cancel_now", lambda s: s.pause(), "ended"),
        ("cancel_now", lambda s: s.cancel_now(), "already ended"),
        ("cancel_now", lambda s: s.change_quantity(2), "ended"),
        ("cancel", lambda s: s.swap("pro-annual"), "resume it first"),
        ("cancel", lambda s: s.pause(), "resume it first"),
        ("cancel", lambda s: s.cancel(), "already cancelled"),
        (None, lambda s: s.resume(), "neither cancelled nor paused"),
        (None, lambda s: s.change_quantity(-1), "0 or more"),
        (None, lambda s: s.change_quantity(1.5), "0 or more"),
        (None, lambda s: s.change_quantity(2**31), "at most 2147483647"),
        (None, lambda s: s.pause(resumes_at=START - SECOND), "future"),
        (None, lambda s: s.pause(resumes_at=datetime(2026, 3, 1)), "timezone-aware"),
        (None, lambda s: s.swap(""), "price id"),
        (None, lambda s: s.swap(None), "price id"),
        ("pause", lambda s: s.pause(), "already paused"),
    ],
)
def test_actions_that_make_no_sense_raise_and_change_nothing(
    clock, customer, prepare, action, message
):
    subscription = customer.subscribe(plan="pro-monthly")
    if prepare:
        getattr(subscription, prepare)()
    before = snapshot(subscription)

    with pytest.raises(InvalidAction, match=message):
        action(subscription)

    assert snapshot(subscription) == before


@pytest.mark.parametrize("bad", [-1, 1.0, "2", True, 2**31])
def test_subscribe_refuses_bad_quantities(customer, bad):
    with pytest.raises(InvalidAction):
        customer.subscribe(quantity=bad)
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("plan", ["", "  ", None])
def test_subscribe_refuses_a_missing_plan(customer, plan):
    with pytest.raises(InvalidAction, match="price id"):
        customer.subscribe(plan=plan)
    assert not Subscription.objects.exists()
