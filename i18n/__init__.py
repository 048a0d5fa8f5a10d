"""UI text in Chinese and English; zh-CN is the default, the `lang` cookie switches.

Each screen keeps its texts in its own table (i18n/shell.py, datasets.py, indicators.py, boards.py, builder.py,
authoring.py, admin.py), keyed by the screen's namespace ("board.filters", "adm.users"); TEXT is all of them.
"""

from __future__ import annotations

import logging

from i18n import admin as admin
from i18n import authoring as authoring
from i18n import boards as boards
from i18n import builder as builder
from i18n import datasets as datasets
from i18n import indicators as indicators
from i18n import shell as shell

log = logging.getLogger(__name__)

LANGS = ("zh", "en")
LANG_COOKIE = "lang"

TEXT: dict[str, tuple[str, str]] = {
    **shell.TEXT,
    **datasets.TEXT,
    **indicators.TEXT,
    **boards.TEXT,
    **builder.TEXT,
    **authoring.TEXT,
    **admin.TEXT,
}
assert len(TEXT) == sum(len(m.TEXT) for m in (shell, datasets, indicators, boards, builder, authoring, admin)), (
    "a text key is defined on two screens"
)

PSEUDO_AUTHORS = ("system", "catalog")


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text of `key` in `lang`. Never raises: a missing key is logged and shown as the key itself, a text whose
    placeholders do not match the values is logged and shown unfilled (tests/test_text_keys.py keeps both from
    happening: every key the product can ask for exists in both languages)."""
    pair = TEXT.get(key)
    if pair is None:
        log.error("missing text key %r (lang %s)", key, lang)
        return key
    text = pair[1] if lang == "en" else pair[0]
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.error("text %r cannot be filled with %s", key, sorted(values))
        return text


def request_lang(default: str = "zh") -> str:
    """The language of the current request: the `lang` cookie, else the configured default."""
    from flask import has_request_context, request

    if has_request_context():
        lang = request.cookies.get(LANG_COOKIE, "")
        if lang in LANGS:
            return lang
    return default


def who_name(username: str, lang: str) -> str:
    """Who did something, as shown: the product's own pseudo-authors (the system, the YAML catalog) are named in
    the reader's language; people by their username."""
    return t(f"who.{username}", lang) if username in PSEUDO_AUTHORS else username


# The grid's own words (pagination, filter menus, empty and loading states), which ag-grid writes in English
# unless it is given these; layouts/common.grid_words hands them to every grid on a Chinese page.
GRID_ZH: dict[str, str] = {
    "page": "页",
    "of": "/",
    "to": "–",
    "more": "更多",
    "pageSizeSelectorLabel": "每页行数：",
    "ariaPageSizeSelectorLabel": "每页行数",
    "firstPage": "第一页",
    "previousPage": "上一页",
    "nextPage": "下一页",
    "lastPage": "最后一页",
    "noRowsToShow": "没有数据",
    "loadingOoo": "正在加载……",
    "loadingError": "加载出错",
    "filterOoo": "筛选……",
    "searchOoo": "搜索……",
    "selectAll": "全选",
    "blanks": "（空白）",
    "noMatches": "没有匹配项",
    "applyFilter": "应用",
    "resetFilter": "重置",
    "clearFilter": "清除",
    "cancelFilter": "取消",
    "equals": "等于",
    "notEqual": "不等于",
    "lessThan": "小于",
    "greaterThan": "大于",
    "lessThanOrEqual": "小于或等于",
    "greaterThanOrEqual": "大于或等于",
    "inRange": "介于",
    "inRangeStart": "从",
    "inRangeEnd": "到",
    "contains": "包含",
    "notContains": "不包含",
    "startsWith": "开头是",
    "endsWith": "结尾是",
    "blank": "为空",
    "notBlank": "不为空",
    "before": "早于",
    "after": "晚于",
    "andCondition": "并且",
    "orCondition": "或者",
    "dateFormatOoo": "年-月-日",
    "sortAscending": "升序",
    "sortDescending": "降序",
    "sortUnSort": "取消排序",
    "pinColumn": "固定列",
    "noPin": "不固定",
    "pinLeft": "固定在左侧",
    "pinRight": "固定在右侧",
    "autosizeThisColumn": "自动调整本列宽度",
    "autosizeAllColumns": "自动调整所有列宽度",
    "resetColumns": "恢复列设置",
    "columns": "列",
    "filters": "筛选",
    "copy": "复制",
    "copyWithHeaders": "连同表头复制",
    "export": "导出",
}
