"""Braintree, through its official SDK (``braintree``)."""

from .processor import BraintreeProcessor

__all__ = ["BraintreeProcessor"]
