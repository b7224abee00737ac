"""Pages of the test project, gated by subscription, for users and for teams."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views import View

from pay.decorators import ActiveSubscriptionRequiredMixin, active_subscription_required

from .models import Team


def team_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Set ``request.team`` for the team in the URL, for its members only (404 otherwise)."""

    @wraps(view)
    def for_members(request: HttpRequest, team_id: int, **kwargs: Any) -> HttpResponse:
        team = Team.objects.filter(pk=team_id, members=request.user.pk).first()
        if team is None:
            raise Http404("No such team.")
        request.team = team  # type: ignore[attr-defined]
        return view(request, team_id=team_id, **kwargs)

    return for_members


def _holder_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    holder = request.subscription_holder  # type: ignore[attr-defined]
    subscription = holder.active_subscription()
    return HttpResponse(f"{holder} on {subscription.processor_plan}")


dashboard = active_subscription_required(_holder_page)
dashboard_below_login = login_required(active_subscription_required(_holder_page))
dashboard_above_login = active_subscription_required(login_required(_holder_page))
reports = active_subscription_required(limit_to_plans=["pro", "enterprise"])(_holder_page)
team_dashboard = login_required(team_member_required(active_subscription_required(_holder_page)))


class ReportsView(ActiveSubscriptionRequiredMixin, View):
    limit_to_plans = ["pro", "enterprise"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return _holder_page(request)
