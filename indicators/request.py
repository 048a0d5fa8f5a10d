"""What a caller asks of an indicator: the grain (None for one value over the whole range), the range [start, end),
the breakdown, filters and comparison; and the range widened to whole periods at that grain."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from indicators.periods import shift, truncate
from indicators.spec import Grain


class Compare(enum.StrEnum):
    PREVIOUS = "previous"
    YEAR_AGO = "year_ago"
    BASELINE = "baseline"


@dataclass(frozen=True)
class IndicatorRequest:
    """Values of one indicator: grain (None = one value for the whole range), [start, end), breakdown."""

    grain: Grain | None
    start: dt.datetime
    end: dt.datetime
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    compare: Compare | None = None


def whole_periods(req: IndicatorRequest) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) widened to whole periods at the request's grain; exact for one total (grain None)."""
    if req.grain is None:
        return req.start, req.end
    return truncate(req.grain, req.start), shift(req.grain, truncate(req.grain, req.end - dt.timedelta(microseconds=1)), 1)
