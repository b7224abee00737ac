"""The demo's own team pages: signed-in members only (TeamMiddleware found the team);
``admin_only`` pages answer 403 to other members."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.users.requests import SignedInRequest

from .models import Membership, Team


class TeamRequest(SignedInRequest):
    """A request for a team's page, as ``team_view`` hands it to the view."""

    team: Team
    membership: Membership


TeamView = Callable[..., HttpResponse]


def team_view(*, admin_only: bool = False) -> Callable[[TeamView], TeamView]:
    """The view gets a TeamRequest and its own URL arguments (not the team's slug)."""

    def decorator(view: TeamView) -> TeamView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, team_slug: str, **kwargs: Any) -> HttpResponse:
            team_request = cast(TeamRequest, request)
            if admin_only and not team_request.membership.is_admin:
                raise PermissionDenied("Only the team's admins can do that.")
            return view(team_request, **kwargs)

        return wrapper

    return decorator
