"""The home page, the dashboard, and the Subscription Demo tab's three examples."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from apps.subscriptions.billing import active_plan, latest_subscription
from apps.subscriptions.gating import subscription_required
from apps.teams.access import team_view
from apps.teams.models import Team, create_team


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's first team, created if they have none."""
    team = request.user.teams.first() or create_team(request.user)  # type: ignore[union-attr]
    return redirect("web:team_dashboard", team_slug=team.slug)


def _billing_context(team: Team) -> dict[str, object]:
    subscription = latest_subscription(team)
    return {
        "plan": active_plan(team),
        "subscription": subscription if subscription and not subscription.ended() else None,
        "seats": team.get_quantity(),
    }


@team_view()
def team_dashboard(request: HttpRequest) -> HttpResponse:
    team: Team = request.team  # type: ignore[attr-defined]
    return render(
        request,
        "web/dashboard.html",
        {**_billing_context(team), "memberships": team.memberships.select_related("user")},
    )


@team_view()
def demo_by_plan(request: HttpRequest) -> HttpResponse:
    """Example 1: one page whose content changes with the team's plan."""
    return render(request, "web/demo_by_plan.html", _billing_context(request.team))  # type: ignore[attr-defined]


@team_view()
@subscription_required(limit_to_plans=["pro"])
def demo_pro_only(request: HttpRequest) -> HttpResponse:
    """Example 2: a page only Pro teams can open."""
    return render(request, "web/demo_pro.html", _billing_context(request.team))  # type: ignore[attr-defined]


@team_view()
def demo_details(request: HttpRequest) -> HttpResponse:
    """Example 3: everything the team's subscription knows about itself."""
    return render(request, "web/demo_details.html", _billing_context(request.team))  # type: ignore[attr-defined]
