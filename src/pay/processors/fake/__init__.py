"""The fake processor: every operation done locally, with no network and no keys.

It is what tests and the demo use, and what a project uses in production for a
free trial that needs no payment method (``generic trials``).
"""

from .processor import FakeProcessor

__all__ = ["FakeProcessor"]
