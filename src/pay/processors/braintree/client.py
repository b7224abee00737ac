"""The official Braintree SDK's gateway, configured from settings, and its errors made ours.

Every setting is read from Django settings first and from the environment second.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any, ClassVar

import braintree
from braintree.exceptions import AuthenticationError, AuthorizationError, NotFoundError
from braintree.exceptions.braintree_error import BraintreeError
from django.conf import settings

from pay import conf
from pay.errors import ConfigurationError, InvalidAction, PaymentDeclined, ProcessorError
from pay.processors.base import Processor

PROCESSOR_NAME = "braintree"

ENVIRONMENTS = {
    "sandbox": braintree.Environment.Sandbox,
    "production": braintree.Environment.Production,
}

#: The API credentials' settings, in the order the SDK's Configuration takes them.
CREDENTIALS = ("BRAINTREE_MERCHANT_ID", "BRAINTREE_PUBLIC_KEY", "BRAINTREE_PRIVATE_KEY")

#: Transaction statuses of a payment the bank or Braintree's fraud tools turned down.
DECLINED_STATUSES = ("processor_declined", "gateway_rejected", "settlement_declined", "failed")

#: The add-on that bills seats beyond the first (see subscriptions.py), and the discount
#: that carries the credit of a swap across billing cycles; both set up in the Control Panel.
DEFAULT_SEAT_ADD_ON = "seat"
DEFAULT_PLAN_CREDIT_DISCOUNT = "plan-credit"

#: Seconds the SDK waits for Braintree before giving up on a request.
TIMEOUT = 60


def environment() -> braintree.Environment:
    """BRAINTREE_ENVIRONMENT: ``"sandbox"``, ``"production"``, or a ``braintree.Environment``
    (in Django settings), for a proxy or a test double."""
    configured = getattr(settings, "BRAINTREE_ENVIRONMENT", None)
    if isinstance(configured, braintree.Environment):
        return configured
    name = conf.required("BRAINTREE_ENVIRONMENT", "Braintree ('sandbox' or 'production')")
    if name not in ENVIRONMENTS:
        raise ConfigurationError(
            f"BRAINTREE_ENVIRONMENT must be 'sandbox' or 'production', not {name!r}."
        )
    return ENVIRONMENTS[name]


def setting(name: str, default: str) -> str:
    """An optional Braintree setting: Django settings, then the environment, then ``default``."""
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def seat_add_on() -> str:
    return setting("BRAINTREE_SEAT_ADD_ON", DEFAULT_SEAT_ADD_ON)


def plan_credit_discount() -> str:
    return setting("BRAINTREE_PLAN_CREDIT_DISCOUNT", DEFAULT_PLAN_CREDIT_DISCOUNT)


def build_gateway() -> braintree.BraintreeGateway:
    where = "calls to Braintree (Control Panel > Settings > API)"
    merchant_id, public_key, private_key = (conf.required(name, where) for name in CREDENTIALS)
    return braintree.BraintreeGateway(
        braintree.Configuration(
            environment=environment(),
            merchant_id=merchant_id,
            public_key=public_key,
            private_key=private_key,
            timeout=TIMEOUT,
            wrap_http_exceptions=True,
        )
    )


class BraintreeAPI(Processor):
    """What every part of the Braintree processor shares: its name and its SDK gateway."""

    name: ClassVar[str] = PROCESSOR_NAME

    @cached_property
    def gateway(self) -> braintree.BraintreeGateway:
        return build_gateway()

    def fetch_subscription(self, subscription_id: str) -> Any:
        with braintree_errors(f"find subscription {subscription_id}"):
            return self.gateway.subscription.find(subscription_id)

    def default_payment_method_token(self, customer_id: str) -> str:
        """The token of the customer's default payment method; InvalidAction if it has none."""
        with braintree_errors("find the customer's payment methods"):
            found = self.gateway.customer.find(customer_id)
        default = next((method for method in found.payment_methods if method.default), None)
        if default is None:
            raise InvalidAction(
                "This Braintree customer has no payment method yet. Collect one with "
                "Braintree's Drop-in UI and save its nonce with "
                "customer.add_payment_method(nonce), or pass payment_method_token=..."
            )
        return str(default.token)


@contextmanager
def braintree_errors(doing: str) -> Iterator[None]:
    """Turn the SDK's exceptions while ``doing`` something into errors that say so."""
    try:
        yield
    except NotFoundError as error:
        raise ProcessorError(f"Braintree could not {doing}: it has no such object.") from error
    except (AuthenticationError, AuthorizationError) as error:
        raise ConfigurationError(
            f"Braintree refused our credentials when asked to {doing}: check "
            "BRAINTREE_MERCHANT_ID, BRAINTREE_PUBLIC_KEY, BRAINTREE_PRIVATE_KEY and "
            "BRAINTREE_ENVIRONMENT."
        ) from error
    except BraintreeError as error:
        raise ProcessorError(
            f"Could not reach Braintree to {doing} ({type(error).__name__}); try again shortly."
        ) from error


def succeeded(result: Any, doing: str) -> Any:
    """The successful result of a request, or the error its validation errors call for."""
    if result.is_success:
        return result
    transaction = getattr(result, "transaction", None)
    if transaction is not None and transaction.status in DECLINED_STATUSES:
        raise PaymentDeclined(
            f"{transaction.processor_response_text or result.message}. "
            "Ask the customer for another payment method."
        )
    verification = getattr(result, "credit_card_verification", None)
    if verification is not None and verification.status in DECLINED_STATUSES:
        raise PaymentDeclined(
            f"{verification.processor_response_text or result.message}. "
            "Ask the customer for another payment method."
        )
    codes = [str(error.code) for error in result.errors.deep_errors]
    raise BraintreeRefused(f"Braintree refused to {doing}: {result.message}", codes)


class BraintreeRefused(ProcessorError):
    """Braintree answered with validation errors; ``codes`` are Braintree's error codes."""

    def __init__(self, message: str, codes: list[str]) -> None:
        super().__init__(f"{message} (error codes {', '.join(codes)})." if codes else message)
        self.codes = codes
