"""Who holds the subscription a request is about, and what that holder may do.

In a per-user SaaS the holder is the signed-in user; in a per-team one it is the
team the page belongs to. By default the holder is ``request.team`` when a view
or middleware set it, else the signed-in user; ``PAY_SUBSCRIPTION_HOLDER`` names
another ``callable(request) -> holder | None``. Every question here reuses the
holder's cached subscription (:meth:`pay.models.Billable.active_subscription`),
so a page asks the database at most once however often it asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.module_loading import import_string

from pay import conf
from pay.errors import ConfigurationError
from pay.metadata import ProductMetadata, product_by_processor_id
from pay.models import Billable, Subscription

#: Where the holder is kept on the request once found.
_REQUEST_ATTRIBUTE = "_pay_subscription_holder"


def get_subscription_holder(request: HttpRequest) -> Billable | None:
    """The request's subscription holder (found once per request), or ``None``."""
    if not hasattr(request, _REQUEST_ATTRIBUTE):
        hook = conf.get("PAY_SUBSCRIPTION_HOLDER")
        holder = _callable(hook)(request) if hook else default_subscription_holder(request)
        setattr(request, _REQUEST_ATTRIBUTE, holder)
    holder = getattr(request, _REQUEST_ATTRIBUTE)
    if holder is not None and not isinstance(holder, Billable):
        raise ConfigurationError(
            f"The subscription holder {holder!r} is not Billable: add pay.models.Billable "
            "to its model, or make PAY_SUBSCRIPTION_HOLDER return a Billable."
        )
    return holder


def default_subscription_holder(request: HttpRequest) -> Any:
    """``request.team`` when set, else the signed-in user, else ``None``."""
    team = getattr(request, "team", None)
    if team is not None:
        return team
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def can_manage_billing(request: HttpRequest, holder: Billable) -> bool:
    """May the signed-in user change ``holder``'s billing?

    ``PAY_CAN_MANAGE_BILLING`` (``callable(request, holder) -> bool``) decides when set.
    Otherwise: yes for the user's own billing, and for another holder (a team) when its
    ``pay_can_manage(user)`` says so; no when it has no such method.
    """
    hook = conf.get("PAY_CAN_MANAGE_BILLING")
    if hook:
        return bool(_callable(hook)(request, holder))
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if holder == user:
        return True
    decide = getattr(holder, "pay_can_manage", None)
    return bool(decide(user)) if callable(decide) else False


def subscription_product(subscription: Subscription | None) -> ProductMetadata | None:
    """The ACTIVE_PRODUCTS entry of the subscription's plan, if it has one."""
    if subscription is None:
        return None
    product_id = getattr(subscription, "product_processor_id", None)
    return product_by_processor_id(product_id) if product_id else None


def has_active_subscription(holder: Billable | None, name: str = "default") -> bool:
    return holder is not None and holder.active_subscription(name) is not None


def is_on_plan(holder: Billable | None, plans: Iterable[str], name: str = "default") -> bool:
    """Is the holder's active subscription on one of ``plans``?

    A plan is a product slug from ACTIVE_PRODUCTS (``"pro"``), a product id at the processor
    or a plan (price) id.
    """
    subscription = holder.active_subscription(name) if holder is not None else None
    return subscription is not None and bool(set(plans) & plan_names(subscription))


def plan_names(subscription: Subscription) -> set[str]:
    """Every name ``limit_to_plans`` may use for the subscription's plan."""
    names = {subscription.processor_plan}
    product_id = getattr(subscription, "product_processor_id", None)
    if product_id:
        names.add(product_id)
    product = subscription_product(subscription)
    if product is not None:
        names.add(product.slug)
    return names


def has_feature(holder: Billable | None, feature: str, name: str = "default") -> bool:
    """Does the holder's active plan list ``feature`` in its ProductMetadata ``features``?"""
    subscription = holder.active_subscription(name) if holder is not None else None
    product = subscription_product(subscription)
    return product is not None and feature in product.features


def subscription_page_url(request: HttpRequest) -> str:
    """The Subscription page for the request's holder (``pay:subscription``).

    When ``pay.urls`` is also mounted under a prefix with arguments (``teams/<slug:team>/``),
    the mount that takes the current URL's arguments wins.
    """
    kwargs = dict(request.resolver_match.kwargs) if request.resolver_match else {}
    if kwargs:
        for namespace in get_resolver().app_dict.get("pay", []):
            try:
                return reverse(f"{namespace}:subscription", kwargs=kwargs)
            except NoReverseMatch:
                continue
    return reverse("pay:subscription")


@cache
def _callable(dotted_path: str) -> Callable[..., Any]:
    try:
        found: Callable[..., Any] = import_string(dotted_path)
    except ImportError as error:
        raise ConfigurationError(f"{dotted_path!r} cannot be imported: {error}.") from error
    return found
