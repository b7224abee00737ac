"""The page Paddle Checkout opens on when a buyer upgrades from the Subscription page.

The upgrade creates a Paddle transaction (for the holder's customer, the price and the
seats, with the owner's signed reference) whose checkout URL is this page with
``?_ptxn=<transaction id>``; Paddle.js, loaded here, opens its overlay checkout for that
transaction. Once paid, Paddle.js sends the buyer to the checkout return page with the
transaction's id, which records the subscription at once.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from pay.absolute_urls import absolute_url
from pay.errors import PayError
from pay.models import Billable
from pay.processors.data import CheckoutSession
from pay.views import billing_view, customer_for, page_url, render_page


@require_GET
@billing_view
def checkout_page(request: HttpRequest, holder: Billable) -> HttpResponse:
    session = _holders_session(holder, request.GET.get("_ptxn", ""))
    query = urlencode({"session_id": session.processor_id})
    return_url = f"{page_url(request, 'checkout_return')}?{query}"
    if session.status == "expired":
        messages.info(request, "That checkout was cancelled. Choose a plan to start again.")
        return HttpResponseRedirect(page_url(request, "subscription"))
    if session.status == "complete":
        return HttpResponseRedirect(return_url)
    return render_page(
        request,
        "pay/paddle/checkout.html",
        {
            "open_options": json.dumps({"transactionId": session.processor_id}),
            "success_url": absolute_url(return_url, request),
            "cancel_url": page_url(request, "subscription"),
        },
    )


def _holders_session(holder: Billable, transaction_id: str) -> CheckoutSession:
    """The checkout of ``transaction_id``, if it is the holder's; 404 otherwise."""
    customer = customer_for(holder)
    try:
        session = customer.backend.retrieve_checkout(transaction_id)
    except PayError:
        raise Http404("No such checkout.") from None
    if not customer.processor_id or session.customer_processor_id != customer.processor_id:
        raise Http404("No such checkout.")
    return session
