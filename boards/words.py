"""Words of the boards service in Chinese and English: the files a board is sent as (boards/caption.py,
boards/sheet.py) and what an edit cannot do (boards/edits.py).

The domain keeps zh/en pairs (errors.Issue and UserError carry message_zh/message_en; boards say theirs from
here) and never hands a screen an i18n key. Services stay free of the web layer (i18n.py reads the request),
so these live here; the grain, status and tile-type words repeat i18n.py's.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

WORDS: dict[str, tuple[str, str]] = {
    "caption.city_wide": ("全市", "City-wide"),
    "caption.scope": ("范围：{scope}", "Scope: {scope}"),
    "caption.period": ("期间：{span}", "Period: {span}"),
    "caption.period_range": ("{start} 至 {end}", "{start} to {end}"),
    "caption.period_from": ("{start} 起", "from {start}"),
    "caption.period_to": ("截至 {end}", "up to {end}"),
    "caption.period_default": ("各图块默认期间", "each tile's default period"),
    "caption.grain": ("按{grain}汇总", "by {grain}"),
    "caption.district": ("区", "district"),
    "caption.dimension": ("{name}：{value}", "{name}: {value}"),
    "caption.filters": ("筛选：{what}", "Filters: {what}"),
    "caption.and": ("；", "; "),
    "caption.no_filters": ("无", "none"),
    "caption.generated": ("生成于 {at}（{zone}）", "Generated {at} ({zone})"),
    "caption.at_zone": ("{at}（{zone}）", "{at} ({zone})"),
    "sheet.indicator": ("指标", "Indicator"),
    "sheet.indicator_id": ("指标编号", "Indicator id"),
    "sheet.version": ("口径版本", "Definition version"),
    "sheet.unit": ("单位", "Unit"),
    "sheet.period": ("期间", "Period"),
    "sheet.scope": ("范围", "Scope"),
    "sheet.filters": ("筛选", "Filters"),
    "sheet.generated": ("生成", "Generated"),
    "sheet.percent_rule": ("百分数约定", "Percent convention"),
    "sheet.percent_text": (
        "百分数以 0–100 表示，单位为 %（85.2 即 85.2%）；百分数的变化以百分点表示",
        "Percents are 0–100 with the unit % (85.2 means 85.2%); a change in a percent is in percentage points",
    ),
    "sheet.value": ("数值", "Value"),
    "sheet.target": ("目标", "Target"),
    "sheet.attainment": ("达成率", "Attainment"),
    "sheet.status": ("状态", "Status"),
    "sheet.compare_value": ("对比值", "Comparison value"),
    "sheet.change": ("变化", "Change"),
    "sheet.change_pct": ("变化率", "Relative change"),
    # each comparison is its own number with its own words: 较去年同期 is never 较基线
    "sheet.compare_value.year_ago": ("去年同期值", "Value a year ago"),
    "sheet.compare_value.previous": ("上期值", "Previous period's value"),
    "sheet.compare_value.baseline": ("基线值", "Baseline value"),
    "sheet.change.year_ago": ("较去年同期变化", "Change vs a year ago"),
    "sheet.change.previous": ("较上期变化", "Change vs the previous period"),
    "sheet.change.baseline": ("较基线变化", "Change vs the baseline"),
    "sheet.change_pct.year_ago": ("较去年同期变化率", "Relative change vs a year ago"),
    "sheet.change_pct.previous": ("较上期变化率", "Relative change vs the previous period"),
    "sheet.change_pct.baseline": ("较基线变化率", "Relative change vs the baseline"),
    "sheet.points": ("百分点", "percentage points"),
    "sheet.with_unit": ("{name}（{unit}）", "{name} ({unit})"),
    "sheet.dataset": ("数据集", "Dataset"),
    "sheet.data_version": ("数据版本", "Data version"),
    "sheet.all_periods": ("全部", "All"),
    "sheet.timeless_period": (
        "全部数据（该指标没有时间列，不随日期筛选）",
        "All data (the indicator has no time column; dates do not filter it)",
    ),
    "part.year": ("{field} 的年份", "Year of {field}"),
    "part.quarter": ("{field} 的季度", "Quarter of {field}"),
    "part.month": ("{field} 的月份", "Month of {field}"),
    "part.week": ("{field} 的周", "Week of {field}"),
    "part.day": ("{field} 的日期", "Day of {field}"),
    "part.dow": ("{field} 的星期", "Weekday of {field}"),
    "part.hour": ("{field} 的小时", "Hour of {field}"),
    "grain.hour": ("小时", "Hour"),
    "grain.day": ("日", "Day"),
    "grain.week": ("周", "Week"),
    "grain.month": ("月", "Month"),
    "grain.quarter": ("季度", "Quarter"),
    "grain.year": ("年", "Year"),
    "light.green": ("达标", "On target"),
    "light.amber": ("接近目标", "Near target"),
    "light.red": ("未达标", "Off target"),
    # tile types a board edit can name (i18n.py's tile.type.* words; tests/test_text_keys.py keeps them equal)
    "tile.kpi": ("指标卡", "KPI card"),
    "tile.line": ("折线图", "Line"),
    "tile.area": ("面积图", "Area"),
    "tile.bar": ("条形排名", "Bar ranking"),
    "tile.stacked": ("堆叠柱状图", "Stacked bar"),
    "tile.donut": ("环形图", "Donut"),
    "tile.table": ("表格", "Table"),
    "tile.text": ("文字", "Text"),
    # what a board edit cannot do (boards/edits.py)
    "edit.nothing_to_undo": ("没有可以撤销的修改。", "There is nothing to undo."),
    "edit.need_indicator": ("请先选择一个指标。", "Choose an indicator first."),
    "edit.need_text": ("请先填写文字图块的内容。", "Write the text of the text tile first."),
    "edit.unavailable": ("该指标或图表不存在，或您无权使用。", "That indicator or chart does not exist or you may not use it."),
    "edit.needs_dimension": (
        "该指标没有可拆分的维度，不能做成{type}。请换一种图块类型。",
        "This indicator has no dimension to split by, so it cannot be a {type}. Choose another tile type.",
    ),
    "edit.tile_invalid": ("图块设置无效。", "The tile's settings are invalid."),
}


def say(key: str, lang: str = "zh", **values: object) -> str:
    """The words of `key` in `lang`; like i18n.t it never raises (a missing key is logged and shown as itself)."""
    pair = WORDS.get(key)
    if pair is None:
        log.error("missing board word %r (lang %s)", key, lang)
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.error("board word %r cannot be filled with %s", key, sorted(values))
        return text
