"""A fake processor that counts the calls made to it: the processor boundary, for tests
and benchmarks that prove how many API calls an operation costs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

from pay.processors.base import Processor
from pay.processors.fake import FakeProcessor

#: The operations a processor offers (what would be an API call at a real processor).
OPERATIONS = frozenset(
    name
    for name in dir(Processor)
    if not name.startswith("_")
    and callable(getattr(Processor, name))
    and name not in ("not_supported", "supporting")
)

DOTTED_PATH = "tests.saas.counting.CountingFakeProcessor"


class CountingFakeProcessor(FakeProcessor):
    calls: ClassVar[Counter[str]] = Counter()

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name not in OPERATIONS:
            return attribute
        operation: Callable[..., Any] = attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            CountingFakeProcessor.calls[name] += 1
            return operation(*args, **kwargs)

        return counted


def count_fake_processor_calls(settings: Any) -> Counter[str]:
    """Make ``fake_processor`` the counting one (pytest-django ``settings``); its counter."""
    settings.PAY_PROCESSOR_CLASSES = {"fake_processor": DOTTED_PATH}
    CountingFakeProcessor.calls.clear()
    return CountingFakeProcessor.calls
