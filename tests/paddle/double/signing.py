"""Webhook deliveries signed the way Paddle signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from .base import WEBHOOK_SECRET, Json


def signed_delivery(
    event: Json, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Paddle would POST for ``event``, signed with ``secret``."""
    body = json.dumps(event).encode()
    return body, signature_headers(body, secret, timestamp)


def signature_headers(
    body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Paddle's signature of ``body``: HMAC-SHA256 of ``"{ts}:{body}"``."""
    ts = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Paddle-Signature": f"ts={ts};h1={signature}", "Content-Type": "application/json"}
