"""Demo City (示范市): deterministic, vectorized synthetic department data for 2024–2025, with stories to find."""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Array = npt.NDArray[Any]
Builder = Callable[[np.random.Generator, float], pa.Table]

SIGNAL_DISTRICT = "高新区"
SIGNAL_GO_LIVE = datetime.date(2025, 7, 1)
REFORM_DATE = datetime.date(2025, 3, 1)
FIRST_DAY = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)


@dataclass(frozen=True)
class Street:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class District:
    code: str
    name_zh: str
    name_en: str
    population_2024: int
    population_2025: int
    streets: tuple[Street, ...]


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DatasetSpec:
    id: str
    department: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str


def _district(code: str, name_zh: str, populations: tuple[int, int], streets: Sequence[tuple[str, str]]) -> District:
    return District(
        code=code,
        name_zh=name_zh,
        name_en=f"{code.capitalize()} District",
        population_2024=populations[0],
        population_2025=populations[1],
        streets=tuple(Street(f"{code}_{s_code}", s_zh, f"{s_code.capitalize()} Subdistrict") for s_code, s_zh in streets),
    )


DISTRICTS: tuple[District, ...] = (
    _district(
        "dongcheng", "东城区", (826_400, 819_700), [("donghua", "东华街道"), ("chaoyangmen", "朝阳门街道"), ("hepingli", "和平里街道")]
    ),
    _district("xicheng", "西城区", (768_200, 761_500), [("xichang", "西长街道"), ("jinrongjie", "金融街街道"), ("yuetan", "月坛街道")]),
    _district("nanhu", "南湖区", (1_052_300, 1_068_900), [("nanhu", "南湖街道"), ("hubin", "湖滨街道"), ("xinhua", "新华街道")]),
    _district("beiyuan", "北苑区", (684_100, 691_800), [("beiyuan", "北苑街道"), ("ankang", "安康街道")]),
    _district("jiangbin", "江滨区", (593_600, 602_300), [("wangjiang", "望江街道"), ("matou", "码头街道"), ("binhe", "滨河街道")]),
    _district(
        "gaoxin", "高新区", (452_800, 487_400), [("kejicheng", "科技城街道"), ("chuangxin", "创新街道"), ("ruanjianyuan", "软件园街道")]
    ),
    _district("lingang", "临港区", (381_500, 400_200), [("gangcheng", "港城街道"), ("haigang", "海港街道")]),
    _district("qingshan", "青山区", (312_900, 306_400), [("qingshan", "青山街道"), ("cuiping", "翠屏街道")]),
)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("traffic", "交通运输局", "Transport Bureau"),
    DepartmentSpec("gov_services", "政务服务管理局", "Government Services"),
    DepartmentSpec("hotline", "12345热线中心", "12345 Hotline Center"),
    DepartmentSpec("environment", "生态环境局", "Ecology & Environment"),
    DepartmentSpec("urban_management", "城市管理局", "Urban Management"),
    DepartmentSpec("emergency", "应急管理局", "Emergency Management"),
    DepartmentSpec("statistics", "统计局", "Statistics Bureau"),
)

DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        "traffic_segment_speeds",
        "traffic",
        "路段小时车速",
        "Hourly road-segment speeds",
        "各区监测路段每小时的平均车速、自由流车速、行程时间指数和车流量。",
        "Hourly mean speed, free-flow speed, travel-time index and traffic volume of monitored road segments.",
    ),
    DatasetSpec(
        "gov_service_applications",
        "gov_services",
        "政务服务办件",
        "Government service applications",
        "政务服务事项的每一件申请：受理渠道、办结时间、跑动次数、办理结果和申请人信息（含个人敏感信息）。",
        "Every application for a government service: channel, decision time, visits, outcome and applicant (personal data).",
    ),
    DatasetSpec(
        "hotline_tickets",
        "hotline",
        "12345热线工单",
        "12345 hotline tickets",
        "市民热线工单：诉求分类、所属街道、是否投诉、是否重复、办结时限与满意度。",
        "Citizen hotline tickets: category, street, complaint and repeat flags, service-level hours and satisfaction.",
    ),
    DatasetSpec(
        "citizen_survey",
        "hotline",
        "市民满意度调查",
        "Citizen satisfaction survey",
        "按区、年龄段和主题的市民满意度抽样调查，评分1–5分。",
        "Sampled citizen satisfaction survey by district, age group and topic, scored 1-5.",
    ),
    DatasetSpec(
        "air_quality_hourly",
        "environment",
        "空气质量小时数据",
        "Hourly air quality",
        "各区国控站点每小时PM2.5、PM10和二氧化氮浓度（微克/立方米），设备故障时为空。",
        "Hourly PM2.5, PM10 and NO2 concentrations (µg/m³) at each district station; null while a monitor is down.",
    ),
    DatasetSpec(
        "air_quality_daily",
        "environment",
        "空气质量日数据",
        "Daily air quality",
        "由小时数据汇总的站点日均PM2.5、按HJ 633-2012计算的PM2.5分指数及是否优良天。",
        "Daily mean PM2.5 per station from the hourly data, its HJ 633-2012 index and whether the day was good.",
    ),
    DatasetSpec(
        "parking_occupancy",
        "urban_management",
        "公共停车场占用",
        "Public garage occupancy",
        "公共停车场每小时的泊位总数和已占用泊位数。",
        "Hourly capacity and occupied spaces of public parking garages.",
    ),
    DatasetSpec(
        "emergency_incidents",
        "emergency",
        "应急事件",
        "Emergency incidents",
        "应急事件的接警、派警和到场时间、事件类型、等级及响应时长（分钟）。",
        "Emergency incidents with report, dispatch and arrival times, type, priority and response minutes.",
    ),
    DatasetSpec(
        "district_population",
        "statistics",
        "分区常住人口",
        "Resident population by district",
        "各区年末常住人口。",
        "Year-end resident population of each district.",
    ),
)

# --- calendar ----------------------------------------------------------------------------------

_DAY0 = np.datetime64(FIRST_DAY, "D")
_DAYS: Array = np.arange(_DAY0, np.datetime64(LAST_DAY, "D") + 1)
_EPOCH_S = _DAY0.astype("datetime64[s]")
_END_S = (np.datetime64(LAST_DAY, "D") + 1).astype("datetime64[s]")
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


_HOLIDAY, _WORKDAY, _SEASON, _YEARS = _calendar(_DAYS)
_N_DAYS = len(_DAYS)
_N_HOURS = _N_DAYS * 24
_REFORM_DAY = int((np.datetime64(REFORM_DATE, "D") - _DAY0).astype(np.int64))
_SIGNAL_DAY = int((np.datetime64(SIGNAL_GO_LIVE, "D") - _DAY0).astype(np.int64))
_MONTH_INDEX: Array = _DAYS.astype("datetime64[M]").astype(np.int64) - _DAY0.astype("datetime64[M]").astype(np.int64)
_MONTH: Array = _MONTH_INDEX % 12
_DISTRICT_NAMES = tuple(d.name_zh for d in DISTRICTS)
_SHORT_NAMES = tuple(d.name_zh.removesuffix("区") for d in DISTRICTS)
_POP_2024: Array = np.array([d.population_2024 for d in DISTRICTS], dtype=np.float64)
# How busy each district is per resident (core and high-tech areas more than outskirts), by district code.
_URBAN = {"dongcheng": 1.15, "xicheng": 1.15, "nanhu": 1.0, "beiyuan": 0.9, "jiangbin": 0.9, "gaoxin": 1.1, "lingang": 0.8, "qingshan": 0.7}
_URBAN_F: Array = np.array([_URBAN[d.code] for d in DISTRICTS])
_SIGNAL_INDEX = _DISTRICT_NAMES.index(SIGNAL_DISTRICT)

# --- vectorized helpers ------------------------------------------------------------------------


def _count(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def _bump(x: Array, centre: float, width: float) -> Array:
    return np.exp(-0.5 * ((x - centre) / width) ** 2)


def _lognormal(rng: np.random.Generator, sigma: float, size: int | tuple[int, ...]) -> Array:
    """Multiplicative noise with mean 1."""
    return rng.lognormal(-0.5 * sigma * sigma, sigma, size)


def _choice_by_group(rng: np.random.Generator, probs: Array, group: Array) -> Array:
    """Draw one category per row from the probability row of its group; O(rows) memory."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(group))
    picked = np.zeros(len(group), dtype=np.int64)
    for k in range(probs.shape[1] - 1):
        picked += u >= cum[group, k]
    return picked


def _event_times(rng: np.random.Generator, n: int, day_weights: Array, hour_weights: Array) -> Array:
    """Sorted event timestamps (datetime64[s]) drawn from per-day and per-hour weights."""
    days = rng.choice(_N_DAYS, n, p=day_weights / day_weights.sum())
    hours = rng.choice(24, n, p=hour_weights / hour_weights.sum())
    seconds = days * 86_400 + hours * 3_600 + rng.integers(0, 3_600, n)
    times: Array = _EPOCH_S + np.sort(seconds)
    return times


def _day_of(ts: Array) -> Array:
    days: Array = (ts - _EPOCH_S).astype(np.int64) // 86_400
    return days


def _strings(values: Sequence[str], index: Array) -> pa.Array:
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


def _ids(prefix: str, ts: Array, width: int = 8) -> pa.Array:
    """Readable ids like RX202400000001: prefix, year, running number within the year (ts must be sorted)."""
    years = ts.astype("datetime64[Y]").astype(np.int64) + 1970
    rank = np.arange(len(ts)) - np.searchsorted(years, years, side="left")
    body = _digits(years * 10**width + rank + 1, 4 + width) + ord("0")
    head = np.broadcast_to(np.frombuffer(prefix.encode("ascii"), dtype=np.uint8), (len(ts), len(prefix)))
    return _ascii(np.concatenate([head, body], axis=1))


def _timestamps(ts: Array, null: Array | None = None) -> pa.Array:
    return pa.array(ts.astype("datetime64[us]"), type=pa.timestamp("us"), mask=null)


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
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


def _id_cards(rng: np.random.Generator, n: int) -> pa.Array:
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


def _names(rng: np.random.Generator, n: int) -> pa.Array:
    surname = _strings(list(_SURNAMES), rng.integers(0, len(_SURNAMES), n))
    first = _strings(list(_GIVEN), rng.integers(0, len(_GIVEN), n))
    second = _strings(["", *_GIVEN], np.where(rng.random(n) < 0.25, 0, rng.integers(1, len(_GIVEN) + 1, n)))
    return pc.binary_join_element_wise(surname, first, second, "")


def _districts_by(rng: np.random.Generator, n: int, weights: Array) -> Array:
    return rng.choice(len(DISTRICTS), n, p=weights / weights.sum())


# --- traffic -----------------------------------------------------------------------------------

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
    jam_work = 0.03 + 0.55 * _bump(h, 8.0, 1.0) + 0.7 * _bump(h, 18.0, 1.3) + 0.18 * _bump(h, 13.0, 3.0)
    jam_off = 0.03 + 0.22 * _bump(h, 11.0, 2.5) + 0.25 * _bump(h, 17.0, 2.5)
    demand_work = 0.06 + 0.8 * _bump(h, 8.0, 1.3) + 0.85 * _bump(h, 18.0, 1.6) + 0.45 * _bump(h, 13.0, 4.0)
    demand_off = 0.06 + 0.5 * _bump(h, 12.0, 4.0) + 0.2 * _bump(h, 18.0, 2.0)
    return jam_work, jam_off, demand_work, demand_off


def traffic_segment_speeds(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly speeds of every monitored segment; congestion falls in the signal district after go-live."""
    per_district = _count(4, scale)
    seg_district = np.repeat(np.arange(len(DISTRICTS)), per_district)
    seg_k = np.tile(np.arange(per_district), len(DISTRICTS))
    seg_class = np.array(_CLASS_CYCLE)[seg_k % len(_CLASS_CYCLE)]
    seg_ids = [f"{DISTRICTS[d].code}-{k + 1:03d}" for d, k in zip(seg_district, seg_k, strict=True)]
    roads = [
        f"{_ROADS[c][(d * 3 + k) % len(_ROADS[c])]}（{_SHORT_NAMES[d]}段）" for d, k, c in zip(seg_district, seg_k, seg_class, strict=True)
    ]
    free_flow = np.round(_FREE_FLOW[seg_class] * rng.uniform(0.9, 1.1, len(seg_k)))
    level = np.array([_TRAFFIC_LEVEL[DISTRICTS[d].code] for d in seg_district]) * rng.uniform(0.9, 1.1, len(seg_k))

    hour = np.arange(_N_HOURS) % 24
    day = np.arange(_N_HOURS) // 24
    jam_work, jam_off, demand_work, demand_off = _traffic_profiles()
    rain = np.where(rng.random(_N_DAYS) < 0.12, rng.uniform(1.2, 1.6, _N_DAYS), 1.0) * _lognormal(rng, 0.06, _N_DAYS)
    daily = (1 + 0.06 * np.sin(2 * np.pi * (_SEASON - 0.3))) * np.where(_HOLIDAY, 0.7, 1.0) * rain * (1 + 0.01 * _YEARS)
    jam = np.where(_WORKDAY[day], jam_work[hour], jam_off[hour]) * daily[day]
    demand = np.where(_WORKDAY[day], demand_work[hour], demand_off[hour]) * np.where(_HOLIDAY, 0.8, 1.0)[day]

    ramp = np.clip((day - _SIGNAL_DAY + 1) / 14, 0.0, 1.0)[:, None] * (seg_district == _SIGNAL_INDEX)[None, :]
    excess = jam[:, None] * (level * _CLASS_CONGESTION[seg_class])[None, :] * (1 - _SIGNAL_RELIEF * ramp)
    excess *= _lognormal(rng, 0.2, excess.shape)
    tti_raw = 1 + excess + rng.normal(0.0, 0.012, excess.shape)
    speed = np.maximum(np.round(free_flow[None, :] / tti_raw, 1), 3.0)
    capacity = (_CLASS_CAPACITY[seg_class] * level)[None, :]
    volume = np.round(demand[:, None] * capacity * (1 + 0.05 * ramp) * _lognormal(rng, 0.12, excess.shape))

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
    seg_row = np.tile(np.arange(n_seg), _N_HOURS)
    flat_speed = speed.ravel()
    flat_free = free_flow[seg_row]
    return pa.Table.from_arrays(
        [
            _timestamps(np.repeat(_EPOCH_S + np.arange(_N_HOURS) * 3_600, n_seg)),
            _strings(_DISTRICT_NAMES, seg_district[seg_row]),
            _strings(seg_ids, seg_row),
            _strings(roads, seg_row),
            _strings(_ROAD_CLASSES, seg_class[seg_row]),
            pa.array(flat_speed),
            pa.array(flat_free),
            pa.array(flat_free / flat_speed),
            pa.array(volume.ravel().astype(np.int64)),
        ],
        schema=schema,
    )


# --- government services -----------------------------------------------------------------------

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
    n = _count(150_000, scale)
    hour_weights = np.array([0, 0, 0, 0, 0, 0, 0, 0.2, 0.6, 8, 9, 9, 3, 7, 8, 8, 7, 5, 0.9, 0.7, 0.6, 0.4, 0.2, 0.05])
    submitted = _event_times(rng, n, np.where(_WORKDAY, 1.0, 0.04) * (1 + 0.1 * _YEARS), hour_weights)
    day = _day_of(submitted)
    hour = (submitted - _EPOCH_S).astype(np.int64) // 3_600 % 24
    after = day >= _REFORM_DAY

    district = _districts_by(rng, n, _POP_2024)
    item_share = np.array([w for _, _, w in _ITEMS])
    item = rng.choice(len(_ITEMS), n, p=item_share / item_share.sum())
    limit = np.array([days for _, days, _ in _ITEMS])[item]
    online_share = np.linspace(0.55, 0.72, 24)
    channel_probs = np.column_stack([(1 - online_share) * 0.8, online_share * 0.55, online_share * 0.45, (1 - online_share) * 0.2])
    channel = _choice_by_group(rng, channel_probs, _MONTH_INDEX[day])
    office_closed = ~_WORKDAY[day] | (hour < 9) | (hour >= 18)
    channel = np.where(office_closed & _IN_PERSON[channel], _CHANNELS.index("掌上办"), channel)

    ratio = np.where(after, 0.42, 0.80) * np.where(_IN_PERSON[channel], 1.0, 0.9)
    duration_s = np.maximum(limit * 86_400 * ratio * _lognormal(rng, 0.55, n), 600).astype(np.int64)
    decided = submitted + duration_s
    pending = (decided >= _END_S) | (rng.random(n) < 0.015)
    rejected = rng.random(n) < np.where(after, 0.05, 0.07)
    status = np.where(pending, 2, np.where(rejected, 1, 0))
    visits = 1 + _choice_by_group(rng, _VISITS, _IN_PERSON[channel] * 2 + after)

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
            _ids("GS", submitted),
            _timestamps(submitted),
            _timestamps(decided, pending),
            _strings(_DISTRICT_NAMES, district),
            _strings([name for name, _, _ in _ITEMS], item),
            _strings(_CHANNELS, channel),
            pa.array(limit.astype(np.int64)),
            pa.array(visits.astype(np.int64)),
            _strings(("approved", "rejected", "pending"), status),
            _names(rng, n),
            _id_cards(rng, n),
            _phones(rng, n),
        ],
        schema=schema,
    )


# --- hotline -----------------------------------------------------------------------------------

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
    n = _count(250_000, scale)
    weekday_factor = np.where(_WORKDAY, 1.0, np.where(_HOLIDAY, 0.6, 0.75))
    day_weights = (1.05 + 0.2 * _bump(_SEASON, 0.55, 0.12)) * weekday_factor * (1 + 0.08 * _YEARS)
    hour_weights = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6.5, 6, 3.5, 4.5, 5.5, 5.5, 5, 4, 3, 3.5, 3.5, 3, 1.5, 0.6])
    created = _event_times(rng, n, day_weights, hour_weights)
    day = _day_of(created)

    district = _districts_by(rng, n, _POP_2024 * _URBAN_F)
    counts, offsets, street_names = _street_table()
    street = offsets[district] + (rng.random(n) * counts[district]).astype(np.int64)
    category = _choice_by_group(rng, _category_probs(), _MONTH[day])
    complaint = rng.random(n) < _CATEGORY_COMPLAINT[category]
    repeat = rng.random(n) < np.where(complaint, 0.13, 0.07)
    sla = _CATEGORY_SLA[category]
    hours = np.maximum(sla * 0.42 * _lognormal(rng, 0.7, n) * np.where(repeat, 1.4, 1.0), 0.2)
    closed = created + (hours * 3_600).astype(np.int64)
    still_open = (closed >= _END_S) | (rng.random(n) < 0.02)
    late = hours > sla
    score = 1 + _choice_by_group(rng, _SATISFACTION, (late | repeat).astype(np.int64))
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
            _ids("RX", created),
            _timestamps(created),
            _timestamps(closed, still_open),
            _strings(_DISTRICT_NAMES, district),
            _strings(street_names, street),
            _strings(_CATEGORIES, category),
            pa.array(complaint),
            pa.array(repeat),
            pa.array(sla.astype(np.int64)),
            pa.array(score.astype(np.int64), mask=no_answer),
            _phones(rng, n),
        ],
        schema=schema,
    )


# --- citizen survey ----------------------------------------------------------------------------

_AGE_GROUPS = ("18-29", "30-44", "45-59", "60+")
_TOPICS = ("政务服务", "交通出行", "生态环境", "城市管理", "公共安全")
_TOPIC_OFFSET = np.array([0.1, -0.25, 0.0, -0.1, 0.25])


def citizen_survey(rng: np.random.Generator, scale: float) -> pa.Table:
    """Satisfaction survey answers; scores creep up, with a lift for services after the reform and traffic after the signals."""
    n = _count(40_000, scale)
    day_weights = np.where(_WORKDAY, 1.0, 0.5)
    day = np.sort(rng.choice(_N_DAYS, n, p=day_weights / day_weights.sum()))
    district = _districts_by(rng, n, _POP_2024)
    age = rng.choice(len(_AGE_GROUPS), n, p=[0.22, 0.30, 0.27, 0.21])
    topic = rng.integers(0, len(_TOPICS), n)
    latent = 3.35 + 0.2 * _YEARS[day] + _TOPIC_OFFSET[topic] + np.array([-0.1, -0.05, 0.05, 0.15])[age]
    latent += 0.3 * ((topic == 0) & (day >= _REFORM_DAY))
    latent += 0.45 * ((topic == 1) & (district == _SIGNAL_INDEX) & (day >= _SIGNAL_DAY))
    score = np.clip(np.round(latent + rng.normal(0.0, 0.9, n)), 1, 5).astype(np.int64)
    surveyed = _DAY0 + day

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
            _ids("DC", surveyed.astype("datetime64[s]"), width=6),
            pa.array(surveyed, type=pa.date32()),
            _strings(_DISTRICT_NAMES, district),
            _strings(_AGE_GROUPS, age),
            _strings(_TOPICS, topic),
            pa.array(score),
        ],
        schema=schema,
    )


# --- air quality -------------------------------------------------------------------------------

_STATIONS = tuple(f"{short}站" for short in _SHORT_NAMES)
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
    hour = np.arange(_N_HOURS) % 24
    day = np.arange(_N_HOURS) // 24
    weather = np.exp(np.convolve(rng.normal(0.0, 0.45, _N_DAYS + 4), [0.15, 0.2, 0.3, 0.2, 0.15], mode="valid"))
    seasonal = (30 + 34 * (np.cos(2 * np.pi * (_SEASON - 0.04)) + 1) / 2) * (1 - 0.06 * _YEARS) * weather
    diurnal = 1 + 0.15 * np.cos(2 * np.pi * (hour - 23) / 24) + 0.08 * _bump(hour.astype(float), 8.0, 1.5)
    station = np.array([_STATION_FACTOR[d.code] for d in DISTRICTS])[:, None]
    station_day = _lognormal(rng, 0.12, (n_st, _N_DAYS))[:, day]
    pm25 = np.maximum(np.round(seasonal[day] * diurnal * station * station_day * _lognormal(rng, 0.2, (n_st, _N_HOURS)), 1), 1.0)
    dust = 1.45 + 0.5 * _bump(_SEASON, 0.27, 0.06)
    pm10 = np.round(pm25 * dust[day] * _lognormal(rng, 0.1, (n_st, _N_HOURS)) + 8, 1)
    rush = 22 + 18 * (_bump(hour.astype(float), 8.0, 1.5) + _bump(hour.astype(float), 19.0, 2.0))
    no2 = np.round(rush * (1 + 0.25 * np.cos(2 * np.pi * _SEASON))[day] * station * _lognormal(rng, 0.2, (n_st, _N_HOURS)), 1)
    down = rng.random((n_st, _N_HOURS)) < 0.01
    for values in (pm25, pm10, no2):
        values[down] = np.nan
    return pm25, pm10, no2


def air_quality_hourly(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly pollutant concentrations per district station: winter smog, spring dust, rush-hour NO2."""
    pm25, pm10, no2 = _air_hourly_matrices(rng)
    n_st = len(DISTRICTS)
    station = np.tile(np.arange(n_st), _N_HOURS)
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
            _timestamps(np.repeat(_EPOCH_S + np.arange(_N_HOURS) * 3_600, n_st)),
            _strings(_STATIONS, station),
            _strings(_DISTRICT_NAMES, station),
            *(pa.array(v.T.ravel(), from_pandas=True) for v in (pm25, pm10, no2)),
        ],
        schema=schema,
    )


def air_quality_daily(rng: np.random.Generator, scale: float) -> pa.Table:
    """Daily mean PM2.5 per station from the same hourly data, with its AQI and the good-day flag."""
    by_day = _air_hourly_matrices(rng)[0].reshape(len(DISTRICTS), _N_DAYS, 24)
    valid = ~np.isnan(by_day)
    count = valid.sum(axis=2)
    mean = np.where(valid, by_day, 0.0).sum(axis=2) / np.maximum(count, 1)
    missing = (count == 0).T.ravel()
    avg = mean.T.ravel()
    aqi = pm25_aqi(avg)
    station = np.tile(np.arange(len(DISTRICTS)), _N_DAYS)
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
            pa.array(np.repeat(_DAYS, len(DISTRICTS)), type=pa.date32()),
            _strings(_STATIONS, station),
            _strings(_DISTRICT_NAMES, station),
            pa.array(avg, mask=missing),
            pa.array(aqi, mask=missing),
            pa.array(aqi <= 100, mask=missing),
        ],
        schema=schema,
    )


# --- parking -----------------------------------------------------------------------------------

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
                0.10 + 0.50 * _bump(h, 15.0, 3.0) + 0.50 * _bump(h, 19.5, 1.8),
                0.12 + 0.70 * _bump(h, 15.0, 3.5) + 0.55 * _bump(h, 19.5, 2.0),
            ],
            [0.08 + 0.82 * _bump(h, 13.5, 3.2), 0.08 + 0.20 * _bump(h, 13.0, 3.0)],
            [0.15 + 0.72 * _bump(h, 10.5, 2.2) + 0.40 * _bump(h, 15.0, 2.0), 0.12 + 0.45 * _bump(h, 10.5, 2.5)],
            [0.25 + 0.45 * _bump(h, 12.0, 5.0), 0.30 + 0.55 * _bump(h, 13.0, 5.0)],
        ]
    )


def parking_occupancy(rng: np.random.Generator, scale: float) -> pa.Table:
    """Hourly occupancy of public garages with kind-specific daily cycles and a few over-capacity sensor errors."""
    per_district = _count(3, scale)
    g_district = np.repeat(np.arange(len(DISTRICTS)), per_district)
    g_k = np.tile(np.arange(per_district), len(DISTRICTS))
    g_kind = g_k % len(_GARAGE_KINDS)
    names = []
    for d, k, kind in zip(g_district, g_k, g_kind, strict=True):
        stems = _GARAGE_KINDS[kind]
        nth = k // len(_GARAGE_KINDS)
        number = "" if nth < len(stems) else f"{nth // len(stems) + 1}号"
        names.append(f"{_SHORT_NAMES[d]}{stems[nth % len(stems)]}{number}停车场")
    capacity = rng.integers(20, 121, len(g_k)) * 10

    hour = np.arange(_N_HOURS) % 24
    day = np.arange(_N_HOURS) // 24
    off = (~_WORKDAY[day]).astype(np.int64)
    profile = _parking_profiles()[g_kind[None, :], off[:, None], hour[:, None]]
    garage_day = _lognormal(rng, 0.08, (_N_DAYS, len(g_k)))[day]
    rate = profile * (1 + 0.03 * _YEARS[day])[:, None] * garage_day * _lognormal(rng, 0.06, profile.shape)
    occupied = np.round(np.clip(rate, 0.0, 1.0) * capacity[None, :]).astype(np.int64)
    dirty = rng.random(occupied.shape) < 0.001
    occupied = np.where(dirty, capacity[None, :] + rng.integers(1, 16, occupied.shape), occupied)

    n_g = len(g_k)
    garage = np.tile(np.arange(n_g), _N_HOURS)
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
            _timestamps(np.repeat(_EPOCH_S + np.arange(_N_HOURS) * 3_600, n_g)),
            _strings(names, garage),
            _strings(_DISTRICT_NAMES, g_district[garage]),
            pa.array(capacity[garage].astype(np.int64)),
            pa.array(occupied.ravel()),
        ],
        schema=schema,
    )


# --- emergency ---------------------------------------------------------------------------------

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
    n = _count(60_000, scale)
    day_weights = (1 + 0.1 * _bump(_SEASON, 0.55, 0.1)) * np.where(_HOLIDAY, 1.1, 1.0)
    hour_weights = np.array(
        [0.5, 0.4, 0.35, 0.3, 0.3, 0.4, 0.6, 0.9, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1.2, 1.2, 1.2, 1.3, 1.3, 1.2, 1.1, 1.0, 0.8, 0.6]
    )
    reported = _event_times(rng, n, day_weights, hour_weights)
    month = _MONTH[_day_of(reported)]
    probs = np.tile(_INCIDENT_SHARE, (12, 1))
    probs[:, _INCIDENT_TYPES.index("火灾")] *= np.where(np.isin(np.arange(12), [0, 1, 11]), 1.6, 1.0)
    probs[:, _INCIDENT_TYPES.index("自然灾害")] *= np.where(np.isin(np.arange(12), [5, 6, 7, 8]), 3.0, 0.5)
    kind = _choice_by_group(rng, probs, month)
    priority = 1 + _choice_by_group(rng, _PRIORITY, kind)
    district = _districts_by(rng, n, _POP_2024)

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
            _ids("YJ", reported),
            _timestamps(reported),
            _timestamps(reported + dispatch_s),
            _timestamps(reported + response_s),
            _strings(_DISTRICT_NAMES, district),
            _strings(_INCIDENT_TYPES, kind),
            pa.array(priority.astype(np.int64)),
            pa.array(response_s / 60.0),
        ],
        schema=schema,
    )


# --- statistics --------------------------------------------------------------------------------


def district_population(rng: np.random.Generator, scale: float) -> pa.Table:
    """Resident population per district and year (dated 1 January, so it is a time series), from DISTRICTS."""
    schema = pa.schema([("year", pa.int64()), ("as_of", pa.date32()), ("district", pa.string()), ("population", pa.int64())])
    rows = [
        (year, datetime.date(year, 1, 1), d.name_zh, d.population_2024 if year == 2024 else d.population_2025)
        for year in (2024, 2025)
        for d in DISTRICTS
    ]
    return pa.Table.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows], schema=schema)


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
