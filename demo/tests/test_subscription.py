"""Subscribing on the fake processor through the demo's checkout, then cancelling and resuming."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.subscriptions.billing import latest_subscription
from apps.teams.models import Team
from apps.web.management.commands.rundemo import DEMO_EMAIL, DEMO_PASSWORD, Command

pytestmark = pytest.mark.django_db


def url(name, team):
    return reverse(name, args=[team.slug])


@pytest.mark.parametrize(
    ("interval", "plan", "total"), [("month", "pro-monthly", "$50"), ("year", "pro-annual", "$500")]
)
def test_an_admin_subscribes_the_team_per_seat(team, owner, member, login, interval, plan, total):
    client = login(owner)

    response = client.post(
        url("subscriptions:start_checkout", team), {"product": "pro", "interval": interval}
    )
    checkout = client.get(response["Location"])
    assert f'<td data-testid="checkout-total">{total}</td>' in checkout.content.decode()
    client.post(response["Location"], {"product": "pro", "interval": interval})

    subscription = latest_subscription(team)
    assert subscription.processor_plan == plan
    assert subscription.quantity == 2
    assert subscription.active()
    assert team.payment_processor.default_payment_method is not None


def test_the_plans_page_toggles_between_monthly_and_annual(team, owner, login):
    client = login(owner)

    monthly = client.get(url("subscriptions:subscription", team)).content.decode()
    annual = client.get(url("subscriptions:subscription", team) + "?interval=year").content.decode()

    assert '$25</span> <span class="muted">per seat / month' in monthly
    assert '$250</span> <span class="muted">per seat / year' in annual


def test_an_unknown_plan_is_refused_and_nothing_is_bought(team, owner, login):
    response = login(owner).post(
        url("subscriptions:start_checkout", team), {"product": "gold", "interval": "month"}
    )

    assert response.status_code == 400
    assert latest_subscription(team) is None


def test_cancel_then_resume(team, owner, subscribe, login):
    subscribe(team, "pro")
    client = login(owner)

    client.post(url("subscriptions:cancel", team))
    page = client.get(url("subscriptions:subscription", team)).content.decode()
    assert latest_subscription(team).on_grace_period()
    assert "Resume subscription" in page

    client.post(url("subscriptions:resume", team))
    subscription = latest_subscription(team)
    assert subscription.active()
    assert not subscription.cancelled()


def test_the_fake_processor_has_no_billing_portal(team, owner, subscribe, login):
    subscribe(team)
    client = login(owner)

    assert (
        "Manage billing" not in client.get(url("subscriptions:subscription", team)).content.decode()
    )
    response = client.post(url("subscriptions:billing_portal", team), follow=True)
    assert "does not support" in response.content.decode()


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
    Command().seed_demo_user()
    Command().seed_demo_user()

    assert client.login(username=DEMO_EMAIL, password=DEMO_PASSWORD)
    assert Team.objects.get().name == "Demo Co"
