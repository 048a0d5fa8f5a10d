"""The demo city's places and owners: districts and their streets, departments, the datasets they publish, and the dates its stories turn on."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

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
