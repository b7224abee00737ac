from __future__ import annotations

from .catalogue import BraintreeCatalogue
from .charges import BraintreeCharges
from .customers import BraintreeCustomers
from .payment_methods import BraintreePaymentMethods
from .subscriptions import BraintreeSubscriptions
from .webhooks import BraintreeWebhooks


class BraintreeProcessor(
    BraintreeCustomers,
    BraintreeSubscriptions,
    BraintreeCharges,
    BraintreePaymentMethods,
    BraintreeCatalogue,
    BraintreeWebhooks,
):
    """Braintree, through its official SDK (``braintree``).

    Settings: BRAINTREE_ENVIRONMENT ("sandbox" or "production"), BRAINTREE_MERCHANT_ID,
    BRAINTREE_PUBLIC_KEY and BRAINTREE_PRIVATE_KEY, each from Django settings or the
    environment. Cancelling at period end, quantities and swaps across billing cycles
    are emulated as Pay does (see subscriptions.py).
    """

    #: translate_webhook re-reads the subscriptions and sales it reports (see webhooks.py).
    webhook_changes_are_current = True

    unsupported = {
        "pause": (
            "Braintree subscriptions cannot be paused: cancel() it (access continues to the "
            "paid-through date) and resume() it before then."
        ),
        "create_checkout": (
            "Braintree has no hosted checkout: collect the payment method with its Drop-in UI "
            "(authorized by client_token()), then add_payment_method(nonce) and subscribe()."
        ),
        "billing_portal_url": (
            "Braintree has no hosted billing portal: build the page with the Drop-in UI."
        ),
    }
