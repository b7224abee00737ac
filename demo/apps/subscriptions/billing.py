"""The team's side of billing: its customer, its subscription, and its seat count."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from apps.teams.models import Team
from pay.models import Customer, Subscription

from .metadata import PlanInterval, ProductMetadata, plan_of


def billing_customer(team: Team) -> Customer:
    """The team's customer at the demo's processor, made the default on first use."""
    processor = settings.DEMO_PAYMENT_PROCESSOR
    customer = team.payment_processor
    if customer is None or customer.processor != processor:
        customer = team.set_payment_processor(processor, allow_fake=True)
    return customer


def latest_subscription(team: Team) -> Subscription | None:
    """The team's newest subscription, whatever its state."""
    customer = team.payment_processor
    return customer.subscription() if customer else None


def active_subscription(team: Team) -> Subscription | None:
    subscription = latest_subscription(team)
    return subscription if subscription is not None and subscription.active() else None


def active_plan(team: Team) -> tuple[ProductMetadata, PlanInterval] | None:
    """The product and interval the team has access to now, if any."""
    subscription = active_subscription(team)
    return plan_of(subscription.processor_plan) if subscription else None


def sync_seats(team: Team) -> None:
    """Bill the team for its members now, if they changed since the last sync."""
    subscription = active_subscription(team)
    if subscription is not None and not subscription.cancelled():
        quantity = team.get_quantity()
        if subscription.quantity != quantity:
            subscription.change_quantity(quantity)
    team.last_synced_with_processor = timezone.now()
    team.save(update_fields=["last_synced_with_processor"])


def sync_all_seats() -> int:
    """Sync every team whose members changed; the number synced."""
    teams = [team for team in Team.objects.all() if team.needs_seat_sync()]
    for team in teams:
        sync_seats(team)
    return len(teams)
