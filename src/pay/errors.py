"""Exceptions raised by django-pay.

Every error derives from :class:`PayError`, so a view can catch that one class
and show the message: each message says what went wrong and what to do next.
"""

from __future__ import annotations

from typing import Any


class PayError(Exception):
    """Base class of every django-pay error."""


class ConfigurationError(PayError):
    """A setting is missing or contradicts another one."""


class UnknownProcessor(ConfigurationError):
    """No processor is registered under the requested name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"There is no payment processor called {name!r}. "
            "Check the spelling, or register it in PAY_PROCESSOR_CLASSES."
        )
        self.name = name


class ProcessorNotEnabled(ConfigurationError):
    """The processor exists but the project has not enabled it."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The payment processor {name!r} is not enabled. Add it to the PAY_PROCESSORS setting."
        )
        self.name = name


class FakeProcessorNotAllowed(PayError):
    """The fake processor was requested without saying so explicitly."""

    def __init__(self) -> None:
        super().__init__(
            "The fake processor bills nobody. Pass allow_fake=True to "
            "set_payment_processor() if that is what you want (tests, demos, free trials)."
        )


class InvalidAction(PayError):
    """A subscription or charge action that makes no sense in its current state."""


class InvalidAmount(PayError, ValueError):
    """An amount of money that is not a positive whole number of minor units."""


class NotSupported(PayError):
    """The processor cannot perform this operation at all."""

    def __init__(self, processor: str, operation: str, reason: str = "") -> None:
        message = f"The {processor} processor does not support {operation}."
        super().__init__(f"{message} {reason}".strip())
        self.processor = processor
        self.operation = operation


class ProcessorError(PayError):
    """The processor refused a request or could not be reached."""


class PaymentDeclined(ProcessorError):
    """The payment method was declined; ask the customer for another one."""


class ActionRequired(ProcessorError):
    """The payment needs the customer to confirm it (3-D Secure, SCA).

    ``client_secret`` and ``payment_intent_id`` are what a page needs to let
    the customer finish the payment; ``subscription`` is the local row left
    ``incomplete`` until then, when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        client_secret: str,
        payment_intent_id: str,
        subscription: Any = None,
    ) -> None:
        super().__init__(message)
        self.client_secret = client_secret
        self.payment_intent_id = payment_intent_id
        self.subscription = subscription


class WebhookInvalid(PayError):
    """A webhook request failed verification; ``reason`` is safe to show the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidOwnerReference(PayError):
    """A signed owner reference from a checkout is missing, forged, or names no owner."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason} No customer was created or linked.")
        self.reason = reason


class MalformedWebhook(PayError):
    """A verified event whose payload lacks or garbles what its type promises.

    The same payload comes with every delivery, so retrying cannot help: the event fails
    for good, with the reason, for someone to look at its stored payload.
    """
