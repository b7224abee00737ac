"""Absolute URLs of this site, and the check that a return URL really points here.

Processors send buyers back to ``success_url``, ``cancel_url`` and ``return_url``;
an address on another site would turn the checkout into an open redirect, so
:func:`require_same_site` refuses one. Absolute URLs are built from the Sites
framework when installed (``Site.domain``), else from the request, with ``https``
unless ``USE_HTTPS_IN_ABSOLUTE_URLS = False`` (local development).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
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
    """``url``, if it is an absolute URL of this site; raise InvalidAction otherwise.

    This site is the Sites framework's domain, the request's host, and the exact host names
    in ALLOWED_HOSTS. With ``USE_HTTPS_IN_ABSOLUTE_URLS`` the URL must use https.
    """
    hosts = {host for host in settings.ALLOWED_HOSTS if host != "*" and not host.startswith(".")}
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.shortcuts import get_current_site

        hosts.add(get_current_site(request).domain)
    if request is not None:
        hosts.add(request.get_host())
    require_https = bool(conf.get("USE_HTTPS_IN_ABSOLUTE_URLS"))
    if not urlsplit(url).netloc:
        raise InvalidAction(
            f"{url!r} is not an absolute URL. Processors send buyers back to absolute URLs: "
            "build it with pay.absolute_urls.absolute_url()."
        )
    if not url_has_allowed_host_and_scheme(url, hosts, require_https=require_https):
        kind = "an https address" if require_https else "an address"
        known = ", ".join(sorted(hosts)) or "no host configured"
        raise InvalidAction(
            f"{url!r} is not {kind} of this site ({known}). Return URLs must point "
            "here, so a checkout cannot send buyers elsewhere; add the host to ALLOWED_HOSTS "
            "or the Site's domain if it is yours."
        )
    return url
