"""A billable owner's account at one payment processor."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from pay import signals
from pay.errors import ActionRequired, ConfigurationError, InvalidAction
from pay.owners import owner_reference
from pay.processors import FAKE_PROCESSOR, Processor, get_processor
from pay.processors.data import (
    ChargeRequest,
    CheckoutRequest,
    CheckoutSession,
    CustomerDetails,
    LineItem,
    OwnerDetails,
    PaymentMethodDetails,
    SubscribeRequest,
    SubscriptionDetails,
)
from pay.validation import normalize_currency, require_amount, require_count, require_plan

from .charge import Charge
from .payment_method import PaymentMethod
from .subscription import Subscription

if TYPE_CHECKING:
    from django.db.models import Model

logger = logging.getLogger("pay")


class CustomerQuerySet(models.QuerySet["Customer"]):
    def for_owner(self, owner: Model) -> CustomerQuerySet:
        """The owner's customers that have not been deleted."""
        return self.filter(
            owner_type=ContentType.objects.get_for_model(owner),
            owner_id=str(owner.pk),
            deleted_at__isnull=True,
        )


class Customer(models.Model):
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    owner_id = models.CharField(max_length=64)
    owner = GenericForeignKey("owner_type", "owner_id")
    processor = models.CharField(max_length=32)
    # NULL until the customer is created at the processor; unique only once set.
    processor_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    default = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        db_table = "pay_customer"
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "processor_id"], name="pay_customer_unique_processor_id"
            ),
            models.UniqueConstraint(
                fields=["owner_type", "owner_id"],
                condition=Q(default=True),
                name="pay_customer_one_default_per_owner",
            ),
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "processor"],
                condition=Q(deleted_at__isnull=True),
                name="pay_customer_one_live_per_processor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.processor} customer {self.processor_id or '(not created yet)'}"

    @property
    def backend(self) -> Processor:
        return get_processor(self.processor)

    @property
    def is_fake_processor(self) -> bool:
        return self.processor == FAKE_PROCESSOR

    # The customer at the processor

    def details(self) -> CustomerDetails:
        """This customer as plain data, creating it at the processor on first use."""
        if not self.processor_id:
            created = self.backend.create_customer(self.owner_details())
            self.processor_id, self.data = created.processor_id, {**self.data, **created.data}
            self.save(update_fields=["processor_id", "data", "updated_at"])
        return CustomerDetails(
            processor_id=self.processor_id, owner=self.owner_details(), data=self.data
        )

    def owner_details(self) -> OwnerDetails:
        owner = self.owner
        if owner is None:
            raise ConfigurationError(
                f"{self} has lost its owner ({self.owner_type} {self.owner_id}); "
                "delete the customer or point it at an existing owner."
            )
        return OwnerDetails(
            reference=owner_reference(owner),
            email=_call_or_attribute(owner, "pay_customer_email", "email"),
            name=_call_or_attribute(owner, "pay_customer_name", "name") or str(owner),
        )

    def update_processor_customer(self, **changes: Any) -> None:
        """Push attribute changes (email, name, metadata…) to the processor."""
        updated = self.backend.update_customer(self.details(), changes)
        self.data = updated.data
        self.save(update_fields=["data", "updated_at"])

    def delete_processor_customer(self) -> None:
        """Delete the customer at the processor and mark this row deleted."""
        if self.processor_id:
            self.backend.delete_customer(self.details())
        self.mark_deleted()

    def mark_deleted(self) -> None:
        """Record that the customer no longer exists at the processor."""
        self.deleted_at, self.default = timezone.now(), False
        self.save(update_fields=["deleted_at", "default", "updated_at"])

    # Subscriptions

    def subscribe(
        self,
        name: str = "default",
        plan: str = "default",
        quantity: int = 1,
        trial_period_days: int | None = None,
        **processor_options: Any,
    ) -> Subscription:
        """Start a subscription and return its local row.

        Raises ActionRequired (with ``subscription`` set to the incomplete row)
        when the customer must confirm the first payment.
        """
        require_plan(plan)
        require_count(quantity, "quantity")
        if trial_period_days is not None:
            require_count(trial_period_days, "trial_period_days")
        request = SubscribeRequest(
            name=name,
            plan=plan,
            quantity=quantity,
            trial_period_days=trial_period_days or None,
            options=processor_options,
        )
        try:
            details = self.backend.supporting("subscribe").subscribe(self.details(), request)
        except ActionRequired as error:
            if isinstance(error.subscription, SubscriptionDetails):
                error.subscription = self.record_subscription(error.subscription, name)
            raise
        return self.record_subscription(details, name)

    def subscription(self, name: str = "default") -> Subscription | None:
        """The newest subscription called ``name``."""
        return self.subscriptions.for_name(name).newest_first().first()

    def subscribed(self, name: str = "default", processor_plan: str | None = None) -> bool:
        subscription = self.subscription(name)
        return (
            subscription is not None
            and subscription.active()
            and processor_plan in (None, subscription.processor_plan)
        )

    def on_trial(self, name: str = "default", plan: str | None = None) -> bool:
        subscription = self.subscription(name)
        return (
            subscription is not None
            and subscription.on_trial()
            and plan in (None, subscription.processor_plan)
        )

    def on_trial_or_subscribed(
        self, name: str = "default", processor_plan: str | None = None
    ) -> bool:
        return self.on_trial(name, processor_plan) or self.subscribed(name, processor_plan)

    def on_generic_trial(self) -> bool:
        """On a trial that needs no payment method (see Subscription.is_generic_trial)."""
        subscription = self.subscription()
        return (
            subscription is not None and subscription.is_generic_trial() and subscription.on_trial()
        )

    def has_incomplete_payment(self, name: str = "default") -> bool:
        subscription = self.subscription(name)
        return subscription is not None and subscription.has_incomplete_payment()

    def sync_subscriptions(self, status: str = "all") -> list[Subscription]:
        """Bring local rows up to date with the processor, adding any made elsewhere."""
        known = [subscription.details() for subscription in self.subscriptions.all()]
        listed = self.backend.list_subscriptions(self.details(), status, known)
        return [self.record_subscription(details) for details in listed]

    def record_subscription(
        self,
        details: SubscriptionDetails,
        name: str | None = None,
        as_of: datetime | None = None,
    ) -> Subscription:
        """Create or update the local row for a subscription the processor reported
        (``as_of`` is when that state was current; by default now).

        A new row takes ``name`` (or the name the processor carries); an existing
        row keeps its own, and keeps its state when that is newer than ``as_of``: a late
        webhook never overwrites what a later one, or an API call, saved.
        """
        with transaction.atomic():
            # The customer's row lock, as webhooks take it: the return page and the webhook
            # recording one new subscription at once take turns instead of both inserting it.
            Customer.objects.select_for_update().filter(pk=self.pk).first()
            existing = self.subscriptions.filter(processor_id=details.processor_id).first()
            if existing is not None and as_of is not None and existing.is_newer_than(as_of):
                logger.info("Skipped stale state of %s (as of %s)", details.processor_id, as_of)
                return existing
            subscription = existing or Subscription(customer=self, name=name or details.name)
            subscription.apply(details, as_of)
        return subscription

    # Charges and payment methods

    def charge(self, amount: int, currency: str = "usd", **options: Any) -> Charge:
        """Charge ``amount`` minor units (cents for USD) once and return the Charge row."""
        require_amount(amount)
        request = ChargeRequest(
            amount=amount, currency=normalize_currency(currency), options=options
        )
        charge = Charge.objects.record(
            self, self.backend.supporting("charge").charge(self.details(), request)
        )
        signals.charge_succeeded.send(Charge, charge=charge)
        return charge

    def add_payment_method(self, token: str, default: bool = True) -> PaymentMethod:
        """Attach a payment method from a processor token; it becomes the default if asked."""
        if not isinstance(token, str) or not token.strip():
            raise InvalidAction(
                f"add_payment_method needs the token the processor's form gave (a Stripe "
                f"PaymentMethod id, a Braintree nonce…), not {token!r}."
            )
        details = self.backend.supporting("add_payment_method").add_payment_method(
            self.details(), token, default
        )
        return self.record_payment_method(details)

    def record_payment_method(self, details: PaymentMethodDetails) -> PaymentMethod:
        """Create or update the row of a payment method the processor reported; a default
        one replaces the previous default."""
        with transaction.atomic():
            if details.default:
                self.payment_methods.filter(default=True).update(default=False)
            return PaymentMethod.objects.record(self, details)

    @property
    def default_payment_method(self) -> PaymentMethod | None:
        return self.payment_methods.filter(default=True).first()

    # Hosted pages

    def checkout(
        self,
        *,
        line_items: Iterable[LineItem | Mapping[str, Any]],
        success_url: str,
        cancel_url: str,
        mode: str = "subscription",
        **options: Any,
    ) -> CheckoutSession:
        """Start the processor's hosted checkout; redirect the buyer to the session's ``url``.

        ``line_items`` are LineItems or dicts such as ``{"price": "price_123", "quantity": 3}``.
        """
        if mode not in ("subscription", "payment", "setup"):
            raise InvalidAction(
                f"Checkout mode must be subscription, payment or setup, not {mode!r}."
            )
        request = CheckoutRequest(
            mode=mode,
            line_items=_checked_line_items(line_items, mode),
            success_url=success_url,
            cancel_url=cancel_url,
            options=options,
        )
        return self.backend.supporting("create_checkout").create_checkout(self.details(), request)

    def sync_checkout_session(self, session_id: str) -> Subscription | None:
        """Record the subscription a completed checkout created, without waiting for a webhook.

        Refuses a session that belongs to another customer.
        """
        session = self.backend.retrieve_checkout(session_id)
        if not self.processor_id or session.customer_processor_id != self.processor_id:
            raise InvalidAction("That checkout session belongs to another customer.")
        if session.payment_method is not None:
            self.record_payment_method(session.payment_method)
        if session.subscription is None:
            return None
        existing = self.subscriptions.filter(processor_id=session.subscription.processor_id).first()
        if existing is not None:
            # A second visit to the return page: the session's copy may be out of date.
            existing.sync()
            return existing
        return self.record_subscription(session.subscription)

    def billing_portal(self, return_url: str) -> str:
        """The URL of the processor's hosted billing page, coming back to ``return_url``."""
        return self.backend.supporting("billing_portal_url").billing_portal_url(
            self.details(), return_url
        )


def _checked_line_items(
    line_items: Iterable[LineItem | Mapping[str, Any]], mode: str
) -> tuple[LineItem, ...]:
    """The line items as LineItems, each naming a price and a count; a checkout that sells
    (not ``setup``) must sell something, or the processor refuses it after a round trip."""
    try:
        items = tuple(
            item if isinstance(item, LineItem) else LineItem(**item) for item in line_items
        )
    except TypeError as error:
        raise InvalidAction(
            f"Line items take price, quantity and adjustable_quantity: {error}."
        ) from None
    if mode != "setup" and not items:
        raise InvalidAction(
            f"A {mode} checkout needs at least one line item, e.g. {{'price': 'price_123'}}."
        )
    for item in items:
        require_plan(item.price)
        require_count(item.quantity, "quantity")
    return items


def _call_or_attribute(owner: Any, method: str, attribute: str) -> str:
    value = getattr(owner, method, None)
    value = value() if callable(value) else getattr(owner, attribute, "")
    return str(value or "")
