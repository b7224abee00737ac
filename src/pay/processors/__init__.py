"""Payment processors and the registry that finds them by name."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from pay import conf
from pay.errors import ProcessorNotEnabled, UnknownProcessor

from .base import Processor

FAKE_PROCESSOR = "fake_processor"

BUILTIN_PROCESSORS = {
    FAKE_PROCESSOR: "pay.processors.fake.FakeProcessor",
    "stripe": "pay.processors.stripe.StripeProcessor",
    "paddle_billing": "pay.processors.paddle.PaddleProcessor",
    "braintree": "pay.processors.braintree.BraintreeProcessor",
    "lemon_squeezy": "pay.processors.lemon_squeezy.LemonSqueezyProcessor",
}


def processor_classes() -> dict[str, str]:
    """Every known processor name with the dotted path of its class."""
    return {**BUILTIN_PROCESSORS, **conf.get("PAY_PROCESSOR_CLASSES")}


def enabled_processors() -> list[str]:
    return list(conf.get("PAY_PROCESSORS"))


def default_processor() -> str:
    """The processor new customers get: PAY_DEFAULT_PROCESSOR, else the first enabled one."""
    return str(conf.get("PAY_DEFAULT_PROCESSOR") or enabled_processors()[0])


def get_processor(name: str) -> Processor:
    """Return the processor registered as ``name``; it must be enabled in PAY_PROCESSORS."""
    if name not in processor_classes():
        raise UnknownProcessor(name)
    if name not in enabled_processors():
        raise ProcessorNotEnabled(name)
    return _instantiate(processor_classes()[name])


@cache
def _instantiate(dotted_path: str) -> Processor:
    processor: Processor = import_string(dotted_path)()
    return processor


def clear_cache() -> None:
    """Forget processor instances, e.g. after settings changed in a test."""
    _instantiate.cache_clear()


__all__ = [
    "FAKE_PROCESSOR",
    "Processor",
    "clear_cache",
    "default_processor",
    "enabled_processors",
    "get_processor",
]
