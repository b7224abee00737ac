from __future__ import annotations

from .catalogue import PaddleCatalogue
from .charges import PaddleCharges
from .checkout import PaddleCheckout
from .customers import PaddleCustomers
from .payment_methods import PaddlePaymentMethods
from .subscriptions import PaddleSubscriptions
from .webhooks import PaddleWebhooks


class PaddleProcessor(
    PaddleCustomers,
    PaddleSubscriptions,
    PaddleCharges,
    PaddlePaymentMethods,
    PaddleCheckout,
    PaddleCatalogue,
    PaddleWebhooks,
):
    """Paddle Billing, the merchant of record, through its official SDK (paddle-python-sdk).

    Settings: PADDLE_API_KEY, PADDLE_ENVIRONMENT ("sandbox" or "production"),
    PADDLE_CLIENT_TOKEN (Paddle.js) and PADDLE_WEBHOOK_SECRET, each from Django
    settings or the environment.
    """

    unsupported = {
        "subscribe": (
            "Paddle creates subscriptions only in Paddle Checkout: render "
            "{% paddle_checkout_button %} or send the buyer to customer.checkout(...).url; "
            "the subscription arrives by webhook."
        ),
        "charge": (
            "Paddle, as merchant of record, takes one-off payments only in its checkout: "
            "use customer.checkout(mode='payment', ...)."
        ),
        "add_payment_method": (
            "Paddle saves payment methods in its checkout; to change one, send the customer "
            "to the subscription's update_payment_method management URL."
        ),
    }
