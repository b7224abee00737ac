"""The demo's journey in a browser: sign up, subscribe, gated content, seats, cancel, resume."""

from __future__ import annotations

import re

import pytest

from apps.teams.models import Invitation, Team

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_team_subscribes_annually_grows_and_cancels(
    catalogue, new_page, screenshot, sign_up, tab
):
    page = new_page()
    page.goto("/")
    screenshot(page, "01-home")
    page.click("text=Create an account")
    screenshot(page, "02-sign-up")
    sign_up(page, "ada@engines.test")
    screenshot(page, "03-dashboard")

    tab(page, "Subscription")
    screenshot(page, "04-plans-monthly")
    page.get_by_role("link", name="Annual").click()
    page.wait_for_url(re.compile(r"interval=year"))
    assert page.get_by_text("$300.00", exact=True).is_visible()
    screenshot(page, "05-plans-annual")
    page.get_by_role("button", name="Upgrade to Pro").click()
    page.wait_for_url(re.compile(r"/pay/fake/checkout/"))
    screenshot(page, "06-checkout")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/billing/subscription/$"))
    assert page.get_by_text("Thank you! Your subscription is active.").is_visible()
    screenshot(page, "07-subscribed")

    tab(page, "Subscription Demo")
    assert page.get_by_role("heading", name="Pro content").is_visible()
    screenshot(page, "08-demo-content")
    page.get_by_role("link", name="2. Pro-only page").click()
    assert page.get_by_role("heading", name="The Pro-only page").is_visible()
    screenshot(page, "09-demo-pro-only")
    page.get_by_role("link", name="3. Subscription details").click()
    assert page.get_by_test_id("seats-billed").inner_text() == "1"
    screenshot(page, "10-demo-details")

    tab(page, "Team")
    page.fill("input[name=email]", "grace@navy.test")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to grace@navy.test").is_visible()
    screenshot(page, "11-team-invited")

    invitee = new_page(width=390, height=844)  # a phone
    sign_up(invitee, "grace@navy.test")
    invitee.goto(f"/invitations/{Invitation.objects.get().token}/")
    screenshot(invitee, "12-invitation-phone")
    invitee.get_by_role("button", name="Accept the invitation").click()
    assert invitee.get_by_text("Welcome to Ada's team!").is_visible()
    screenshot(invitee, "13-joined-phone")
    assert invitee.get_by_role("link", name="Subscription", exact=True).count() == 0
    invitee.goto(page.url.replace("/team/", "/billing/subscription/"))
    assert invitee.get_by_role("heading", name="You can't do that here").is_visible()
    screenshot(invitee, "13b-member-cannot-manage-billing-phone")

    page.reload()
    assert page.get_by_test_id("seats-billed").inner_text() == "1"
    assert page.get_by_text("2 members, 1 seat billed").is_visible()
    screenshot(page, "14-team-two-members")
    page.get_by_role("button", name="Sync seats now").click()
    assert page.get_by_test_id("seats-billed").inner_text() == "2"
    screenshot(page, "15-seats-synced")

    tab(page, "Subscription")
    page.get_by_role("button", name="Manage billing").click()
    page.wait_for_url(re.compile(r"/billing/billing/$"))
    screenshot(page, "16-billing")
    page.get_by_role("button", name="Cancel at period end").click()
    assert page.get_by_text("Your subscription is cancelled").is_visible()
    screenshot(page, "17-cancelled")
    page.get_by_role("button", name="Resume").click()
    assert page.get_by_text("Your subscription is active again.").is_visible()
    screenshot(page, "18-resumed")
    assert Team.objects.get(name="Ada's team").active_subscription().quantity == 2


def test_a_starter_team_is_sent_to_upgrade_for_the_pro_page(
    catalogue, new_page, screenshot, sign_up, tab
):
    page = new_page()
    sign_up(page, "lin@small.test")
    tab(page, "Subscription")
    page.get_by_role("button", name="Upgrade to Starter").click()
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/billing/subscription/$"))

    tab(page, "Subscription Demo")
    assert page.get_by_role("heading", name="Starter content").is_visible()
    page.get_by_role("link", name="2. Pro-only page").click()
    page.wait_for_url(re.compile(r"/billing/subscription/$"))
    assert page.get_by_text("That page is part of another plan").is_visible()
    screenshot(page, "01-upgrade-needed")

    page.goto("/accounts/logout/")
    screenshot(page, "02-log-out")
    page.get_by_role("button", name="Sign Out").click()
    page.goto("/accounts/login/")
    screenshot(page, "03-log-in")
    page.get_by_role("link", name="Forgot your password?").click()
    screenshot(page, "04-password-reset")
