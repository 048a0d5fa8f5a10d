"""Detect a text file's encoding (UTF-8, UTF-8 BOM, GB18030/GBK, UTF-16) and transcode to UTF-8."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from errors import InvalidInput, Issue

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22


@dataclass(frozen=True)
class Encoding:
    name: str  # codec name for Python
    label: str  # what the import report says
    bom: int = 0  # bytes of byte-order mark to skip

    @property
    def is_utf8(self) -> bool:
        return self.name == "utf-8"


UTF8 = Encoding("utf-8", "UTF-8")


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 without BOM: mostly-ASCII text has a NUL in every other byte."""
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_nul = head[0::2].count(0) / len(head[0::2])
    odd_nul = head[1::2].count(0) / len(head[1::2])
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _decodes(sample: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect(path: Path) -> Encoding:
    """Guess the encoding from the BOM, NUL pattern and a strict decode of the first megabyte."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", "UTF-8 BOM", bom=3)
    if sample.startswith(codecs.BOM_UTF16_LE):
        return Encoding("utf-16-le", "UTF-16 LE", bom=2)
    if sample.startswith(codecs.BOM_UTF16_BE):
        return Encoding("utf-16-be", "UTF-16 BE", bom=2)
    utf16 = _looks_utf16(sample)
    if utf16:
        return Encoding(utf16, "UTF-16 LE" if utf16.endswith("le") else "UTF-16 BE")
    if _decodes(sample, "utf-8"):
        return UTF8
    if _decodes(sample, "gb18030"):
        return Encoding("gb18030", "GB18030/GBK")
    return UTF8  # let the full read report the undecodable row


def undecodable(row: int, label: str) -> InvalidInput:
    issue = Issue(
        "file.encoding",
        f"第 {row} 行含有无法识别的字节（不是 {label} 编码）。请另存为 UTF-8 或 GB18030 后重试。",
        f"Row {row} contains bytes that are not valid {label}. Save the file as UTF-8 or GB18030 and retry.",
        row=row,
    )
    return InvalidInput("文件编码无法识别。", "The file's encoding could not be read.", [issue])


def transcode(path: Path, encoding: Encoding, dest: Path) -> None:
    """Stream `path` into `dest` as UTF-8 without BOM; an undecodable byte reports its row."""
    decoder = codecs.getincrementaldecoder(encoding.name)("strict")
    newlines = 0
    with path.open("rb") as src, dest.open("w", encoding="utf-8", newline="") as out:
        src.read(encoding.bom)
        while True:
            chunk = src.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                before = chunk[: max(exc.start, 0)].decode(encoding.name, errors="replace")
                raise undecodable(newlines + before.count("\n") + 1, encoding.label) from None
            newlines += text.count("\n")
            out.write(text)
            if not chunk:
                break
