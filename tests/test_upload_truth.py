"""An upload that tells the truth: missing words in numeric columns, mixed Chinese date formats, judgement calls,
and the two-step API (preview → change a type → publish, or cancel leaving nothing behind).

Expected values are derived from the generated cells by plain Python (int(), a date regex), not by the importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from tests.conftest import Web, csrf_header, real_file
from tests.warehouse import read_stored

TOKENS = ["未知", "—", "n/a", "-", "暂无"]
DATE_CELLS = ["2025/1/5", "2025-01-05", "2025年1月7日", "2025.1.5"]


def numbers_with_tokens(count: int = 60) -> list[str]:
    cells = [str(10 + 7 * i) for i in range(count)]
    for k, token in enumerate(TOKENS):
        cells[3 + 7 * k] = token
    return cells


def as_int(cell: str) -> int | None:
    return int(cell) if cell.isdigit() else None


def as_date(cell: str) -> dt.date:
    y, m, d = (int(x) for x in re.findall(r"\d+", cell)[:3])
    return dt.date(y, m, d)


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def imported(rt: Any, path: Path) -> tuple[dict[str, str], dict[str, list[Any]], Any]:
    """Types and values by column label, and the report."""
    report = rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="t", department="traffic"))
    from datasets.catalog import get_dataset

    with rt.store.read() as session:
        info = get_dataset(session, SYSTEM, report.dataset_id)
    result = read_stored(rt, {"d": info.file}, "SELECT * FROM d.data")
    labels = [c.label for c in info.columns]
    values = {label: [row[i] for row in result.rows] for i, label in enumerate(labels)}
    return {c.label: c.type for c in info.columns}, values, report


def one_column(rt: Any, tmp_path: Path, cells: list[str], header: str = "处理量") -> tuple[str, list[Any], Any]:
    types, values, report = imported(rt, write_csv(tmp_path / "c.csv", [header], [[c] for c in cells]))
    return types[header], values[header], report


def calls(report: Any) -> dict[str, dict[str, Any]]:
    return {c["label"]: c for c in report.to_dict("en")["judgement_calls"]}


# -- numbers ------------------------------------------------------------------------------------
def test_a_numeric_column_with_missing_words_is_numeric_and_the_report_counts_them(rt: Any, tmp_path: Path) -> None:
    cells = numbers_with_tokens()
    kind, values, report = one_column(rt, tmp_path, cells)
    assert kind == "integer"
    assert values == [as_int(c) for c in cells]
    [issue] = [i for i in report.issues if i.code == "column.missing_values"]
    assert issue.detail["nulled"] == len(TOKENS)
    assert set(issue.detail["examples"]) == set(TOKENS)
    assert issue.rows == tuple(sorted(cells.index(t) + 2 for t in TOKENS))  # header is row 1
    call = calls(report)["处理量"]
    assert (call["reason"], call["chosen"], call["alternatives"], call["disagree"]) == ("missing_values", "integer", ["text"], len(TOKENS))
    assert "未知" in issue.message_zh and str(len(TOKENS)) in issue.message_en


def test_floats_with_missing_words(rt: Any, tmp_path: Path) -> None:
    cells = [f"{i}.5" for i in range(40)] + ["暂无", "未知"]
    kind, values, _ = one_column(rt, tmp_path, cells)
    assert kind == "float" and values == [float(c) if c[0].isdigit() else None for c in cells]


def test_a_few_unrecognised_words_are_within_five_percent(rt: Any, tmp_path: Path) -> None:
    """95 numbers + 5 unknown words (5 % of 100): numeric. 94 + 6: text, listed as a judgement call."""
    ok = [str(i) for i in range(95)] + ["见备注"] * 5
    kind, values, report = one_column(rt, tmp_path, ok)
    assert kind == "integer" and values.count(None) == 5
    assert calls(report)["处理量"]["disagree"] == 5
    over = [str(i) for i in range(94)] + ["见备注"] * 6
    kind, values, report = one_column(rt, tmp_path, over)
    assert kind == "text" and values == over
    call = calls(report)["处理量"]
    assert (call["reason"], call["alternatives"], call["disagree"], call["examples"]) == ("stray_cells", ["integer"], 6, ["见备注"])


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (["007", "010", "123", "未知"], "leading_zeros"),
        (["0x1F", "0x10", "12", "未知"], None),
        ([*[str(i) for i in range(97)], "0x1F", "0x2A", "0x3B"], "stray_cells"),
        (["13812345678", "15900001111", "暂无"], "long_digits"),
    ],
    ids=["leading zeros", "hex codes", "numbers with a few hex codes", "phones with a missing word"],
)
def test_genuine_text_is_never_numeric(rt: Any, tmp_path: Path, cells: list[str], reason: str | None) -> None:
    kind, values, report = one_column(rt, tmp_path, cells, "编号")
    assert kind == "text" and values == cells
    assert calls(report).get("编号", {}).get("reason") == reason


def test_missing_words_far_below_the_sample_are_still_counted(rt: Any, tmp_path: Path) -> None:
    """The first few thousand rows are clean numbers (the cheap pass skips counting words); a word at the end still counts."""
    cells = [str(i) for i in range(3000)] + ["未知", "3001"]
    kind, values, report = one_column(rt, tmp_path, cells)
    assert kind == "integer" and values == [as_int(c) for c in cells]
    assert (calls(report)["处理量"]["disagree"], calls(report)["处理量"]["rows"]) == (1, [3002])


def test_a_gender_column_keeps_its_unknown_category(rt: Any, tmp_path: Path) -> None:
    cells = ["男", "女", "未知", "女"]
    assert one_column(rt, tmp_path, cells, "性别")[:2] == ("text", cells)


# -- dates ---------------------------------------------------------------------------------------
def test_mixed_chinese_date_formats_become_one_date(rt: Any, tmp_path: Path) -> None:
    cells = DATE_CELLS * 10 + ["未知", "—"]
    kind, values, report = one_column(rt, tmp_path, cells, "受理日期")
    assert kind == "date"
    assert values == [as_date(c) if c[0].isdigit() else None for c in cells]
    assert calls(report)["受理日期"]["disagree"] == 2 and set(calls(report)["受理日期"]["examples"]) == {"未知", "—"}


def test_mixed_dates_with_a_time_become_timestamps(rt: Any, tmp_path: Path) -> None:
    cells = [*DATE_CELLS, "2025/01/05 12:30"] * 5
    kind, values, _ = one_column(rt, tmp_path, cells, "受理时间")
    expected = [dt.datetime(2025, 1, 5, 12, 30) if " " in c else dt.datetime.combine(as_date(c), dt.time()) for c in cells]
    assert (kind, values) == ("timestamp", expected)


def test_a_time_format_far_below_the_sample_is_still_found(rt: Any, tmp_path: Path) -> None:
    cells = ["2025/1/5"] * 600 + ["2025年1月7日 08:30"]
    kind, values, _ = one_column(rt, tmp_path, cells, "受理时间")
    assert kind == "timestamp" and values[-1] == dt.datetime(2025, 1, 7, 8, 30)


# -- the same file as GB18030 CSV and as XLSX ----------------------------------------------------
HEADER = ["区县", "处理量", "受理日期"]


def table_rows() -> list[list[str]]:
    numbers = numbers_with_tokens(40)
    dates = (DATE_CELLS * 10)[:40]
    return [[("东城区", "西城区")[i % 2], numbers[i], dates[i]] for i in range(40)]


@pytest.mark.parametrize("form", ["gb18030", "utf-8-sig", "xlsx"])
def test_the_same_table_in_every_form(rt: Any, tmp_path: Path, form: str) -> None:
    rows = table_rows()
    path = write_xlsx(tmp_path / "表.xlsx", HEADER, rows) if form == "xlsx" else write_csv(tmp_path / "表.csv", HEADER, rows, form)
    types, values, report = imported(rt, path)
    assert types == {"区县": "text", "处理量": "integer", "受理日期": "date"}
    assert values["处理量"] == [as_int(r[1]) for r in rows]
    assert values["受理日期"] == [as_date(r[2]) for r in rows]
    assert calls(report)["处理量"]["disagree"] == sum(1 for r in rows if r[1] in TOKENS)


def test_real_air_quality_file_na_cells_are_counted(rt: Any) -> None:
    """Beijing air quality: PM2.5 holds 'NA' cells; the column is numeric and the report counts every one."""
    path = real_file("beijing_multisite_air_quality_2013_2017.csv")
    with path.open(encoding="utf-8") as fh:
        pm25 = [row["PM2.5"] for row in csv.DictReader(fh)]
    report = rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="空气", department="traffic"))
    kinds = {c["label"]: c["type"] for c in report.columns}
    assert kinds["PM2.5"] in ("integer", "float")
    call = calls(report)["PM2.5"]
    assert call["disagree"] == pm25.count("NA") > 0 and call["examples"] == ["NA"]


# -- phases --------------------------------------------------------------------------------------
def test_phases_are_reported_in_order(rt: Any, tmp_path: Path) -> None:
    seen: list[str] = []
    path = write_csv(tmp_path / "p.csv", HEADER, table_rows())
    rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="p", department="traffic"), progress=lambda p, _f: seen.append(p))
    assert seen == ["reading", "inferring", "converting", "profiling", "publishing", "done"]


# -- the two steps through the API ---------------------------------------------------------------
def staged_files(web: Web) -> list[Path]:
    folder = web.rt.settings.data_dir / "staged"
    return sorted(folder.iterdir()) if folder.exists() else []


def preview(web: Web, client: Any, content: bytes, name: str = "工单.csv") -> Any:
    return client.post(
        "/api/v1/datasets?preview=1&lang=zh",
        headers=csrf_header(client),
        data={"file": (io.BytesIO(content), name), "name": "工单", "department": "traffic"},
    )


def table_bytes() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *table_rows()])
    return buffer.getvalue().encode("gb18030")


def dataset_ids(client: Any) -> list[str]:
    return [d["id"] for d in client.get("/api/v1/datasets").json["datasets"]]


def test_preview_publishes_nothing_and_publish_takes_the_chosen_type(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    before = dataset_ids(client)
    answer = preview(web, client, table_bytes())
    assert answer.status_code == 201, answer.text
    body = answer.json
    shown = body["preview"]
    assert [(c["label"], c["type"]) for c in shown["columns"]] == [("区县", "text"), ("处理量", "integer"), ("受理日期", "date")]
    assert shown["rows"] == 40 and len(shown["first_rows"]) == 20
    assert shown["first_rows"][0][2] == as_date(table_rows()[0][2]).isoformat()
    [call] = [c for c in shown["judgement_calls"] if c["label"] == "处理量"]
    assert call["disagree"] == sum(1 for r in table_rows() if r[1] in TOKENS) and "未知" in call["why"]
    assert dataset_ids(client) == before, "a preview published a dataset"
    assert len(staged_files(web)) == 2  # the file and its manifest
    # Another user cannot publish or cancel it.
    other: Any = web.client("hotline_staff")
    assert other.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(other), json={}).status_code == 404
    assert other.delete(f"/api/v1/uploads/{body['upload_id']}", headers=csrf_header(other)).status_code == 404
    # A wrong type is refused, naming the column; the upload stays staged.
    wrong = client.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(client), json={"types": {"处理量": "money"}})
    assert wrong.status_code == 422 and len(staged_files(web)) == 2
    name = shown["columns"][1]["name"]
    done = client.post(f"/api/v1/uploads/{body['upload_id']}/publish?lang=en", headers=csrf_header(client), json={"types": {name: "text"}})
    assert done.status_code == 201, done.text
    assert {c["label"]: c["type"] for c in done.json["columns"]} == {"区县": "text", "处理量": "text", "受理日期": "date"}
    rows = client.get(f"/api/v1/datasets/{done.json['id']}/rows?limit=100").json["rows"]
    # As text the missing words are kept as written except the universal tokens (—, n/a, -), which are empty in any type.
    assert [r[1] for r in rows] == [None if r[1] in ("—", "n/a", "-") else r[1] for r in table_rows()]
    assert staged_files(web) == []
    again = client.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(client), json={})
    assert again.status_code == 404


def test_choosing_a_type_reports_the_cells_it_empties(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    content = "编号,金额\nA1,约12\nA2,30\nA3,45\n".encode()
    body = preview(web, client, content, "x.csv").json
    amount = body["preview"]["columns"][1]
    assert amount["type"] == "text" and "integer" in amount["options"]
    done = client.post(
        f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(client), json={"types": {amount["name"]: "integer"}}
    )
    assert done.status_code == 201, done.text
    [issue] = [i for i in done.json["import_report"]["issues"] if i["code"] == "column.type_chosen"]
    assert "1" in issue["message"]
    rows = client.get(f"/api/v1/datasets/{done.json['id']}/rows").json["rows"]
    assert [r[1] for r in rows] == [None, 30, 45]


def test_cancel_leaves_nothing_behind(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    before = dataset_ids(client)
    body = preview(web, client, table_bytes()).json
    assert staged_files(web)
    assert client.delete(f"/api/v1/uploads/{body['upload_id']}", headers=csrf_header(client)).status_code == 204
    assert staged_files(web) == [] and dataset_ids(client) == before
    assert client.post(f"/api/v1/uploads/{body['upload_id']}/publish", headers=csrf_header(client), json={}).status_code == 404


def test_a_refused_preview_keeps_no_file(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    answer = preview(web, client, b"a,b\n", "empty.csv")
    assert answer.status_code == 422
    assert staged_files(web) == []


def test_scripts_still_import_in_one_step(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    answer = client.post(
        "/api/v1/datasets",
        headers=csrf_header(client),
        data={"file": (io.BytesIO(table_bytes()), "t.csv"), "name": "一步", "department": "traffic"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json["import_report"]["judgement_calls"][0]["label"] == "处理量"
    assert answer.json["id"] in dataset_ids(client)


def test_progress_is_readable_by_its_owner_only(web: Web) -> None:
    from datasets.staged import PhaseBoard

    client, other = web.client("traffic_staff"), web.client("hotline_staff")
    from tests.conftest import actor_of

    me = actor_of(web.rt, "traffic_staff")
    board = PhaseBoard(web.rt.settings.data_dir / "progress")
    board.reporter(f"{me.user_id}:{me.username}", "key12345")("converting", 0.55)
    assert client.get("/api/v1/uploads/progress/key12345").json == {"phase": "converting", "fraction": 0.55}
    assert other.get("/api/v1/uploads/progress/key12345").json == {"phase": None, "fraction": None}
    assert client.get("/api/v1/uploads/progress/nokey999").json == {"phase": None, "fraction": None}


def test_appending_previews_the_datasets_types_and_refuses_new_ones(web: Web) -> None:
    client: Any = web.client("traffic_staff")
    first = client.post(
        "/api/v1/datasets",
        headers=csrf_header(client),
        data={"file": (io.BytesIO(table_bytes()), "t.csv"), "name": "追加", "department": "traffic"},
    ).json
    more = "区县,处理量,受理日期\n东城区,7,2025/2/1\n西城区,未知,2025年2月2日\n".encode("gb18030")
    answer = client.post(
        "/api/v1/datasets?preview=1",
        headers=csrf_header(client),
        data={"file": (io.BytesIO(more), "more.csv"), "dataset": first["id"], "mode": "append", "department": "traffic"},
    ).json
    shown = answer["preview"]
    assert [(c["type"], c["options"]) for c in shown["columns"]] == [("text", []), ("integer", []), ("date", [])]
    assert shown["first_rows"] == [["东城区", 7, "2025-02-01"], ["西城区", None, "2025-02-02"]]
    name = shown["columns"][1]["name"]
    refused = client.post(f"/api/v1/uploads/{answer['upload_id']}/publish", headers=csrf_header(client), json={"types": {name: "text"}})
    assert refused.status_code == 422
    done = client.post(f"/api/v1/uploads/{answer['upload_id']}/publish", headers=csrf_header(client), json={})
    assert done.status_code == 201, done.text
    assert done.json["rows"] == len(table_rows()) + 2


def test_unconfirmed_uploads_are_swept_after_a_day(web: Web) -> None:
    import os

    client: Any = web.client("traffic_staff")
    old = preview(web, client, table_bytes()).json["upload_id"]
    day_ago = os.path.getmtime(staged_files(web)[0]) - 24 * 3600 - 1
    for path in staged_files(web):
        os.utime(path, (day_ago, day_ago))
    preview(web, client, table_bytes())
    assert len(staged_files(web)) == 2 and not any(p.name.startswith(old) for p in staged_files(web))


def test_an_upload_is_published_once(web: Web) -> None:
    """A double click or a second tab: the second publish of the same upload finds nothing while the first runs."""
    from datasets.staged import StagedUploads
    from errors import NotFound
    from tests.conftest import actor_of

    client: Any = web.client("traffic_staff")
    upload_id = preview(web, client, table_bytes()).json["upload_id"]
    me = actor_of(web.rt, "traffic_staff")
    owner = f"{me.user_id}:{me.username}"
    uploads = StagedUploads(web.rt.settings.data_dir / "staged")
    uploads.claim(upload_id, owner)
    with pytest.raises(NotFound):
        uploads.claim(upload_id, owner)
    assert client.post(f"/api/v1/uploads/{upload_id}/publish", headers=csrf_header(client), json={}).status_code == 404
    uploads.release(upload_id)
    assert client.post(f"/api/v1/uploads/{upload_id}/publish", headers=csrf_header(client), json={}).status_code == 201
