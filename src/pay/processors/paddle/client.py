"""The official Paddle SDK client, configured from settings, and its errors made ours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import ClassVar

import requests
from paddle_billing import Client, Environment, Options
from paddle_billing.Exceptions.ApiError import ApiError

from pay import conf
from pay.errors import ConfigurationError, ProcessorError
from pay.processors.base import Processor

PROCESSOR_NAME = "paddle_billing"

ENVIRONMENTS = {"sandbox": Environment.SANDBOX, "production": Environment.PRODUCTION}


def environment() -> str:
    """``"sandbox"`` or ``"production"``, from PADDLE_ENVIRONMENT."""
    name = conf.required("PADDLE_ENVIRONMENT", "Paddle Billing ('sandbox' or 'production')")
    if name not in ENVIRONMENTS:
        raise ConfigurationError(
            f"PADDLE_ENVIRONMENT must be 'sandbox' or 'production', not {name!r}."
        )
    return name


def build_client() -> Client:
    api_key = conf.required("PADDLE_API_KEY", "calls to the Paddle Billing API")
    return Client(api_key, options=Options(ENVIRONMENTS[environment()]))


class PaddleAPI(Processor):
    """What every part of the Paddle processor shares: its name and its SDK client."""

    name: ClassVar[str] = PROCESSOR_NAME

    @cached_property
    def client(self) -> Client:
        return build_client()


class PaddleRefused(ProcessorError):
    """Paddle answered with an error; ``code`` is Paddle's error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@contextmanager
def paddle_errors(doing: str) -> Iterator[None]:
    """Turn the SDK's errors while ``doing`` something into ProcessorErrors that say so."""
    try:
        yield
    except ApiError as error:
        raise PaddleRefused(
            f"Paddle refused to {doing}: {error.detail} (error code {error.error_code}).",
            error.error_code,
        ) from error
    except requests.RequestException as error:
        raise ProcessorError(
            f"Could not reach Paddle to {doing} ({type(error).__name__}); try again shortly."
        ) from error
