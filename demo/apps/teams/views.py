"""The Team tab: members and their roles, invitations by email, and accepting one."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.users.requests import SignedInRequest

from .access import TeamRequest, team_view
from .forms import InvitationForm
from .models import Invitation, Membership, Role


@team_view()
def team_members(request: TeamRequest) -> HttpResponse:
    return _members_page(request, InvitationForm(team=request.team))


def _members_page(request: TeamRequest, form: InvitationForm) -> HttpResponse:
    team = request.team
    return render(
        request,
        "teams/members.html",
        {
            "memberships": team.memberships.select_related("user"),
            "invitations": team.invitations.filter(accepted_at=None),
            "form": form,
            "subscription": team.active_subscription(),
            "seats": team.get_quantity(),
        },
    )


@require_POST
@team_view(admin_only=True)
def invite(request: TeamRequest) -> HttpResponse:
    team = request.team
    form = InvitationForm(request.POST, team=team)
    if not form.is_valid():
        return _members_page(request, form)
    invitation = form.save(commit=False)
    invitation.team, invitation.invited_by = team, request.user
    invitation.save()
    link = request.build_absolute_uri(reverse("teams:accept_invitation", args=[invitation.token]))
    send_mail(
        f"Join {team} on the django-pay demo",
        f"{request.user} invited you to join {team}. Accept here: {link}",
        None,
        [invitation.email],
    )
    messages.success(request, f"Invitation sent to {invitation.email}. Their link: {link}")
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(admin_only=True)
def remove_member(request: TeamRequest, membership_id: int) -> HttpResponse:
    team = request.team
    membership = get_object_or_404(team.memberships, pk=membership_id)
    if membership.role == Role.OWNER:
        messages.error(request, "The team's owner cannot be removed.")
    else:
        membership.delete()
        messages.success(request, f"{membership.user} was removed from {team}.")
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(admin_only=True)
def change_role(request: TeamRequest, membership_id: int) -> HttpResponse:
    """Make a member an admin, or an admin a member; the owner stays the owner."""
    team = request.team
    membership = get_object_or_404(team.memberships, pk=membership_id)
    role = request.POST.get("role", "")
    if membership.role == Role.OWNER or role not in (Role.ADMIN, Role.MEMBER):
        messages.error(request, "Choose admin or member, for someone other than the owner.")
    else:
        membership.role = role
        membership.save(update_fields=["role"])
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("teams:members", team_slug=team.slug)


@require_POST
@team_view(admin_only=True)
def cancel_invitation(request: TeamRequest, invitation_id: int) -> HttpResponse:
    team = request.team
    invitation = get_object_or_404(team.invitations, pk=invitation_id, accepted_at=None)
    invitation.delete()
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("teams:members", team_slug=team.slug)


@login_required
def accept_invitation(request: SignedInRequest, token: UUID) -> HttpResponse:
    invitation = get_object_or_404(Invitation, token=token, accepted_at=None)
    if request.method != "POST":
        return render(request, "teams/accept_invitation.html", {"invitation": invitation})
    Membership.objects.get_or_create(
        team=invitation.team, user=request.user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    messages.success(request, f"Welcome to {invitation.team}!")
    return redirect("web:team_dashboard", team_slug=invitation.team.slug)
