"""The Stripe processor: Stripe Billing through the official ``stripe`` SDK.

Install with ``pip install django-pay[stripe]``; settings are described in the README.
"""

from .client import API_VERSION
from .processor import StripeProcessor

__all__ = ["API_VERSION", "StripeProcessor"]
