from __future__ import annotations

from pay.processors.base import Processor

from .catalogue import StripeCatalogue
from .charges import StripeCharges
from .checkout import StripeCheckout
from .customers import StripeCustomers
from .payment_methods import StripePaymentMethods
from .subscriptions import StripeSubscriptions
from .webhooks import StripeWebhooks


class StripeProcessor(
    StripeCustomers,
    StripeSubscriptions,
    StripeCharges,
    StripePaymentMethods,
    StripeCheckout,
    StripeCatalogue,
    StripeWebhooks,
    Processor,
):
    """Stripe Billing through the official SDK (``StripeClient``, pinned API version)."""

    name = "stripe"
    #: translate_webhook re-reads every object it reports from Stripe (see webhooks.py).
    webhook_changes_are_current = True
    #: Subscriptions and checkout sessions carry ``pay_owner`` metadata only our key can set.
    owner_references_are_signed = False
