"""Product metadata that sells monthly plans only."""

from pay.metadata import PlanInterval
from tests.testapp.metadata import ACTIVE_PRODUCTS

__all__ = ["ACTIVE_PLAN_INTERVALS", "ACTIVE_PRODUCTS"]

ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH]
