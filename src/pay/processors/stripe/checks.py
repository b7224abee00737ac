"""``manage.py check`` for the Stripe settings: keys that contradict the mode or each other.

Run through :func:`pay.checks.processor_settings` when ``"stripe"`` is in PAY_PROCESSORS.
Messages name settings, never their values.
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Error, Warning

from .client import live_mode, public_key_setting, secret_key_setting, setting
from .webhooks import SECRET_SETTINGS, webhook_secrets

_DASHBOARD = "Stripe Dashboard → Developers → API keys"


def check_settings() -> list[CheckMessage]:
    return [*_secret_key_messages(), *_public_key_messages(), *_webhook_messages()]


def _secret_key_messages() -> list[CheckMessage]:
    name = secret_key_setting()
    key = str(setting(name) or "")
    mode, other = ("live", "test") if live_mode() else ("test", "live")
    if not key:
        return [
            Error(
                f"{name} is not set, so Stripe requests will fail.",
                hint=f"Set it in settings or the environment to your {mode}-mode secret key "
                f"({_DASHBOARD}).",
                id="pay.stripe.E001",
            )
        ]
    if key.startswith("pk_"):
        return [
            Error(
                f"{name} holds a publishable key (pk_…), not a secret key.",
                hint=f"Use the secret key (sk_{mode}_… or rk_{mode}_…) from the {_DASHBOARD}.",
                id="pay.stripe.E002",
            )
        ]
    if key.startswith((f"sk_{other}_", f"rk_{other}_")):
        return [
            Error(
                f"{name} is a {other}-mode key but STRIPE_LIVE_MODE says {mode} mode.",
                hint=f"Put the {other}-mode key in STRIPE_{other.upper()}_SECRET_KEY, or set "
                f"STRIPE_LIVE_MODE = {not live_mode()} if {other} mode is what you want.",
                id="pay.stripe.E003",
            )
        ]
    return []


def _public_key_messages() -> list[CheckMessage]:
    name = public_key_setting()
    key = str(setting(name) or "")
    mode, other = ("live", "test") if live_mode() else ("test", "live")
    if key.startswith(("sk_", "rk_")):
        return [
            Error(
                f"{name} holds a secret key; it is sent to browsers by the payment pages.",
                hint=f"Use the publishable key (pk_{mode}_…) and roll the exposed secret key.",
                id="pay.stripe.E004",
            )
        ]
    if not key:
        return [
            Warning(
                f"{name} is not set; the payment confirmation page cannot load Stripe.js.",
                hint=f"Set it to your {mode}-mode publishable key (pk_{mode}_…).",
                id="pay.stripe.W001",
            )
        ]
    if key.startswith(f"pk_{other}_"):
        return [
            Error(
                f"{name} is a {other}-mode publishable key but STRIPE_LIVE_MODE says {mode} mode.",
                hint=f"Use the pk_{mode}_… key.",
                id="pay.stripe.E005",
            )
        ]
    return []


def _webhook_messages() -> list[CheckMessage]:
    secrets = webhook_secrets()
    if not secrets:
        return [
            Warning(
                "STRIPE_WEBHOOK_SECRET is not set, so Stripe webhooks will be refused.",
                hint="Copy the endpoint's signing secret (whsec_…) from the Dashboard's webhook "
                "endpoint, or from `stripe listen` when developing.",
                id="pay.stripe.W002",
            )
        ]
    if not all(secret.startswith("whsec_") for secret in secrets):
        return [
            Warning(
                f"A webhook signing secret in {' or '.join(SECRET_SETTINGS)} does not start "
                "with whsec_.",
                hint="Use the endpoint's signing secret, not an API key.",
                id="pay.stripe.W003",
            )
        ]
    return []
