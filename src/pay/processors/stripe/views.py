"""The payment confirmation page: where a customer finishes a payment their bank holds.

A card that needs 3-D Secure leaves a subscription ``incomplete`` (or a renewal
``past_due``) and raises ActionRequired; send the customer to
:func:`confirm_payment_url`. The page confirms the PaymentIntent with Stripe.js
(asking for another card if the first one failed), then the completion view
records the outcome at once and returns the customer to ``next``, but only to a
URL on this site.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from pay.errors import ProcessorError
from pay.holders import can_manage_billing
from pay.models import Charge, Customer
from pay.money import format_money
from pay.processors import get_processor

from .charges import PaymentIntentState, StripeCharges
from .client import public_key

#: Where the customer goes after paying when ``next`` is missing or not on this site.
DEFAULT_NEXT = "/"


def confirm_payment_url(payment_intent_id: str, next_url: str = "") -> str:
    """The confirmation page for a payment, returning to ``next_url`` when it is done."""
    url = reverse("pay:stripe_confirm_payment", args=[payment_intent_id])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@login_required
def confirm_payment(request: HttpRequest, payment_intent_id: str) -> HttpResponse:
    customer, state = _payment_for(request, payment_intent_id)
    next_url = _safe_next(request)
    if state.status == "succeeded":
        return _finish(customer, state, next_url)
    complete_url = reverse("pay:stripe_payment_complete", args=[payment_intent_id])
    return render(
        request,
        "pay/stripe/confirm_payment.html",
        {
            "payment": state,
            "amount": format_money(state.amount, state.currency),
            "stripe_options": {
                "publishableKey": public_key(),
                "clientSecret": state.client_secret,
                "status": state.status,
                "completeUrl": f"{complete_url}?{urlencode({'next': next_url})}",
            },
            "failed": request.GET.get("failed") == "1",
            "next_url": next_url,
        },
    )


@login_required
def payment_complete(request: HttpRequest, payment_intent_id: str) -> HttpResponse:
    """Where Stripe.js sends the customer back: record the result, then move on."""
    customer, state = _payment_for(request, payment_intent_id)
    next_url = _safe_next(request)
    if state.status != "succeeded":
        retry = reverse("pay:stripe_confirm_payment", args=[payment_intent_id])
        return HttpResponseRedirect(f"{retry}?{urlencode({'next': next_url, 'failed': '1'})}")
    return _finish(customer, state, next_url)


def _payment_for(
    request: HttpRequest, payment_intent_id: str
) -> tuple[Customer, PaymentIntentState]:
    """The payment and its customer, if the signed-in user may pay it; 404 otherwise."""
    processor = get_processor("stripe")
    if not isinstance(processor, StripeCharges):
        raise Http404("Stripe is not this site's processor.")
    try:
        state = processor.payment_intent_state(payment_intent_id)
    except ProcessorError:
        raise Http404("No such payment.") from None
    customer = Customer.objects.filter(
        processor=processor.name,
        processor_id=state.customer_processor_id,
        deleted_at__isnull=True,
    ).first()
    owner = customer.owner if customer is not None else None
    if customer is None or owner is None or not can_manage_billing(request, owner):
        raise Http404("No such payment.")
    return customer, state


def _finish(customer: Customer, state: PaymentIntentState, next_url: str) -> HttpResponse:
    """Record the paid charge and the subscriptions it activated, without waiting for webhooks."""
    customer.sync_subscriptions()
    if state.charge is not None:
        Charge.objects.record(customer, state.charge)
    return HttpResponseRedirect(next_url)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if next_url and safe else DEFAULT_NEXT
