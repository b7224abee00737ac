"""Many per-seat teams with subscriptions, made in a few queries: for tests and benchmarks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from pay.models import Customer, Subscription
from pay.processors.data import SubscriptionStatus
from tests.testapp.models import Membership, Team


def teams_with_subscriptions(count: int, plan: str = "enterprise-seat-monthly") -> list[Team]:
    """``count`` teams on the fake processor, each paying for one seat, synced an hour ago."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    teams = Team.objects.bulk_create(
        Team(
            name=f"Team {n}",
            billing_details_last_changed=an_hour_ago - timedelta(minutes=1),
            last_synced_with_processor=an_hour_ago,
        )
        for n in range(count)
    )
    team_type = ContentType.objects.get_for_model(Team)
    customers = Customer.objects.bulk_create(
        Customer(
            owner_type=team_type,
            owner_id=str(team.pk),
            processor="fake_processor",
            processor_id=f"fake_cus_{team.pk}",
            default=True,
        )
        for team in teams
    )
    Subscription.objects.bulk_create(
        Subscription(
            customer=customer,
            processor_id=f"fake_sub_{customer.owner_id}",
            processor_plan=plan,
            status=SubscriptionStatus.ACTIVE,
            quantity=1,
            current_period_start=an_hour_ago,
            current_period_end=an_hour_ago + timedelta(days=30),
        )
        for customer in customers
    )
    return teams


def add_members(team: Team, count: int) -> None:
    """``count`` new members; each membership marks the team changed (see track_seat_changes)."""
    user_model: Any = get_user_model()
    for n in range(count):
        user = user_model.objects.create_user(username=f"team-{team.pk}-member-{n}")
        Membership.objects.create(team=team, user=user)
