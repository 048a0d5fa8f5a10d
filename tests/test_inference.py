"""Type inference as a table of cases: cells in, type and values out (through the real importer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from tests.warehouse import read_stored

D, T = dt.date, dt.datetime


def import_column(rt: Any, tmp_path: Path, cells: list[str], header: str = "v") -> tuple[str, list[Any], Any]:
    path = tmp_path / "col.csv"
    lines = [header] + [f'"{c}"' if ("," in c or c.strip() != c) else c for c in cells]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="c", department="traffic"))
    with rt.store.read() as session:
        from datasets.catalog import get_dataset

        info = get_dataset(session, SYSTEM, report.dataset_id)
    values = [r[0] for r in read_stored(rt, {"d": info.file}, "SELECT * FROM d.data").rows]
    return info.columns[0].type, values, report


CASES: list[tuple[str, list[str], str, list[Any]]] = [
    ("integers", ["12", "-4", "+7"], "integer", [12, -4, 7]),
    ("thousands separators", ["1,330", "12", "-4,000,001"], "integer", [1330, 12, -4000001]),
    ("thousands with decimals", ["1,330.5", "2"], "float", [1330.5, 2.0]),
    ("floats are not rounded to integers", ["1.5", "-0.7", "3"], "float", [1.5, -0.7, 3.0]),
    ("scientific notation", ["1e3", "2.5E-1"], "float", [1000.0, 0.25]),
    ("missing-value tokens", ["1", "NA", "N/A", "null", "-", "—", "", "2"], "integer", [1, None, None, None, None, None, None, 2]),
    ("whitespace around numbers", [" 12 ", "3"], "integer", [12, 3]),
    ("hex is text", ["0x1F", "0x10"], "text", ["0x1F", "0x10"]),
    ("underscored digits are text", ["1_000", "2_000"], "text", ["1_000", "2_000"]),
    ("infinity words are text", ["inf", "nan", "infinity"], "text", ["inf", None, "infinity"]),
    ("US timestamps", ["12/31/2017 11:59:58 PM", "01/02/2018 12:00:00 AM"], "timestamp", [T(2017, 12, 31, 23, 59, 58), T(2018, 1, 2)]),
    ("US dates", ["12/31/2017", "1/2/2018"], "date", [D(2017, 12, 31), D(2018, 1, 2)]),
    ("Chinese slashed dates", ["2024/1/5", "2024/12/31"], "date", [D(2024, 1, 5), D(2024, 12, 31)]),
    ("Chinese dates", ["2024年1月5日", "2024年12月31日"], "date", [D(2024, 1, 5), D(2024, 12, 31)]),
    ("Chinese timestamps", ["2024年1月5日 08:30", "2024年1月6日 17:05"], "timestamp", [T(2024, 1, 5, 8, 30), T(2024, 1, 6, 17, 5)]),
    ("ISO dates", ["2024-01-05", "2024-1-6"], "date", [D(2024, 1, 5), D(2024, 1, 6)]),
    (
        "fractional seconds",
        ["2014-05-22 09:09:04.145", "2014-05-22 09:09:04", "2014-05-22 09:09:04.1"],
        "timestamp",
        [T(2014, 5, 22, 9, 9, 4, 145000), T(2014, 5, 22, 9, 9, 4), T(2014, 5, 22, 9, 9, 4, 100000)],
    ),
    ("dates mixed with timestamps", ["01/05/2024", "01/06/2024 10:00:00 AM"], "timestamp", [T(2024, 1, 5), T(2024, 1, 6, 10)]),
    ("day-first when month-first cannot read it", ["31/12/2024", "15/01/2024"], "date", [D(2024, 12, 31), D(2024, 1, 15)]),
    ("ID card numbers", ["110101199003071234", "11010119900307123X"], "text", ["110101199003071234", "11010119900307123X"]),
    (
        "all-digit ID card numbers stay text",
        ["110101199003071234", "110102198512120345"],
        "text",
        ["110101199003071234", "110102198512120345"],
    ),
    ("mobile phones stay text", ["13812345678", "15900001111"], "text", ["13812345678", "15900001111"]),
    ("leading zeros stay text", ["010010", "100010"], "text", ["010010", "100010"]),
    ("a single leading zero digit stays text", ["7", "09", "12"], "text", ["7", "09", "12"]),
    ("zero point is a number, not a leading zero", ["0.5", "0", "00.5e1"], "text", ["0.5", "0", "00.5e1"]),
    ("zero then a decimal point is a float", ["0.5", "0", "10.25"], "float", [0.5, 0.0, 10.25]),
    ("tokens padded with many spaces are missing", ["1", "   NA               ", "  ——          ", "2"], "integer", [1, None, None, 2]),
    ("booleans in Chinese", ["是", "否", "是"], "boolean", [True, False, True]),
    ("booleans Y/N", ["Y", "N", "y"], "boolean", [True, False, True]),
    ("0/1 stays integer", ["0", "1", "1"], "integer", [0, 1, 1]),
    ("empty column", ["", ""], "text", [None, None]),
]


@pytest.mark.parametrize(("cells", "kind", "values"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_inference(rt: Any, tmp_path: Path, cells: list[str], kind: str, values: list[Any]) -> None:
    got_type, got_values, _ = import_column(rt, tmp_path, cells)
    assert (got_type, got_values) == (kind, values)


@pytest.mark.parametrize("header", ["邮编", "ZipCode", "联系电话", "phone"])
def test_code_headers_keep_digits_as_text(rt: Any, tmp_path: Path, header: str) -> None:
    assert import_column(rt, tmp_path, ["100010", "200000"], header)[:2] == ("text", ["100010", "200000"])


def test_mostly_numeric_column_with_stray_text_is_reported_not_nulled(rt: Any, tmp_path: Path) -> None:
    cells = [str(i) for i in range(1, 40)]
    cells[6] = "待核实"
    cells[30] = "约12"
    kind, values, report = import_column(rt, tmp_path, cells, "处理量")
    assert kind == "text" and values == cells
    [issue] = report.issues
    assert (issue.code, issue.column, issue.rows, issue.detail) == ("column.stray_text", "处理量", (8, 32), {"stray": 2, "nonnull": 39})
    assert "8, 32" in issue.message_en and "处理量" in issue.message_zh


def test_mostly_dates_with_stray_text_is_reported(rt: Any, tmp_path: Path) -> None:
    cells = [f"2024/1/{d}" for d in range(1, 29)] + ["3月初"]  # holds a digit: a null would lose it (a bare word such as 待定 becomes null)
    kind, values, report = import_column(rt, tmp_path, cells, "受理日期")
    assert kind == "text" and values == cells
    assert [(i.code, i.rows) for i in report.issues] == [("column.stray_text", (30,))]


def test_type_is_decided_over_all_rows_not_a_sample(rt: Any, tmp_path: Path) -> None:
    """The first few thousand rows are integers; a decimal far down makes the column float."""
    cells = [str(i) for i in range(5000)] + ["2.5"]
    kind, values, _ = import_column(rt, tmp_path, cells)
    assert kind == "float" and values[-1] == 2.5 and len(values) == 5001


def test_a_column_empty_at_the_top_is_still_typed(rt: Any, tmp_path: Path) -> None:
    cells = [""] * 3000 + ["2024/3/1", "2024/3/2"]
    kind, values, _ = import_column(rt, tmp_path, cells)
    assert kind == "date" and values[-2:] == [D(2024, 3, 1), D(2024, 3, 2)]
