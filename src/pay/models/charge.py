"""One-off and recurring payments, in integer minor units of a currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from pay import signals
from pay.errors import InvalidAmount
from pay.processors.data import ChargeDetails
from pay.validation import require_amount

if TYPE_CHECKING:
    from .customer import Customer

#: ChargeDetails attributes stored as model fields of the same name.
_STATE_FIELDS = (
    "processor_id",
    "amount",
    "currency",
    "amount_refunded",
    "payment_method_type",
    "brand",
    "last4",
    "receipt_url",
    "data",
)


class ChargeQuerySet(models.QuerySet["Charge"]):
    def record(self, customer: Customer, details: ChargeDetails) -> Charge:
        """Create or update the customer's row for a charge the processor reported."""
        charge = self.filter(customer=customer, processor_id=details.processor_id).first()
        charge = charge or Charge(customer=customer)
        if details.subscription_processor_id:
            charge.subscription = customer.subscriptions.filter(
                processor_id=details.subscription_processor_id
            ).first()
        charge.apply(details)
        return charge


class Charge(models.Model):
    customer = models.ForeignKey("pay.Customer", on_delete=models.CASCADE, related_name="charges")
    subscription = models.ForeignKey(
        "pay.Subscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="charges",
    )
    processor_id = models.CharField(max_length=255)
    amount = models.PositiveBigIntegerField(help_text="In minor units, e.g. cents.")
    amount_refunded = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    payment_method_type = models.CharField(max_length=32, blank=True)
    brand = models.CharField(max_length=32, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    receipt_url = models.URLField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChargeQuerySet.as_manager()

    class Meta:
        db_table = "pay_charge"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "processor_id"], name="pay_charge_unique_processor_id"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__lte=models.F("amount")),
                name="pay_charge_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.upper()} ({self.processor_id})"

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.amount_refunded

    def fully_refunded(self) -> bool:
        return self.amount_refunded >= self.amount

    def details(self) -> ChargeDetails:
        return ChargeDetails(**{field: getattr(self, field) for field in _STATE_FIELDS})

    def apply(self, details: ChargeDetails) -> None:
        for field in _STATE_FIELDS:
            setattr(self, field, getattr(details, field))
        self.save()

    def refund(self, amount: int | None = None) -> None:
        """Refund ``amount`` minor units, or everything not yet refunded."""
        amount = self.refundable_amount if amount is None else amount
        require_amount(amount)
        if amount > self.refundable_amount:
            raise InvalidAmount(
                f"Only {self.refundable_amount} {self.currency.upper()} of this charge "
                f"can still be refunded, not {amount}."
            )
        self.apply(self.customer.backend.refund(self.details(), amount))
        signals.charge_refunded.send(Charge, charge=self)
