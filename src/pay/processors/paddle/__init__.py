"""Paddle Billing: subscriptions begin in Paddle Checkout and are managed through its API."""

from .client import PROCESSOR_NAME
from .processor import PaddleProcessor

__all__ = ["PROCESSOR_NAME", "PaddleProcessor"]
