"""Targets for shorter periods: unchanged by default, a prorated total's shares add back up to it."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from indicators.periods import period_of, spine
from indicators.spec import Grain, Split, Target
from indicators.targets import goal_of


def shares(target: Target, grain: Grain, year: int) -> list[float]:
    starts = spine(grain, dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1))
    return [goal_of(target, period_of(grain, start)) for start in starts]


@pytest.mark.parametrize("grain", [Grain.HOUR, Grain.DAY, Grain.MONTH, Grain.QUARTER, Grain.YEAR])
@pytest.mark.parametrize("year", [2024, 2025])
def test_a_prorated_total_is_shared_by_length_and_adds_back_up(grain: Grain, year: int) -> None:
    total = Target(period=str(year), value=100, split=Split.PRORATE)
    parts = shares(total, grain, year)
    assert math.isclose(sum(parts), 100, rel_tol=1e-9)
    days = 366 if year == 2024 else 365
    if grain is Grain.MONTH:
        assert math.isclose(parts[1], 100 * (29 if year == 2024 else 28) / days)
        assert math.isclose(parts[0], 100 * 31 / days)


@pytest.mark.parametrize("split", [None, Split.NONE])
def test_without_prorate_every_period_gets_the_target_itself(split: Split | None) -> None:
    rate = Target(period="2025", value=95, split=split)
    assert set(shares(rate, Grain.MONTH, 2025)) == {95}
    assert set(shares(rate, Grain.DAY, 2025)) == {95}


def test_a_quarterly_prorated_target_shares_among_its_months() -> None:
    quarter = Target(period="2025-Q1", value=90, split=Split.PRORATE)
    months = [goal_of(quarter, period_of(Grain.MONTH, dt.datetime(2025, m, 1))) for m in (1, 2, 3)]
    assert [round(m, 6) for m in months] == [round(90 * d / 90, 6) for d in (31, 28, 31)]
