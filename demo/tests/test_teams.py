"""Teams: invitations, roles, who manages billing, and seats following the members."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.teams.models import Invitation, Membership, Role, Team, create_team
from pay.seats import sync_subscription_quantities

pytestmark = pytest.mark.django_db


def url(name, team, *args):
    return reverse(name, args=[team.slug, *args])


def test_an_admin_invites_by_email_and_the_invitee_joins_with_the_role(
    team, owner, make_user, login
):
    client = login(owner)
    response = client.post(
        url("teams:invite", team), {"email": "Grace@Navy.test", "role": Role.ADMIN}
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(team=team)
    assert invitation.email == "grace@navy.test"
    link = reverse("teams:accept_invitation", args=[invitation.token])
    assert mail.outbox[0].to == ["grace@navy.test"]
    assert link in mail.outbox[0].body

    grace = make_user("grace@navy.test")
    login(grace)
    assert "Join Acme" in client.get(link).content.decode()
    client.post(link)

    assert team.membership_of(grace).role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(link).status_code == 404


def test_an_invitation_for_someone_already_on_the_team_is_refused(team, owner, member, login):
    response = login(owner).post(
        url("teams:invite", team), {"email": member.email, "role": Role.MEMBER}
    )

    assert response.status_code == 200
    assert "already on this team" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_members_cannot_invite_or_remove_people(team, owner, member, login):
    client = login(member)

    assert (
        client.post(url("teams:invite", team), {"email": "x@y.test", "role": "member"}).status_code
        == 403
    )
    owner_membership = team.membership_of(owner)
    assert client.post(url("teams:remove_member", team, owner_membership.pk)).status_code == 403
    assert not Invitation.objects.exists()
    assert team.memberships.count() == 2


def test_an_admin_removes_a_member_but_never_the_owner(team, owner, member, add_member, login):
    admin = add_member("admin@acme.test", role=Role.ADMIN)
    client = login(admin)

    client.post(url("teams:remove_member", team, team.membership_of(member).pk))
    client.post(url("teams:remove_member", team, team.membership_of(owner).pk))

    assert set(team.members.all()) == {owner, admin}


def test_an_admin_makes_a_member_an_admin_who_may_then_manage_billing(team, owner, member, login):
    membership = team.membership_of(member)
    assert login(member).get(url("team_pay:subscription", team)).status_code == 403

    login(owner).post(url("teams:change_role", team, membership.pk), {"role": Role.ADMIN})

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert login(member).get(url("team_pay:subscription", team)).status_code == 200


def test_members_cannot_change_roles_and_the_owner_stays_owner(
    team, owner, member, add_member, login
):
    owner_membership = team.membership_of(owner)
    assert (
        login(member)
        .post(url("teams:change_role", team, owner_membership.pk), {"role": Role.MEMBER})
        .status_code
        == 403
    )
    admin = add_member("admin@acme.test", role=Role.ADMIN)
    login(admin).post(url("teams:change_role", team, owner_membership.pk), {"role": Role.MEMBER})

    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_another_teams_pages_are_not_found(team, make_user, login):
    outsider = make_user("outsider@elsewhere.test")
    create_team(outsider, "Elsewhere")
    client = login(outsider)

    for name in ["teams:members", "team_pay:subscription", "team_pay:billing", "web:demo"]:
        assert client.get(url(name, team)).status_code == 404
    for name in ["subscriptions:sync_seats", "team_pay:manage_billing", "team_pay:upgrade"]:
        assert client.post(url(name, team)).status_code == 404
    assert client.post(url("team_pay:billing_action", team, "cancel")).status_code == 404


def test_only_admins_manage_billing(team, member, subscribe, login):
    subscription = subscribe(team)
    client = login(member)

    for name in ["team_pay:subscription", "team_pay:billing"]:
        assert client.get(url(name, team)).status_code == 403
    for name in ["team_pay:upgrade", "team_pay:manage_billing", "subscriptions:sync_seats"]:
        assert client.post(url(name, team), {"price": "pro-monthly"}).status_code == 403
    assert client.post(url("team_pay:billing_action", team, "cancel")).status_code == 403
    dashboard = client.get(url("web:team_dashboard", team)).content.decode()
    assert url("team_pay:subscription", team) not in dashboard

    subscription.refresh_from_db()
    assert not subscription.cancelled()
    assert subscription.processor_plan == "starter-monthly"


def test_adding_and_removing_members_stamps_the_billing_change(team, add_member):
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        newcomer = add_member("new@acme.test")
        team.refresh_from_db()
        assert team.billing_details_last_changed == timezone.now()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        Membership.objects.get(user=newcomer).delete()
        team.refresh_from_db()
        assert team.billing_details_last_changed == timezone.now()


def test_a_role_change_is_not_a_billing_change(team, member):
    before = Team.objects.get(pk=team.pk).billing_details_last_changed
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        membership = team.membership_of(member)
        membership.role = Role.ADMIN
        membership.save()
    assert Team.objects.get(pk=team.pk).billing_details_last_changed == before


def test_the_seats_billed_follow_the_members_after_a_sync(
    team, owner, add_member, subscribe, login
):
    subscription = subscribe(team)
    client = login(owner)
    page = url("teams:members", team)

    add_member("second@acme.test")
    shown = client.get(page).content.decode()
    assert '<span data-testid="seats-billed">1</span>' in shown
    assert "2 members, 1 seat billed" in shown

    client.post(url("subscriptions:sync_seats", team))

    subscription.refresh_from_db()
    assert subscription.quantity == 2
    shown = client.get(page).content.decode()
    assert '<span data-testid="seats-billed">2</span>' in shown
    assert "Billing is up to date" in shown


def test_the_periodic_sync_only_touches_teams_whose_members_changed(
    team, add_member, subscribe, make_user
):
    subscribe(team)
    quiet = create_team(make_user("quiet@calm.test"), "Calm")
    subscribe(quiet)
    assert sync_subscription_quantities().examined == 2

    add_member("third@acme.test")
    synced = sync_subscription_quantities()

    assert (synced.examined, synced.updated) == (1, ["Acme"])

    assert team.active_subscription().quantity == 2
    assert quiet.active_subscription().quantity == 1
