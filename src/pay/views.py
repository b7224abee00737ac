"""The Subscription page and billing management, for any holder (a user, a team).

Mount them with ``path("pay/", include("pay.urls"))``, or per team from
:mod:`pay.billing_urls`. The holder is the request's (see :mod:`pay.holders`); only
those who may manage its billing (:func:`pay.holders.can_manage_billing`) see these
pages, others get 403. Every
change is a POST (with Django's CSRF protection). Templates extend
``PAY_BASE_TEMPLATE`` (``pay/base.html``), so a project restyles them by pointing
it at its own base, or overrides ``pay/subscription.html`` and ``pay/billing.html``.
Checkout pages of this site that belong to one processor (Paddle's, Braintree's payment page)
live in that processor's package and build on the helpers here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pay import conf
from pay.absolute_urls import absolute_url, require_same_site
from pay.errors import (
    ActionRequired,
    ConfigurationError,
    PayError,
    PaymentDeclined,
    ProcessorError,
)
from pay.holders import can_manage_billing, get_subscription_holder, subscription_product
from pay.metadata import PlanInterval, active_plan_intervals, offered_prices, plans_for
from pay.models import Billable, Customer, PerSeatBillable, Price, Subscription
from pay.models.subscription import FINAL_STATUSES
from pay.processors import Processor, default_processor

ViewFunction = Callable[..., HttpResponse]

logger = logging.getLogger("pay.views")

#: What a buyer reads when the site or the processor failed, not their input or their card.
UNAVAILABLE = (
    "Billing is unavailable just now. Please try again in a few minutes, "
    "and contact us if it keeps happening."
)


#: URL arguments of a page itself, as opposed to those of the prefix pay.urls is mounted under.
_PAGE_ARGUMENTS = ("action", "session_id")


def page_url(request: HttpRequest, name: str, **kwargs: str) -> str:
    """The URL of ``pay:<name>`` in the same mount of pay.urls as this request.

    pay.urls may be mounted under a prefix with arguments (``teams/<slug:team>/billing/``);
    the current URL's values for them are reused.
    """
    match = request.resolver_match
    mount = {k: v for k, v in (match.kwargs if match else {}).items() if k not in _PAGE_ARGUMENTS}
    return reverse(
        f"pay:{name}", kwargs={**mount, **kwargs}, current_app=match.namespace if match else None
    )


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render one of django-pay's pages; they extend ``pay_base_template`` (PAY_BASE_TEMPLATE)."""
    context = {"pay_base_template": conf.get("PAY_BASE_TEMPLATE"), **context}
    return render(request, template, context, status=status)


def billing_view(view: ViewFunction) -> ViewFunction:
    """Find the holder, and let only those who may manage its billing in."""

    @wraps(view)
    def for_billing_managers(request: HttpRequest, **url_kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        holder = get_subscription_holder(request)
        if holder is None or not can_manage_billing(request, holder):
            raise PermissionDenied("Only the account's billing admins can manage its billing.")
        page_arguments = {k: v for k, v in url_kwargs.items() if k in _PAGE_ARGUMENTS}
        return view(request, holder, **page_arguments)

    return for_billing_managers


def user_message(error: PayError) -> str:
    """What to tell the buyer about ``error``: its own words when it is about their choice or
    their card. A fault of the site or the processor names settings, request ids or a masked
    key, none of which the buyer can act on: they get UNAVAILABLE, the site's staff the log."""
    buyers_problem = isinstance(error, (PaymentDeclined, ActionRequired))
    if buyers_problem or not isinstance(error, (ProcessorError, ConfigurationError)):
        return str(error)
    logger.error("A billing page failed: %s", error)
    return UNAVAILABLE


def customer_for(holder: Billable) -> Customer:
    """The holder's customer at the project's processor, made its default."""
    current = holder.payment_processor
    if current is not None and current.processor == default_processor():
        return current
    return holder.set_payment_processor(default_processor(), allow_fake=True)


def has_hosted_portal(backend: Processor) -> bool:
    return type(backend).billing_portal_url is not Processor.billing_portal_url


def _selected_interval(request: HttpRequest) -> PlanInterval:
    intervals = active_plan_intervals()
    requested = request.GET.get("interval", "")
    return next((i for i in intervals if i.value == requested), intervals[0])


@require_GET
@billing_view
def subscription_page(request: HttpRequest, holder: Billable) -> HttpResponse:
    """The holder's plan and its state; or the plans on offer, with a monthly/annual toggle."""
    subscription = current_subscription(holder)
    interval = _selected_interval(request)
    context = {
        "holder": holder,
        "subscription": subscription,
        "product": subscription_product(subscription),
        "interval": interval,
        "intervals": [
            (i, f"{page_url(request, 'subscription')}?interval={i.value}")
            for i in active_plan_intervals()
        ],
        "plans": plans_for(interval) if subscription is None else [],
        "default_quantity": default_quantity(holder),
        "upgrade_url": page_url(request, "upgrade"),
        "manage_url": page_url(request, "manage_billing"),
    }
    if subscription is not None:
        context.update(_subscription_details(subscription))
    return render_page(request, "pay/subscription.html", context)


def _subscription_details(subscription: Subscription) -> dict[str, Any]:
    customer = subscription.customer
    price = Price.objects.filter(
        processor=customer.processor, processor_id=subscription.processor_plan
    ).first()
    return {
        "price": price,
        "payment_method": customer.default_payment_method,
        "renews_at": None if subscription.cancelled() else subscription.current_period_end,
        "ends_at": subscription.ends_at,
    }


def processor_of(subscription: Subscription | None) -> str:
    return subscription.customer.processor if subscription is not None else default_processor()


def default_quantity(holder: Billable) -> int:
    return holder.get_quantity() if isinstance(holder, PerSeatBillable) else 1


@require_POST
@billing_view
def upgrade(request: HttpRequest, holder: Billable) -> HttpResponse:
    """Start the processor's checkout for the chosen price: a hosted one (Stripe Checkout,
    Lemon Squeezy), one opening on a page of this site (Paddle.js, the fake's page), or the
    built-in payment page of a processor without one (Braintree's Drop-in UI)."""
    price = price_to_sell(request, holder, request.POST.get("price", ""))
    if price is None:
        return HttpResponseRedirect(page_url(request, "subscription"))
    customer = customer_for(holder)
    if customer.processor in PAYMENT_PAGES:
        payment_page = page_url(request, PAYMENT_PAGES[customer.processor])
        return HttpResponseRedirect(f"{payment_page}?{urlencode({'price': price.processor_id})}")
    try:
        session = customer.checkout(
            line_items=[{"price": price.processor_id, "quantity": default_quantity(holder)}],
            success_url=_return_url(request, "checkout_return"),
            cancel_url=_return_url(request, "subscription"),
            **_checkout_page_options(request, customer.processor),
        )
    except PayError as error:
        messages.error(request, user_message(error))
        return HttpResponseRedirect(page_url(request, "subscription"))
    return HttpResponseRedirect(session.url)


def price_to_sell(request: HttpRequest, holder: Billable, price_id: str) -> Price | None:
    """The offered price ``price_id``, if the holder may buy it; else None, with a message
    saying why."""
    price = offered_prices().filter(processor_id=price_id).first()
    if price is None:
        messages.error(request, "That plan is not on sale. Choose one of the plans below.")
        return None
    if current_subscription(holder) is not None:
        messages.info(request, "You are subscribed already. Change plans under Manage billing.")
        return None
    return price


#: Processors without a hosted checkout, and their built-in payment page (``pay:<name>``).
PAYMENT_PAGES = {"braintree": "braintree_checkout"}

#: Processors whose checkout opens on a page of this site: the option naming that page.
CHECKOUT_PAGES = {"paddle_billing": ("checkout_url", "paddle_checkout")}


def _checkout_page_options(request: HttpRequest, processor: str) -> dict[str, str]:
    if processor not in CHECKOUT_PAGES:
        return {}
    option, page = CHECKOUT_PAGES[processor]
    return {option: _return_url(request, page)}


def _return_url(request: HttpRequest, name: str) -> str:
    """The absolute URL of ``pay:<name>`` a processor sends the buyer back to."""
    return require_same_site(absolute_url(page_url(request, name), request), request)


@require_GET
@billing_view
def checkout_return(request: HttpRequest, holder: Billable) -> HttpResponse:
    """Where checkout sends the buyer back: record the subscription now, not at the webhook."""
    session_id = request.GET.get("session_id", "")
    customer = customer_for(holder)
    try:
        subscription = (
            current_subscription(holder)
            if "retrieve_checkout" in customer.backend.unsupported  # it comes by webhook
            else customer.sync_checkout_session(session_id)
        )
    except PayError as error:
        messages.error(request, user_message(error))
        return HttpResponseRedirect(page_url(request, "subscription"))
    if subscription is not None and subscription.active():
        messages.success(request, "Thank you! Your subscription is active.")
    else:
        messages.info(request, "Your payment is being processed; this page updates once it is.")
    return HttpResponseRedirect(page_url(request, "subscription"))


@require_POST
@billing_view
def manage_billing(request: HttpRequest, holder: Billable) -> HttpResponse:
    """The processor's hosted billing portal, or the built-in billing page when it has none."""
    subscription = current_subscription(holder)
    customer = subscription.customer if subscription is not None else customer_for(holder)
    if not has_hosted_portal(customer.backend):
        return HttpResponseRedirect(page_url(request, "billing"))
    try:
        portal_url = customer.billing_portal(return_url=_return_url(request, "subscription"))
    except PayError as error:
        messages.error(request, user_message(error))
        return HttpResponseRedirect(page_url(request, "subscription"))
    return HttpResponseRedirect(portal_url)


@require_GET
@billing_view
def billing_page(request: HttpRequest, holder: Billable) -> HttpResponse:
    """The built-in billing page: cancel, resume, swap plans, change seats, pause."""
    subscription = current_subscription(holder)
    context: dict[str, Any] = {
        "holder": holder,
        "subscription": subscription,
        "product": subscription_product(subscription),
        "per_seat": isinstance(holder, PerSeatBillable),
        "swap_prices": offered_prices(processor_of(subscription))
        .exclude(processor_id=getattr(subscription, "processor_plan", ""))
        .order_by("product__name", "amount"),
        "action_urls": {
            action: page_url(request, "billing_action", action=action)
            for action in offered_actions(subscription)
        },
        "subscription_url": page_url(request, "subscription"),
    }
    if subscription is not None:
        context.update(_subscription_details(subscription))
    return render_page(request, "pay/billing.html", context)


def offered_actions(subscription: Subscription | None) -> list[str]:
    """The billing actions the subscription's processor can perform, so that the page offers
    no button (Braintree's "Pause", Lemon Squeezy's "Cancel now") that can only fail."""
    if subscription is None:
        return []
    unsupported = subscription.customer.backend.unsupported
    return [
        action
        for action in BILLING_ACTIONS
        if ACTION_OPERATIONS.get(action, action) not in unsupported
    ]


def current_subscription(holder: Billable) -> Subscription | None:
    """The subscription the pages show and manage: the newest one that has not ended, whether
    active, on its grace period, paused or awaiting payment (``past_due``, ``incomplete``), so
    that a failed payment is fixed rather than paid for twice."""
    return (
        Subscription.objects.for_owner(holder)  # type: ignore[arg-type]
        .for_name("default")
        .exclude(status__in=FINAL_STATUSES)
        .exclude(ends_at__lte=timezone.now())
        .with_product()
        .select_related("customer")
        .newest_first()
        .first()
    )


def _cancel(request: HttpRequest, subscription: Subscription) -> str:
    subscription.cancel()
    return "Your subscription is cancelled. It stays active until the end of the paid period."


def _cancel_now(request: HttpRequest, subscription: Subscription) -> str:
    subscription.cancel_now()
    return "Your subscription has ended."


def _resume(request: HttpRequest, subscription: Subscription) -> str:
    subscription.resume()
    return "Your subscription is active again."


def _pause(request: HttpRequest, subscription: Subscription) -> str:
    subscription.pause()
    return "Billing is paused. Resume whenever you like."


def _swap(request: HttpRequest, subscription: Subscription) -> str:
    price = (
        offered_prices(subscription.customer.processor)
        .filter(processor_id=request.POST.get("price", ""))
        .first()
    )
    if price is None:
        raise InvalidChoice("Choose one of the plans listed.")
    subscription.swap(price.processor_id)
    return f"You are now on {price.product.name}, {price.display_interval()}."


def _change_seats(request: HttpRequest, subscription: Subscription) -> str:
    try:
        quantity = int(request.POST.get("quantity", ""))
    except ValueError:
        raise InvalidChoice("Enter the number of seats as a whole number.") from None
    if quantity < 1:  # zero seats would keep the plan and bill nothing
        raise InvalidChoice("Enter at least 1 seat; to stop paying, cancel the subscription.")
    subscription.change_quantity(quantity)
    return f"You now pay for {quantity} seat{'s' if quantity != 1 else ''}."


class InvalidChoice(PayError):
    """The form asked for something that is not on offer."""


BILLING_ACTIONS: dict[str, Callable[[HttpRequest, Subscription], str]] = {
    "cancel": _cancel,
    "cancel_now": _cancel_now,
    "resume": _resume,
    "pause": _pause,
    "swap": _swap,
    "change_seats": _change_seats,
}

#: The processor operation behind each billing action, where their names differ.
ACTION_OPERATIONS = {"change_seats": "change_quantity"}


@require_POST
@billing_view
def billing_action(request: HttpRequest, holder: Billable, action: str) -> HttpResponse:
    """Change the managed subscription: one of BILLING_ACTIONS."""
    perform = BILLING_ACTIONS.get(action)
    subscription = current_subscription(holder)
    if perform is None or subscription is None:
        messages.error(request, "There is no subscription to change. Choose a plan first.")
        return HttpResponseRedirect(page_url(request, "subscription"))
    try:
        messages.success(request, perform(request, subscription))
    except ActionRequired as error:
        return HttpResponseRedirect(_confirmation_page(request, error))
    except PayError as error:
        messages.error(request, user_message(error))
    return HttpResponseRedirect(page_url(request, "billing"))


def _confirmation_page(request: HttpRequest, error: ActionRequired) -> str:
    """The page where the buyer confirms the payment their bank holds, coming back to billing:
    only they can finish it, and until they do the change waits."""
    # Imported here: only Stripe raises ActionRequired, and the stripe package is optional.
    from pay.processors.stripe.views import confirm_payment_url

    return confirm_payment_url(error.payment_intent_id, page_url(request, "billing"))
