"""``manage.py check`` for the Braintree settings: each one set, the environment a known one.

Run through :func:`pay.checks.processor_settings` when ``"braintree"`` is in PAY_PROCESSORS.
Messages name settings, never their values.
"""

from __future__ import annotations

from django.core.checks import CheckMessage, Error

from pay.errors import ConfigurationError

from .client import CREDENTIALS, environment, setting

_CONTROL_PANEL = "Braintree Control Panel > Settings > API"


def check_settings() -> list[CheckMessage]:
    messages: list[CheckMessage] = [
        Error(
            f"{name} is not set, so Braintree requests will fail.",
            hint=f"Set it in settings or the environment ({_CONTROL_PANEL}).",
            id="pay.braintree.E001",
        )
        for name in CREDENTIALS
        if not setting(name, "")
    ]
    try:
        environment()
    except ConfigurationError as error:
        messages.append(
            Error(str(error), hint="Use 'sandbox' or 'production'.", id="pay.braintree.E002")
        )
    return messages
