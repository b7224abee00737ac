"""Pages under ``t/<team_slug>/`` belong to a team: ``request.team`` is it, for its members.

Setting ``request.team`` makes the team the subscription holder of django-pay's pages and
decorators. A signed-in visitor who is not a member gets a 404, as if the team did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .models import Team


class TeamMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        slug = kwargs.get("team_slug")
        if slug is None or not request.user.is_authenticated:
            return
        team = Team.objects.filter(slug=slug).first()
        membership = team.membership_of(request.user) if team else None
        if team is None or membership is None:
            raise Http404("No such team.")
        request.team = team  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
