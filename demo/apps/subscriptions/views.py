"""The Subscription tab: choose a plan, pay, then manage seats, cancellation and billing.

Processors with a hosted checkout (Stripe) take the buyer to it; the others (the fake
processor) use the demo's own checkout page. Every change is made by a team admin.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.teams.access import team_view
from apps.teams.models import Team
from pay.errors import PayError
from pay.processors import get_processor
from pay.processors.base import Processor

from .billing import active_plan, billing_customer, latest_subscription, sync_seats
from .metadata import (
    ACTIVE_PLAN_INTERVALS,
    ACTIVE_PRODUCTS,
    MONTHLY,
    PlanInterval,
    ProductMetadata,
    get_interval,
    get_product,
)

DEMO_CARD_TOKEN = "pm_demo_visa"


def _team(request: HttpRequest) -> Team:
    team: Team = request.team  # type: ignore[attr-defined]
    return team


def _back(team: Team) -> HttpResponse:
    return redirect("subscriptions:subscription", team_slug=team.slug)


def _has_hosted_page(operation: str) -> bool:
    """Whether the processor implements an optional hosted page (checkout, billing portal).

    django-pay lists only its core operations in ``unsupported``; the hosted pages raise
    NotSupported when called, so ask whether the processor overrides the base class's method.
    """
    processor = get_processor(settings.DEMO_PAYMENT_PROCESSOR)
    return getattr(type(processor), operation) is not getattr(Processor, operation)


@team_view()
def subscription(request: HttpRequest) -> HttpResponse:
    team = _team(request)
    interval = get_interval(request.GET.get("interval", "")) or MONTHLY
    plan = active_plan(team)
    subscription = latest_subscription(team)
    return render(
        request,
        "subscriptions/subscription.html",
        {
            "subscription": subscription if subscription and not subscription.ended() else None,
            "plan": plan,
            "interval": interval,
            "intervals": ACTIVE_PLAN_INTERVALS,
            "offers": [
                (product, product.seat_amounts[interval.interval]) for product in ACTIVE_PRODUCTS
            ],
            "seats": team.get_quantity(),
            "has_portal": _has_hosted_page("billing_portal_url"),
        },
    )


def _chosen_plan(request: HttpRequest) -> tuple[ProductMetadata, PlanInterval] | None:
    product = get_product(request.POST.get("product", "") or request.GET.get("product", ""))
    interval = get_interval(request.POST.get("interval", "") or request.GET.get("interval", ""))
    return (product, interval) if product and interval else None


@require_POST
@team_view(admin_only=True)
def start_checkout(request: HttpRequest) -> HttpResponse:
    team = _team(request)
    chosen = _chosen_plan(request)
    if chosen is None:
        return HttpResponseBadRequest("Pick one of the plans on the Subscription page.")
    product, interval = chosen
    if not _has_hosted_page("create_checkout"):
        url = reverse("subscriptions:checkout", kwargs={"team_slug": team.slug})
        return redirect(f"{url}?product={product.slug}&interval={interval.interval}")
    here = reverse("subscriptions:subscription", kwargs={"team_slug": team.slug})
    done = reverse("subscriptions:checkout_success", kwargs={"team_slug": team.slug})
    try:
        session = billing_customer(team).checkout(
            line_items=[
                {"price": product.price_id(interval.interval), "quantity": team.get_quantity()}
            ],
            success_url=request.build_absolute_uri(done),
            cancel_url=request.build_absolute_uri(here),
        )
    except PayError as error:
        messages.error(request, str(error))
        return _back(team)
    return redirect(session.url)


@team_view(admin_only=True)
def checkout(request: HttpRequest) -> HttpResponse:
    """The demo's own checkout page, for processors without a hosted one."""
    team = _team(request)
    chosen = _chosen_plan(request)
    if chosen is None:
        return _back(team)
    product, interval = chosen
    seats = team.get_quantity()
    if request.method == "POST":
        customer = billing_customer(team)
        try:
            customer.add_payment_method(DEMO_CARD_TOKEN)
            customer.subscribe(plan=product.price_id(interval.interval), quantity=seats)
        except PayError as error:
            messages.error(request, str(error))
            return _back(team)
        messages.success(request, f"Welcome to {product.name}! Your team is subscribed.")
        return _back(team)
    amount = product.seat_amounts[interval.interval]
    return render(
        request,
        "subscriptions/checkout.html",
        {
            "product": product,
            "interval": interval,
            "seats": seats,
            "seat_amount": amount,
            "total": amount * seats,
        },
    )


@team_view(admin_only=True)
def checkout_success(request: HttpRequest) -> HttpResponse:
    team = _team(request)
    try:
        billing_customer(team).sync_checkout_session(request.GET.get("session_id", ""))
    except PayError as error:
        messages.error(request, f"We could not confirm that checkout: {error}")
    else:
        messages.success(request, "Thank you! Your team is subscribed.")
    return _back(team)


def _change_subscription(request: HttpRequest, action: str, done: str) -> HttpResponse:
    team = _team(request)
    subscription = latest_subscription(team)
    if subscription is None:
        messages.error(request, "Your team has no subscription to change. Pick a plan first.")
        return _back(team)
    try:
        getattr(subscription, action)()
    except PayError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(team)


@require_POST
@team_view(admin_only=True)
def cancel(request: HttpRequest) -> HttpResponse:
    return _change_subscription(
        request, "cancel", "Your subscription is cancelled; it stays active until the period ends."
    )


@require_POST
@team_view(admin_only=True)
def resume(request: HttpRequest) -> HttpResponse:
    return _change_subscription(request, "resume", "Your subscription is active again.")


@require_POST
@team_view(admin_only=True)
def sync_team_seats(request: HttpRequest) -> HttpResponse:
    team = _team(request)
    try:
        sync_seats(team)
    except PayError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Billing now counts {team.get_quantity()} seats.")
    return _back(team)


@require_POST
@team_view(admin_only=True)
def billing_portal(request: HttpRequest) -> HttpResponse:
    team = _team(request)
    here = reverse("subscriptions:subscription", kwargs={"team_slug": team.slug})
    try:
        return redirect(billing_customer(team).billing_portal(request.build_absolute_uri(here)))
    except PayError as error:
        messages.error(request, str(error))
        return _back(team)
