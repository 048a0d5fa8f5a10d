"""The 12345 hotline: tickets with seasonal categories and SLAs, and the citizen satisfaction survey it runs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS, Array
from demo.city.shared import (
    DAY0,
    DISTRICT_NAMES,
    END_S,
    HOLIDAY,
    MONTH,
    N_DAYS,
    POP_2024,
    REFORM_DAY,
    SEASON,
    SIGNAL_DAY,
    SIGNAL_INDEX,
    URBAN_F,
    WORKDAY,
    YEARS,
    bump,
    choice_by_group,
    day_of,
    districts_by,
    event_times,
    lognormal,
    phones,
    readable_ids,
    scaled_count,
    strings,
    timestamp_array,
)

_CATEGORIES = ("交通出行", "环境保护", "市容环卫", "住房物业", "噪音扰民", "供水供电", "劳动保障", "教育医疗", "市场监管", "其他")
_CATEGORY_SHARE = np.array([0.12, 0.08, 0.12, 0.15, 0.10, 0.08, 0.08, 0.08, 0.09, 0.10])
_CATEGORY_COMPLAINT = np.array([0.35, 0.45, 0.40, 0.50, 0.65, 0.30, 0.50, 0.30, 0.55, 0.20])
_CATEGORY_SLA = np.array([72, 72, 48, 120, 24, 24, 120, 120, 72, 72])
_SATISFACTION = np.array([[0.03, 0.05, 0.12, 0.35, 0.45], [0.20, 0.25, 0.25, 0.20, 0.10]])


def _category_probs() -> Array:
    """Category mix by calendar month: summer noise and utilities, wage disputes before Spring Festival, winter smog."""
    month = np.arange(12)
    summer = np.isin(month, [5, 6, 7])
    probs = np.tile(_CATEGORY_SHARE, (12, 1))
    probs[:, _CATEGORIES.index("噪音扰民")] *= np.where(summer, 1.6, 1.0)
    probs[:, _CATEGORIES.index("供水供电")] *= np.where(summer, 1.8, np.where(np.isin(month, [0, 11]), 1.3, 1.0))
    probs[:, _CATEGORIES.index("劳动保障")] *= np.where(np.isin(month, [0, 1]), 1.8, 1.0)
    probs[:, _CATEGORIES.index("环境保护")] *= np.where(np.isin(month, [0, 1, 10, 11]), 1.2, 1.0)
    return probs


def _street_table() -> tuple[Array, Array, list[str]]:
    counts = np.array([len(d.streets) for d in DISTRICTS])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return counts, offsets, [s.name_zh for d in DISTRICTS for s in d.streets]


def hotline_tickets(rng: np.random.Generator, scale: float) -> pa.Table:
    """12345 hotline tickets with seasonal categories, per-category SLAs and satisfaction that tracks timeliness."""
    n = scaled_count(250_000, scale)
    weekday_factor = np.where(WORKDAY, 1.0, np.where(HOLIDAY, 0.6, 0.75))
    day_weights = (1.05 + 0.2 * bump(SEASON, 0.55, 0.12)) * weekday_factor * (1 + 0.08 * YEARS)
    hour_weights = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6.5, 6, 3.5, 4.5, 5.5, 5.5, 5, 4, 3, 3.5, 3.5, 3, 1.5, 0.6])
    created = event_times(rng, n, day_weights, hour_weights)
    day = day_of(created)

    district = districts_by(rng, n, POP_2024 * URBAN_F)
    counts, offsets, street_names = _street_table()
    street = offsets[district] + (rng.random(n) * counts[district]).astype(np.int64)
    category = choice_by_group(rng, _category_probs(), MONTH[day])
    complaint = rng.random(n) < _CATEGORY_COMPLAINT[category]
    repeat = rng.random(n) < np.where(complaint, 0.13, 0.07)
    sla = _CATEGORY_SLA[category]
    hours = np.maximum(sla * 0.42 * lognormal(rng, 0.7, n) * np.where(repeat, 1.4, 1.0), 0.2)
    closed = created + (hours * 3_600).astype(np.int64)
    still_open = (closed >= END_S) | (rng.random(n) < 0.02)
    late = hours > sla
    score = 1 + choice_by_group(rng, _SATISFACTION, (late | repeat).astype(np.int64))
    no_answer = still_open | (rng.random(n) < 0.29)

    schema = pa.schema(
        [
            ("ticket_id", pa.string()),
            ("created_at", pa.timestamp("us")),
            ("closed_at", pa.timestamp("us")),
            ("district", pa.string()),
            ("street", pa.string()),
            ("category", pa.string()),
            ("is_complaint", pa.bool_()),
            ("is_repeat", pa.bool_()),
            ("sla_hours", pa.int64()),
            ("satisfaction", pa.int64()),
            ("caller_phone", pa.string()),
        ]
    )
    return pa.Table.from_arrays(
        [
            readable_ids("RX", created),
            timestamp_array(created),
            timestamp_array(closed, still_open),
            strings(DISTRICT_NAMES, district),
            strings(street_names, street),
            strings(_CATEGORIES, category),
            pa.array(complaint),
            pa.array(repeat),
            pa.array(sla.astype(np.int64)),
            pa.array(score.astype(np.int64), mask=no_answer),
            phones(rng, n),
        ],
        schema=schema,
    )


_AGE_GROUPS = ("18-29", "30-44", "45-59", "60+")
_TOPICS = ("政务服务", "交通出行", "生态环境", "城市管理", "公共安全")
_TOPIC_OFFSET = np.array([0.1, -0.25, 0.0, -0.1, 0.25])


def citizen_survey(rng: np.random.Generator, scale: float) -> pa.Table:
    """Satisfaction survey answers; scores creep up, with a lift for services after the reform and traffic after the signals."""
    n = scaled_count(40_000, scale)
    day_weights = np.where(WORKDAY, 1.0, 0.5)
    day = np.sort(rng.choice(N_DAYS, n, p=day_weights / day_weights.sum()))
    district = districts_by(rng, n, POP_2024)
    age = rng.choice(len(_AGE_GROUPS), n, p=[0.22, 0.30, 0.27, 0.21])
    topic = rng.integers(0, len(_TOPICS), n)
    latent = 3.35 + 0.2 * YEARS[day] + _TOPIC_OFFSET[topic] + np.array([-0.1, -0.05, 0.05, 0.15])[age]
    latent += 0.3 * ((topic == 0) & (day >= REFORM_DAY))
    latent += 0.45 * ((topic == 1) & (district == SIGNAL_INDEX) & (day >= SIGNAL_DAY))
    score = np.clip(np.round(latent + rng.normal(0.0, 0.9, n)), 1, 5).astype(np.int64)
    surveyed = DAY0 + day

    schema = pa.schema(
        [
            ("response_id", pa.string()),
            ("surveyed_on", pa.date32()),
            ("district", pa.string()),
            ("age_group", pa.string()),
            ("topic", pa.string()),
            ("score", pa.int64()),
        ]
    )
    return pa.Table.from_arrays(
        [
            readable_ids("DC", surveyed.astype("datetime64[s]"), width=6),
            pa.array(surveyed, type=pa.date32()),
            strings(DISTRICT_NAMES, district),
            strings(_AGE_GROUPS, age),
            strings(_TOPICS, topic),
            pa.array(score),
        ],
        schema=schema,
    )
