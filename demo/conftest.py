"""Fixtures for the demo's tests: people, a team, and a subscribed team.

The project's own conftest is loaded as a plugin for its services rules (a skip fails under
PAY_TEST_REQUIRE_SERVICES=1), its fresh processors per test, and the Stripe double.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from apps.subscriptions.billing import billing_customer
from apps.subscriptions.metadata import get_product
from apps.teams.models import Membership, Role, Team, create_team

if TYPE_CHECKING:
    from tests.stripe_double.double import StripeDouble

pytest_plugins = ["tests.conftest"]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def make_user(django_user_model: Any) -> Callable[[str], Any]:
    def make(email: str) -> Any:
        return django_user_model.objects.create_user(username=email, email=email, password=PASSWORD)

    return make


@pytest.fixture
def owner(make_user: Callable[[str], Any]) -> Any:
    return make_user("owner@acme.test")


@pytest.fixture
def team(owner: Any) -> Team:
    return create_team(owner, "Acme")


@pytest.fixture
def add_member(team: Team, make_user: Callable[[str], Any]) -> Callable[..., Any]:
    def add(email: str, role: str = Role.MEMBER, to: Team | None = None) -> Any:
        user = make_user(email)
        Membership.objects.create(team=to or team, user=user, role=role)
        return user

    return add


@pytest.fixture
def member(add_member: Callable[..., Any]) -> Any:
    return add_member("member@acme.test")


@pytest.fixture
def subscribe() -> Callable[..., Any]:
    """Subscribe a team to a product on the fake processor, one seat per member."""

    def subscribe(team: Team, product: str = "starter", interval: str = "month") -> Any:
        plan = get_product(product)
        assert plan is not None
        return billing_customer(team).subscribe(
            plan=plan.price_id(interval), quantity=team.get_quantity()
        )

    return subscribe


@pytest.fixture
def login(client: Client) -> Callable[[Any], Client]:
    def login(user: Any) -> Client:
        client.force_login(user)
        return client

    return login


#: The demo's Stripe test-mode price ids (config.settings' defaults) and their amounts.
DEMO_STRIPE_PRICES = {
    "price_starter_month": {"unit_amount": 1000, "interval": "month"},
    "price_starter_year": {"unit_amount": 10000, "interval": "year"},
    "price_pro_month": {"unit_amount": 2500, "interval": "month"},
    "price_pro_year": {"unit_amount": 25000, "interval": "year"},
}


@pytest.fixture
def demo_stripe(settings: Any) -> StripeDouble:
    """The demo billing through Stripe, which is the in-process Stripe double."""
    from tests.stripe_double.double import StripeDouble  # after pytest loaded it as a plugin
    from tests.stripe_double.plugin import configure

    double = StripeDouble()
    configure(settings, double)
    settings.DEMO_PAYMENT_PROCESSOR = "stripe"
    settings.PAY_PROCESSORS = ["stripe"]
    for price_id, price in DEMO_STRIPE_PRICES.items():
        double.add_price(price_id, **price)
    return double
