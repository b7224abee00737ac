"""Lemon Squeezy's JSON:API over HTTP, configured from settings, its errors made ours.

Lemon Squeezy ships no Python SDK, so this is a thin ``requests`` client: it
sends JSON:API documents (``{"data": {"type", "id", "attributes",
"relationships"}}``) with the API key and returns the parsed answer. Settings are
read on every request, so a changed key or URL applies at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

import requests
from django.conf import settings

from pay import conf
from pay.errors import ProcessorError
from pay.processors.base import Processor

PROCESSOR_NAME = "lemon_squeezy"

DEFAULT_API_URL = "https://api.lemonsqueezy.com/v1"
MEDIA_TYPE = "application/vnd.api+json"
#: Seconds to wait for Lemon Squeezy to connect and to answer.
TIMEOUT = (5, 30)

Resource = dict[str, Any]


def api_url() -> str:
    """LEMON_SQUEEZY_API_URL, for a proxy or a test double; Lemon Squeezy's API otherwise."""
    return str(getattr(settings, "LEMON_SQUEEZY_API_URL", "") or DEFAULT_API_URL).rstrip("/")


def store_id() -> str:
    return conf.required("LEMON_SQUEEZY_STORE_ID", "Lemon Squeezy customers and checkouts")


def store_relationship() -> dict[str, Any]:
    return {"store": {"data": {"type": "stores", "id": store_id()}}}


class LemonSqueezyRefused(ProcessorError):
    """Lemon Squeezy answered with an error; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LemonSqueezyAPI(Processor):
    """What every part of the Lemon Squeezy processor shares: its name and its HTTP client."""

    name: ClassVar[str] = PROCESSOR_NAME

    @cached_property
    def session(self) -> requests.Session:
        return requests.Session()

    def api(
        self,
        method: str,
        path: str,
        doing: str,
        *,
        document: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Send a JSON:API request and return the answer's document (``{}`` for 204)."""
        api_key = conf.required("LEMON_SQUEEZY_API_KEY", "calls to the Lemon Squeezy API")
        headers = {
            "Accept": MEDIA_TYPE,
            "Content-Type": MEDIA_TYPE,
            "Authorization": f"Bearer {api_key}",
        }
        try:
            response = self.session.request(
                method,
                f"{api_url()}/{path}",
                headers=headers,
                json=document,
                params=params,
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise ProcessorError(
                f"Could not reach Lemon Squeezy to {doing} ({type(error).__name__}); "
                "try again shortly."
            ) from error
        if response.status_code >= 400:
            raise LemonSqueezyRefused(
                f"Lemon Squeezy refused to {doing}: {_error_detail(response)} "
                f"(HTTP {response.status_code}).",
                response.status_code,
            )
        if not response.content:
            return {}
        answer: dict[str, Any] = response.json()
        return answer

    def fetch(self, path: str, doing: str) -> Resource:
        """One resource, e.g. ``fetch("subscriptions/1", ...)``."""
        resource: Resource = self.api("GET", path, doing)["data"]
        return resource

    def fetch_all(self, path: str, doing: str, filters: Mapping[str, str]) -> list[Resource]:
        """Every resource of a filtered list, following ``links.next`` page by page."""
        params = {f"filter[{key}]": value for key, value in filters.items()}
        params["page[size]"] = "100"
        found: list[Resource] = []
        page = 1
        while True:
            answer = self.api("GET", path, doing, params={**params, "page[number]": str(page)})
            found.extend(answer["data"])
            if not answer.get("links", {}).get("next"):
                return found
            page += 1


def document(
    kind: str,
    attributes: Mapping[str, Any],
    *,
    resource_id: str = "",
    relationships: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON:API request document for one resource."""
    data: dict[str, Any] = {"type": kind, "attributes": dict(attributes)}
    if resource_id:
        data["id"] = resource_id
    if relationships:
        data["relationships"] = dict(relationships)
    return {"data": data}


def _error_detail(response: requests.Response) -> str:
    """The ``errors`` of a JSON:API error document, or the status text."""
    try:
        errors = response.json().get("errors", [])
    except ValueError:
        errors = []
    details = [str(error.get("detail") or error.get("title", "")) for error in errors]
    return "; ".join(detail for detail in details if detail) or response.reason or "an error"
