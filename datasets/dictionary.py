"""The data dictionary's judgements: the role of each column, whether it holds personal data, and how its
values read in each language (value labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from datasets.types import ColumnRole, ColumnType

GEO_WORDS = re.compile(
    r"(^|[^a-z])(lat|lng|lon|latitude|longitude|location|coord\w*|geom\w*|point|wkt)($|[^a-z])|经度|纬度|坐标|位置", re.I
)
GEO_SUFFIX = re.compile(r"(latitude|longitude)$", re.I)
ID_WORDS = re.compile(r"(^|[\s_\-.])(id|no|number|num|key|uuid|编号|号码|单号|流水号)$|[a-z](id|number|Number|ID|Id)$|编号$|单号$", re.I)
DATE_PART_WORDS = re.compile(
    r"^(year|yr|yyyy|month|mnth|mon|m|day|d|dd|hour|hr|hh|h|minute|weekday|dow|week|quarter|season|年|年份|月|月份|日|天|时|小时|星期|周|季度)$",
    re.I,
)
MEASURE_WORDS = re.compile(
    r"(count|total|amount|num|volume|vol|sum|qty|quantity|cost|price|speed|minutes|hours|days|数|量|额|率|时长|分钟|价)", re.I
)
LOW_CARDINALITY = 12

PII_NAME_WORDS = re.compile(
    r"^(姓名|.*人姓名|联系人|申请人|来电人|投诉人|name|full[ _]?name|person[ _]?name|applicant[ _]?name|caller[ _]?name|contact[ _]?name)$",
    re.I,
)
PII_ADDRESS_WORDS = re.compile(r"(地址|住址|住所|address)", re.I)
PII_PHONE_WORDS = re.compile(r"(phone|^mobile$|mobile[ _-]?(no|num|number)$|^tel$|telephone|电话|手机|联系方式)", re.I)
PII_IDCARD_WORDS = re.compile(r"(身份证|证件号|id[ _]?card|idcard|id[ _]?number)", re.I)
ID_CARD_RE = re.compile(r"^\d{6}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]$")
CN_PHONE_RE = re.compile(r"^(\+?86[- ]?)?1[3-9]\d{9}$")
US_PHONE_RE = re.compile(r"^(\+?1[- ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]\d{4}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PII_SHARE = 0.8


@dataclass(frozen=True)
class ColumnFacts:
    """What the role and PII suggestions look at for one column."""

    name: str
    label: str
    type: ColumnType
    distinct: int
    rows: int
    max_len: int = 0


def suggest_role(facts: ColumnFacts) -> ColumnRole:
    label = facts.label
    if facts.type.temporal:
        return ColumnRole.TIME
    if GEO_WORDS.search(label) or GEO_SUFFIX.search(label):
        return ColumnRole.GEO
    ratio = facts.distinct / facts.rows if facts.rows else 0.0
    if facts.type in (ColumnType.INTEGER, ColumnType.TEXT) and ID_WORDS.search(label):
        return ColumnRole.ID if ratio >= 0.5 else ColumnRole.DIMENSION
    if facts.type.numeric:
        if DATE_PART_WORDS.match(label.strip()):
            return ColumnRole.DIMENSION
        if facts.type is ColumnType.INTEGER and facts.distinct <= LOW_CARDINALITY and not MEASURE_WORDS.search(label):
            return ColumnRole.DIMENSION
        return ColumnRole.MEASURE
    if facts.type is ColumnType.TEXT and facts.rows >= 20 and ratio > 0.95 and facts.max_len <= 40:
        return ColumnRole.ID
    return ColumnRole.DIMENSION


def _share(values: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for v in values if pattern.match(v.strip())) / len(values) if values else 0.0


def suggest_pii(label: str, col_type: ColumnType, sample: list[str]) -> str | None:
    """The kind of personal data a column seems to hold (id_card, phone, email, name, address)."""
    if col_type is not ColumnType.TEXT:
        return None
    if _share(sample, ID_CARD_RE) >= PII_SHARE or PII_IDCARD_WORDS.search(label):
        return "id_card"
    if _share(sample, CN_PHONE_RE) >= PII_SHARE or _share(sample, US_PHONE_RE) >= PII_SHARE or PII_PHONE_WORDS.search(label):
        return "phone"
    if _share(sample, EMAIL_RE) >= PII_SHARE:
        return "email"
    if PII_NAME_WORDS.match(label.strip()):
        return "name"
    if PII_ADDRESS_WORDS.search(label):
        return "address"
    return None


# -- value labels --------------------------------------------------------------------------------------------
# Coded values the product knows how to name, per column name: a dataset keeps its values as stored, and every
# screen shows them in the reader's language. A value outside these lists, and outside the registered areas and
# departments (`places`), is shown as stored: an uploaded dataset's own words are data.
CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "road_class": {
        "expressway": ("快速路", "Expressway"),
        "arterial": ("主干道", "Arterial road"),
        "secondary": ("次干道", "Secondary road"),
        "local": ("支路", "Local road"),
    },
    "status": {
        "approved": ("已批准", "Approved"),
        "rejected": ("不予批准", "Rejected"),
        "pending": ("办理中", "Pending"),
    },
}

Places = Mapping[str, tuple[str, str]]
"""Registered names (areas, departments) by either of their names, as (Chinese, English)."""

Labels = dict[str, dict[str, str]]
"""Per column, each value as the reader sees it."""

CJK = re.compile(r"[\u3400-\u9fff]")


def column_title(name: str, label: str, lang: str) -> str:
    """A column as a reader of `lang` sees it named: its dictionary label, except that a Chinese label reads, on an
    English screen, as the name spelled out (district: 所在区 / District) — the rule the chart builder follows."""
    label = label or name
    if lang == "en" and CJK.search(label) and not CJK.search(name):
        return name.replace("_", " ").strip().capitalize()
    return label


def value_label(column: str, value: Any, lang: str, places: Places) -> str:
    """A value as a reader of `lang` sees it: its code label, a registered place's name, else as stored."""
    text = "" if value is None else str(value)
    pair = CODE_LABELS.get(column, {}).get(text) or places.get(text)
    if pair is None:
        return text
    return (pair[1] or pair[0]) if lang == "en" else pair[0]


def value_labels(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], lang: str, places: Places) -> Labels:
    """The labels of the values `rows` hold in `columns`, only where a label differs from the stored value."""
    labels: Labels = {}
    for row in rows:
        for column in columns:
            value = row.get(column)
            shown = value_label(column, value, lang, places)
            if value is not None and shown != str(value):
                labels.setdefault(column, {})[str(value)] = shown
    return labels


def relabel(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], lang: str, places: Places) -> list[dict[str, Any]]:
    """Rows with the values of `columns` replaced by their labels (for screens that only show them)."""
    return [{**row, **{c: value_label(c, row[c], lang, places) for c in columns if row.get(c) is not None}} for row in rows]
