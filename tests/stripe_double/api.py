"""What every part of the double shares: errors, endpoint registration, events."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from stripe._api_version import _ApiVersion

from .schema import routes
from .store import Store, StripeObject, now

API_VERSION = _ApiVersion.CURRENT

Handler = Callable[..., StripeObject]


class DoubleError(Exception):
    """An error response, in Stripe's shape: ``{"error": {"type", "message", …}}``."""

    def __init__(self, status: int, error_type: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": error_type, "message": message, **details}}


def invalid(message: str, param: str | None = None) -> DoubleError:
    details = {"param": param} if param else {}
    return DoubleError(400, "invalid_request_error", message, **details)


def missing(message: str, param: str | None = None) -> DoubleError:
    details = {"param": param} if param else {}
    return DoubleError(404, "invalid_request_error", message, code="resource_missing", **details)


def endpoint(method: str, template: str) -> Callable[[Handler], Handler]:
    """Serve the SDK's ``method template`` endpoint; the template must be one the SDK calls."""
    if not any(r.method == method and r.template == template for r in routes()):
        raise ValueError(f"The Stripe SDK has no endpoint {method.upper()} {template}")

    def register(handler: Handler) -> Handler:
        handler.stripe_endpoint = (method, template)  # type: ignore[attr-defined]
        return handler

    return register


class API:
    """Base of the double's resource mixins: the store and the event log."""

    def __init__(self) -> None:
        self.store = Store()
        self.events: list[StripeObject] = []
        #: The request being served, for the events it causes.
        self.current_request: dict[str, Any] = {"id": None, "idempotency_key": None}

    def emit(
        self,
        event_type: str,
        obj: StripeObject,
        previous: dict[str, Any] | None = None,
        at: int | None = None,
    ) -> StripeObject:
        """Record the event Stripe would send for a change to ``obj``."""
        data: dict[str, Any] = {"object": self.store.render(obj)}
        if previous:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = self.store.build(
            "event",
            api_version=API_VERSION,
            created=now() if at is None else at,
            data=data,
            type=event_type,
            pending_webhooks=1,
            request=dict(self.current_request),
        )
        self.events.append(event)
        return event

    # Hooks between the resource mixins, overridden where they matter.

    def payment_succeeded(self, intent: StripeObject) -> None:
        """A PaymentIntent just succeeded (billing marks its invoice paid)."""

    def payment_failed(self, intent: StripeObject) -> None:
        """A PaymentIntent's attempt failed or now waits for the customer."""


def changed(obj: StripeObject, **fields: Any) -> dict[str, Any]:
    """Set ``fields`` on ``obj``; return the previous values of those that changed."""
    previous = {}
    for key, value in fields.items():
        if obj.get(key) != value:
            previous[key] = copy.deepcopy(obj.get(key))
            obj[key] = value
    return previous


def merge_metadata(current: dict[str, str], update: dict[str, str]) -> dict[str, str]:
    """Stripe's metadata update: keys merge, an empty value deletes its key."""
    merged = {**current, **update}
    return {key: value for key, value in merged.items() if value != ""}
