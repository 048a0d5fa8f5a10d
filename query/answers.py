"""Answers a person can act on: the number with its unit and period, the best and the worst area when a question
ranks or breaks down by area, the change in the right words, and what "today", "本月" or "this month" meant when
the data ends earlier than the city's calendar ("数据截至 2025-12-31").

A question is answered in its own language (a Chinese question in Chinese, an English one in English), whatever
the language of the screen it was typed on. "Best" follows the indicator's direction: for a lower-is-better
indicator (response time, complaints) the best area is the one with the lowest value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from indicators.changes import change_phrase, change_unit
from indicators.spec import Direction, Indicator
from units import UNITS_ZH

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
DEFAULT_WORDS = {"zh": "今年", "en": "this year"}  # what a question without time words asks for


def question_lang(question: str, fallback: str = "zh") -> str:
    """zh for a question with Chinese characters, en for one in Latin letters only; the screen's language otherwise."""
    if CJK.search(question):
        return "zh"
    return "en" if LATIN.search(question) else fallback


def amount(value: Any, ind: Indicator, lang: str) -> str:
    """1,234 辆 / 1,234 vehicles / 88.2%: the value at the indicator's decimals with its unit."""
    if value is None:
        return "—"
    number = float(value)
    text = f"{0.0 if round(number, ind.decimals) == 0 else number:,.{ind.decimals}f}"
    unit = ind.unit.strip()
    if unit in ("", "ratio"):
        return text
    if unit == "%":
        return f"{text}%"
    word = UNITS_ZH.get(unit.lower(), unit) if lang == "zh" else unit
    return f"{text} {word}"


def _extremes(rows: Sequence[Mapping[str, Any]], dimension: str, ind: Indicator) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(best, worst) members by the indicator's direction, (highest, lowest) when it has none; members that tie at
    the shown decimals are named together."""
    known = [r for r in rows if r.get("value") is not None and r.get(dimension) is not None]
    low, high = min(r["value"] for r in known), max(r["value"] for r in known)
    lowest, highest = [r for r in known if r["value"] == low], [r for r in known if r["value"] == high]
    return (lowest, highest) if ind.direction is Direction.LOWER_IS_BETTER else (highest, lowest)


def _members(rows: Sequence[Mapping[str, Any]], dimension: str, lang: str) -> str:
    names = [str(r[dimension]) for r in rows]
    return "、".join(names) if lang == "zh" else " and ".join(names)


def _latest(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows of the latest period that has a value."""
    periods = [r["period"] for r in rows if r.get("value") is not None]
    return [r for r in rows if periods and r["period"] == max(periods)]


def _period_words(period: Any, span: str) -> str:
    """A value's period as read: the understood span for one total over the range (`from..to`), else its label."""
    text = str(period or "")
    return span if ".." in text or not text or text == "all" else text  # `all`: a timeless indicator's one period


def ranking(ind: Indicator, rows: Sequence[Mapping[str, Any]], dimension: str, label: str, span: str, lang: str) -> str:
    """高新区最好（1.21），东城区最差（1.68） — or the one member's value when only one may be seen."""
    latest = [r for r in _latest(rows) if r.get("value") is not None and r.get(dimension) is not None]
    name = ind.name.get(lang)
    if not latest:
        return f"{span} 没有{name}的数据。" if lang == "zh" else f"There is no {name} data for {span}."
    period = _period_words(latest[0]["period"], span)
    if len(latest) == 1:
        only = latest[0]
        if lang == "zh":
            return f"{period} {only[dimension]}的{name}为 {amount(only['value'], ind, lang)}。"
        return f"{name} in {only[dimension]}, {period}: {amount(only['value'], ind, lang)}."
    best, worst = _extremes(latest, dimension, ind)
    directed = ind.direction is not None
    high, low = amount(best[0]["value"], ind, lang), amount(worst[0]["value"], ind, lang)
    if lang == "zh":
        good, bad = ("最好", "最差") if directed else ("最高", "最低")
        return (
            f"{period} 各{label}{name}：{_members(best, dimension, lang)}{good}（{high}），"
            f"{_members(worst, dimension, lang)}{bad}（{low}），共 {len(latest)} 个{label}。"
        )
    good, bad = ("best", "worst") if directed else ("highest", "lowest")
    return (
        f"{name} by {label}, {period}: {good} {_members(best, dimension, lang)} ({high}), "
        f"{bad} {_members(worst, dimension, lang)} ({low}), {len(latest)} {label}s in all."
    )


def single(ind: Indicator, rows: Sequence[Mapping[str, Any]], compare: str | None, span: str, lang: str, where: str = "") -> str:
    """拥堵指数 2025-12 为 1.52，较去年同期上升 3.2%，目标 1.40。 `where` names the members the figure covers when
    they are not the ones asked for (东城区的拥堵指数 …: the asker's scope in place of another district)."""
    latest = [r for r in _latest(rows) if r.get("value") is not None]
    name = ind.name.get(lang)
    if where:
        name = f"{where}的{name}" if lang == "zh" else f"{name} in {where}"
    if not latest:
        return f"{span} 没有{name}的数据。" if lang == "zh" else f"There is no {name} data for {span}."
    row = latest[-1]
    period = _period_words(row["period"], span)
    parts = [
        f"{name} {period} 为 {amount(row['value'], ind, lang)}" if lang == "zh" else f"{name}, {period}: {amount(row['value'], ind, lang)}"
    ]
    if compare:
        moved = change_phrase(row.get("change"), row.get("change_pct"), change_unit(ind), compare, lang)
        if moved:
            parts.append(moved)
    if row.get("target") is not None:
        parts.append(f"目标 {amount(row['target'], ind, lang)}" if lang == "zh" else f"target {amount(row['target'], ind, lang)}")
    return ("，".join(parts) + "。") if lang == "zh" else (", ".join(parts) + ".")


def data_end_words(asked_last: dt.date, data_end: dt.date | None, shifted: bool, time_words: str, span: str, lang: str) -> str:
    """What the time words meant: “本月”指 2025-12（数据截至 2025-12-31）; only when the data ends before the asked range."""
    if data_end is None or (asked_last <= data_end and not shifted):
        return ""
    words = time_words or DEFAULT_WORDS[lang]
    if lang == "zh":
        return f"“{words}”按数据的最后时段 {span} 回答（数据截至 {data_end}）。" if shifted else f"数据截至 {data_end}。"
    return f"'{words}' is read as {span}, the latest period with data (data up to {data_end})." if shifted else f"Data up to {data_end}."
