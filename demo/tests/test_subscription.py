"""Subscribing through django-pay's pages on the fake processor, then cancelling and resuming."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from apps.subscriptions.metadata import product_ids
from apps.teams.models import Team
from apps.web.management.commands.rundemo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo_user

pytestmark = pytest.mark.django_db


def url(name, team, *args):
    return reverse(name, args=[team.slug, *args])


@pytest.mark.parametrize(
    ("interval", "price", "shown"),
    [
        ("month", "pro-monthly", '$30.00</span> <span class="muted">per seat per month'),
        ("year", "pro-annual", '$300.00</span> <span class="muted">per seat per year'),
    ],
)
def test_an_admin_subscribes_the_team_per_seat(
    catalogue, team, owner, member, login, interval, price, shown
):
    client = login(owner)
    plans = client.get(url("team_pay:subscription", team), {"interval": interval}).content.decode()
    assert shown in plans

    checkout = client.post(url("team_pay:upgrade", team), {"price": price})["Location"]
    assert urlsplit(checkout).path.startswith("/pay/fake/checkout/")
    assert "&times; 2 seats" in client.get(checkout).content.decode()
    welcome = client.post(checkout, {"card_number": "4242 4242 4242 4242"})["Location"]
    client.get(welcome)

    subscription = team.active_subscription()
    assert subscription.processor_plan == price
    assert subscription.quantity == 2
    assert client.get(reverse("web:demo_pro", args=[team.slug])).status_code == 200


def test_a_declined_card_buys_nothing(catalogue, team, owner, login):
    client = login(owner)
    checkout = client.post(url("team_pay:upgrade", team), {"price": "pro-monthly"})["Location"]

    response = client.post(checkout, {"card_number": "4000 0000 0000 0002"})

    assert response.status_code == 402
    assert team.active_subscription() is None


def test_cancel_then_resume_on_the_billing_page(team, owner, subscribe, login):
    subscribe(team, "pro")
    client = login(owner)

    manage = client.post(url("team_pay:manage_billing", team))
    assert manage["Location"] == url("team_pay:billing", team)
    client.post(url("team_pay:billing_action", team, "cancel"))
    team.forget_subscriptions()
    assert team.active_subscription().on_grace_period()
    assert "Resume" in client.get(url("team_pay:billing", team)).content.decode()

    client.post(url("team_pay:billing_action", team, "resume"))
    team.forget_subscriptions()
    assert not team.active_subscription().cancelled()


def test_signing_up_creates_the_users_own_team(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@person.test",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )

    team = Team.objects.get()
    assert team.name == "New's team"
    assert team.membership_of(team.members.get()).role == "owner"
    assert client.get(reverse("web:dashboard"))["Location"] == reverse(
        "web:team_dashboard", args=[team.slug]
    )


def test_the_demo_user_is_seeded_once_with_a_team(client):
    seed_demo_user()
    seed_demo_user()

    assert client.login(username=DEMO_EMAIL, password=DEMO_PASSWORD)
    team = Team.objects.get()
    assert (team.name, team.get_quantity()) == ("Demo Co", 2)
    assert team.membership_of(team.members.get(email=DEMO_EMAIL)).role == "owner"


def test_a_processor_without_product_ids_is_named_with_the_fix(settings):
    settings.DEMO_PAYMENT_PROCESSOR = "another_processor"

    with pytest.raises(ImproperlyConfigured, match=r"DEMO_PRODUCT_IDS\['another_processor'\]"):
        product_ids()


def test_product_ids_missing_from_the_environment_are_named_with_the_fix(settings):
    settings.DEMO_PAYMENT_PROCESSOR = "paddle_billing"
    settings.DEMO_PRODUCT_IDS = {"paddle_billing": {"starter": "pro_01starter", "pro": ""}}

    expected = "no paddle_billing product id for pro: set DEMO_<PROCESSOR>_PRODUCT_PRO"
    with pytest.raises(ImproperlyConfigured, match=expected):
        product_ids()
