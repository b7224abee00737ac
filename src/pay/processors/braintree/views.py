"""The built-in payment page for Braintree, which has no hosted checkout.

Braintree's Drop-in UI (loaded from Braintree's CDN, authorized by a client token for the
holder's customer) collects a card or PayPal account in the browser and posts back a
one-time nonce; the page vaults it as the default payment method and subscribes the holder
to the chosen price, one unit per seat. The Subscription page's "Upgrade" leads here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from pay.errors import PayError
from pay.models import Billable, Customer, Price
from pay.views import (
    billing_view,
    customer_for,
    default_quantity,
    page_url,
    price_to_sell,
    render_page,
    user_message,
)

from .payment_methods import BraintreePaymentMethods

DROP_IN_JS_URL = "https://js.braintreegateway.com/web/dropin/1.44.1/js/dropin.min.js"


@require_http_methods(["GET", "POST"])
@billing_view
def checkout_page(request: HttpRequest, holder: Billable) -> HttpResponse:
    price = price_to_sell(request, holder, request.GET.get("price", ""))
    if price is None:
        return HttpResponseRedirect(page_url(request, "subscription"))
    customer = customer_for(holder)
    quantity = default_quantity(holder)
    problem = ""
    if request.method == "POST":
        try:
            _subscribe(customer, request.POST.get("payment_method_nonce", ""), price, quantity)
        except PayError as error:
            problem = user_message(error)
        else:
            messages.success(request, "Thank you! Your subscription is active.")
            return HttpResponseRedirect(page_url(request, "subscription"))
    context = {
        "price": price,
        "quantity": quantity,
        "client_token": _client_token(customer),
        "drop_in_js_url": DROP_IN_JS_URL,
        "cancel_url": page_url(request, "subscription"),
        "problem": problem,
    }
    return render_page(
        request, "pay/braintree/checkout.html", context, status=402 if problem else 200
    )


def _subscribe(customer: Customer, nonce: str, price: Price, quantity: int) -> None:
    if not nonce:
        raise MissingPaymentMethod("Enter a card or choose a payment method, then pay.")
    customer.add_payment_method(nonce)
    customer.subscribe(plan=price.processor_id, quantity=quantity)


def _client_token(customer: Customer) -> str:
    backend = customer.backend
    if not isinstance(backend, BraintreePaymentMethods):
        raise Http404("This site does not bill through Braintree.")
    return backend.client_token(customer.details())


class MissingPaymentMethod(PayError):
    """The form came back without a nonce from the Drop-in UI."""
