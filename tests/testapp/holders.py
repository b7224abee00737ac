"""The test project's PAY_SUBSCRIPTION_HOLDER: the team in the URL (members only), else the
default (``request.team``, else the user)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from pay.holders import default_subscription_holder

from .models import Team


def holder_for_request(request: HttpRequest) -> Any:
    team_id = request.resolver_match.kwargs.get("team_id") if request.resolver_match else None
    if team_id is None:
        return default_subscription_holder(request)
    team = Team.objects.filter(pk=team_id, members=request.user.pk).first()
    if team is None:
        raise Http404("No such team.")
    return team
