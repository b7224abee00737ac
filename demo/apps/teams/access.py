"""Team pages: only members see a team (others get a 404); only admins manage it (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import Team

TeamView = Callable[..., HttpResponse]


def team_view(*, admin_only: bool = False) -> Callable[[TeamView], TeamView]:
    """Resolve the URL's ``team_slug`` into ``request.team`` for a signed-in member."""

    def decorator(view: TeamView) -> TeamView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, team_slug: str, **kwargs: Any) -> HttpResponse:
            team = get_object_or_404(Team, slug=team_slug)
            membership = team.membership_of(request.user)
            if membership is None:
                raise Http404("No such team.")
            if admin_only and not membership.is_admin:
                raise PermissionDenied("Only the team's admins can do that.")
            request.team = team  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, **kwargs)

        return wrapper

    return decorator
