"""Signals a project can listen to.

Each is sent after the local row has been saved, whether the change came from
a call in your code, a sync, or a processor's webhook.
"""

from django.dispatch import Signal

# sender: Subscription class; kwargs: subscription
subscription_created = Signal()
subscription_updated = Signal()
subscription_cancelled = Signal()
subscription_ended = Signal()

# sender: Charge class; kwargs: charge
charge_succeeded = Signal()
charge_refunded = Signal()

# sender: Customer class; kwargs: customer, subscription (or None), error (str)
payment_failed = Signal()

# sender: Webhook class; kwargs: webhook, changes (the list of changes applied)
# Sent inside the processing transaction, after the built-in handling, once per event.
webhook_processed = Signal()
