"""Emergency management: incidents with report, dispatch and arrival times."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.places import DISTRICTS
from demo.city.shared import (
    DISTRICT_NAMES,
    HOLIDAY,
    MONTH,
    POP_2024,
    SEASON,
    bump,
    choice_by_group,
    day_of,
    districts_by,
    event_times,
    readable_ids,
    scaled_count,
    strings,
    timestamp_array,
)

_INCIDENT_TYPES = ("火灾", "医疗急救", "交通事故", "危化品泄漏", "自然灾害", "其他")
_INCIDENT_SHARE = np.array([0.08, 0.55, 0.20, 0.01, 0.03, 0.13])
_PRIORITY = np.array([[0.5, 0.4, 0.1], [0.3, 0.5, 0.2], [0.25, 0.5, 0.25], [0.7, 0.3, 0.0], [0.5, 0.4, 0.1], [0.05, 0.35, 0.6]])
_RESPONSE_DISTRICT = {  # outer districts are farther from stations
    "dongcheng": 0.9,
    "xicheng": 0.9,
    "nanhu": 0.95,
    "beiyuan": 1.0,
    "jiangbin": 1.05,
    "gaoxin": 1.0,
    "lingang": 1.3,
    "qingshan": 1.35,
}


def emergency_incidents(rng: np.random.Generator, scale: float) -> pa.Table:
    """Emergency incidents: winter fires, summer storms, slower response in the outer districts."""
    n = scaled_count(60_000, scale)
    day_weights = (1 + 0.1 * bump(SEASON, 0.55, 0.1)) * np.where(HOLIDAY, 1.1, 1.0)
    hour_weights = np.array(
        [0.5, 0.4, 0.35, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1.2, 1.2, 1.2, 1.3, 1.3, 1.2, 1.1, 1.0, 0.8, 0.6]
    )
    reported = event_times(rng, n, day_weights, hour_weights)
    month = MONTH[day_of(reported)]
    probs = np.tile(_INCIDENT_SHARE, (12, 1))
    probs[:, _INCIDENT_TYPES.index("火灾")] *= np.where(np.isin(np.arange(12), [0, 1, 11]), 1.6, 1.0)
    probs[:, _INCIDENT_TYPES.index("自然灾害")] *= np.where(np.isin(np.arange(12), [5, 6, 7, 8]), 3.0, 0.5)
    kind = choice_by_group(rng, probs, month)
    priority = 1 + choice_by_group(rng, _PRIORITY, kind)
    district = districts_by(rng, n, POP_2024)

    median = 10.9 * np.array([_RESPONSE_DISTRICT[d.code] for d in DISTRICTS])[district] * np.array([0.9, 1.0, 1.15])[priority - 1]
    response_s = np.round(np.maximum(median * rng.lognormal(0.0, 0.52, n), 2.0) * 60).astype(np.int64)
    dispatch_s = np.maximum(np.round(response_s * rng.beta(2, 12, n)), 20).astype(np.int64)

    schema = pa.schema(
        [
            ("incident_id", pa.string()),
            ("reported_at", pa.timestamp("us")),
            ("dispatched_at", pa.timestamp("us")),
            ("arrived_at", pa.timestamp("us")),
            ("district", pa.string()),
            ("incident_type", pa.string()),
            ("priority", pa.int64()),
            ("response_minutes", pa.float64()),
        ]
    )
    return pa.Table.from_arrays(
        [
            readable_ids("YJ", reported),
            timestamp_array(reported),
            timestamp_array(reported + dispatch_s),
            timestamp_array(reported + response_s),
            strings(DISTRICT_NAMES, district),
            strings(_INCIDENT_TYPES, kind),
            pa.array(priority.astype(np.int64)),
            pa.array(response_s / 60.0),
        ],
        schema=schema,
    )
