"""Keep pages for paying holders: ``@active_subscription_required``.

The decorated view gets the holder as ``request.subscription_holder`` (not as a
keyword argument, so the view's signature and URL patterns stay as they were),
and its active subscription is already loaded: ``holder.active_subscription()``
costs nothing more. Anonymous visitors go to the login page, as with
``@login_required`` (so the order of the two decorators does not matter); holders
without a suitable subscription go to the Subscription page with a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, overload

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from pay.holders import get_subscription_holder, is_on_plan, subscription_page_url

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponse])

NOT_SUBSCRIBED = "You need an active subscription to use that page. Choose a plan below."
WRONG_PLAN = "That page is part of another plan. Upgrade below to use it."


@overload
def active_subscription_required(view: ViewT) -> ViewT: ...


@overload
def active_subscription_required(
    view: None = None, *, limit_to_plans: Iterable[str] | None = None, name: str = "default"
) -> Callable[[ViewT], ViewT]: ...


def active_subscription_required(
    view: ViewT | None = None,
    *,
    limit_to_plans: Iterable[str] | None = None,
    name: str = "default",
) -> ViewT | Callable[[ViewT], ViewT]:
    """Let the view run only for a holder with an active subscription called ``name``.

    ``limit_to_plans`` narrows it to plans: product slugs from ACTIVE_PRODUCTS (``"pro"``),
    product ids or plan (price) ids. Use bare or with arguments::

        @active_subscription_required
        def dashboard(request): ...

        @active_subscription_required(limit_to_plans=["pro", "enterprise"])
        def reports(request): ...
    """
    plans = list(limit_to_plans) if limit_to_plans is not None else None

    def decorate(view_function: ViewT) -> ViewT:
        @wraps(view_function)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = refuse_unless_subscribed(request, plans, name)
            if refusal is not None:
                return refusal
            return view_function(request, *args, **kwargs)

        return gated  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate


def refuse_unless_subscribed(
    request: HttpRequest, plans: list[str] | None = None, name: str = "default"
) -> HttpResponse | None:
    """The redirect a holder without a suitable subscription gets, or ``None`` to go on.

    Sets ``request.subscription_holder`` when the request has a holder.
    """
    holder = get_subscription_holder(request)
    user = getattr(request, "user", None)
    if holder is None and user is not None and user.is_authenticated:
        raise PermissionDenied("This page has no subscription holder for you.")
    if holder is None:
        return redirect_to_login(request.get_full_path())
    request.subscription_holder = holder  # type: ignore[attr-defined]
    if holder.active_subscription(name) is None:
        messages.info(request, NOT_SUBSCRIBED, fail_silently=True)
        return HttpResponseRedirect(subscription_page_url(request))
    if plans is not None and not is_on_plan(holder, plans, name):
        messages.info(request, WRONG_PLAN, fail_silently=True)
        return HttpResponseRedirect(subscription_page_url(request))
    return None


class ActiveSubscriptionRequiredMixin:
    """The decorator for class-based views: set ``limit_to_plans`` (and ``subscription_name``)
    on the class. Put it first among the bases, before ``LoginRequiredMixin`` or not."""

    limit_to_plans: Iterable[str] | None = None
    subscription_name: str = "default"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plans = list(self.limit_to_plans) if self.limit_to_plans is not None else None
        refusal = refuse_unless_subscribed(request, plans, self.subscription_name)
        if refusal is not None:
            return refusal
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response
