"""Stripe keys, mode and the configured SDK client.

Every setting is read from Django settings first and from the environment
second, so a twelve-factor deployment needs no settings code at all.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import Any, TypeVar, cast

import stripe
from django.conf import settings
from stripe import HTTPClient, StripeClient

from pay.errors import ConfigurationError, PaymentDeclined, ProcessorError

from .translate import object_id

#: The Stripe API version this package speaks. It is the one the installed SDK's
#: types describe, pinned so that a change of account default cannot change our payloads.
API_VERSION = "2026-10-28.endive"

DEFAULT_MAX_NETWORK_RETRIES = 2

_TRUE = {"1", "true", "yes", "on"}


def setting(name: str, default: Any = None) -> Any:
    """A Stripe setting: Django settings first, then the environment variable of that name."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return default if value is None else value


def live_mode() -> bool:
    value = setting("STRIPE_LIVE_MODE", False)
    return value.strip().lower() in _TRUE if isinstance(value, str) else bool(value)


def mode_name() -> str:
    return "LIVE" if live_mode() else "TEST"


def secret_key_setting() -> str:
    """The name of the setting that holds the secret key for the current mode."""
    return f"STRIPE_{mode_name()}_SECRET_KEY"


def public_key_setting() -> str:
    return f"STRIPE_{mode_name()}_PUBLIC_KEY"


def secret_key() -> str:
    return _required(secret_key_setting(), "secret key (sk_…)")


def public_key() -> str:
    return _required(public_key_setting(), "publishable key (pk_…)")


def _required(name: str, what: str) -> str:
    value = setting(name)
    if not value:
        mode = "live" if live_mode() else "test"
        raise ConfigurationError(
            f"Stripe needs its {mode}-mode {what}: set {name} in your settings or environment "
            "(Stripe Dashboard → Developers → API keys)."
        )
    return str(value)


def idempotency_key(operation: str, subject: str, supplied: str | None = None) -> str:
    """The Idempotency-Key of a creating request: ``pay-<operation>-<subject>-<token>``.

    The token is the caller's own key for the operation when given (an order id, a
    form token), so the application may retry the whole operation safely; otherwise
    it is fresh for this call, so the SDK's retries of it replay Stripe's first answer.
    """
    token = hashlib.sha256(supplied.encode()).hexdigest()[:32] if supplied else uuid.uuid4().hex
    return f"pay-{operation}-{subject}-{token}"


_ParamsT = TypeVar("_ParamsT", bound=Mapping[str, object])


def with_options(params: _ParamsT, options: Mapping[str, Any]) -> _ParamsT:
    """``params`` plus the caller's extra Stripe parameters, which win; metadata is merged."""
    merged: dict[str, object] = {**params, **options}
    own, extra = params.get("metadata"), options.get("metadata")
    if isinstance(own, Mapping) and isinstance(extra, Mapping):
        merged["metadata"] = {**own, **extra}
    return cast(_ParamsT, merged)


@contextmanager
def stripe_errors() -> Iterator[None]:
    """Stripe's errors as django-pay's: PaymentDeclined for a declined card, else ProcessorError."""
    try:
        yield
    except stripe.CardError as error:
        raise PaymentDeclined(
            f"{error.user_message or 'The card was declined.'} "
            "Ask the customer for another payment method."
        ) from error
    except stripe.StripeError as error:
        raise ProcessorError(
            f"Stripe refused the request: {error.user_message or error}"
        ) from error


def build_client() -> StripeClient:
    """A StripeClient for the current mode, on the pinned API version, retrying network errors.

    ``STRIPE_HTTP_CLIENT`` (a ``stripe.HTTPClient``) replaces the SDK's transport, e.g. for a
    proxy or an in-process test double; ``STRIPE_API_BASE`` points the SDK at another server.
    """
    http_client: HTTPClient | None = setting("STRIPE_HTTP_CLIENT")
    api_base: str | None = setting("STRIPE_API_BASE")
    return StripeClient(
        secret_key(),
        stripe_version=API_VERSION,
        max_network_retries=int(setting("STRIPE_MAX_NETWORK_RETRIES", DEFAULT_MAX_NETWORK_RETRIES)),
        http_client=http_client,
        base_addresses={"api": api_base} if api_base else None,
    )


class StripeAPI:
    """What every part of the Stripe processor shares: the client, and fresh objects.

    Objects are always re-read from Stripe rather than taken from a webhook's
    payload, so events arriving late or out of order still yield the current state.
    """

    #: Expansions that let a subscription say whether its first payment needs the customer.
    SUBSCRIPTION_EXPAND = ["latest_invoice.payments"]

    @cached_property
    def client(self) -> StripeClient:
        return build_client()

    def fetch_subscription(self, subscription_id: str) -> stripe.Subscription:
        return self.client.v1.subscriptions.retrieve(
            subscription_id, {"expand": self.SUBSCRIPTION_EXPAND}
        )

    def fetch_charge(self, charge_id: str) -> stripe.Charge:
        return self.client.v1.charges.retrieve(charge_id, {"expand": ["refunds"]})

    def default_payment_method_id(self, customer_id: str) -> str:
        customer = self.client.v1.customers.retrieve(customer_id)
        settings = customer.invoice_settings
        return object_id(settings.default_payment_method) if settings else ""
