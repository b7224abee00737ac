"""The demo's own team pages: signed-in members only (TeamMiddleware found the team);
``admin_only`` pages answer 403 to other members."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

TeamView = Callable[..., HttpResponse]


def team_view(*, admin_only: bool = False) -> Callable[[TeamView], TeamView]:
    """The view gets the request (with ``request.team``) and its own URL arguments."""

    def decorator(view: TeamView) -> TeamView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, team_slug: str, **kwargs: Any) -> HttpResponse:
            if admin_only and not request.membership.is_admin:  # type: ignore[attr-defined]
                raise PermissionDenied("Only the team's admins can do that.")
            return view(request, **kwargs)

        return wrapper

    return decorator
