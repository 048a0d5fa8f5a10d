"""Demo City (示范市): deterministic, vectorized synthetic department data for 2024–2025, with stories to find.

One module per department (traffic, services, hotline, environment, urban_management, emergency,
statistics); places.py holds the districts, departments and datasets, shared.py the calendar and helpers.
"""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

from demo.city.emergency import emergency_incidents
from demo.city.environment import air_quality_daily, air_quality_hourly, pm25_aqi
from demo.city.hotline import citizen_survey, hotline_tickets
from demo.city.places import (
    DATASETS,
    DEPARTMENTS,
    DISTRICTS,
    FIRST_DAY,
    LAST_DAY,
    REFORM_DATE,
    SIGNAL_DISTRICT,
    SIGNAL_GO_LIVE,
    Builder,
    DatasetSpec,
    DepartmentSpec,
    District,
    Street,
)
from demo.city.services import gov_service_applications
from demo.city.statistics import district_population
from demo.city.traffic import traffic_segment_speeds
from demo.city.urban_management import parking_occupancy

__all__ = [
    "DATASETS",
    "DEPARTMENTS",
    "DISTRICTS",
    "FIRST_DAY",
    "LAST_DAY",
    "REFORM_DATE",
    "SIGNAL_DISTRICT",
    "SIGNAL_GO_LIVE",
    "DatasetSpec",
    "DepartmentSpec",
    "District",
    "Street",
    "generate",
    "pm25_aqi",
    "traffic_segment_speeds",
]


_BUILDERS: dict[str, Builder] = {
    "traffic_segment_speeds": traffic_segment_speeds,
    "gov_service_applications": gov_service_applications,
    "hotline_tickets": hotline_tickets,
    "citizen_survey": citizen_survey,
    "air_quality_hourly": air_quality_hourly,
    "air_quality_daily": air_quality_daily,
    "parking_occupancy": parking_occupancy,
    "emergency_incidents": emergency_incidents,
    "district_population": district_population,
}


def _stream(seed: int, key: str) -> np.random.Generator:
    """An independent random stream per (seed, key), so datasets do not depend on each other or on build order."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def generate(scale: float = 1.0, seed: int = 20240101) -> dict[str, pa.Table]:
    """Every Demo City dataset as an Arrow table keyed by DatasetSpec.id; same scale and seed, same tables."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    # The daily air table shares the hourly table's stream so it aggregates exactly the same readings.
    keys = {spec.id: "air_quality_hourly" if spec.id == "air_quality_daily" else spec.id for spec in DATASETS}
    return {spec.id: _BUILDERS[spec.id](_stream(seed, keys[spec.id]), scale) for spec in DATASETS}
