from .billable import Billable
from .catalogue import Price, Product, sync_catalogue
from .charge import Charge
from .customer import Customer
from .payment_method import PaymentMethod
from .per_seat import PerSeatBillable
from .subscription import Subscription
from .webhook import Webhook

__all__ = [
    "Billable",
    "Charge",
    "Customer",
    "PaymentMethod",
    "PerSeatBillable",
    "Price",
    "Product",
    "Subscription",
    "Webhook",
    "sync_catalogue",
]
