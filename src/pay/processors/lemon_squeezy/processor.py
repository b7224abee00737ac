from __future__ import annotations

from .catalogue import LemonSqueezyCatalogue
from .charges import LemonSqueezyCharges
from .checkout import LemonSqueezyCheckout
from .customers import LemonSqueezyCustomers
from .payment_methods import LemonSqueezyPaymentMethods
from .subscriptions import LemonSqueezySubscriptions
from .webhooks import LemonSqueezyWebhooks


class LemonSqueezyProcessor(
    LemonSqueezyCustomers,
    LemonSqueezySubscriptions,
    LemonSqueezyCharges,
    LemonSqueezyPaymentMethods,
    LemonSqueezyCheckout,
    LemonSqueezyCatalogue,
    LemonSqueezyWebhooks,
):
    """Lemon Squeezy, a merchant of record, through its JSON:API (it has no Python SDK).

    Settings: LEMON_SQUEEZY_API_KEY, LEMON_SQUEEZY_STORE_ID and
    LEMON_SQUEEZY_WEBHOOK_SECRET, each from Django settings or the environment;
    LEMON_SQUEEZY_API_URL points the client elsewhere (a proxy, a test double).
    """

    #: Translation re-reads every subscription, order and invoice from the API.
    webhook_changes_are_current = True

    unsupported = {
        "subscribe": (
            "Lemon Squeezy creates subscriptions only in its checkout: send the buyer to "
            "customer.checkout(...).url (or {% lemon_squeezy_checkout_url %}); the "
            "subscription arrives by webhook."
        ),
        "cancel_now": (
            "Lemon Squeezy cancels only at the end of the billing period: use cancel(), "
            "which keeps the subscription until ends_at, when it expires."
        ),
        "charge": (
            "Lemon Squeezy, as merchant of record, takes one-off payments only in its "
            "checkout: use customer.checkout(mode='payment', ...) with a one-time variant."
        ),
        "add_payment_method": (
            "Lemon Squeezy saves cards in its checkout and has no payment method API; to "
            "change one, send the customer to the subscription's update_payment_method URL."
        ),
        "retrieve_checkout": (
            "A Lemon Squeezy checkout does not record the order it leads to: the subscription "
            "arrives by webhook, or customer.sync_subscriptions() finds it."
        ),
    }
