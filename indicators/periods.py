"""Periods at a grain: truncation, labels such as `2025-Q1`, parsing, shifting and containment."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from indicators.spec import Grain

ORDER = (Grain.HOUR, Grain.DAY, Grain.WEEK, Grain.MONTH, Grain.QUARTER, Grain.YEAR)
_PATTERNS = (
    (re.compile(r"^(\d{4})$"), Grain.YEAR),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Grain.QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Grain.MONTH),
    (re.compile(r"^(\d{4})-W(\d{1,2})$"), Grain.WEEK),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), Grain.DAY),
)


@dataclass(frozen=True)
class Period:
    """[start, end) at a grain."""

    grain: Grain
    start: dt.datetime
    end: dt.datetime

    @property
    def label(self) -> str:
        return label(self.grain, self.start)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


def belongs(period: Period, outer: Period) -> Period:
    """What of `period` must lie inside `outer` for `period` to belong to it: a week belongs to the month, quarter
    or year of its Thursday (ISO 8601: 2025-W01, which starts on 30 December 2024, is a week of 2025, and 2026-W01,
    which starts on 29 December 2025, is not); any other period must lie wholly inside."""
    if period.grain is not Grain.WEEK or outer.end - outer.start <= period.end - period.start:
        return period
    thursday = period.start + dt.timedelta(days=3)
    return Period(Grain.DAY, thursday, thursday + dt.timedelta(days=1))


def truncate(grain: Grain, moment: dt.datetime) -> dt.datetime:
    if grain is Grain.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    if grain is Grain.QUARTER:
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def shift(grain: Grain, start: dt.datetime, steps: int) -> dt.datetime:
    """The start of the period `steps` periods after the one starting at `start`."""
    if grain is Grain.HOUR:
        return start + dt.timedelta(hours=steps)
    if grain is Grain.DAY:
        return start + dt.timedelta(days=steps)
    if grain is Grain.WEEK:
        return start + dt.timedelta(weeks=steps)
    months = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[grain] * steps
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1)


def label(grain: Grain, start: dt.datetime) -> str:
    if grain is Grain.YEAR:
        return f"{start.year}"
    if grain is Grain.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if grain is Grain.MONTH:
        return f"{start.year}-{start.month:02d}"
    if grain is Grain.WEEK:
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain is Grain.DAY:
        return start.strftime("%Y-%m-%d")
    return start.strftime("%Y-%m-%d %H:00")


def period_of(grain: Grain, moment: dt.datetime) -> Period:
    start = truncate(grain, moment)
    return Period(grain, start, shift(grain, start, 1))


def parse_period(text: str) -> Period | None:
    """`2025`, `2025-Q1`, `2025-03`, `2025-W10` or `2025-03-01`; None if it is none of these."""
    return _parse_period(str(text).strip()) if len(str(text)) <= 40 else None


@functools.lru_cache(maxsize=1024)  # target periods are read for every row of every answer
def _parse_period(text: str) -> Period | None:
    for pattern, grain in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(g) for g in match.groups()]
        try:
            if grain is Grain.YEAR:
                start = dt.datetime(parts[0], 1, 1)
            elif grain is Grain.QUARTER:
                start = dt.datetime(parts[0], 3 * (parts[1] - 1) + 1, 1)
            elif grain is Grain.MONTH:
                start = dt.datetime(parts[0], parts[1], 1)
            elif grain is Grain.WEEK:
                start = dt.datetime.fromisocalendar(parts[0], parts[1], 1)
            else:
                start = dt.datetime(parts[0], parts[1], parts[2])
        except ValueError:
            return None
        return Period(grain, start, shift(grain, start, 1))
    return None


FIRST_YEAR, LAST_YEAR = 1900, 2999  # request bounds outside these mean nothing here (and would overflow shifts)


def parse_date(text: str) -> dt.datetime | None:
    """A request bound: an ISO date or date-time without a time zone, between 1900 and 2999."""
    try:
        moment = dt.datetime.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is None and FIRST_YEAR <= moment.year <= LAST_YEAR else None


def spine(grain: Grain, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Starts of every period at `grain` overlapping [start, end)."""
    out: list[dt.datetime] = []
    current = truncate(grain, start)
    while current < end and len(out) < 100_000:
        out.append(current)
        current = shift(grain, current, 1)
    return out


def year_ago_week(monday: dt.datetime) -> dt.datetime | None:
    """The Monday of the same ISO week number one ISO year earlier; None for week 53 when that year had 52."""
    year, week, _ = monday.isocalendar()
    try:
        return dt.datetime.fromisocalendar(year - 1, week, 1)
    except ValueError:
        return None


def year_back(moment: dt.datetime) -> dt.datetime:
    """The same moment one year earlier (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)
