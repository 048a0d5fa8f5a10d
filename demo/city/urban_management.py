"""Urban management: hourly occupancy of public parking garages."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS, Array
from demo.city.shared import (
    DISTRICT_NAMES,
    EPOCH_S,
    N_DAYS,
    N_HOURS,
    SHORT_NAMES,
    WORKDAY,
    YEARS,
    bump,
    lognormal,
    scaled_count,
    strings,
    timestamp_array,
)

_GARAGE_KINDS = (  # name stems of commercial, office, hospital and transport-hub garages; profiles follow the same order
    ("万达广场", "银泰城", "步行街", "吾悦广场"),
    ("市民中心", "科技园", "金融大厦"),
    ("人民医院", "中医院", "妇幼保健院"),
    ("高铁站", "体育中心", "图书馆"),
)


def _parking_profiles() -> Array:
    """Occupancy share by (kind, day off?, hour)."""
    h = np.arange(24.0)
    return np.array(
        [
            [
                0.10 + 0.50 * bump(h, 15.0, 3.0) + 0.50 * bump(h, 19.5, 1.8),
                0.12 + 0.70 * bump(h, 15.0, 3.5) + 0.55 * bump(h, 19.5, 2.0),
            ],
            [0.08 + 0.82 * bump(h, 13.5, 3.2), 0.08 + 0.20 * bump(h, 13.0, 3.0)],
            [0.15 + 0.72 * bump(h, 10.5, 2.2) + 0.40 * bump(h, 15.0, 2.0), 0.12 + 0.45 * bump(h, 10.5, 2.5)],
            [0.25 + 0.45 * bump(h, 12.0, 5.0), 0.30 + 0.55 * bump(h, 13.0, 5.0)],
        ]
    )


def parking_occupancy(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly occupancy of public garages with kind-specific daily cycles and a few over-capacity sensor errors."""
    per_district = scaled_count(3, scale)
    g_district = np.repeat(np.arange(len(DISTRICTS)), per_district)
    g_k = np.tile(np.arange(per_district), len(DISTRICTS))
    g_kind = g_k % len(_GARAGE_KINDS)
    names = []
    for d, k, kind in zip(g_district, g_k, g_kind, strict=True):
        stems = _GARAGE_KINDS[kind]
        nth = k // len(_GARAGE_KINDS)
        number = "" if nth < len(stems) else f"{nth // len(stems) + 1}号"
        names.append(f"{SHORT_NAMES[d]}{stems[nth % len(stems)]}{number}停车场")
    capacity = rng.integers(20, 121, len(g_k)) * 10

    hour = np.arange(N_HOURS) % 24
    day = np.arange(N_HOURS) // 24
    off = (~WORKDAY[day]).astype(np.int64)
    profile = _parking_profiles()[g_kind[None, :], off[:, None], hour[:, None]]
    garage_day = lognormal(rng, 0.08, (N_DAYS, len(g_k)))[day]
    rate = profile * (1 + 0.03 * YEARS[day])[:, None] * garage_day * lognormal(rng, 0.06, profile.shape)
    occupied = np.round(np.clip(rate, 0.0, 1.0) * capacity[None, :]).astype(np.int64)
    dirty = rng.random(occupied.shape) < 0.001
    occupied = np.where(dirty, capacity[None, :] + rng.integers(1, 16, occupied.shape), occupied)

    n_g = len(g_k)
    garage = np.tile(np.arange(n_g), N_HOURS)
    schema = pa.schema(
        [
            ("observed_at", pa.timestamp("us")),
            ("garage", pa.string()),
            ("district", pa.string()),
            ("capacity", pa.int64()),
            ("occupied", pa.int64()),
        ]
    )
    return pa.Table.from_arrays(
        [
            timestamp_array(np.repeat(EPOCH_S + np.arange(N_HOURS) * 3_600, n_g)),
            strings(names, garage),
            strings(DISTRICT_NAMES, g_district[garage]),
            pa.array(capacity[garage].astype(np.int64)),
            pa.array(occupied.ravel()),
        ],
        schema=schema,
    )
