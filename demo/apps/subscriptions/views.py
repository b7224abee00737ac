"""Seats, from the Team tab: django-pay's pages do the rest of the Subscription tab."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from apps.teams.access import TeamRequest, team_view
from pay.errors import PayError
from pay.seats import sync_holder
from pay.views import user_message


@require_POST
@team_view(admin_only=True)
def sync_team_seats(request: TeamRequest) -> HttpResponse:
    team = request.team
    try:
        sync_holder(team)
    except PayError as error:
        messages.error(request, user_message(error))
    else:
        messages.success(request, f"Billing now counts {team.get_quantity()} seats.")
    return redirect("teams:members", team_slug=team.slug)
