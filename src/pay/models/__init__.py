from .billable import Billable
from .charge import Charge
from .customer import Customer
from .payment_method import PaymentMethod
from .subscription import Subscription
from .webhook import Webhook

__all__ = ["Billable", "Charge", "Customer", "PaymentMethod", "Subscription", "Webhook"]
