"""Django for the benchmarks: the test suite's settings and models on in-memory SQLite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start() -> None:
    """Set Django up and create the tables; call before importing models."""
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["PAY_TEST_DATABASE"] = "sqlite"

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
