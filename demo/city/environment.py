"""Environment: hourly station readings of PM2.5, PM10 and NO2, and the daily means and AQI built from them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS, Array
from demo.city.shared import (
    DAYS,
    DISTRICT_NAMES,
    EPOCH_S,
    N_DAYS,
    N_HOURS,
    SEASON,
    SHORT_NAMES,
    YEARS,
    bump,
    lognormal,
    strings,
    timestamp_array,
)

_STATIONS = tuple(f"{short}站" for short in SHORT_NAMES)
_STATION_FACTOR = {  # the port district has industry, the hill district clean air
    "dongcheng": 1.05,
    "xicheng": 1.05,
    "nanhu": 1.0,
    "beiyuan": 1.0,
    "jiangbin": 0.95,
    "gaoxin": 0.95,
    "lingang": 1.15,
    "qingshan": 0.8,
}
_PM25_BREAKS = np.array([0.0, 35.0, 75.0, 115.0, 150.0, 250.0, 350.0, 500.0])
_AQI_BREAKS = np.array([0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0])


def pm25_aqi(pm25: Array) -> Array:
    """PM2.5 24-hour individual AQI per HJ 633-2012 (linear within a band, half rounded up, capped at 500)."""
    index: Array = np.floor(np.interp(np.nan_to_num(pm25), _PM25_BREAKS, _AQI_BREAKS) + 0.5).astype(np.int64)
    return index


def _air_hourly_matrices(rng: np.random.Generator) -> tuple[Array, Array, Array]:
    """PM2.5, PM10 and NO2 as (station, hour) matrices rounded to 0.1 µg/m³, NaN while a monitor is down."""
    n_st = len(DISTRICTS)
    hour = np.arange(N_HOURS) % 24
    day = np.arange(N_HOURS) // 24
    weather = np.exp(np.convolve(rng.normal(0.0, 0.45, N_DAYS + 4), [0.15, 0.2, 0.3, 0.2, 0.15], mode="valid"))
    seasonal = (30 + 34 * (np.cos(2 * np.pi * (SEASON - 0.04)) + 1) / 2) * (1 - 0.06 * YEARS) * weather
    diurnal = 1 + 0.15 * np.cos(2 * np.pi * (hour - 23) / 24) + 0.08 * bump(hour.astype(float), 8.0, 1.5)
    station = np.array([_STATION_FACTOR[d.code] for d in DISTRICTS])[:, None]
    station_day = lognormal(rng, 0.12, (n_st, N_DAYS))[:, day]
    pm25 = np.maximum(np.round(seasonal[day] * diurnal * station * station_day * lognormal(rng, 0.2, (n_st, N_HOURS)), 1), 1.0)
    dust = 1.45 + 0.5 * bump(SEASON, 0.27, 0.06)
    pm10 = np.round(pm25 * dust[day] * lognormal(rng, 0.1, (n_st, N_HOURS)) + 8, 1)
    rush = 22 + 18 * (bump(hour.astype(float), 8.0, 1.5) + bump(hour.astype(float), 19.0, 2.0))
    no2 = np.round(rush * (1 + 0.25 * np.cos(2 * np.pi * SEASON))[day] * station * lognormal(rng, 0.2, (n_st, N_HOURS)), 1)
    down = rng.random((n_st, N_HOURS)) < 0.01
    for values in (pm25, pm10, no2):
        values[down] = np.nan
    return pm25, pm10, no2


def air_quality_hourly(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly pollutant concentrations per district station: winter smog, spring dust, rush-hour NO2."""
    pm25, pm10, no2 = _air_hourly_matrices(rng)
    n_st = len(DISTRICTS)
    station = np.tile(np.arange(n_st), N_HOURS)
    schema = pa.schema(
        [
            ("observed_at", pa.timestamp("us")),
            ("station", pa.string()),
            ("district", pa.string()),
            ("pm25", pa.float64()),
            ("pm10", pa.float64()),
            ("no2", pa.float64()),
        ]
    )
    return pa.Table.from_arrays(
        [
            timestamp_array(np.repeat(EPOCH_S + np.arange(N_HOURS) * 3_600, n_st)),
            strings(_STATIONS, station),
            strings(DISTRICT_NAMES, station),
            *(pa.array(v.T.ravel(), from_pandas=True) for v in (pm25, pm10, no2)),
        ],
        schema=schema,
    )


def air_quality_daily(rng: np.random.Generator, scale: float) -> pa.Table:
    """Daily mean PM2.5 per station from the same hourly data, with its AQI and the good-day flag."""
    by_day = _air_hourly_matrices(rng)[0].reshape(len(DISTRICTS), N_DAYS, 24)
    valid = ~np.isnan(by_day)
    count = valid.sum(axis=2)
    mean = np.where(valid, by_day, 0.0).sum(axis=2) / np.maximum(count, 1)
    missing = (count == 0).T.ravel()
    avg = mean.T.ravel()
    aqi = pm25_aqi(avg)
    station = np.tile(np.arange(len(DISTRICTS)), N_DAYS)
    schema = pa.schema(
        [
            ("observed_on", pa.date32()),
            ("station", pa.string()),
            ("district", pa.string()),
            ("pm25_avg", pa.float64()),
            ("aqi", pa.int64()),
            ("good_day", pa.bool_()),
        ]
    )
    return pa.Table.from_arrays(
        [
            pa.array(np.repeat(DAYS, len(DISTRICTS)), type=pa.date32()),
            strings(_STATIONS, station),
            strings(DISTRICT_NAMES, station),
            pa.array(avg, mask=missing),
            pa.array(aqi, mask=missing),
            pa.array(aqi <= 100, mask=missing),
        ],
        schema=schema,
    )
