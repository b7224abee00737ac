"""An in-process Stripe for tests: the real SDK talks to it through a custom HTTP client.

Objects start from Stripe's own examples (``fixtures.json``, copied from Stripe's
OpenAPI repository under the MIT licence in ``FIXTURES_LICENSE``). Use the
``stripe_double`` pytest fixture (see ``plugin.py``): it also configures the
Stripe processor's settings to talk to the double.
"""

from .double import Fault, RecordedRequest, StripeDouble, sign_payload, sign_webhook

__all__ = ["Fault", "RecordedRequest", "StripeDouble", "sign_payload", "sign_webhook"]
