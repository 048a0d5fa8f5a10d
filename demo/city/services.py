"""Government services: applications per item and channel, with processing times that fall after the reform."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo.city.shared import (
    DISTRICT_NAMES,
    END_S,
    EPOCH_S,
    MONTH_INDEX,
    POP_2024,
    REFORM_DAY,
    WORKDAY,
    YEARS,
    choice_by_group,
    day_of,
    districts_by,
    event_times,
    id_cards,
    lognormal,
    person_names,
    phones,
    readable_ids,
    scaled_count,
    strings,
    timestamp_array,
)

_ITEMS = (  # (事项, statutory limit in days, share of applications)
    ("营业执照办理", 3, 0.16),
    ("个体工商户登记", 1, 0.10),
    ("不动产登记", 5, 0.15),
    ("建设工程规划许可", 20, 0.03),
    ("建筑工程施工许可", 15, 0.03),
    ("食品经营许可", 10, 0.07),
    ("户籍迁移", 5, 0.08),
    ("居住证办理", 7, 0.09),
    ("社保关系转移", 10, 0.07),
    ("住房公积金提取", 3, 0.11),
    ("医保异地就医备案", 2, 0.06),
    ("排水许可", 12, 0.02),
)
_CHANNELS = ("窗口", "网上办", "掌上办", "自助终端")
_IN_PERSON = np.array([True, False, False, True])
_VISITS = np.array(
    [  # P(visits = 1..4); rows: online before / online after / in person before / in person after the reform
        [0.55, 0.30, 0.10, 0.05],
        [0.88, 0.09, 0.02, 0.01],
        [0.30, 0.35, 0.22, 0.13],
        [0.70, 0.22, 0.06, 0.02],
    ]
)


def gov_service_applications(rng: np.random.Generator, scale: float) -> pa.Table:
    """Applications for government services; decisions get faster and visits fewer after the approval reform."""
    n = scaled_count(150_000, scale)
    hour_weights = np.array([0, 0, 0, 0, 0, 0, 0, 0.2, 0.6, 8, 9, 9, 3, 7, 8, 8, 7, 5, 0.9, 0.7, 0.6, 0.4, 0.2, 0.05])
    submitted = event_times(rng, n, np.where(WORKDAY, 1.0, 0.04) * (1 + 0.1 * YEARS), hour_weights)
    day = day_of(submitted)
    hour = (submitted - EPOCH_S).astype(np.int64) // 3_600 % 24
    after = day >= REFORM_DAY

    district = districts_by(rng, n, POP_2024)
    item_share = np.array([w for _, _, w in _ITEMS])
    item = rng.choice(len(_ITEMS), n, p=item_share / item_share.sum())
    limit = np.array([days for _, days, _ in _ITEMS])[item]
    online_share = np.linspace(0.55, 0.72, 24)
    channel_probs = np.column_stack([(1 - online_share) * 0.8, online_share * 0.55, online_share * 0.45, (1 - online_share) * 0.2])
    channel = choice_by_group(rng, channel_probs, MONTH_INDEX[day])
    office_closed = ~WORKDAY[day] | (hour < 9) | (hour >= 18)
    channel = np.where(office_closed & _IN_PERSON[channel], _CHANNELS.index("掌上办"), channel)

    ratio = np.where(after, 0.42, 0.80) * np.where(_IN_PERSON[channel], 1.0, 0.9)
    duration_s = np.maximum(limit * 86_400 * ratio * lognormal(rng, 0.55, n), 600).astype(np.int64)
    decided = submitted + duration_s
    pending = (decided >= END_S) | (rng.random(n) < 0.015)
    rejected = rng.random(n) < np.where(after, 0.05, 0.07)
    status = np.where(pending, 2, np.where(rejected, 1, 0))
    visits = 1 + choice_by_group(rng, _VISITS, _IN_PERSON[channel] * 2 + after)

    schema = pa.schema(
        [
            ("application_id", pa.string()),
            ("submitted_at", pa.timestamp("us")),
            ("decided_at", pa.timestamp("us")),
            ("district", pa.string()),
            ("item", pa.string()),
            ("channel", pa.string()),
            ("statutory_limit_days", pa.int64()),
            ("visits", pa.int64()),
            ("status", pa.string()),
            ("applicant_name", pa.string()),
            ("applicant_id_card", pa.string()),
            ("applicant_phone", pa.string()),
        ]
    )
    return pa.Table.from_arrays(
        [
            readable_ids("GS", submitted),
            timestamp_array(submitted),
            timestamp_array(decided, pending),
            strings(DISTRICT_NAMES, district),
            strings([name for name, _, _ in _ITEMS], item),
            strings(_CHANNELS, channel),
            pa.array(limit.astype(np.int64)),
            pa.array(visits.astype(np.int64)),
            strings(("approved", "rejected", "pending"), status),
            person_names(rng, n),
            id_cards(rng, n),
            phones(rng, n),
        ],
        schema=schema,
    )
