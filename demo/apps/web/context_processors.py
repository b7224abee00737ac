from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def demo(request: HttpRequest) -> dict[str, str]:
    return {"demo_processor": settings.DEMO_PAYMENT_PROCESSOR}
