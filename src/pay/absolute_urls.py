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
from django.http.request import split_domain_port, validate_host
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

    This site is what ALLOWED_HOSTS names (with its ``.example.com`` patterns, and Django's
    development defaults when it is empty under DEBUG, but not ``"*"``, which names no host),
    the Sites framework's domain and the request's host. With ``USE_HTTPS_IN_ABSOLUTE_URLS``
    the URL must use https.
    """
    hosts = this_sites_hosts(request)
    require_https = bool(conf.get("USE_HTTPS_IN_ABSOLUTE_URLS"))
    netloc = urlsplit(url).netloc
    if not netloc:
        raise InvalidAction(
            f"{url!r} is not an absolute URL. Processors send buyers back to absolute URLs: "
            "build it with pay.absolute_urls.absolute_url()."
        )
    domain, _port = split_domain_port(netloc)
    well_formed = url_has_allowed_host_and_scheme(url, {netloc}, require_https=require_https)
    if not (well_formed and domain and validate_host(domain, hosts)):
        kind = "an https address" if require_https else "an address"
        known = ", ".join(hosts) or "no host configured"
        raise InvalidAction(
            f"{url!r} is not {kind} of this site ({known}). Return URLs must point "
            "here, so a checkout cannot send buyers elsewhere; add the host to ALLOWED_HOSTS "
            "or the Site's domain if it is yours."
        )
    return url


def this_sites_hosts(request: HttpRequest | None = None) -> list[str]:
    """The host names (and ``.domain`` patterns) this site answers to by its own account."""
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's request.get_host()
    hosts = [host for host in allowed if host != "*"]
    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.shortcuts import get_current_site

        hosts.append(get_current_site(request).domain)
    if request is not None:
        hosts.append(split_domain_port(request.get_host())[0])
    return hosts
