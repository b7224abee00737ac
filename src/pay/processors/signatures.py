"""What the processors' webhook signatures have in common: a header, and an HMAC-SHA256.

Stripe, Paddle and Lemon Squeezy each sign a payload (the body, with a timestamp for the
first two) with HMAC-SHA256 under the endpoint's secret. While a secret is being rotated
there are several, so a signature is accepted when any secret made it. Every comparison
runs in constant time, so timing tells an attacker nothing about how close a guess was.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence

from pay.errors import WebhookInvalid


def required_header(headers: Mapping[str, str], name: str) -> str:
    """The value of header ``name`` in any case (or as a WSGI ``HTTP_`` key); WebhookInvalid
    when the request has none."""
    wanted = {name.lower(), "http_" + name.lower().replace("-", "_")}
    value = next((value for key, value in headers.items() if key.lower() in wanted), "")
    if not value:
        raise WebhookInvalid(f"The request has no {name} header.")
    return value


def signed_by_any(secrets: Sequence[str], payload: bytes, signatures: Iterable[str]) -> bool:
    """Whether one of ``signatures`` (hex) is the HMAC-SHA256 of ``payload`` under one of
    ``secrets``. Every pair is compared, so the time taken does not depend on which matched."""
    expected = [
        hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest() for secret in secrets
    ]
    matched = False
    for signature in signatures:
        for digest in expected:
            matched |= hmac.compare_digest(signature.encode(), digest.encode())
    return matched
