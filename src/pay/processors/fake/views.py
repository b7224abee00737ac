"""The fake processor's checkout page, standing in for a processor's hosted checkout.

It shows what the session sells and takes a test card; "Pay" creates the
subscription, records it at once (as a processor's webhook would) and returns the
buyer to the session's success URL with its ``session_id``, as Stripe Checkout
does. Only the session's customer (its owner, or someone allowed to manage the
owner's billing) may open it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from pay.errors import PayError, PaymentDeclined
from pay.holders import can_manage_billing
from pay.models import Customer, Price
from pay.processors import FAKE_PROCESSOR, get_processor
from pay.processors.data import CheckoutSession
from pay.views import render_page

from .checkout import FakeCheckout, subscription_id_for


@login_required
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, session_id: str) -> HttpResponse:
    processor = get_processor(FAKE_PROCESSOR)
    assert isinstance(processor, FakeCheckout)
    customer, session = _session_for(request, processor, session_id)
    if session.status != "open":
        return HttpResponseRedirect(_with_session_id(session))
    if customer.subscriptions.filter(processor_id=subscription_id_for(session_id)).exists():
        messages.info(request, "This checkout has been paid already.")
        return HttpResponseRedirect(session.data["cancel_url"])
    declined = ""
    if request.method == "POST":
        try:
            paid = processor.complete_checkout(session_id, request.POST.get("card_number", ""))
        except PaymentDeclined as error:
            declined = str(error)
        except PayError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(session.data["cancel_url"])
        else:
            # Recorded now, as a processor's webhook would: the buyer may never come back.
            assert paid.subscription is not None
            customer.record_subscription(paid.subscription)
            return HttpResponseRedirect(_with_session_id(paid))
    price = (
        Price.objects.filter(processor=FAKE_PROCESSOR, processor_id=session.data["price"])
        .select_related("product")
        .first()
    )
    return render_page(
        request,
        "pay/fake/checkout.html",
        {
            "session": session,
            "price": price,
            "plan": session.data["price"],
            "quantity": session.data["quantity"],
            "declined": declined,
        },
        status=402 if declined else 200,
    )


def _session_for(
    request: HttpRequest, processor: FakeCheckout, session_id: str
) -> tuple[Customer, CheckoutSession]:
    """The session and its customer, if the signed-in user may pay for it; 404 otherwise."""
    try:
        session = processor.retrieve_checkout(session_id)
    except PayError:
        raise Http404("No such checkout.") from None
    customer = Customer.objects.filter(
        processor=FAKE_PROCESSOR,
        processor_id=session.customer_processor_id,
        deleted_at__isnull=True,
    ).first()
    owner = customer.owner if customer is not None else None
    if customer is None or owner is None or not can_manage_billing(request, owner):
        raise Http404("No such checkout.")
    return customer, session


def _with_session_id(session: CheckoutSession) -> str:
    url: str = session.data["success_url"]
    base, hash_sign, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}session_id={session.processor_id}{hash_sign}{fragment}"
