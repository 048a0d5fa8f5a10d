"""JSON request bodies: nesting is bounded before anything parses them, for every endpoint and Dash callback.

Python's parser recurses once per level, so a body of 100,000 `[` ends in a RecursionError (an internal error)
unless it is refused first. `BoundedJSON` is the app's JSON provider: every `request.get_json()` — the API's
endpoints, the request guard, Dash's callback dispatcher — goes through its `loads`, which counts the brackets
outside strings first and answers 400 past `MAX_DEPTH` levels.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from errors import BadRequest

MAX_DEPTH = 64
BRACKETS = b"[]{}"
NOT_BRACKETS = bytes(b for b in range(256) if b not in BRACKETS)
SURROGATE = re.compile(rb"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})")  # backslashes, then the escape of a surrogate half
NUL = re.compile(rb"(\\+)u0000")
SQUARE = bytes.maketrans(b"{}", b"[]")  # for peeling pairs, both kinds of bracket are one
STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(BadRequest):
    code = "too_deep"

    def __init__(self) -> None:
        super().__init__(
            f"JSON 请求体嵌套超过 {MAX_DEPTH} 层，无法处理：请减少嵌套后重试。",
            f"The JSON body is nested more than {MAX_DEPTH} levels deep; send a flatter body.",
        )


def nesting(data: str | bytes | bytearray) -> int:
    """The deepest array/object nesting of a JSON text, counted without parsing it (brackets inside strings
    do not count)."""
    brackets = outside_strings(utf8(data)).translate(None, NOT_BRACKETS)
    return max(accumulate(STEP[b] for b in brackets), default=0)


def outside_strings(raw: bytes) -> bytes:
    """The JSON text with its strings' contents left out: escaped backslashes, then escaped quotes go first (a
    backslash always starts an escape), and what lies between the remaining quotes is string. C-speed throughout."""
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(plain.split(b'"')[::2])


def utf8(data: str | bytes | bytearray) -> bytes:
    """The JSON text as UTF-8 bytes, whichever encoding json.loads would detect (UTF-16/32 too)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if json.detect_encoding(raw) not in ("utf-8", "utf-8-sig"):
        raw = raw.decode(json.detect_encoding(raw), "surrogatepass").encode("utf-8", "surrogatepass")
    return raw


def too_deep(data: str | bytes | bytearray) -> bool:
    """Whether a JSON text nests deeper than `MAX_DEPTH`. A text with fewer openers is let through uncounted; one
    whose innermost pairs all peel away in `MAX_DEPTH` rounds (C-speed `replace`) is balanced and shallow enough;
    only what is left is counted bracket by bracket."""
    openers = data.count("[") + data.count("{") if isinstance(data, str) else data.count(b"[") + data.count(b"{")
    if openers <= MAX_DEPTH:
        return False
    brackets = outside_strings(utf8(data)).translate(SQUARE, NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace(b"[]", b"")
        if not brackets:
            return False
    return nesting(data) > MAX_DEPTH


class NotUnicode(BadRequest):
    code = "bad_unicode"

    def __init__(self) -> None:
        super().__init__(
            "JSON 请求体含有无效的文本（孤立的代理项如 \\ud800，或空字符 \\u0000）：请发送有效的 UTF-8 文本。",
            "The JSON body has invalid text (a lone surrogate such as \\ud800, or a NUL \\u0000); send valid UTF-8 text.",
        )


def lone_surrogate(data: str | bytes | bytearray) -> bool:
    """Whether a JSON text escapes half a surrogate pair (`"\\ud800"`): Python reads it into a string that no
    database, encoder or file can take, so it is refused before it goes anywhere."""
    raw = utf8(data)
    if b"\\u" not in raw:
        return False
    pending: int | None = None  # where a high half ended: the low half must start exactly there
    for match in SURROGATE.finditer(raw):
        if len(match.group(1)) % 2 == 0:  # an escaped backslash followed by the letters "ud8…"
            continue
        if match.group(2)[1:2].lower() in b"89ab":
            if pending is not None:
                return True
            pending = match.end()
        elif pending != match.start():
            return True
        else:
            pending = None
    return pending is not None


def nul(data: str | bytes | bytearray) -> bool:
    """Whether a JSON text holds a NUL character (`"\\u0000"`), which PostgreSQL refuses in any text column."""
    raw = utf8(data)
    return b"u0000" in raw and any(len(m.group(1)) % 2 for m in NUL.finditer(raw))


class BoundedJSON(DefaultJSONProvider):
    """Flask's JSON provider with the nesting bound on `loads` (`TooDeep`, a 400, past `MAX_DEPTH`) and lone
    surrogates or NUL characters refused (`NotUnicode`, a 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if too_deep(s):
            raise TooDeep()
        if lone_surrogate(s) or nul(s):
            raise NotUnicode()
        return super().loads(s, **kwargs)


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object, or a 400 saying it must be one."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("请求体必须是 JSON 对象。", "The body must be a JSON object.")
    return body
