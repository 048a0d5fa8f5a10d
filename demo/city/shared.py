"""What every department's generator shares: the 2024-2025 calendar (holidays, working days, seasons), district weights and vectorized helpers for ids, names, phones and timestamps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo.city.places import DISTRICTS, FIRST_DAY, LAST_DAY, REFORM_DATE, SIGNAL_DISTRICT, SIGNAL_GO_LIVE, Array

DAY0 = np.datetime64(FIRST_DAY, "D")
DAYS: Array = np.arange(DAY0, np.datetime64(LAST_DAY, "D") + 1)
EPOCH_S = DAY0.astype("datetime64[s]")
END_S = (np.datetime64(LAST_DAY, "D") + 1).astype("datetime64[s]")
_HOLIDAY_SPANS = (("2024-02-10", "2024-02-17"), ("2024-10-01", "2024-10-07"), ("2025-01-28", "2025-02-04"), ("2025-10-01", "2025-10-08"))


def _calendar(days: Array) -> tuple[Array, Array, Array, Array]:
    """Per day: is it a public holiday, is it a working day, the fraction of the year gone, and years since the start."""
    holiday = np.zeros(len(days), dtype=bool)
    for first, last in _HOLIDAY_SPANS:
        holiday |= (days >= np.datetime64(first)) & (days <= np.datetime64(last))
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    workday = (weekday < 5) & ~holiday
    year_start = days.astype("datetime64[Y]").astype("datetime64[D]")
    season = (days - year_start).astype(np.int64) / 365.25
    years = np.arange(len(days)) / 365.25
    return holiday, workday, season, years


HOLIDAY, WORKDAY, SEASON, YEARS = _calendar(DAYS)
N_DAYS = len(DAYS)
N_HOURS = N_DAYS * 24
REFORM_DAY = int((np.datetime64(REFORM_DATE, "D") - DAY0).astype(np.int64))
SIGNAL_DAY = int((np.datetime64(SIGNAL_GO_LIVE, "D") - DAY0).astype(np.int64))
MONTH_INDEX: Array = DAYS.astype("datetime64[M]").astype(np.int64) - DAY0.astype("datetime64[M]").astype(np.int64)
MONTH: Array = MONTH_INDEX % 12
DISTRICT_NAMES = tuple(d.name_zh for d in DISTRICTS)
SHORT_NAMES = tuple(d.name_zh.removesuffix("区") for d in DISTRICTS)
POP_2024: Array = np.array([d.population_2024 for d in DISTRICTS], dtype=np.float64)
# How busy each district is per resident (core and high-tech areas more than outskirts), by district code.
_URBAN = {"dongcheng": 1.15, "xicheng": 1.15, "nanhu": 1.0, "beiyuan": 0.9, "jiangbin": 0.9, "gaoxin": 1.1, "lingang": 0.8, "qingshan": 0.7}
URBAN_F: Array = np.array([_URBAN[d.code] for d in DISTRICTS])
SIGNAL_INDEX = DISTRICT_NAMES.index(SIGNAL_DISTRICT)


def scaled_count(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def bump(x: Array, centre: float, width: float) -> Array:
    return np.exp(-0.5 * ((x - centre) / width) ** 2)


def lognormal(rng: np.random.Generator, sigma: float, size: int | tuple[int, ...]) -> Array:
    """Multiplicative noise with mean 1."""
    return rng.lognormal(-0.5 * sigma * sigma, sigma, size)


def choice_by_group(rng: np.random.Generator, probs: Array, group: Array) -> Array:
    """Draw one category per row from the probability row of its group; O(rows) memory."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(group))
    picked = np.zeros(len(group), dtype=np.int64)
    for k in range(probs.shape[1] - 1):
        picked += u >= cum[group, k]
    return picked


def event_times(rng: np.random.Generator, n: int, day_weights: Array, hour_weights: Array) -> Array:
    """Sorted event timestamps (datetime64[s]) drawn from per-day and per-hour weights."""
    days = rng.choice(N_DAYS, n, p=day_weights / day_weights.sum())
    hours = rng.choice(24, n, p=hour_weights / hour_weights.sum())
    seconds = days * 86_400 + hours * 3_600 + rng.integers(0, 3_600, n)
    times: Array = EPOCH_S + np.sort(seconds)
    return times


def day_of(ts: Array) -> Array:
    days: Array = (ts - EPOCH_S).astype(np.int64) // 86_400
    return days


def strings(values: Sequence[str], index: Array) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index, pa.int64()))


def _ascii(chars: Array) -> pa.Array:
    """An (n, width) matrix of ASCII codes as a string array, built straight from buffers."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _digits(values: Array, width: int) -> Array:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10


def readable_ids(prefix: str, ts: Array, width: int = 8) -> pa.Array:
    """Readable ids like RX202400000001: prefix, year, running number within the year (ts must be sorted)."""
    years = ts.astype("datetime64[Y]").astype(np.int64) + 1970
    rank = np.arange(len(ts)) - np.searchsorted(years, years, side="left")
    body = _digits(years * 10**width + rank + 1, 4 + width) + ord("0")
    head = np.broadcast_to(np.frombuffer(prefix.encode("ascii"), dtype=np.uint8), (len(ts), len(prefix)))
    return _ascii(np.concatenate([head, body], axis=1))


def timestamp_array(ts: Array, null: Array | None = None) -> pa.Array:
    return pa.array(ts.astype("datetime64[us]"), type=pa.timestamp("us"), mask=null)


def phones(rng: np.random.Generator, n: int) -> pa.Array:
    chars = np.empty((n, 11), dtype=np.int64)
    chars[:, 0] = 1
    chars[:, 1] = rng.choice(np.arange(3, 10), n, p=[0.3, 0.08, 0.18, 0.06, 0.08, 0.25, 0.05])
    chars[:, 2:] = rng.integers(0, 10, (n, 9))
    return _ascii(chars + ord("0"))


_PROVINCES = np.array(
    [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def id_cards(rng: np.random.Generator, n: int) -> pa.Array:
    """18-character resident ID numbers: region, birth date, sequence and the ISO 7064 MOD 11-2 check character."""
    home = rng.random(n) < 0.7  # most applicants are registered in the home province (32)
    province = np.where(home, 32, rng.choice(_PROVINCES, n))
    region = province * 10_000 + rng.integers(1, 14, n) * 100 + rng.integers(2, 29, n)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20_454, n)  # born 1950-01-01 .. 2005-12-31
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    body = _digits(region * 10**11 + (year * 10_000 + month * 100 + day) * 1_000 + rng.integers(0, 1_000, n), 17)
    check = _ID_CHECK[(body * _ID_WEIGHTS).sum(axis=1) % 11]
    return _ascii(np.concatenate([body + ord("0"), check[:, None]], axis=1))


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志文斌宇浩凯俊晨欣怡子涵梓轩雨萱思远佳琪诗雨"


def person_names(rng: np.random.Generator, n: int) -> pa.Array:
    surname = strings(list(_SURNAMES), rng.integers(0, len(_SURNAMES), n))
    first = strings(list(_GIVEN), rng.integers(0, len(_GIVEN), n))
    second = strings(["", *_GIVEN], np.where(rng.random(n) < 0.25, 0, rng.integers(1, len(_GIVEN) + 1, n)))
    return pc.binary_join_element_wise(surname, first, second, "")


def districts_by(rng: np.random.Generator, n: int, weights: Array) -> Array:
    return rng.choice(len(DISTRICTS), n, p=weights / weights.sum())
