"""Fixtures for the demo's tests: people, a team, and a subscribed team.

The project's own conftest is loaded as a plugin for its services rules (a skip fails under
PAY_TEST_REQUIRE_SERVICES=1), its fresh processors per test, and the Stripe double.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.test import Client

from apps.teams.models import Membership, Role, Team, create_team
from pay.models import Price

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
def catalogue(db: None) -> list[Price]:
    """The fake processor's catalogue in the database, as ``rundemo`` seeds it."""
    call_command("bootstrap_subscriptions", verbosity=0)
    return list(Price.objects.all())


@pytest.fixture
def subscribe(catalogue: list[Price]) -> Callable[..., Any]:
    """Subscribe a team on the fake processor, one seat per member: ``subscribe(team, "pro")``."""

    def subscribe(team: Team, product: str = "starter", interval: str = "monthly") -> Any:
        customer = team.set_payment_processor("fake_processor", allow_fake=True)
        subscription = customer.subscribe(
            plan=f"{product}-{interval}", quantity=team.get_quantity()
        )
        team.forget_subscriptions()
        return subscription

    return subscribe


@pytest.fixture
def login(client: Client) -> Callable[[Any], Client]:
    def login(user: Any) -> Client:
        client.force_login(user)
        return client

    return login


#: The demo's Stripe catalogue in test mode, as made in the Dashboard: product id -> name, and
#: price id -> (product, amount, interval). The product ids are config.settings' defaults.
DEMO_STRIPE_PRODUCTS = {"prod_starter": "Starter", "prod_pro": "Pro"}
DEMO_STRIPE_PRICES = {
    "price_starter_monthly": ("prod_starter", 1000, "month"),
    "price_starter_annual": ("prod_starter", 10000, "year"),
    "price_pro_monthly": ("prod_pro", 3000, "month"),
    "price_pro_annual": ("prod_pro", 30000, "year"),
}


@pytest.fixture
def demo_stripe(settings: Any, db: None) -> StripeDouble:
    """The demo billing through Stripe, which is the in-process Stripe double, with the demo's
    products and prices there and, through bootstrap_subscriptions, in the catalogue."""
    from tests.stripe_double.double import StripeDouble  # after pytest loaded it as a plugin
    from tests.stripe_double.plugin import configure

    double = StripeDouble()
    configure(settings, double)
    settings.DEMO_PAYMENT_PROCESSOR = "stripe"
    settings.PAY_PROCESSORS = ["stripe"]
    for product_id, name in DEMO_STRIPE_PRODUCTS.items():
        double.add_product(product_id, name)
    for price_id, (product_id, amount, interval) in DEMO_STRIPE_PRICES.items():
        double.add_price(price_id, unit_amount=amount, interval=interval, product=product_id)
    call_command("bootstrap_subscriptions", verbosity=0)
    return double
