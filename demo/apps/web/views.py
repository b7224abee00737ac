"""The home page, the dashboard, and the Subscription Demo tab's three examples."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.teams.access import TeamRequest, team_view
from apps.teams.models import create_team
from apps.users.requests import SignedInRequest
from pay.decorators import active_subscription_required
from pay.holders import subscription_product


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


@login_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    """The signed-in user's first team, created if they have none."""
    team = request.user.teams.first() or create_team(request.user)
    return redirect("web:team_dashboard", team_slug=team.slug)


def _subscription_context(request: TeamRequest) -> dict[str, Any]:
    team = request.team
    subscription = team.active_subscription()
    return {
        "subscription": subscription,
        "product": subscription_product(subscription),
        "seats": team.get_quantity(),
    }


@team_view()
def team_dashboard(request: TeamRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", _subscription_context(request))


@team_view()
def demo_by_plan(request: TeamRequest) -> HttpResponse:
    """Example 1: one page whose content changes with the team's plan (see its template)."""
    return render(request, "web/demo_by_plan.html", _subscription_context(request))


@team_view()
@active_subscription_required(limit_to_plans=["pro"])
def demo_pro_only(request: TeamRequest) -> HttpResponse:
    """Example 2: a page only Pro teams can open."""
    return render(request, "web/demo_pro.html", _subscription_context(request))


@team_view()
def demo_details(request: TeamRequest) -> HttpResponse:
    """Example 3: everything the team's subscription knows about itself."""
    return render(request, "web/demo_details.html", _subscription_context(request))
