"""The Stripe test double: Stripe's HTTP API, in process, for the real SDK to talk to.

Give the SDK ``double.http_client`` (``StripeClient(..., http_client=...)``, or the
``STRIPE_HTTP_CLIENT`` setting) and every request lands in :meth:`StripeDouble.handle`,
which checks it the way Stripe does (key, API version, endpoint, parameters as the
SDK's typed params declare them, idempotency key) before serving it from memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

from .api import API_VERSION, DoubleError, Handler, invalid
from .hosted import HostedAPI
from .schema import ParamError, check_params, find_route
from .store import StripeObject


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    status: int
    replayed: bool = False


@dataclass
class Fault:
    """A failure the transport injects: before Stripe sees the request, or after it answered."""

    kind: str  # "connection", "lost_response" or "server_error"
    path: str | None = None  # only requests to paths starting with this
    remaining: int = 1


@dataclass
class _Saved:
    fingerprint: str
    status: int
    body: dict[str, Any]
    request_id: str


class StripeDouble(HostedAPI):
    def __init__(self, expected_version: str = API_VERSION) -> None:
        super().__init__()
        self.expected_version = expected_version
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.http_client = DoubleHTTPClient(self)
        self._idempotent: dict[str, _Saved] = {}
        self._endpoints: dict[tuple[str, str], Handler] = {}
        for name in dir(type(self)):
            handler = getattr(self, name)
            route = getattr(handler, "stripe_endpoint", None)
            if route is not None:
                self._endpoints[route] = handler

    # Serving a request

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        split = urlsplit(url)
        query = split.query if method in ("get", "delete") else (body or "")
        raw = decode_form(query)
        key = headers.get("Idempotency-Key")
        request_id = f"req_{secrets.token_hex(7)}"
        saved = self._idempotent.get(key or "") if method == "post" else None
        fingerprint = f"{method} {split.path} {query}"
        if saved is not None:
            status, payload = saved.status, saved.body
            replayed = saved.fingerprint == fingerprint
            if not replayed:
                status, payload = 400, _idempotency_mismatch(key or "")
        else:
            replayed = False
            self.current_request = {"id": request_id, "idempotency_key": key}
            try:
                status, payload = 200, self._serve(method, split.path, raw, headers)
            except DoubleError as error:
                status, payload = error.status, error.body
            finally:
                self.current_request = {"id": None, "idempotency_key": None}
            if method == "post" and key and status < 500:
                self._idempotent[key] = _Saved(fingerprint, status, payload, request_id)
        self.requests.append(RecordedRequest(method, split.path, raw, key, status, replayed))
        response_headers = {"Request-Id": request_id, "Stripe-Version": self.expected_version}
        if replayed:
            response_headers["Idempotent-Replayed"] = "true"
        return status, payload, response_headers

    def _serve(
        self, method: str, path: str, raw: dict[str, Any], headers: Mapping[str, str]
    ) -> StripeObject:
        self._authenticate(headers)
        self.advance()
        found = find_route(method, path)
        if found is None:
            raise DoubleError(
                404,
                "invalid_request_error",
                f"Unrecognized request URL ({method.upper()}: {path}).",
            )
        route, arguments = found
        try:
            params = check_params(route.params, raw)
        except ParamError as error:
            raise invalid(str(error), error.param) from None
        handler = self._endpoints.get((route.method, route.template))
        if handler is None:
            raise invalid(
                f"The Stripe double does not implement {method.upper()} {route.template}; "
                "add it to tests/stripe_double."
            )
        return handler(params, **arguments)

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        authorization = headers.get("Authorization", "")
        key = authorization.removeprefix("Bearer ")
        if not key.startswith(("sk_test_", "rk_test_")):
            raise DoubleError(
                401,
                "invalid_request_error",
                f"Invalid API Key provided: {key[:8]}…; the double serves test-mode keys only.",
            )
        version = headers.get("Stripe-Version")
        if version != self.expected_version:
            raise invalid(
                f"The double speaks Stripe API version {self.expected_version}; the request "
                f"asked for {version!r}. Pin the version the SDK's types describe."
            )

    # Faults

    def fail_next(self, kind: str, path: str | None = None, times: int = 1) -> None:
        """Make the next ``times`` requests (to ``path…``) fail in transport, like a flaky network.

        ``connection``: the request never reaches Stripe. ``lost_response``: Stripe did the
        work but the answer was lost. ``server_error``: Stripe answers 500 without doing it.
        """
        if kind not in ("connection", "lost_response", "server_error"):
            raise ValueError(f"unknown fault {kind!r}")
        self.faults.append(Fault(kind, path, times))

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.remaining and (fault.path is None or path.startswith(fault.path)):
                fault.remaining -= 1
                return fault
        return None

    # For tests

    def created(self, path: str) -> list[RecordedRequest]:
        """The POSTs to ``path`` that Stripe actually served (not replays)."""
        return [
            r
            for r in self.requests
            if r.method == "post" and r.path == path and not r.replayed and r.status == 200
        ]

    def events_of(self, *event_types: str) -> list[StripeObject]:
        return [e for e in self.events if e["type"] in event_types]

    def object(self, object_id: str) -> StripeObject:
        """An object as the API would return it."""
        return self.store.render(self.store.objects[object_id])


def decode_form(encoded: str) -> dict[str, Any]:
    """Stripe's form encoding (``items[0][price]=…``) back into nested dicts."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        head, _, rest = key.partition("[")
        path = [head] + ([part.rstrip("]") for part in rest.split("[")] if rest else [])
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return result


def _idempotency_mismatch(key: str) -> dict[str, Any]:
    return {
        "error": {
            "type": "idempotency_error",
            "message": f"Keys for idempotent requests can only be used with the same "
            f"parameters they were first used with. Try using a key other than '{key}'.",
        }
    }


def sign_webhook(
    event: StripeObject, secret: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Stripe would POST to a webhook endpoint for ``event``."""
    return sign_payload(json.dumps(event).encode(), secret, timestamp)


def sign_payload(
    body: bytes, secret: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """``body`` with the ``Stripe-Signature`` header Stripe would compute for it."""
    signed_at = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(
        secret.encode(), f"{signed_at}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return body, {"Stripe-Signature": f"t={signed_at},v1={signature}"}


class DoubleHTTPClient(stripe.HTTPClient):
    """The SDK's transport, wired to the double instead of a socket."""

    name = "stripe-double"

    def __init__(self, double: StripeDouble) -> None:
        super().__init__()
        self.double = double

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[str, int, Mapping[str, str]]:
        fault = self.double.take_fault(urlsplit(url).path)
        if fault and fault.kind == "connection":
            raise stripe.APIConnectionError("Connection refused (injected)", should_retry=True)
        if fault and fault.kind == "server_error":
            error = {"error": {"type": "api_error", "message": "Injected server error."}}
            return json.dumps(error), 500, {}
        status, body, response_headers = self.double.handle(method, url, headers or {}, post_data)
        if fault and fault.kind == "lost_response":
            raise stripe.APIConnectionError("Read timed out (injected)", should_retry=True)
        return json.dumps(body), status, response_headers

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0  # the SDK backs off between retries; the double has nothing to wait for

    def close(self) -> None:
        return None
