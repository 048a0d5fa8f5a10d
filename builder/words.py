"""The chart builder's charts in words: automatic titles and the filter sentence shown under the chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from builder.form import MAX_TEXT, Chart, Measure
from builder.source import ROWS, Field, Source, dimension_options
from datasets.dictionary import Places, value_label
from i18n import t


def dimension_label(source: Source, value: str, lang: str) -> str:
    for option, field, part in dimension_options(source):
        if option == value:
            return t(f"builder.part.{part}", lang, field=field.shown(lang)) if part else field.shown(lang)
    return value


def measure_label(source: Source, measure: Measure, lang: str) -> str:
    if measure.field == ROWS:
        return t("builder.row_count", lang)
    found = source.field(measure.field)
    return t(f"builder.agg_of.{measure.agg.value}", lang, field=found.shown(lang) if found else measure.field)


def title(chart: Chart, lang: str) -> str:
    """A title that says what the chart shows: "路段平均车速（按区）"."""
    what = (
        chart.source.name(lang)
        if chart.source.kind == "indicator"
        else t("builder.and", lang).join(measure_label(chart.source, m, lang) for m in chart.measures)
    )
    if chart.dimensions:
        by = t("builder.and", lang).join(dimension_label(chart.source, d, lang) for d in chart.dimensions)
        what = t("builder.title_by", lang, what=what, by=by)
    return what[:MAX_TEXT]


def _shown_value(column: str, value: Any, lang: str, names: Places) -> str:
    """A filter value as the reader says it: yes/no, a code's label, a registered place's name, else as stored."""
    words = {"true": t("builder.yes", lang), "false": t("builder.no", lang)}
    return words.get(str(value)) or value_label(column, value, lang, names)


def _either(values: Sequence[str], lang: str) -> str:
    if len(values) <= 1:
        return "".join(values)
    return t("builder.either", lang, head=t("builder.list_sep", lang).join(values[:-1]), last=values[-1])


def _phrase(label: str, kind: str, low: Any, high: Any, lang: str) -> str:
    if kind == "dates":
        key = "between_dates" if low and high else "since" if low else "until"
    else:
        key = "between" if low is not None and high is not None else "at_least" if low is not None else "at_most"
    return t(f"builder.sentence.{key}", lang, field=label, low=low, high=high)


def sentence(chart: Chart, lang: str, scope: str = "", names: Places | None = None) -> str:
    """The filters in words, shown under the chart: "筛选：district 为 东城区 或 西城区；observed_at 自 2025-01-01 至 2025-06-30"."""
    source, parts = chart.source, []
    if chart.start or chart.end:
        column = source.field(chart.time_column or "") or Field(chart.time_column or t("builder.where.time", lang), "", "", "")
        parts.append(_phrase(column.shown(lang), "dates", chart.start, chart.end, lang))
    for cond in chart.filters:
        label = (source.field(cond.column) or Field(cond.column, "", "", "")).shown(lang)
        if cond.kind == "values":
            values = _either([_shown_value(cond.column, v, lang, names or {}) for v in cond.values], lang)
            parts.append(t("builder.sentence.is", lang, field=label, values=values))
        else:
            parts.append(_phrase(label, cond.kind, cond.low, cond.high, lang))
    text = t("builder.sentence", lang, parts=t("builder.sentence_sep", lang).join(parts)) if parts else t("builder.sentence_none", lang)
    return f"{text}{t('builder.sentence_scope', lang, area=scope)}" if scope else text


def titles(chart: Chart, name: str = "") -> dict[str, str]:
    """The tile's title in both languages: what the user typed, else the automatic one."""
    typed = name.strip()[:MAX_TEXT] if isinstance(name, str) else ""
    return {lang: typed or title(chart, lang) for lang in ("zh", "en")}
