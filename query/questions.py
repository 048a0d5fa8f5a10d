"""Questions in Chinese or English, understood deterministically and answered through the one door.

"上个月高新区的拥堵指数同比" → indicator traffic.congestion_index, last month, district = 高新区, compare
year_ago. The question becomes the same structured request a user could build by hand (an
IndicatorRequest plus an optional ranking), so policies apply exactly as on every other path; nothing
is ever evaluated as code. Unknown words get suggestions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import citytime
from datasets.dictionary import Places, relabel
from errors import InvalidInput, Issue
from indicators.charting import choose_chart
from indicators.compiler import Compare
from indicators.periods import label, shift, truncate
from indicators.spec import Grain, Indicator, IndicatorType
from query import answers
from query.scope import Outside, indicator_scopes, only_words
from query.scope import outside as scope_outside
from query.wording import (
    ADDITIVE,
    BEST_RE,
    BOTTOM_N_RE,
    BOTTOM_RE,
    COMPARE_WORDS,
    DIMENSION_LABELS,
    DIMENSION_WORDS,
    GRAIN_WORDS,
    MAX_QUESTION,
    RANK_ALL_RE,
    TARGET_WORDS,
    TOP_N_RE,
    TOP_RE,
    WORST_RE,
    number,
    understand_time,
)


@dataclass(frozen=True)
class Understood:
    """What a question asks, as a structured request (the same a user could build by hand)."""

    indicator: str
    grain: Grain | None
    start: dt.datetime
    end: dt.datetime
    by: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    compare: Compare | None = None
    vs_target: bool = False
    rank: tuple[str, int] | None = None  # (top|bottom, n)
    time_words: str = ""
    notes: tuple[str, ...] = field(default=())
    timeless: bool = False  # the indicator has no time column: one value over all the data, whatever time was asked

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "grain": self.grain.value if self.grain else "all",
            "from": self.start.date().isoformat(),
            "to": (self.end - dt.timedelta(days=1)).date().isoformat(),
            "by": list(self.by),
            "filters": {k: list(v) for k, v in self.filters},
            "compare": self.compare.value if self.compare else None,
            "vs_target": self.vs_target,
            "rank": {"order": self.rank[0], "n": self.rank[1]} if self.rank else None,
            **({"timeless": True} if self.timeless else {}),  # one value over all the data (no time column)
        }


def _names(ind: Indicator) -> list[str]:
    return [n for n in (ind.name.zh, ind.name.en, ind.id, ind.id.split(".", 1)[1].replace("_", " "), *ind.synonyms) if n]


def _key(text: str) -> str:
    """Lower case without spaces, hyphens, underscores and brackets: "应急响应时间 P90" matches "应急响应时间p90"."""
    return re.sub(r"[\s\-_()（）]+", "", text.lower())


def match_indicator(question: str, indicators: list[Indicator]) -> tuple[Indicator | None, str]:
    """The indicator whose name or synonym appears longest in the question (case, spacing and brackets ignored)."""
    lowered = _key(question)
    best: tuple[int, Indicator, str] | None = None
    for ind in indicators:
        for name in _names(ind):
            key = _key(name)
            if key and key in lowered and (best is None or len(key) > best[0]):
                best = (len(key), ind, name)
    return (best[1], best[2]) if best else (None, "")


def suggestions(question: str, indicators: list[Indicator], lang: str) -> list[str]:
    """Indicator names that look like words of the question (difflib for English, shared characters for Chinese)."""
    words = re.findall(r"[a-zA-Z][a-zA-Z0-9.]+", question.lower())
    scored: dict[str, float] = {}
    for ind in indicators:
        shown = ind.name.get(lang)
        for name in _names(ind):
            low = name.lower()
            for word in words:
                scored[shown] = max(scored.get(shown, 0.0), difflib.SequenceMatcher(None, word, low).ratio())
            shared = len(set(question) & set(name)) / max(len(set(name)), 1)
            if re.search(r"[\u4e00-\u9fff]", name):
                scored[shown] = max(scored.get(shown, 0.0), shared)
    return [name for name, score in sorted(scored.items(), key=lambda kv: -kv[1]) if score >= 0.5][:5]


def _dimension_by(question: str, ind: Indicator) -> tuple[str, ...]:
    q = question.lower()
    for name in ind.dimensions:
        words = DIMENSION_WORDS.get(name, (name,))
        if any(
            f"按{w}" in q or f"by {w}" in q or f"各{w}" in q or (w in q and len(w) > 2 and w.startswith(("各", "每个"))) for w in words
        ) or any(w in q for w in words if w in ("各区", "分区", "每个区", "按区")):
            return (name,)
    return ()


def _named(rest: str, name: str, values: dict[str, list[str]], aliases: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The values of dimension `name` a question names: stored values ("西城区", or "西城" for it), and aliases such
    as an area's English name ("Xicheng District", "Xicheng") standing for the stored value."""
    found = [v for v in values.get(name, []) if v and (v in rest or (v.endswith("区") and len(v) > 2 and v[:-1] in rest))]
    lowered = rest.lower()
    found += [v for alias, v in aliases.get(name, {}).items() if re.search(rf"\b{re.escape(alias)}\b", lowered)]
    return found


def understand(
    question: str,
    indicators: list[Indicator],
    values: dict[str, list[str]],
    today: dt.date,
    lang: str = "zh",
    aliases: Mapping[str, Mapping[str, str]] | None = None,
) -> Understood:
    """The structured request a question asks for; InvalidInput with suggestions when no indicator is named.
    `values` are the members a question may name per dimension, `aliases` other names for them (lower case)."""
    text = question.strip()[:MAX_QUESTION]
    if not text:
        raise InvalidInput("请输入问题。", "Type a question.", [Issue("ask.empty", "问题不能为空。", "The question is empty.")])
    ind, matched = match_indicator(text, indicators)
    if ind is None:
        hints = suggestions(text, indicators, lang)
        raise InvalidInput(
            "没有识别出要查询的指标。",
            "No indicator was recognised in the question.",
            [
                Issue(
                    "ask.indicator",
                    "没有识别出指标名称，您是否想问：" + "、".join(hints) if hints else "没有识别出指标名称：请使用指标目录中的名称。",
                    "No indicator name was recognised. Did you mean: " + ", ".join(hints)
                    if hints
                    else "No indicator name was recognised: use a name from the catalog.",
                    detail={"suggestions": hints},
                )
            ],
        )
    exact = re.search(re.escape(matched), text, re.I)
    rest = text[: exact.start()] + " " + text[exact.end() :] if exact else text  # the name's own words are not read as times or filters
    time = understand_time(rest, today)
    grain = next((g for g, words in GRAIN_WORDS if any(w in rest.lower() for w in words)), None)
    if time:
        start, end, implied, time_words = time
    else:
        start, end, implied, time_words = (
            dt.datetime(today.year, 1, 1),
            dt.datetime.combine(today, dt.time()) + dt.timedelta(days=1),
            Grain.YEAR,
            "",
        )
    compare = next((c for c, words in COMPARE_WORDS if any(w in rest.lower() for w in words)), None)
    vs_target = compare is None and any(w in rest.lower() for w in TARGET_WORDS)
    by = _dimension_by(rest, ind)
    filters: list[tuple[str, tuple[str, ...]]] = []
    for name in ind.dimensions:
        found = _named(rest, name, values, aliases or {})
        if found and name not in by:
            filters.append((name, tuple(sorted(set(found)))))
    rank = None
    for counted, order in ((TOP_N_RE, "top"), (BOTTOM_N_RE, "bottom")):
        explicit = counted.search(rest)  # "前3" wins over "最高" in the same question
        if explicit:
            rank = (order, number(explicit.group(1)))
            break
    if rank is None:
        for pattern, order in ((TOP_RE, "top"), (BOTTOM_RE, "bottom")):
            hit = pattern.search(rest)
            if hit:
                rank = (order, 1 if re.search(r"最|est\b|most|least", hit.group(0), re.I) else 5)
                break
    lower_better = ind.direction is not None and ind.direction.value == "lower_is_better"
    if rank is None and (BEST_RE.search(rest) or WORST_RE.search(rest)):
        best = bool(BEST_RE.search(rest))
        rank = ("bottom" if best == lower_better else "top", 1)
    if rank is None and RANK_ALL_RE.search(rest):
        rank = ("bottom" if lower_better else "top", 0)  # n 0: all of them, the best first
    if rank and not by:
        by = ("district",) if "district" in ind.dimensions else ind.dimensions[:1]
    if grain is None:
        grain = implied if (compare or time) else None
        if rank or (not time and not compare):
            grain = None if rank else Grain.YEAR
    if grain is not None and ind.time is not None and grain not in ind.time.grains:
        grain = ind.time.default_grain
    return Understood(ind.id, grain, start, end, by, tuple(filters), compare, vs_target, rank, time_words)


def dimension_label(name: str, lang: str) -> str:
    labels = DIMENSION_LABELS.get(name)
    return (labels[1] if lang == "en" else labels[0]) if labels else name


def additive(ind: Indicator) -> bool:
    """Whether members' values add up to a whole (sums and counts), so parts may be shown as a donut."""
    return ind.type is IndicatorType.SIMPLE and ind.measure is not None and ind.measure.agg in ADDITIVE


def span_words(u: Understood, lang: str) -> str:
    """The asked range as read: a whole calendar period by its name (2025, 2025-Q3, 2025-03), else from – to."""
    last = u.end - dt.timedelta(days=1)
    span = f"{u.start.date()} – {last.date()}" if u.start.date() != last.date() else f"{u.start.date()}"
    whole = next(
        (g for g in (Grain.YEAR, Grain.QUARTER, Grain.MONTH) if truncate(g, u.start) == u.start and shift(g, u.start, 1) == u.end), None
    )
    if whole is not None:
        span = label(whole, u.start)
    elif u.grain is not None and shift(u.grain, truncate(u.grain, u.start), 1) == u.end:
        span = label(u.grain, u.start)
    if u.timeless:
        span = "全部数据" if lang == "zh" else "all data"
    return span


def sentence(u: Understood, ind: Indicator, lang: str) -> str:
    """The understood query as a sentence the user can check."""
    span = span_words(u, lang)
    filters = (
        "，".join(f"{dimension_label(k, 'zh')}为{'或'.join(v)}" for k, v in u.filters)
        if lang == "zh"
        else ", ".join(f"{dimension_label(k, 'en')} is {' or '.join(v)}" for k, v in u.filters)
    )
    parts_zh = [
        ind.name.get("zh"),
        span,
        filters,
        f"按{'、'.join(dimension_label(d, 'zh') for d in u.by)}" if u.by else "",
        ("排名" if not u.rank[1] else f"{'前' if u.rank[0] == 'top' else '后'} {u.rank[1]}") if u.rank else "",
        {Compare.YEAR_AGO: "同比", Compare.PREVIOUS: "环比", Compare.BASELINE: "与基线相比"}.get(u.compare, "") if u.compare else "",
        "与目标相比" if u.vs_target else "",
        f"按{ {'day': '日', 'week': '周', 'month': '月', 'quarter': '季度', 'year': '年'}[u.grain.value] }统计" if u.grain else "",
    ]
    parts_en = [
        ind.name.get("en"),
        span,
        filters,
        f"by {', '.join(dimension_label(d, 'en') for d in u.by)}" if u.by else "",
        ("ranked" if not u.rank[1] else f"{u.rank[0]} {u.rank[1]}") if u.rank else "",
        {Compare.YEAR_AGO: "vs a year ago", Compare.PREVIOUS: "vs the previous period", Compare.BASELINE: "vs the baseline"}.get(
            u.compare, ""
        )
        if u.compare
        else "",
        "vs target" if u.vs_target else "",
        f"per {u.grain.value}" if u.grain else "",
    ]
    joiner = "，" if lang == "zh" else ", "
    return joiner.join(p.strip() for p in (parts_zh if lang == "zh" else parts_en) if p and p.strip())


def _dimension_values(door: Any, actor: Any, ind: Indicator) -> dict[str, list[str]]:
    """The values of the indicator's dimensions the actor may see (through the door, scoped)."""
    from query.evaluate import _first_dataset
    from query.selfservice import parse_query

    dataset = _first_dataset(door, actor, ind)
    if not dataset:
        return {}
    columns = door.source(actor, dataset).columns
    found: dict[str, list[str]] = {}
    for name in ind.dimensions:
        if columns.get(name) != "text":
            continue
        query = parse_query(
            {"dataset": dataset, "dimensions": [name], "measures": [{"expr": "1", "agg": "count", "as": "n"}], "limit": 300}, 300
        )
        found[name] = [str(row[0]) for row in door.query(actor, query).rows if row[0] is not None]
    return found


def _vocabulary(
    areas: Sequence[Any], ind: Indicator, members: dict[str, list[str]], scopes: Mapping[str, Sequence[str]]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """What a question may name per dimension: the members the asker sees and, on a column their area scope limits,
    every other registered area (so "西城区" asked by 东城区 staff is heard and answered as outside their scope, never
    dropped); with the areas' English names ("Xicheng District", "Xicheng") as aliases of the stored names."""
    heard = {name: list(found) for name, found in members.items()}
    for column, allowed in scopes.items():
        if column in heard:
            heard[column] += [a.name_zh for a in areas if a.name_zh not in allowed and a.name_zh not in heard[column]]
    aliases: dict[str, dict[str, str]] = {}
    for column in ({*scopes, "district"} & set(ind.dimensions)) & set(heard):
        known = set(heard[column])
        names = {a.name_en.lower(): a.name_zh for a in areas if a.name_zh in known and a.name_en}
        aliases[column] = {**{en.removesuffix(" district"): zh for en, zh in names.items() if en.endswith(" district")}, **names}
    return heard, aliases


def _within(u: Understood, found: Sequence[Outside], members: Mapping[str, list[str]]) -> Understood:
    """The question's filters with the values outside the asker's scope left out; a filter left with none reads the
    members the asker may see (their home area when they see none: the answer then has no data)."""
    gone = {o.column: o for o in found}
    filters = []
    for name, asked in u.filters:
        kept = tuple(v for v in asked if name not in gone or v not in gone[name].asked)
        filters.append((name, kept or tuple(members.get(name) or ()) or (gone[name].home,)))
    return dataclasses.replace(u, filters=tuple(filters))


def _scope_words(found: Sequence[Outside], u: Understood, areas: Sequence[Any], lang: str) -> tuple[str, str]:
    """(你只能查看东城区的数据；以下为东城区的数据。, the shown members) in the answer's language ("" when in scope)."""
    if not found:
        return "", ""
    english = {a.name_zh: a.name_en for a in areas if a.name_en}
    name = (lambda v: english.get(v, v)) if lang == "en" else (lambda v: v)
    shown = [name(v) for o in found for column, values in u.filters if column == o.column for v in values]
    homes = [name(h) for h in dict.fromkeys(o.home for o in found)]
    return only_words(homes, shown, lang), ("、" if lang == "zh" else " and ").join(shown)


def _scope_of(found: Sequence[Outside], u: Understood, note: str) -> dict[str, Any]:
    columns = {o.column for o in found}
    return {
        "message": note,
        "outside": {o.column: list(o.asked) for o in found},
        "shown": {column: list(values) for column, values in u.filters if column in columns},
    }


def ask(
    door: Any, actor: Any, question: object, lang: str = "zh", today: dt.date | None = None, places: Places | None = None
) -> dict[str, Any]:
    """Understand a question and answer it with the actor's policies: {query, sentence, answer, lang, chart, columns, rows}.

    The answer is in the question's language. Time words are read on the city's calendar (`today`, default the
    city's today); when the asked period lies wholly after the data, they are read at the data's last day instead
    and the answer says so ("数据截至 2025-12-31"). `places` names registered areas in the answer's language
    (东城区 is Dongcheng District in English); the rows returned keep the stored values."""
    from query.evaluate import is_timeless, values

    if not isinstance(question, str):
        raise InvalidInput(
            "问题必须是文字。", "The question must be text.", [Issue("ask.type", "问题必须是文字。", "The question must be text.")]
        )
    lang = answers.question_lang(question[:MAX_QUESTION], lang)
    indicators = door.indicators(actor)
    ind, _ = match_indicator(question[:MAX_QUESTION], indicators)
    members = _dimension_values(door, actor, ind) if ind else {}
    scopes = indicator_scopes(door, actor, ind) if ind else {}
    areas = door.areas() if ind else []
    heard, aliases = _vocabulary(areas, ind, members, scopes) if ind else (members, {})
    city_today = today or citytime.today_city()
    understood = understand(question, indicators, heard, city_today, lang, aliases)
    assert ind is not None
    timeless = is_timeless(door, actor, ind)
    data_end = None if timeless else last_data_day(door, actor, ind)
    shifted = False
    if data_end is not None and understood.start.date() > data_end:  # "本月" after the data ends: its latest month
        earlier = understand(question, indicators, heard, data_end, lang, aliases)
        shifted = (earlier.start, earlier.end) != (understood.start, understood.end)
        understood = earlier
    outside = scope_outside(scopes, understood.filters)  # named but not theirs: said, never silently dropped
    understood = _within(understood, outside, members) if outside else understood
    asked_compare = understood.compare
    if timeless:  # the time words and comparison cannot apply: values() says why in its notes
        understood = dataclasses.replace(understood, grain=None, compare=None, timeless=True)
    args = {
        "grain": understood.grain.value if understood.grain else "all",
        "from": understood.start.date().isoformat(),
        "to": (understood.end - dt.timedelta(days=1)).date().isoformat(),
    }
    if understood.by:
        args["by"] = ",".join(understood.by)
    if asked_compare:
        args["compare"] = asked_compare.value
    for name, vals in understood.filters:
        args[name] = ",".join(vals)
    kept = {k: v for k, v in args.items() if not (understood.timeless and k in ("grain", "from", "to", "compare"))}
    told: dict[str, str] = {k: args[k] for k in ("from", "to", "compare") if k in args and (k == "compare" or understood.time_words)}
    answer = values(door, actor, ind.id, {**args, "lang": lang} if not understood.timeless else {**kept, **told, "lang": lang})
    every = answer["rows"]
    rows = every
    if understood.rank:
        latest = max((r["period"] for r in rows), default=None)
        ranked = sorted(
            (r for r in rows if r["period"] == latest and r["value"] is not None),
            key=lambda r: r["value"],
            reverse=understood.rank[0] == "top",
        )
        rows = ranked[: understood.rank[1]] if understood.rank[1] else ranked
    columns = ["period", *understood.by, "value", "target", "attainment", "status"] + (
        ["compare_value", "change", "change_pct"] if understood.compare else []
    )
    periods = {r["period"] for r in rows}
    shown = {r.get(understood.by[0]) for r in rows} if understood.by else set()
    chart = choose_chart(["dimension"] * len(understood.by), 1, len(periods) > 1, len(shown), additive(ind))
    said = sentence(understood, ind, lang)
    span = span_words(understood, lang)
    if understood.by:
        named = relabel(every, understood.by[:1], lang, places or {})
        reply = answers.ranking(ind, named, understood.by[0], dimension_label(understood.by[0], lang), span, lang)
    note, where = _scope_words(outside, understood, areas, lang)
    if not understood.by:
        reply = answers.single(ind, every, understood.compare.value if understood.compare else None, span, lang, where)
    last_asked = (understood.end - dt.timedelta(days=1)).date()
    as_of = answers.data_end_words(last_asked, data_end, shifted, understood.time_words, span, lang)
    return {
        "query": understood.to_dict(),
        "sentence": said,
        "answer": f"{note}{as_of}{reply}" if lang == "zh" else " ".join(p for p in (note, as_of, reply) if p),
        # A question naming rows outside the asker's scope: what was left out and what the figures cover instead.
        **({"scope": _scope_of(outside, understood, note)} if outside else {}),
        "lang": lang,
        "data_end": data_end.isoformat() if data_end else None,
        "indicator": ind.id,
        "unit": ind.unit,
        "chart": chart,
        "columns": columns,
        "rows": [[r.get(c) for c in columns] for r in rows],
        "notes": [n["message"] for n in answer.get("notes") or []],
        # The answer as a board tile ("save to board"): the same request, so the tile shows what was asked.
        "tile": {
            "type": chart,
            "title": {"zh": sentence(understood, ind, "zh")[:200], "en": sentence(understood, ind, "en")[:200]},
            "source": {"indicator": ind.id},
            "options": kept,
        },
    }


def last_data_day(door: Any, actor: Any, ind: Indicator) -> dt.date | None:
    """The last day with data behind an indicator (its time column's maximum), None when it is not known."""
    from query.evaluate import _first_dataset, _time_column

    dataset, column = _first_dataset(door, actor, ind), _time_column(door, actor, ind)
    if not dataset or not column:
        return None
    latest = door.latest(actor, dataset, column)
    try:
        return dt.datetime.fromisoformat(str(latest)).date() if latest else None
    except ValueError:
        return None
