"""Settings for the demo site: everything has a default, so it runs with no keys and no network.

The fake processor bills by default. Set ``STRIPE_TEST_SECRET_KEY`` (and the public key) in the
environment and the demo bills through Stripe's test mode instead; ``DEMO_PAYMENT_PROCESSOR``
picks any processor by name (``paddle_billing``, ``braintree``, ``lemon_squeezy``), whose
credentials django-pay reads from the environment (``PADDLE_API_KEY``, ``BRAINTREE_MERCHANT_ID``,
``LEMON_SQUEEZY_API_KEY``…; see the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import django
import django_stubs_ext

django_stubs_ext.monkeypatch()  # ModelForm[Invitation] and friends at runtime, for the types

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_flag(name: str, default: bool = False) -> bool:
    return env(name, "true" if default else "").lower() in ("1", "true", "yes")


SECRET_KEY = env("DJANGO_SECRET_KEY", "demo-only-not-secret")
DEBUG = env_flag("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *filter(None, env("ALLOWED_HOSTS").split(","))]
_ADMIN_EMAIL = env("DEMO_ADMIN_EMAIL", "admin@demo.test")
# Django 6.0 takes plain addresses; 5.2 wants (name, address) pairs.
ADMINS = [_ADMIN_EMAIL] if django.VERSION >= (6, 0) else [("Demo admin", _ADMIN_EMAIL)]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "pay",
    "apps.users",
    "apps.teams",
    "apps.subscriptions",
    "apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.teams.middleware.TeamMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.teams.context_processors.current_team",
                "apps.web.context_processors.demo",
            ]
        },
    }
]

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},
}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

if django.VERSION >= (6, 1):  # MAILERS replaces EMAIL_BACKEND
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = "demo@django-pay.test"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts: django-allauth, signing in with an email address and a password.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True  # no "Remember me" box: sessions last two weeks
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"

# Billing. The processor is the fake one unless Stripe keys are in the environment.
STRIPE_LIVE_MODE = env_flag("STRIPE_LIVE_MODE")
DEMO_PAYMENT_PROCESSOR = env(
    "DEMO_PAYMENT_PROCESSOR",
    "stripe"
    if env("STRIPE_TEST_SECRET_KEY") or env("STRIPE_LIVE_SECRET_KEY")
    else "fake_processor",
)
PAY_PROCESSORS = [DEMO_PAYMENT_PROCESSOR]
PAY_PRODUCT_METADATA_MODULE = "apps.subscriptions.metadata"
PAY_BASE_TEMPLATE = "base.html"  # django-pay's Subscription and billing pages use our layout
USE_HTTPS_IN_ABSOLUTE_URLS = env_flag("USE_HTTPS_IN_ABSOLUTE_URLS")  # runserver speaks http
# The fake processor's built-in catalogue also has a per-seat Enterprise; the demo sells two.
PAY_FAKE_PROCESSOR_PLANS = {
    "enterprise-seat-monthly": {"active": False},
    "enterprise-seat-annual": {"active": False},
}

# The processor's product ids for the products in apps/subscriptions/metadata.py. The fake
# processor's catalogue has prod_starter and prod_pro built in. The others come from the
# environment: DEMO_PADDLE_PRODUCT_PRO=pro_01h..., DEMO_LEMON_SQUEEZY_PRODUCT_PRO=12345,
# DEMO_BRAINTREE_PRODUCT_PRO=... and so on. Stripe's ids differ between test and live mode
# (STRIPE_LIVE_MODE picks the set): DEMO_STRIPE_TEST_PRODUCT_PRO=prod_Q.... Stripe's test mode
# falls back to prod_starter and prod_pro (ids you may give products you create); the others
# have no fallback.
DEMO_PRODUCTS = ["starter", "pro"]


def product_ids(prefix: str, fallback: str = "") -> dict[str, str]:
    return {
        slug: env(f"DEMO_{prefix}_PRODUCT_{slug.upper()}", fallback.format(slug=slug))
        for slug in DEMO_PRODUCTS
    }


DEMO_PRODUCT_IDS: dict[str, dict[str, str]] = {
    "fake_processor": {slug: f"prod_{slug}" for slug in DEMO_PRODUCTS},
    "stripe-test": product_ids("STRIPE_TEST", fallback="prod_{slug}"),
    "stripe-live": product_ids("STRIPE_LIVE"),
    "paddle_billing": product_ids("PADDLE"),
    "braintree": product_ids("BRAINTREE"),
    "lemon_squeezy": product_ids("LEMON_SQUEEZY"),
}
