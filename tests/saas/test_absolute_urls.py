"""Absolute URLs from the Sites framework, and return URLs that must point at this site."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from pay.absolute_urls import absolute_url, require_same_site, site_root
from pay.errors import InvalidAction


def test_without_sites_the_request_names_the_host(rf: RequestFactory, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["app.example.com"]
    request = rf.get("/", HTTP_HOST="app.example.com")
    assert absolute_url("/pay/subscription/", request) == "http://app.example.com/pay/subscription/"
    settings.USE_HTTPS_IN_ABSOLUTE_URLS = True
    assert site_root(request) == "https://app.example.com"


def test_without_sites_or_a_request_there_is_no_host() -> None:
    with pytest.raises(InvalidAction, match=r"add django\.contrib\.sites"):
        absolute_url("/pay/")


def test_a_path_must_start_with_a_slash(rf: RequestFactory) -> None:
    with pytest.raises(InvalidAction, match="must start with '/'"):
        absolute_url("https://elsewhere.example/", rf.get("/"))


@pytest.mark.django_db(transaction=True)  # migrating the sites app needs no open transaction
def test_the_sites_framework_names_the_domain(settings: Any) -> None:
    settings.USE_HTTPS_IN_ABSOLUTE_URLS = True
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "django.contrib.sites"], SITE_ID=1
    ):
        from django.contrib.sites.models import Site

        call_command("migrate", "sites", verbosity=0)
        Site.objects.update_or_create(pk=1, defaults={"domain": "saas.example.com"})
        Site.objects.clear_cache()
        assert absolute_url("/billing/") == "https://saas.example.com/billing/"
        assert require_same_site("https://saas.example.com/billing/") == (
            "https://saas.example.com/billing/"
        )
        with pytest.raises(InvalidAction, match="is not an https address of this site"):
            require_same_site("http://saas.example.com/billing/")


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://testserver.evil.example/",
        "//evil.example/path",
        "javascript:alert(1)",
        "/relative/path",
    ],
)
def test_other_sites_and_relative_urls_are_refused(rf: RequestFactory, url: str) -> None:
    with pytest.raises(InvalidAction):
        require_same_site(url, rf.get("/"))


def test_this_sites_urls_are_accepted(rf: RequestFactory) -> None:
    assert require_same_site("http://testserver/pay/", rf.get("/")) == "http://testserver/pay/"


def test_allowed_hosts_patterns_name_this_site(settings: Any) -> None:
    settings.ALLOWED_HOSTS = [".saas.example.com", "*"]
    assert require_same_site("http://acme.saas.example.com:8000/pay/")
    with pytest.raises(InvalidAction):
        require_same_site("http://evil.example/")  # "*" names no host of ours


def test_local_development_hosts(settings: Any) -> None:
    settings.ALLOWED_HOSTS = []
    settings.DEBUG = True
    assert require_same_site("http://127.0.0.1:8000/pay/subscription/")
    assert require_same_site("http://localhost:8000/pay/subscription/")
    settings.DEBUG = False
    with pytest.raises(InvalidAction, match="no host configured"):
        require_same_site("http://localhost:8000/pay/subscription/")
