"""The mixin that makes any model a billable owner: a User, a Team, a Workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from pay.errors import FakeProcessorNotAllowed
from pay.processors import FAKE_PROCESSOR, get_processor

if TYPE_CHECKING:
    from .customer import Customer, CustomerQuerySet
    from .subscription import Subscription


class Billable:
    """Give a model customers at payment processors.

    ``class Team(Billable, models.Model): ...`` is all it takes. Override
    :meth:`pay_customer_email` and :meth:`pay_customer_name` when the model
    keeps them elsewhere than ``email`` and ``name``.
    """

    pk: Any
    _pay_default_customer: Customer | None
    _pay_active_subscriptions: dict[str, Subscription | None]

    def pay_customer_email(self) -> str:
        return str(getattr(self, "email", "") or "")

    def pay_customer_name(self) -> str:
        get_full_name = getattr(self, "get_full_name", None)
        name = get_full_name() if callable(get_full_name) else getattr(self, "name", "")
        return str(name or self)

    @property
    def pay_customers(self) -> CustomerQuerySet:
        """Every live customer of this owner, one per processor used."""
        from .customer import Customer

        return Customer.objects.for_owner(self)  # type: ignore[arg-type]

    @property
    def payment_processor(self) -> Customer | None:
        """The default customer, loaded once per instance."""
        if not hasattr(self, "_pay_default_customer"):
            self._pay_default_customer = self.pay_customers.filter(default=True).first()
        return self._pay_default_customer

    def active_subscription(self, name: str = "default") -> Subscription | None:
        """The newest active subscription called ``name``, at any processor, or ``None``.

        One query the first time, none after: the answer is kept on this instance (so for
        the rest of a request, for ``request.user``). The subscription comes with its
        customer and its plan's ``product_processor_id`` (see ``Subscription.with_product``).
        """
        cache: dict[str, Subscription | None] = self.__dict__.setdefault(
            "_pay_active_subscriptions", {}
        )
        if name not in cache:
            from .subscription import Subscription

            cache[name] = (
                Subscription.objects.for_owner(self)  # type: ignore[arg-type]
                .active()
                .for_name(name)
                .with_product()
                .select_related("customer")
                .newest_first()
                .first()
            )
        return cache[name]

    def forget_subscriptions(self) -> None:
        """Drop what :meth:`active_subscription` and :attr:`payment_processor` remember."""
        self.__dict__.pop("_pay_active_subscriptions", None)
        self.__dict__.pop("_pay_default_customer", None)

    def set_payment_processor(
        self,
        processor: str,
        allow_fake: bool = False,
        *,
        processor_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Customer:
        """Make ``processor`` this owner's default and return its (possibly new) customer.

        The customer is created at the processor lazily, on the first call that
        needs it. ``processor_id`` links an existing customer at the processor.
        """
        if processor == FAKE_PROCESSOR and not allow_fake:
            raise FakeProcessorNotAllowed()
        get_processor(processor)  # fails early for an unknown or disabled processor
        from .customer import Customer

        with transaction.atomic():
            customers = self.pay_customers.select_for_update()
            customer = customers.filter(processor=processor).first() or Customer(
                owner=self, processor=processor
            )
            customers.filter(default=True).exclude(pk=customer.pk).update(default=False)
            customer.default = True
            if processor_id is not None:
                customer.processor_id = processor_id
            if data is not None:
                customer.data = data
            customer.save()
        self._pay_default_customer = customer
        return customer
