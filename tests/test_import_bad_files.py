"""Every class of bad file gets a structured list of issues (with rows where known), never an exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from errors import Severity, UserError


def attempt(rt: Any, path: Path, **kwargs: Any) -> UserError:
    with pytest.raises(UserError) as caught:
        rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="bad", department="traffic"), **kwargs)
    return caught.value


def nothing_left(rt: Any) -> None:
    """No dataset in the catalog, no staging or part files in the warehouse."""
    with rt.store.read() as session:
        from datasets.catalog import list_datasets

        assert list_datasets(session, SYSTEM) == []
    leftovers = [p for p in rt.warehouse.root.rglob("*") if p.is_file()]
    assert leftovers == []


CASES: list[tuple[str, bytes, str, list[int | None]]] = [
    ("empty.csv", b"", "file.empty", [None]),
    ("blank.csv", b"\n\n  \n", "file.empty", [None]),
    ("header_only.csv", b"a,b,c\r\n", "file.header_only", [2]),
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5,6,7\n8,9\n1,2,3\n", "row.too_many_columns", [3, 4]),
    ("bad_quote.csv", b'a,b\n1,"x\n2,y\n3,z\n', "", []),
    ("undecodable.csv", "a,b\n1,东城\n".encode() + b"2,\xff\xfe\xfd\n", "file.encoding", [3]),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "file.binary", [None]),
    ("notes.docx", b"PK\x03\x04", "file.type", [None]),
    ("fake.xlsx", b"a,b\n1,2\n", "xlsx.magic", [None]),
    ("legacy.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xlsx.legacy", [None]),
    ("fake.parquet", b"a,b\n1,2\n", "parquet.unreadable", [None]),
    ("bad.json", b'{"a": 1,, }', "json.unreadable", [None]),
]


@pytest.mark.parametrize(("name", "content", "code", "rows"), CASES, ids=[c[0] for c in CASES])
def test_bad_files_report_issues(rt: Any, tmp_path: Path, name: str, content: bytes, code: str, rows: list[int | None]) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = attempt(rt, path)
    assert error.issues, "an error must carry at least one issue"
    assert all(i.message_zh and i.message_en for i in error.issues)
    if code:
        assert error.issues[0].code.startswith(code.split(".")[0]) and any(i.code == code for i in error.issues), [
            i.code for i in error.issues
        ]
    reported = [i.row for i in error.issues]
    if rows:
        assert reported == rows
    else:
        assert all(isinstance(r, int) for r in reported)  # a parse error names the row it found
    nothing_left(rt)


def test_issue_messages_do_not_echo_paths_or_sql(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"a,b\n1,2,3\n")
    error = attempt(rt, path)
    for text in [error.message_en, error.message_zh] + [i.message_en + i.message_zh for i in error.issues]:
        assert str(tmp_path) not in text and "read_csv" not in text and "SELECT" not in text


def test_duplicate_blank_and_hostile_headers_import_safely_with_warnings(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "headers.csv"
    hostile = '"=HYPERLINK(""http://x"")","<script>alert(1)</script>","a""; DROP TABLE data; --",name,name,,"x\ny"'
    path.write_text(hostile + "\n1,2,3,4,5,6,7\n", encoding="utf-8")
    report = rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="headers", department="traffic"))
    names = [c["name"] for c in report.columns]
    labels = [c["label"] for c in report.columns]
    assert names == ["hyperlink_http_x", "script_alert_1_script", "a_drop_table_data", "name", "name_2", "column_6", "x_y"]
    assert labels[:3] == ['=HYPERLINK("http://x")', "<script>alert(1)</script>", 'a"; DROP TABLE data; --']
    assert {i.code for i in report.issues} == {"header.duplicate", "header.blank"}
    assert all(i.severity is Severity.WARNING and i.row == 1 for i in report.issues)
    assert report.rows == 1


def test_oversize_file_is_refused(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * 1000)
    error = attempt(rt, path, max_bytes=100)
    assert error.status == 413
    nothing_left(rt)


def _xlsx_with(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_zip_bomb_is_refused(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx_with({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * 50_000_000}))
    assert path.stat().st_size < 200_000
    error = attempt(rt, path)
    assert [i.code for i in error.issues] == ["xlsx.bomb"]
    nothing_left(rt)


def test_xlsx_xml_entities_are_refused(rt: Any, tmp_path: Path) -> None:
    billion_laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>'
    )
    path = tmp_path / "entities.xlsx"
    path.write_bytes(_xlsx_with({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": billion_laughs}))
    error = attempt(rt, path)
    assert [i.code for i in error.issues] == ["xlsx.entities"]


def test_corrupt_xlsx_is_an_issue_not_a_crash(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(_xlsx_with({"[Content_Types].xml": b"<Types/>", "random.bin": b"\x00\x01"}))
    error = attempt(rt, path)
    assert [i.code for i in error.issues] == ["xlsx.corrupt"]
    nothing_left(rt)
