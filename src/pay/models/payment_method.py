from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from pay.processors.data import PaymentMethodDetails

if TYPE_CHECKING:
    from .customer import Customer

_STATE_FIELDS = (
    "processor_id",
    "type",
    "brand",
    "last4",
    "exp_month",
    "exp_year",
    "default",
    "data",
)


class PaymentMethodQuerySet(models.QuerySet["PaymentMethod"]):
    def record(self, customer: Customer, details: PaymentMethodDetails) -> PaymentMethod:
        """Create or update the customer's row for a payment method the processor reported."""
        method = self.filter(customer=customer, processor_id=details.processor_id).first()
        method = method or PaymentMethod(customer=customer)
        for field in _STATE_FIELDS:
            setattr(method, field, getattr(details, field))
        method.save()
        return method


class PaymentMethod(models.Model):
    customer = models.ForeignKey(
        "pay.Customer", on_delete=models.CASCADE, related_name="payment_methods"
    )
    processor_id = models.CharField(max_length=255)
    type = models.CharField(max_length=32, default="card")
    brand = models.CharField(max_length=32, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    default = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaymentMethodQuerySet.as_manager()

    class Meta:
        db_table = "pay_payment_method"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "processor_id"], name="pay_payment_method_unique_processor_id"
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(default=True),
                name="pay_payment_method_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand or self.type} •••• {self.last4}" if self.last4 else self.type
