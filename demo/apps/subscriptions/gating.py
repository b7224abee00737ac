"""Pages for subscribers only, optionally only for some products."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .billing import active_plan
from .metadata import get_product

View = Callable[..., HttpResponse]


def subscription_required(*, limit_to_plans: list[str] | None = None) -> Callable[[View], View]:
    """Let a team view through only for an active subscription to one of ``limit_to_plans``.

    Goes inside ``team_view``, which sets ``request.team``. Others are sent to the
    Subscription page with a message saying which plan they need.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            team = request.team  # type: ignore[attr-defined]
            plan = active_plan(team)
            if plan is None:
                messages.info(request, "That page needs an active subscription. Pick a plan.")
                return redirect("subscriptions:subscription", team_slug=team.slug)
            if limit_to_plans and plan[0].slug not in limit_to_plans:
                names = " or ".join(
                    product.name for slug in limit_to_plans if (product := get_product(slug))
                )
                messages.info(request, f"That page is for the {names} plan. Upgrade to see it.")
                return redirect("subscriptions:subscription", team_slug=team.slug)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
