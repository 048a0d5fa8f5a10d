"""Statistics: resident population by district and year."""

from __future__ import annotations

import datetime

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS


def district_population(rng: np.random.Generator, scale: float) -> pa.Table:
    """Resident population per district and year (dated 1 January, so it is a time series), from DISTRICTS."""
    schema = pa.schema([("year", pa.int64()), ("as_of", pa.date32()), ("district", pa.string()), ("population", pa.int64())])
    rows = [
        (year, datetime.date(year, 1, 1), d.name_zh, d.population_2024 if year == 2024 else d.population_2025)
        for year in (2024, 2025)
        for d in DISTRICTS
    ]
    return pa.Table.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows], schema=schema)
