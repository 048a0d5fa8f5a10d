"""What inference decided for a column (Decision: its type, the SQL that converts it, the issues found) and the
judgement call an uploader may overturn (Judgement), kept with the import report in both languages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datasets.cellwords import KIND_WORDS
from datasets.types import ColumnType
from errors import Issue, Severity


@dataclass
class Judgement:
    """A type that was a judgement call: why, what else it could be, how many cells disagree."""

    reason: str
    chosen: ColumnType
    alternatives: list[ColumnType]
    disagree: int
    nonnull: int
    examples: list[str] = field(default_factory=list)
    rows: tuple[int, ...] = ()

    def why(self, lang: str = "en") -> str:
        kind_zh, kind_en = KIND_WORDS.get(self.chosen, (self.chosen.value, self.chosen.value))
        other = self.alternatives[0] if self.alternatives else ColumnType.TEXT
        alt_zh, alt_en = KIND_WORDS.get(other, (other.value, other.value))
        shown = "、".join(f"“{e}”" for e in self.examples) if lang == "zh" else ", ".join(repr(e) for e in self.examples)
        if self.reason == "missing_values":
            zh = (
                f"{self.nonnull} 个非空单元格中有 {self.disagree} 个不是{kind_zh}（例如 {shown}），已作为空值处理；也可按{alt_zh}保存原样。"
            )
            en = f"{self.disagree} of {self.nonnull} non-empty cells are not {kind_en} (e.g. {shown}) and became empty; it could be kept as {alt_en}."
        elif self.reason == "stray_cells":
            zh = f"{self.nonnull} 个值中大多是{alt_zh}，但 {self.disagree} 个不是（例如 {shown}），已按文本保存；改为{alt_zh}则这些单元格为空。"
            en = f"Most of {self.nonnull} cells are {alt_en} but {self.disagree} are not (e.g. {shown}); kept as text. As {alt_en}, those cells would be empty."
        elif self.reason == "leading_zeros":
            zh = f"全部是数字，但 {self.disagree} 个以 0 开头（像编码），按文本保存以保留前导零。"
            en = f"All digits, but {self.disagree} start with 0 like a code; kept as text to keep the leading zeros."
        elif self.reason == "code_header":
            zh = "全部是数字，但列名像编码、电话或证件号，按文本保存。"
            en = "All digits, but the header names a code, phone or ID number; kept as text."
        else:  # long_digits
            zh = "全部是至少 11 位的数字（像电话或证件号），按文本保存。"
            en = "All digits of 11 or more places, like phone or ID numbers; kept as text."
        return zh if lang == "zh" else en

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "reason": self.reason,
            "why": self.why(lang),
            "chosen": self.chosen.value,
            "alternatives": [a.value for a in self.alternatives],
            "disagree": self.disagree,
            "nonnull": self.nonnull,
            "examples": self.examples,
            "rows": list(self.rows),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judgement:
        return cls(
            str(data["reason"]),
            ColumnType(data["chosen"]),
            [ColumnType(a) for a in data["alternatives"]],
            int(data["disagree"]),
            int(data["nonnull"]),
            [str(e) for e in data.get("examples", [])],
            tuple(int(r) for r in data.get("rows", [])),
        )


@dataclass
class Decision:
    """The chosen type of one column and the SQL that produces it from staging."""

    name: str
    type: ColumnType
    expr: str
    unparseable: int = 0
    issues: list[Issue] = field(default_factory=list)
    judgement: Judgement | None = None

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to convert the column later (the SQL is the server's own, never a client's)."""
        return {
            "name": self.name,
            "type": self.type.value,
            "expr": self.expr,
            "unparseable": self.unparseable,
            "issues": [_issue_dict(i) for i in self.issues],
            "judgement": self.judgement.to_dict() if self.judgement else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        judgement = data.get("judgement")
        return cls(
            str(data["name"]),
            ColumnType(data["type"]),
            str(data["expr"]),
            int(data.get("unparseable", 0)),
            [_issue_from(i) for i in data.get("issues", [])],
            Judgement.from_dict(judgement) if judgement else None,
        )


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "code": issue.code,
        "message_zh": issue.message_zh,
        "message_en": issue.message_en,
        "severity": issue.severity.value,
        "column": issue.column,
        "rows": list(issue.rows),
        "detail": issue.detail,
    }


def _issue_from(data: dict[str, Any]) -> Issue:
    return Issue(
        str(data["code"]),
        str(data["message_zh"]),
        str(data["message_en"]),
        Severity(data["severity"]),
        column=data.get("column"),
        rows=tuple(int(r) for r in data.get("rows", [])),
        detail=dict(data.get("detail") or {}),
    )
