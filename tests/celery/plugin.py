"""A real Celery worker on Redis, in a subprocess, for the tests of background work.

The ``worker`` fixture gives a test its own queue and a worker that it starts, kills and
restarts itself; the worker uses the test's database (see ``worker_settings``), so the
test must commit what the worker is to see (``django_db(transaction=True)``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.celery.app import app


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> None:
    """Poll ``condition`` until it holds; the worker is another process."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Worker:
    def __init__(self, folder: Path, queue: str) -> None:
        self.folder, self.queue = folder, queue
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.celery.worker_settings",
            "PAY_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "PAY_TEST_CELERY_QUEUE": self.queue,
            "PAY_TEST_WORKER_DIR": str(self.folder),
            "PYTHONPATH": os.pathsep.join(["src", "."]),
            "PAY_TEST_VISIBILITY_TIMEOUT": "2",
        }
        command = [sys.executable, "-m", "celery", "-A", "tests.celery.worker", "worker"]
        options = ["--pool=prefork", "--concurrency=1", "-Q", self.queue, "--loglevel=WARNING"]
        options += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        log = (self.folder / "worker.log").open("ab")
        self.process = subprocess.Popen(
            command + options, env=env, stdout=log, stderr=log, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once: nothing gets to acknowledge or requeue."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def worker(tmp_path: Path, settings: Any) -> Iterator[Worker]:
    queue = f"pay-tests-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    settings.PAY_WEBHOOK_BACKEND = "celery"
    started = Worker(tmp_path, queue)
    yield started
    started.stop()
    app.conf.task_default_queue = "pay-tests"
