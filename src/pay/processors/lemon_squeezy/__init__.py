"""Lemon Squeezy: subscriptions begin in its hosted checkout and are managed through its API."""

from .client import PROCESSOR_NAME
from .processor import LemonSqueezyProcessor

__all__ = ["PROCESSOR_NAME", "LemonSqueezyProcessor"]
