"""Units the catalog writes in English, as Chinese readers say them: one table for the screens (layouts) and the
answers of the question box (query), which may not import each other. Anything not listed is shown as written."""

from __future__ import annotations

UNITS_ZH: dict[str, str] = {
    "count": "件",
    "days": "天",
    "day": "天",
    "hours": "小时",
    "hour": "小时",
    "minutes": "分钟",
    "minute": "分钟",
    "seconds": "秒",
    "score": "分",
    "points": "分",
    "persons": "人",
    "people": "人",
    "vehicles": "辆",
    "times": "次",
    "per 10k residents": "件/万人",
}
