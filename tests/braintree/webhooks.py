"""Signed Braintree notifications, as Braintree posts them, for tests."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from braintree.util.crypto import Crypto

from .double import PRIVATE_KEY, PUBLIC_KEY


def delivery(processor: Any, kind: str, subject_id: str) -> bytes:
    """The form Braintree posts for a ``kind`` notification about ``subject_id``, signed
    with the double's keys by the SDK's own WebhookTesting."""
    sample = processor.gateway.webhook_testing.sample_notification(kind, subject_id)
    return form(sample["bt_signature"], sample["bt_payload"])


def form(signature: str, payload: str | bytes) -> bytes:
    text = payload.decode() if isinstance(payload, bytes) else payload
    return urlencode({"bt_signature": signature, "bt_payload": text}).encode()


def signed(payload: bytes, private_key: str = PRIVATE_KEY, public_key: str = PUBLIC_KEY) -> bytes:
    """``payload`` (XML) encoded and signed as Braintree does, under the given keys."""
    encoded = base64.encodebytes(payload)
    signature = f"{public_key}|{Crypto.sha1_hmac_hash(private_key, encoded)}"
    return form(signature, encoded)


def fields(body: bytes) -> dict[str, str]:
    from urllib.parse import parse_qs

    return {key: values[0] for key, values in parse_qs(body.decode()).items()}
