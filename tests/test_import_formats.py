"""One small table in every encoding and file format imports with identical names, labels, types and values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from tests.warehouse import read_stored

HEADER = ["区域", "受理时间", "办结天数", "满意度", "身份证号"]
ROWS = [
    ["东城区", "2024/1/5 09:30:00", "3", "4.5", "11010119900307123X"],
    ["西城区", "2024/1/6 14:00:00", "12", "3.0", "110102198512120345"],
    ["高新区", "2024/2/29 08:15:00", "1", "5.0", "440305200001010012"],
]
EXPECTED_COLUMNS = [
    ("区域", "区域", "text"),
    ("受理时间", "受理时间", "timestamp"),
    ("办结天数", "办结天数", "integer"),
    ("满意度", "满意度", "float"),
    ("身份证号", "身份证号", "text"),
]


def csv_text(delimiter: str = ",") -> str:
    return "\r\n".join(delimiter.join(row) for row in [HEADER, *ROWS]) + "\r\n"


def imported(rt: Any, path: Path, name: str = "t") -> tuple[list[tuple[str, str, str]], list[tuple[Any, ...]], Any]:
    report = rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name=name, department="traffic"))
    with rt.store.read() as session:
        from datasets.catalog import get_dataset

        info = get_dataset(session, SYSTEM, report.dataset_id)
    columns = [(c.name, c.label, c.type) for c in info.columns]
    rows = read_stored(rt, {"d": info.file}, "SELECT * FROM d.data ORDER BY 2").rows
    return columns, rows, report


ENCODINGS = [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", b"\xef\xbb\xbf", "UTF-8 BOM"),
    ("gb18030", b"", "GB18030/GBK"),
    ("gbk", b"", "GB18030/GBK"),
    ("utf-16-le", b"\xff\xfe", "UTF-16 LE"),
    ("utf-16-be", b"\xfe\xff", "UTF-16 BE"),
    ("utf-16-le", b"", "UTF-16 LE"),
]


@pytest.mark.parametrize(("codec", "bom", "label"), ENCODINGS, ids=[f"{c}{'-bom' if b else ''}" for c, b, _ in ENCODINGS])
def test_encodings_import_identically(rt: Any, tmp_path: Path, codec: str, bom: bytes, label: str) -> None:
    path = tmp_path / "受理.csv"
    path.write_bytes(bom + csv_text().encode(codec))
    columns, rows, report = imported(rt, path)
    assert columns == EXPECTED_COLUMNS
    assert report.encoding == label
    assert [r[0] for r in rows] == ["东城区", "西城区", "高新区"]
    assert [r[4] for r in rows] == [r[4] for r in ROWS]  # trailing X and leading digits kept as text
    assert not any("\ufeff" in name or "\ufeff" in lbl for name, lbl, _ in columns)


@pytest.mark.parametrize(("suffix", "delimiter"), [(".csv", ";"), (".tsv", "\t"), (".txt", "|")])
def test_delimiters_are_sniffed(rt: Any, tmp_path: Path, suffix: str, delimiter: str) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text(csv_text(delimiter), encoding="utf-8")
    columns, rows, report = imported(rt, path)
    assert columns == EXPECTED_COLUMNS and report.delimiter == delimiter and len(rows) == 3


def test_xlsx_imports_like_csv(rt: Any, tmp_path: Path) -> None:
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        when = dt.datetime.strptime(row[1], "%Y/%m/%d %H:%M:%S")
        sheet.append([row[0], when, int(row[2]), float(row[3]), row[4]])
    path = tmp_path / "受理.xlsx"
    book.save(path)
    columns, rows, _ = imported(rt, path)
    assert columns == EXPECTED_COLUMNS
    assert [r[2] for r in rows] == [3, 12, 1]


def test_parquet_and_json(rt: Any, tmp_path: Path) -> None:
    table = pa.table({"区域": [r[0] for r in ROWS], "办结天数": [int(r[2]) for r in ROWS], "身份证号": [r[4] for r in ROWS]})
    pq.write_table(table, tmp_path / "t.parquet")
    (tmp_path / "t.json").write_text(json.dumps(table.to_pylist(), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in table.to_pylist()), encoding="utf-8")
    expected = [("区域", "区域", "text"), ("办结天数", "办结天数", "integer"), ("身份证号", "身份证号", "text")]
    for name in ("t.parquet", "t.json", "t.jsonl"):
        columns, rows, report = imported(rt, tmp_path / name, name)
        assert columns == expected, name
        assert sorted(r[1] for r in rows) == [1, 3, 12], name
        assert report.source_format == name.split(".")[1].replace("jsonl", "json")


def test_identifiers_are_safe_and_labels_keep_headers(rt: Any, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text('PM2.5,Neighborhoods - Analysis Boundaries,"select",1st,区 域,"a""b"\n1,x,2,3,4,5\n', encoding="utf-8")
    columns, _, _ = imported(rt, path)
    assert [(n, lbl) for n, lbl, _ in columns] == [
        ("pm2_5", "PM2.5"),
        ("neighborhoods_analysis_boundaries", "Neighborhoods - Analysis Boundaries"),
        ("select_", "select"),
        ("c_1st", "1st"),
        ("区_域", "区 域"),
        ("a_b", 'a"b'),
    ]
