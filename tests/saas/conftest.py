from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pay.models import Price, sync_catalogue
from tests.testapp.models import Membership, Team


@pytest.fixture
def catalogue(db: None) -> list[Price]:
    """The fake processor's seeded catalogue, synchronised locally."""
    return sync_catalogue("fake_processor")


@pytest.fixture
def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def team_of(django_user_model: Any) -> Any:
    """``team_of(user, role)``: a team the user belongs to, with that role."""

    def make(user: Any, role: str = Membership.Role.ADMIN) -> Team:
        team = Team.objects.create(name=f"{user.username}'s team")
        Membership.objects.create(team=team, user=user, role=role)
        return team

    return make


def subscribe(holder: Any, plan: str, quantity: int = 1) -> Any:
    customer = holder.set_payment_processor("fake_processor", allow_fake=True)
    return customer.subscribe(plan=plan, quantity=quantity)
