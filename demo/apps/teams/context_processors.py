from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def current_team(request: HttpRequest) -> dict[str, Any]:
    """The team the navigation tabs point at: the page's team, else the user's first one."""
    team = getattr(request, "team", None)
    if team is None and request.user.is_authenticated:
        team = request.user.teams.first()
    membership = getattr(request, "membership", None)
    return {"current_team": team, "current_membership": membership}
