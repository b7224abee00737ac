"""An in-process Paddle Billing API that the real SDK talks to.

:class:`PaddleDouble` is a ``requests`` transport adapter: mounted on the SDK
client's session for Paddle's sandbox URL, it receives the SDK's real HTTP
requests and answers the endpoints django-pay uses with the response shapes of
Paddle's API reference (``{"data": ..., "meta": ...}``, its error objects and
cursor pagination). It keeps Paddle's state (customers, prices, transactions,
subscriptions, refund adjustments) and Paddle's rules as documented: scheduled
cancellations and pauses, proration billing modes, refunds pending approval.

Time passes lazily: whenever a request touches a subscription, whatever fell
due by the (time-machine) clock happens first: scheduled changes, the end of a
trial, renewals. Every change records the webhook event Paddle would send in
:attr:`PaddleDouble.events`; :func:`signed_delivery` signs one as Paddle does.

What a buyer does in the browser is simulated with :meth:`complete_checkout`
(paying a transaction, as Paddle.js would) and :meth:`open_overlay_checkout`
(what ``Paddle.Checkout.open(options)`` does).
"""

from __future__ import annotations

from typing import Any

from .base import API_KEY, BASE_URL, CLIENT_TOKEN, DEFAULT_PAYMENT_LINK, WEBHOOK_SECRET, Json
from .checkout import Checkout
from .refunds import Refunds
from .signing import signature_headers, signed_delivery


class PaddleDouble(Refunds, Checkout):
    """Paddle Billing's API, in process: see the package docstring."""


def enable_paddle(settings: Any) -> PaddleDouble:
    """Enable the Paddle processor in ``settings`` (pytest-django's) and answer it with a double."""
    from pay.processors import get_processor

    if "paddle_billing" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "paddle_billing"]
    settings.PADDLE_API_KEY = API_KEY
    settings.PADDLE_ENVIRONMENT = "sandbox"
    settings.PADDLE_CLIENT_TOKEN = CLIENT_TOKEN
    settings.PADDLE_WEBHOOK_SECRET = WEBHOOK_SECRET
    double = PaddleDouble()
    double.install(get_processor("paddle_billing"))
    return double


__all__ = [
    "API_KEY",
    "BASE_URL",
    "CLIENT_TOKEN",
    "DEFAULT_PAYMENT_LINK",
    "WEBHOOK_SECRET",
    "Json",
    "PaddleDouble",
    "enable_paddle",
    "signature_headers",
    "signed_delivery",
]
