"""The seven real city files through the generic importer: rows, hard column types, dirty facts.

Every expected figure is computed independently here with plain DuckDB over the raw file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import REAL_DATA, make_settings, need, seed_directory
from tests.warehouse import read_stored

FILES = {
    "la311": "la_myla311_service_requests_2017_subset.csv",
    "permits": "sf_building_permits_extract.csv",
    "air": "beijing_multisite_air_quality_2013_2017.csv",
    "traffic": "nyc_automated_traffic_volume_counts_2024_extract.csv",
    "parking": "aarhus_parking_garages_2014.csv",
    "bikes": "islp_bikeshare_capital_dc_2011_hourly.csv",
    "survey": "somerville_happiness_survey_2015.csv",
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """Import every file once; give each test the API-shaped detail (columns, profile, report)."""
    need(all((REAL_DATA / f).exists() for f in FILES.values()), f"real datasets missing under {REAL_DATA}")
    import runtime
    from access.actor import SYSTEM
    from datasets import catalog
    from datasets.importer import ImportRequest
    from store import migrate

    settings = make_settings(tmp_path_factory.mktemp("real") / "instance")
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.metadata_url)
    rt = runtime.build_runtime(settings)
    seed_directory(rt)
    out = {}
    for key, name in FILES.items():
        report = rt.importer.import_file(SYSTEM, REAL_DATA / name, name, ImportRequest(name=key, department="hotline"))
        with rt.store.read() as session:
            info = catalog.get_dataset(session, SYSTEM, report.dataset_id)
            version = catalog.current_version(session, SYSTEM, report.dataset_id)
            out[key] = {
                "report": report,
                "columns": {c.label: c for c in info.columns},
                "profile": version.profile,
                "rows": info.rows,
                "info": info,
                "rt": rt,
            }
    yield out
    rt.close()


def raw(name: str, sql: str) -> Any:
    """Run `sql` over the raw file as all-text columns (table `f`), independent of the importer."""
    path = REAL_DATA / FILES[name]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{path}', all_varchar=true, header=true)")
    return con.execute(sql).fetchone()


def types(result: dict[str, Any], *labels: str) -> dict[str, str]:
    return {label: result["columns"][label].type for label in labels}


def check(result: dict[str, Any], rule: str, **match: Any) -> dict[str, Any]:
    found = [c for c in result["profile"]["checks"] if c["rule"] == rule and all(c.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"{rule} {match} not in {[c['rule'] for c in result['profile']['checks']]}"
    return found[0]


def test_row_counts_are_preserved_exactly(imported: dict[str, dict[str, Any]]) -> None:
    counts = {key: imported[key]["rows"] for key in FILES}
    expected = {key: raw(key, "SELECT count(*) FROM f")[0] for key in FILES}
    assert (
        counts
        == expected
        == {"la311": 9999, "permits": 7302, "air": 420768, "traffic": 23802, "parking": 55264, "bikes": 8645, "survey": 143}
    )


def test_la311_us_timestamps_and_closure_facts(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["la311"]
    assert types(r, "CreatedDate", "ClosedDate", "ServiceDate", "ZipCode", "Latitude", "SRNumber", "Anonymous") == {
        "CreatedDate": "timestamp",
        "ClosedDate": "timestamp",
        "ServiceDate": "timestamp",
        "ZipCode": "text",
        "Latitude": "float",
        "SRNumber": "text",
        "Anonymous": "boolean",
    }
    fmt = "'%m/%d/%Y %I:%M:%S %p'"
    before, zero, missing = raw(
        "la311",
        f"SELECT count(*) FILTER (WHERE strptime(ClosedDate, {fmt}) < strptime(CreatedDate, {fmt})), "
        f"count(*) FILTER (WHERE strptime(ClosedDate, {fmt}) = strptime(CreatedDate, {fmt})), "
        "count(*) FILTER (WHERE ClosedDate IS NULL) FROM f",
    )
    closed = check(r, "end_before_start", start="createddate", end="closeddate")
    assert (closed["count"], closed["zero_duration"], closed["missing_end"]) == (before, zero, missing)
    assert before > 0 and zero > 0 and missing > 0
    assert r["profile"]["columns"]["closeddate"]["nulls"] == missing
    assert r["columns"]["Address"].pii_kind == "address"


def test_permits_dates_codes_and_repeated_permits(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["permits"]
    assert types(r, "Permit Creation Date", "Filed Date", "Issued Date", "Block", "Lot", "Zipcode", "Permit Number") == {
        "Permit Creation Date": "date",
        "Filed Date": "timestamp",
        "Issued Date": "timestamp",
        "Block": "text",
        "Lot": "text",
        "Zipcode": "text",
        "Permit Number": "integer",
    }
    assert r["columns"]["Permit Number"].role == "id"
    repeats, issued_before_filed = raw(
        "permits",
        'SELECT count(*) - count(DISTINCT "Permit Number"), count(*) FILTER (WHERE '
        "strptime(\"Issued Date\", '%m/%d/%Y %I:%M:%S %p') < strptime(\"Filed Date\", '%m/%d/%Y %I:%M:%S %p')) FROM f",
    )
    assert check(r, "id_repeats", column="permit_number")["count"] == repeats > 0
    assert check(r, "end_before_start", start="filed_date", end="issued_date")["count"] == issued_before_filed > 0
    # leading zeros of block numbers survive
    blocks = read_stored(r["rt"], {"d": r["info"].file}, "SELECT count(*) FROM d.data WHERE block LIKE '0%'").rows[0][0]
    assert blocks == raw("permits", "SELECT count(*) FROM f WHERE Block LIKE '0%'")[0] > 0


def test_air_quality_na_tokens_and_dotted_names(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["air"]
    pm = r["columns"]["PM2.5"]
    assert (pm.name, pm.type, r["columns"]["station"].type, r["columns"]["year"].type) == ("pm2_5", "float", "text", "integer")
    na, total = raw("air", "SELECT count(*) FILTER (WHERE \"PM2.5\" = 'NA'), sum(TRY_CAST(NULLIF(\"PM2.5\", 'NA') AS DOUBLE)) FROM f")
    assert r["profile"]["columns"]["pm2_5"]["nulls"] == na > 0
    ours = read_stored(r["rt"], {"d": r["info"].file}, "SELECT sum(pm2_5) FROM d.data").rows[0][0]
    assert ours == pytest.approx(total)


def test_traffic_thousands_separators_and_duplicate_keys(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["traffic"]
    assert types(r, "Vol", "Boro", "HH", "SegmentID") == {"Vol": "integer", "Boro": "text", "HH": "integer", "SegmentID": "integer"}
    total, commas, dup_keys = raw(
        "traffic",
        "SELECT sum(CAST(replace(Vol, ',', '') AS BIGINT)), count(*) FILTER (WHERE Vol LIKE '%,%'), "
        "count(*) - count(DISTINCT (RequestID, Boro, M, D, Yr, HH, SegmentID, street, fromSt, toSt, Direction)) FROM f",
    )
    ours = read_stored(r["rt"], {"d": r["info"].file}, "SELECT sum(vol) FROM d.data").rows[0][0]
    assert ours == total and commas > 0
    assert check(r, "duplicate_keys")["count"] == dup_keys > 0


def test_parking_unnamed_index_fractional_seconds_capacity_and_gaps(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["parking"]
    first = r["info"].columns[0]
    assert (first.name, first.type) == ("column_1", "integer")
    assert any(i.code == "header.blank" for i in r["report"].issues)
    assert types(r, "updatetime", "streamtime", "garagecode", "totalspaces") == {
        "updatetime": "timestamp",
        "streamtime": "timestamp",
        "garagecode": "text",
        "totalspaces": "integer",
    }
    above = raw("parking", "SELECT count(*) FILTER (WHERE CAST(vehiclecount AS INT) > CAST(totalspaces AS INT)) FROM f")[0]
    assert check(r, "above_capacity", value="vehiclecount", capacity="totalspaces")["count"] == above > 0
    longest = raw(
        "parking",
        "WITH t AS (SELECT DISTINCT CAST(updatetime AS TIMESTAMP) ts FROM f) "
        "SELECT max(ts - lag) FROM (SELECT ts, lag(ts) OVER (ORDER BY ts) lag FROM t)",
    )[0]
    gaps = check(r, "time_gaps", column="updatetime")["gaps"]
    assert len(gaps) >= 2 and gaps[0]["hours"] == pytest.approx(longest.total_seconds() / 3600, abs=0.1) and gaps[0]["hours"] > 48
    ms = read_stored(r["rt"], {"d": r["info"].file}, "SELECT count(*) FROM d.data WHERE microsecond(updatetime) % 1000000 <> 0").rows[0][0]
    assert ms > 0  # fractional seconds were kept


def test_bikeshare_month_spellings(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["bikes"]
    assert types(r, "mnth", "hr", "temp", "bikers") == {"mnth": "text", "hr": "integer", "temp": "float", "bikers": "integer"}
    values = set(check(r, "inconsistent_spelling", column="mnth")["values"])
    assert {"Jan", "Sept", "April"} <= values


def test_survey_duplicate_rows(imported: dict[str, dict[str, Any]]) -> None:
    r = imported["survey"]
    duplicates = raw("survey", "SELECT count(*) - count(DISTINCT (D, X1, X2, X3, X4, X5, X6)) FROM f")[0]
    assert r["profile"]["duplicate_rows"] == duplicates > 0
    assert [c.type for c in r["info"].columns] == ["integer"] * 7


def test_profile_columns_carry_completeness_distinct_and_top_values(imported: dict[str, dict[str, Any]]) -> None:
    stats = imported["la311"]["profile"]["columns"]["requesttype"]
    expected_distinct, top_value, top_count = raw(
        "la311",
        "SELECT (SELECT count(DISTINCT RequestType) FROM f), RequestType, count(*) FROM f GROUP BY RequestType ORDER BY 3 DESC LIMIT 1",
    )
    assert stats["completeness"] == 1.0 and stats["distinct"] == expected_distinct
    assert stats["top"][0] == {"value": top_value, "count": top_count}


def test_no_file_needed_per_file_code(imported: dict[str, dict[str, Any]]) -> None:
    """Every file went through the same entry point with no options beyond name and department."""
    assert {r["report"].source_format for r in imported.values()} == {"csv"}
    assert Path(REAL_DATA).is_dir()
