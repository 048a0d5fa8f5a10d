"""Traffic police: hourly speeds of monitored road segments; adaptive signals relieve the signal district after go-live."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS, Array
from demo.city.shared import (
    DISTRICT_NAMES,
    EPOCH_S,
    HOLIDAY,
    N_DAYS,
    N_HOURS,
    SEASON,
    SHORT_NAMES,
    SIGNAL_DAY,
    SIGNAL_INDEX,
    WORKDAY,
    YEARS,
    bump,
    lognormal,
    scaled_count,
    strings,
    timestamp_array,
)

_ROAD_CLASSES = ("expressway", "arterial", "local")
_CLASS_CYCLE = (1, 0, 2, 1)
_ROADS = (
    ("环城高架", "东环快速路", "绕城高速", "机场快速路", "滨江高架", "北环快速路"),
    ("人民大道", "解放路", "建设路", "中山路", "长江路", "黄河路", "科技大道", "港湾大道", "青年路", "和平路"),
    ("学府街", "文化巷", "光明街", "育才路", "梧桐巷", "菜市街", "花园路", "书院街"),
)
_FREE_FLOW = np.array([80.0, 55.0, 35.0])
_CLASS_CONGESTION = np.array([1.0, 1.2, 0.7])
_CLASS_CAPACITY = np.array([3_600.0, 1_800.0, 700.0])
_TRAFFIC_LEVEL = {  # congestion relative to a typical district; the signal district was chosen because it was the worst
    "dongcheng": 1.2,
    "xicheng": 1.2,
    "nanhu": 1.1,
    "beiyuan": 0.95,
    "jiangbin": 0.9,
    "gaoxin": 1.5,
    "lingang": 0.7,
    "qingshan": 0.6,
}
_SIGNAL_RELIEF = 0.55  # share of delay (travel time above free flow) removed by adaptive signals once fully ramped up


def _traffic_profiles() -> tuple[Array, Array, Array, Array]:
    """Congestion excess and demand by hour, for working days and days off."""
    h = np.arange(24.0)
    jam_work = 0.03 + 0.55 * bump(h, 8.0, 1.0) + 0.7 * bump(h, 18.0, 1.3) + 0.18 * bump(h, 13.0, 3.0)
    jam_off = 0.03 + 0.22 * bump(h, 11.0, 2.5) + 0.25 * bump(h, 17.0, 2.5)
    demand_work = 0.06 + 0.8 * bump(h, 8.0, 1.3) + 0.85 * bump(h, 18.0, 1.6) + 0.45 * bump(h, 13.0, 4.0)
    demand_off = 0.06 + 0.5 * bump(h, 12.0, 4.0) + 0.2 * bump(h, 18.0, 2.0)
    return jam_work, jam_off, demand_work, demand_off


def traffic_segment_speeds(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly speeds of every monitored segment; congestion falls in the signal district after go-live."""
    per_district = scaled_count(4, scale)
    seg_district = np.repeat(np.arange(len(DISTRICTS)), per_district)
    seg_k = np.tile(np.arange(per_district), len(DISTRICTS))
    seg_class = np.array(_CLASS_CYCLE)[seg_k % len(_CLASS_CYCLE)]
    seg_ids = [f"{DISTRICTS[d].code}-{k + 1:03d}" for d, k in zip(seg_district, seg_k, strict=True)]
    roads = [
        f"{_ROADS[c][(d * 3 + k) % len(_ROADS[c])]}（{SHORT_NAMES[d]}段）" for d, k, c in zip(seg_district, seg_k, seg_class, strict=True)
    ]
    free_flow = np.round(_FREE_FLOW[seg_class] * rng.uniform(0.9, 1.1, len(seg_k)))
    level = np.array([_TRAFFIC_LEVEL[DISTRICTS[d].code] for d in seg_district]) * rng.uniform(0.9, 1.1, len(seg_k))

    hour = np.arange(N_HOURS) % 24
    day = np.arange(N_HOURS) // 24
    jam_work, jam_off, demand_work, demand_off = _traffic_profiles()
    rain = np.where(rng.random(N_DAYS) < 0.12, rng.uniform(1.2, 1.6, N_DAYS), 1.0) * lognormal(rng, 0.06, N_DAYS)
    daily = (1 + 0.06 * np.sin(2 * np.pi * (SEASON - 0.3))) * np.where(HOLIDAY, 0.7, 1.0) * rain * (1 + 0.01 * YEARS)
    jam = np.where(WORKDAY[day], jam_work[hour], jam_off[hour]) * daily[day]
    demand = np.where(WORKDAY[day], demand_work[hour], demand_off[hour]) * np.where(HOLIDAY, 0.8, 1.0)[day]

    ramp = np.clip((day - SIGNAL_DAY + 1) / 14, 0.0, 1.0)[:, None] * (seg_district == SIGNAL_INDEX)[None, :]
    excess = jam[:, None] * (level * _CLASS_CONGESTION[seg_class])[None, :] * (1 - _SIGNAL_RELIEF * ramp)
    excess *= lognormal(rng, 0.2, excess.shape)
    tti_raw = 1 + excess + rng.normal(0.0, 0.012, excess.shape)
    speed = np.maximum(np.round(free_flow[None, :] / tti_raw, 1), 3.0)
    capacity = (_CLASS_CAPACITY[seg_class] * level)[None, :]
    volume = np.round(demand[:, None] * capacity * (1 + 0.05 * ramp) * lognormal(rng, 0.12, excess.shape))

    n_seg = len(seg_k)
    schema = pa.schema(
        [
            ("observed_at", pa.timestamp("us")),
            ("district", pa.string()),
            ("segment_id", pa.string()),
            ("road_name", pa.string()),
            ("road_class", pa.string()),
            ("speed_kmh", pa.float64()),
            ("free_flow_speed_kmh", pa.float64()),
            ("travel_time_index", pa.float64()),
            ("volume", pa.int64()),
        ]
    )
    seg_row = np.tile(np.arange(n_seg), N_HOURS)
    flat_speed = speed.ravel()
    flat_free = free_flow[seg_row]
    return pa.Table.from_arrays(
        [
            timestamp_array(np.repeat(EPOCH_S + np.arange(N_HOURS) * 3_600, n_seg)),
            strings(DISTRICT_NAMES, seg_district[seg_row]),
            strings(seg_ids, seg_row),
            strings(roads, seg_row),
            strings(_ROAD_CLASSES, seg_class[seg_row]),
            pa.array(flat_speed),
            pa.array(flat_free),
            pa.array(flat_free / flat_speed),
            pa.array(volume.ravel().astype(np.int64)),
        ],
        schema=schema,
    )
