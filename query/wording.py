"""The words a question may use, in Chinese and English: indicator-independent vocabulary (grains, comparisons,
ranking and target words, dimension words and labels) and the time expressions understood (understand_time)."""

from __future__ import annotations

import datetime as dt
import re

from indicators.compiler import Compare
from indicators.periods import shift, truncate
from indicators.spec import Agg, Grain

MAX_QUESTION = 300
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MONTHS_EN = {
    m: i
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1
    )
}
DIMENSION_WORDS: dict[str, tuple[str, ...]] = {
    "district": ("各区", "分区", "区县", "按区", "每个区", "district", "districts"),
    "channel": ("渠道", "channel"),
    "category": ("类别", "分类", "category", "categories"),
    "road_class": ("道路等级", "道路类型", "road class"),
    "item": ("事项", "item"),
    "station": ("站点", "监测站", "station"),
    "garage": ("停车场", "garage"),
    "incident_type": ("事件类型", "incident type"),
    "topic": ("主题", "topic"),
    "age_group": ("年龄段", "年龄", "age group"),
    "street": ("街道", "street"),
    "segment_id": ("路段", "segment"),
    "priority": ("优先级", "priority"),
    "requesttype": ("请求类型", "request type"),
    "requestsource": ("来源", "source"),
}
DIMENSION_LABELS: dict[str, tuple[str, str]] = {
    "district": ("区", "district"),
    "channel": ("渠道", "channel"),
    "category": ("类别", "category"),
    "road_class": ("道路等级", "road class"),
    "item": ("事项", "item"),
    "station": ("监测站", "station"),
    "garage": ("停车场", "garage"),
    "incident_type": ("事件类型", "incident type"),
    "topic": ("主题", "topic"),
    "age_group": ("年龄段", "age group"),
    "street": ("街道", "street"),
    "segment_id": ("路段", "segment"),
    "priority": ("优先级", "priority"),
    "requesttype": ("请求类型", "request type"),
    "requestsource": ("来源", "source"),
}
ADDITIVE = (Agg.SUM, Agg.COUNT, Agg.COUNT_DISTINCT)
GRAIN_WORDS: tuple[tuple[Grain, tuple[str, ...]], ...] = (
    (Grain.DAY, ("每天", "每日", "按天", "按日", "逐日", "daily", "by day", "per day")),
    (Grain.WEEK, ("每周", "按周", "weekly", "by week", "per week")),
    (Grain.MONTH, ("每月", "按月", "逐月", "月度", "monthly", "by month", "per month")),
    (Grain.QUARTER, ("按季度", "每季度", "季度趋势", "quarterly", "by quarter")),
    (Grain.YEAR, ("按年", "每年", "年度", "yearly", "annually", "by year")),
)
COMPARE_WORDS: tuple[tuple[Compare, tuple[str, ...]], ...] = (
    (
        Compare.YEAR_AGO,
        (
            "同比",
            "去年同期",
            "与去年相比",
            "比去年",
            "year over year",
            "year-over-year",
            "yoy",
            "vs last year",
            "versus last year",
            "compared with last year",
            "a year ago",
        ),
    ),
    (
        Compare.PREVIOUS,
        (
            "环比",
            "与上期相比",
            "比上月",
            "比上期",
            "vs last month",
            "vs previous",
            "versus the previous",
            "period over period",
            "month over month",
            "mom",
            "vs the previous period",
        ),
    ),
    (Compare.BASELINE, ("基线", "与基线相比", "vs baseline", "versus baseline", "against the baseline", "vs the baseline")),
)
TARGET_WORDS = ("与目标相比", "对比目标", "目标", "达标", "vs target", "versus target", "against target", "against the target", "target")
TOP_N_RE = re.compile(r"(?:前|(?:top|highest|largest|most)\s*)(\d+|[一二两三四五六七八九十])", re.I)
BOTTOM_N_RE = re.compile(r"(?:后|(?:bottom|lowest|smallest|least)\s*)(\d+|[一二两三四五六七八九十])", re.I)
TOP_RE = re.compile(r"最高|最多|最大|highest|most|largest|\btop\b", re.I)
BOTTOM_RE = re.compile(r"最低|最少|最小|lowest|least|smallest|\bbottom\b", re.I)
BEST_RE = re.compile(r"最好|最佳|表现最好|\bbest\b", re.I)
WORST_RE = re.compile(r"最差|最糟|表现最差|\bworst\b", re.I)
RANK_ALL_RE = re.compile(r"排名|排行|排序|\brank(?:ed|ing|s)?\b", re.I)  # every member, best first


def number(text: str) -> int:
    return int(text) if text.isdigit() else CN_DIGITS.get(text, 0)


def _quarter(question: str) -> tuple[int | None, int | None]:
    match = re.search(r"第([一二三四1-4])季度|(?:\bq|quarter\s*)([1-4])\b", question, re.I)
    if not match:
        return None, None
    quarter = number(match.group(1) or match.group(2))
    year = re.search(r"(20\d\d)", question)
    return quarter, int(year.group(1)) if year else None


def understand_time(question: str, today: dt.date) -> tuple[dt.datetime, dt.datetime, Grain | None, str] | None:
    """(start, end exclusive, grain implied, the words matched) for the time expression, if any."""
    q = question.lower()
    now = dt.datetime.combine(today, dt.time())
    day_end = now + dt.timedelta(days=1)
    recent = re.search(
        r"(?:最近|近|过去)\s*(\d+|[一二两三四五六七八九十])\s*(天|日|周|个月|月|年)|last\s+(\d+)\s+(day|days|week|weeks|month|months|year|years)",
        q,
    )
    if recent:
        n = number(recent.group(1) or recent.group(3))
        unit = (recent.group(2) or recent.group(4) or "").rstrip("s")
        if unit in ("天", "日", "day"):
            return day_end - dt.timedelta(days=n), day_end, Grain.DAY, recent.group(0)
        if unit in ("周", "week"):
            return day_end - dt.timedelta(weeks=n), day_end, Grain.WEEK, recent.group(0)
        if unit in ("个月", "月", "month"):
            start = shift(Grain.MONTH, truncate(Grain.MONTH, now), -(n - 1))
            return start, day_end, Grain.MONTH, recent.group(0)
        start = now.replace(year=now.year - n + 1, month=1, day=1)
        return start, day_end, Grain.YEAR, recent.group(0)
    quarter, year = _quarter(question)
    if quarter:
        start = dt.datetime(year or now.year, 3 * (quarter - 1) + 1, 1)
        return start, shift(Grain.QUARTER, start, 1), Grain.QUARTER, f"Q{quarter}"
    month = re.search(
        r"(20\d\d)\s*年\s*(\d{1,2})\s*月|(january|february|march|april|may|june|july|august|september|october|november|december)\s+(20\d\d)",
        q,
    )
    if month:
        y, m = (int(month.group(1)), int(month.group(2))) if month.group(1) else (int(month.group(4)), MONTHS_EN[month.group(3)])
        start = dt.datetime(y, m, 1)
        return start, shift(Grain.MONTH, start, 1), Grain.MONTH, month.group(0)
    relative = (
        (("上个月", "上月", "last month"), Grain.MONTH, -1),
        (("本月", "这个月", "this month"), Grain.MONTH, 0),
        (("上季度", "上个季度", "last quarter"), Grain.QUARTER, -1),
        (("本季度", "这个季度", "this quarter"), Grain.QUARTER, 0),
        (("上周", "上个星期", "last week"), Grain.WEEK, -1),
        (("本周", "这周", "this week"), Grain.WEEK, 0),
        (("去年", "last year"), Grain.YEAR, -1),
        (("今年", "本年", "this year"), Grain.YEAR, 0),
        (("昨天", "yesterday"), Grain.DAY, -1),
        (("今天", "today"), Grain.DAY, 0),
    )
    for words, grain, steps in relative:
        hit = next((w for w in words if w in q), None)
        if hit and not (hit == "去年" and ("去年同期" in q)):
            start = shift(grain, truncate(grain, now), steps)
            return start, shift(grain, start, 1), grain, hit
    year_only = re.search(r"(20\d\d)\s*年?", q)
    if year_only:
        start = dt.datetime(int(year_only.group(1)), 1, 1)
        return start, shift(Grain.YEAR, start, 1), Grain.YEAR, year_only.group(0)
    return None
