"""The Subscription Demo's pages for each kind of visitor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.teams.models import create_team

pytestmark = pytest.mark.django_db


def pro_page(team):
    return reverse("web:demo_pro", args=[team.slug])


def test_anonymous_visitors_are_sent_to_log_in(client, team):
    response = client.get(pro_page(team))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("plan", "needs"),
    [(None, "You need an active subscription"), ("starter", "part of another plan")],
)
def test_teams_without_pro_are_sent_to_the_plans(team, owner, subscribe, login, plan, needs):
    if plan:
        subscribe(team, plan)
    client = login(owner)

    response = client.get(pro_page(team), follow=True)

    assert response.redirect_chain == [(reverse("team_pay:subscription", args=[team.slug]), 302)]
    assert needs in response.content.decode()


@pytest.mark.parametrize("interval", ["monthly", "annual"])
def test_pro_teams_see_the_pro_page(team, owner, subscribe, login, interval):
    subscribe(team, "pro", interval)

    response = login(owner).get(pro_page(team))

    assert response.status_code == 200
    assert "The Pro-only page" in response.content.decode()


def test_every_member_of_a_pro_team_sees_it(team, member, subscribe, login):
    subscribe(team, "pro")

    assert login(member).get(pro_page(team)).status_code == 200


def test_a_member_of_a_starter_team_is_told_which_plan_it_needs(team, member, subscribe, login):
    subscribe(team, "starter")

    response = login(member).get(pro_page(team), follow=True)

    assert response.status_code == 403
    assert "part of another plan" in response.content.decode()


def test_people_outside_the_team_do_not_find_it(team, subscribe, make_user, login):
    subscribe(team, "pro")
    outsider = make_user("outsider@elsewhere.test")
    create_team(outsider, "Elsewhere")

    assert login(outsider).get(pro_page(team)).status_code == 404


def test_a_cancelled_subscription_keeps_access_until_it_ends(team, owner, subscribe, login):
    subscribe(team, "pro").cancel()
    team.forget_subscriptions()

    assert login(owner).get(pro_page(team)).status_code == 200


def test_an_ended_subscription_loses_access(team, owner, subscribe, login):
    subscribe(team, "pro").cancel_now()

    assert login(owner).get(pro_page(team)).status_code == 302


@pytest.mark.parametrize(
    ("plan", "content"),
    [(None, "Free content"), ("starter", "Starter content"), ("pro", "Pro content")],
)
def test_the_content_changes_with_the_plan(team, member, subscribe, login, plan, content):
    if plan:
        subscribe(team, plan)

    response = login(member).get(reverse("web:demo", args=[team.slug]))

    assert content in response.content.decode()


def test_the_details_page_shows_the_teams_subscription(team, owner, add_member, subscribe, login):
    add_member("second@acme.test")
    subscription = subscribe(team, "starter", "annual")

    page = login(owner).get(reverse("web:demo_details", args=[team.slug])).content.decode()

    assert "Starter <code>starter-annual</code>" in page
    assert subscription.processor_id in page
    assert '<dd data-testid="seats-billed">2</dd>' in page


def test_anonymous_visitors_to_the_subscription_page_are_sent_to_log_in(client, team):
    response = client.get(reverse("team_pay:subscription", args=[team.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
