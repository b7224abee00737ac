"""System checks for the enabled processors' settings (``manage.py check``).

Each built-in processor package may have a ``checks`` module with a
``check_settings()`` function; it runs only when the processor is enabled, so a
project never needs the SDK of a processor it does not use.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.checks import CheckMessage, Error

from pay.processors import enabled_processors, processor_classes


def processor_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    known = processor_classes()
    for name in enabled_processors():
        if name not in known:
            messages.append(
                Error(
                    f"PAY_PROCESSORS names {name!r}, which is not a processor.",
                    hint=f"Choose from {', '.join(sorted(known))}, or register it in "
                    "PAY_PROCESSOR_CLASSES.",
                    id="pay.E001",
                )
            )
            continue
        package = known[name].rsplit(".", 1)[0]
        checks_module = f"{package}.checks"
        try:
            module = importlib.import_module(checks_module)
        except ModuleNotFoundError as error:
            if error.name == checks_module:
                continue
            messages.append(
                Error(
                    f"The {name} processor cannot be loaded: {error}.",
                    hint=f"Install its SDK, e.g. pip install 'django-pay[{name}]'.",
                    id="pay.E002",
                )
            )
            continue
        messages.extend(module.check_settings())
    return messages
