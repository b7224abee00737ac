"""Lemon Squeezy's hosted checkout: where every Lemon Squeezy subscription begins.

:meth:`LemonSqueezyCheckout.create_checkout` creates a checkout for one
variant and returns its URL. The checkout carries the owner's signed reference
in ``checkout_data.custom``; Lemon Squeezy sends that custom data back in the
``meta`` of every webhook about the order and subscription it creates, which is
how they find their owner. A checkout does not record the order it leads to, so
the result arrives only by webhook (or ``customer.sync_subscriptions()``).
"""

from __future__ import annotations

from typing import Any

from pay.errors import InvalidAction, NotSupported
from pay.owners import sign_reference
from pay.processors.data import CheckoutRequest, CheckoutSession, CustomerDetails, LineItem

from .client import LemonSqueezyAPI, document, store_id
from .translate import NAME_KEY, OWNER_KEY, variant_id

#: create_checkout options passed to Lemon Squeezy as they are.
CHECKOUT_DATA_OPTIONS = ("discount_code",)
ATTRIBUTE_OPTIONS = ("expires_at", "test_mode")


def checkout_custom_data(owner_reference: str, name: str = "default") -> dict[str, str]:
    """The custom data a checkout carries: the signed owner and the subscription's name."""
    return {OWNER_KEY: sign_reference(owner_reference), NAME_KEY: name}


class LemonSqueezyCheckout(LemonSqueezyAPI):
    def create_checkout(
        self, customer: CustomerDetails, request: CheckoutRequest
    ) -> CheckoutSession:
        """A checkout for one variant; send the buyer to the session's ``url``.

        After paying, Lemon Squeezy sends the buyer to ``success_url``; it has no
        cancel page, so ``cancel_url`` goes unused. Options: ``name`` (the
        subscription's name), ``discount_code``, ``expires_at`` and ``test_mode``.
        """
        if request.mode == "setup":
            raise NotSupported(
                self.name,
                "setup-mode checkouts",
                "Lemon Squeezy saves a card only while taking a payment.",
            )
        item = _single_item(request.line_items)
        options = dict(request.options)
        name = str(options.pop("name", "default"))
        unknown = set(options) - {*CHECKOUT_DATA_OPTIONS, *ATTRIBUTE_OPTIONS}
        if unknown:
            raise InvalidAction(
                f"Lemon Squeezy checkouts do not take {', '.join(sorted(unknown))}; they take "
                f"name, {', '.join((*CHECKOUT_DATA_OPTIONS, *ATTRIBUTE_OPTIONS))}."
            )
        variant = variant_id(item.price)
        checkout_data: dict[str, Any] = {
            "email": customer.owner.email,
            "name": customer.owner.name,
            "custom": checkout_custom_data(customer.owner.reference, name),
            "variant_quantities": [{"variant_id": variant, "quantity": item.quantity}],
            **{key: options[key] for key in CHECKOUT_DATA_OPTIONS if key in options},
        }
        attributes = {
            "checkout_data": checkout_data,
            "product_options": {"redirect_url": request.success_url, "enabled_variants": [variant]},
            **{key: options[key] for key in ATTRIBUTE_OPTIONS if key in options},
        }
        created = self.api(
            "POST",
            "checkouts",
            "start a checkout",
            document=document(
                "checkouts",
                attributes,
                relationships={
                    "store": {"data": {"type": "stores", "id": store_id()}},
                    "variant": {"data": {"type": "variants", "id": str(variant)}},
                },
            ),
        )["data"]
        return CheckoutSession(
            processor_id=str(created["id"]),
            url=str(created["attributes"]["url"]),
            mode=request.mode,
            customer_processor_id=customer.processor_id,
        )

    def retrieve_checkout(self, session_id: str) -> CheckoutSession:
        raise self.not_supported("retrieve_checkout")

    def billing_portal_url(self, customer: CustomerDetails, return_url: str) -> str:
        """Lemon Squeezy's customer portal (a signed link valid for a day). It has no way
        back, so ``return_url`` goes unused."""
        found = self.fetch(f"customers/{customer.processor_id}", "open the customer portal")
        url = (found["attributes"].get("urls") or {}).get("customer_portal")
        if not url:
            raise InvalidAction(
                "Lemon Squeezy offers no customer portal for this customer; enable the "
                "customer portal in your store's settings."
            )
        return str(url)


def _single_item(line_items: tuple[LineItem, ...]) -> LineItem:
    if len(line_items) != 1:
        raise InvalidAction(
            f"A Lemon Squeezy checkout sells one variant, not {len(line_items)}; "
            "start one checkout per variant."
        )
    return line_items[0]
