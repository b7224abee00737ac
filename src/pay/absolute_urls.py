"""Absolute URLs of this site, and the check that a return URL really points here.

Processors send buyers back to ``success_url``, ``cancel_url`` and ``return_url``;
an address on another site would turn the checkout into an open redirect, so
:func:`require_same_site` refuses one. Absolute URLs are built from the Sites
framework when installed (``Site.domain``), else from the request, with ``https``
unless ``USE_HTTPS_IN_ABSOLUTE_URLS = False`` (local development).
"""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from pay import conf
from pay.errors import InvalidAction


def site_root(request: HttpRequest | None = None) -> str:
    """``https://example.com``: the Sites framework's current domain, else the request's host."""
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.shortcuts import get_current_site

        domain = get_current_site(request).domain
    elif request is not None:
        domain = request.get_host()
    else:
        raise InvalidAction(
            "An absolute URL needs a domain: add django.contrib.sites to INSTALLED_APPS "
            "and set the Site's domain, or pass the request."
        )
    scheme = "https" if conf.get("USE_HTTPS_IN_ABSOLUTE_URLS") else "http"
    return f"{scheme}://{domain}"


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (``/pay/subscription/``) as an absolute URL of this site."""
    if not path.startswith("/"):
        raise InvalidAction(f"{path!r} is not a path on this site; it must start with '/'.")
    return f"{site_root(request)}{path}"


def require_same_site(url: str, request: HttpRequest | None = None) -> str:
    """``url``, if it points at this site (ALLOWED_HOSTS' host, or the Site's domain).

    Raises InvalidAction otherwise, so a checkout cannot send a buyer to another site.
    """
    root = site_root(request)
    hosts = {root.split("://", 1)[1]}
    if request is not None:
        hosts.add(request.get_host())
    require_https = bool(conf.get("USE_HTTPS_IN_ABSOLUTE_URLS"))
    if not url_has_allowed_host_and_scheme(url, hosts, require_https=require_https):
        raise InvalidAction(
            f"{url!r} is not an address on this site ({root}). Return URLs must point here; "
            "build them with pay.absolute_urls.absolute_url()."
        )
    return url
