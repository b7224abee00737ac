"""The changes a processor reported, saved to the models under row locks.

Every change locks its customer's row before anything else, so two events about
one customer are applied one after the other, never interleaved. A subscription
keeps the time its state was current (``processor_updated_at``): a change older
than that is stale and skipped (by :meth:`Customer.record_subscription`), so a
late event never overwrites newer state.
"""

from __future__ import annotations

from datetime import datetime
from functools import singledispatch

from pay import signals
from pay.errors import InvalidOwnerReference
from pay.models import Charge, Customer, Subscription
from pay.owners import owner_for_reference, resolve_owner
from pay.processors import Processor
from pay.processors.data import (
    Change,
    ChargeChanged,
    CustomerRemoved,
    PaymentMethodChanged,
    PaymentMethodRemoved,
    PaymentProblem,
    SubscriptionChanged,
)


def locked_customer(processor: Processor, customer_processor_id: str) -> Customer | None:
    if not customer_processor_id:
        return None
    return (
        Customer.objects.select_for_update()
        .filter(processor=processor.name, processor_id=customer_processor_id)
        .first()
    )


@singledispatch
def apply_change(change: Change, processor: Processor, as_of: datetime) -> None:
    raise TypeError(f"django-pay cannot apply a {type(change).__name__}.")


@apply_change.register
def _subscription(change: SubscriptionChanged, processor: Processor, as_of: datetime) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is None and not change.owner_reference:
        raise InvalidOwnerReference(
            f"The {processor.name} customer {change.customer_processor_id} is not known here, "
            "and the subscription carries no owner reference (was it made outside this site?)."
        )
    customer = customer or _customer_from_owner(processor, change)
    customer.record_subscription(change.subscription, as_of=as_of)


def _customer_from_owner(processor: Processor, change: SubscriptionChanged) -> Customer:
    """The customer of the owner the change's reference names, linked to the processor's
    customer; InvalidOwnerReference (creating nothing) when the reference names no one."""
    reference = change.owner_reference
    owner = (
        resolve_owner(reference)
        if processor.owner_references_are_signed
        else owner_for_reference(reference)
    )
    # Two events about one new customer: the owner's row lock makes the second find the first's.
    type(owner)._default_manager.select_for_update().filter(pk=owner.pk).first()
    linked = Customer.objects.for_owner(owner).filter(processor=processor.name)
    other = (
        linked.exclude(processor_id=None).exclude(processor_id=change.customer_processor_id).first()
    )
    if other is not None:
        raise InvalidOwnerReference(
            f"{owner} already has the {processor.name} customer {other.processor_id}, "
            f"not {change.customer_processor_id}; merge them at the processor or link one."
        )
    customer: Customer = owner.set_payment_processor(  # type: ignore[attr-defined]
        processor.name, processor_id=change.customer_processor_id
    )
    return customer


@apply_change.register
def _charge(change: ChargeChanged, processor: Processor, as_of: datetime) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is None:
        return
    before = customer.charges.filter(processor_id=change.charge.processor_id).first()
    charge = Charge.objects.record(customer, change.charge)
    if before is None:
        signals.charge_succeeded.send(Charge, charge=charge)
    elif charge.amount_refunded > before.amount_refunded:
        signals.charge_refunded.send(Charge, charge=charge)


@apply_change.register
def _payment_method(change: PaymentMethodChanged, processor: Processor, as_of: datetime) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is not None:
        customer.record_payment_method(change.payment_method)


@apply_change.register
def _payment_method_removed(
    change: PaymentMethodRemoved, processor: Processor, as_of: datetime
) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is not None:
        customer.payment_methods.filter(processor_id=change.payment_method_processor_id).delete()


@apply_change.register
def _customer_removed(change: CustomerRemoved, processor: Processor, as_of: datetime) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is not None and customer.deleted_at is None:
        customer.mark_deleted()


@apply_change.register
def _payment_problem(change: PaymentProblem, processor: Processor, as_of: datetime) -> None:
    customer = locked_customer(processor, change.customer_processor_id)
    if customer is None:
        return
    subscription = subscription_of(customer, change.subscription_processor_id)
    signals.payment_failed.send(
        Customer, customer=customer, subscription=subscription, error=change.reason
    )


def subscription_of(customer: Customer, processor_id: str) -> Subscription | None:
    if not processor_id:
        return None
    return customer.subscriptions.filter(processor_id=processor_id).first()


__all__ = ["apply_change", "locked_customer", "subscription_of"]
