"""Every output path agrees under the row scope (SECURITY.md B1, B4), cached results never cross
users or outlive a policy change (B5), and masked personal-data columns cannot be inferred (B6).

The randomized test is seeded: `CITY_PARITY_SEED=<n>` replays a run (the default is fixed), and
every failure message names the seed, the user and the request. `CITY_PARITY_REQUESTS` sets the
number of random requests per scoped user (default 60).

The oracle is the city-wide `admin` asking the same question with an explicit
`district IN <the user's area and its streets>` filter: a scoped user's answer on every path must
equal it, and no row may ever carry a district outside the user's scope.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.test import TestResponse

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import Web, csrf_header, login, make_settings

SEED = int(os.environ.get("CITY_PARITY_SEED", "20250607"))
REQUESTS_PER_USER = int(os.environ.get("CITY_PARITY_REQUESTS", "60"))
SCOPED = {"traffic_staff": "东城区", "traffic_staff_gx": "高新区", "gov_staff": "高新区", "hotline_staff": "西城区"}
MISSING_DATASET = "no_such_dataset"
MISSING_INDICATOR = "no_such.indicator"
NUMERIC = ("integer", "float", "decimal")
TEMPORAL = ("date", "timestamp")
NUMERIC_AGGS = ("sum", "avg", "count", "min", "max", "median", "p90")
GRAINS = ("hour", "day", "week", "month", "quarter", "year")
OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "like", "is_null", "not_null")
PII = ("applicant_name", "applicant_id_card", "applicant_phone")
LONG = "区" * 600
ROW_CAP = 500  # the instance's row cap: the largest and the default self-service limit
INJECTION = "' OR 1=1 --"


# -- the instance ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """The demo city, plus grants that widen what scoped users may open (never their row scope):
    the transport department may read hourly air quality and its PM2.5 indicator; `gov_staff` may
    read hotline tickets (which carry a personal-data column) and the ticket count indicator."""
    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("policy-parity") / "instance", row_cap=ROW_CAP))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.05, echo=lambda _m: None)
    web = Web(app, rt)
    admin = Caller.of(web, "admin")
    for grant in (
        ("dataset", "air_quality_hourly", "department", "traffic"),
        ("indicator", "environment.pm25", "department", "traffic"),
        ("dataset", "hotline_tickets", "user", "gov_staff"),
        ("indicator", "hotline.tickets", "user", "gov_staff"),
    ):
        added = admin.add_grant(*grant, "view")
        assert added.status_code == 201, added.text
    yield web
    rt.close()


@dataclass
class Caller:
    """A signed-in test client with its CSRF header, and the requests every output path needs."""

    username: str
    client: Any
    headers: dict[str, str]

    @classmethod
    def of(cls, web: Web, username: str) -> Caller:
        client = web.app.server.test_client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302, f"{username} cannot sign in"
        return cls(username, client, csrf_header(client))

    def query(self, payload: dict[str, Any]) -> TestResponse:
        return self.client.post("/api/v1/query", json=payload, headers=self.headers)  # type: ignore[no-any-return]

    def explain(self, payload: dict[str, Any]) -> TestResponse:
        return self.client.post("/api/v1/query/explain", json=payload, headers=self.headers)  # type: ignore[no-any-return]

    def values(self, indicator: str, args: dict[str, str]) -> TestResponse:
        return self.client.get(f"/api/v1/indicators/{indicator}/values", query_string=args)  # type: ignore[no-any-return]

    def rows(self, dataset: str, offset: int = 0, limit: int = 100, sort: str = "") -> TestResponse:
        args = {"offset": str(offset), "limit": str(limit)} | ({"sort": sort} if sort else {})
        return self.client.get(f"/api/v1/datasets/{dataset}/rows", query_string=args)  # type: ignore[no-any-return]

    def grid(self, dataset: Any, request: Any) -> TestResponse:
        """The preview grid's infinite-row callback, exactly as the browser sends it."""
        body = {
            "output": "preview-grid.getRowsResponse",
            "outputs": {"id": "preview-grid", "property": "getRowsResponse"},
            "inputs": [{"id": "preview-grid", "property": "getRowsRequest", "value": request}],
            "state": [{"id": "dataset-id", "property": "data", "value": dataset}],
            "changedPropIds": ["preview-grid.getRowsRequest"],
        }
        return self.client.post("/_dash-update-component", json=body, headers=self.headers)  # type: ignore[no-any-return]

    def page(self, path: str) -> TestResponse:
        """A page through Dash Pages routing (the callback the browser calls on navigation)."""
        body = {
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": path},
                {"id": "_pages_location", "property": "search", "value": ""},
            ],
            "state": [],
            "changedPropIds": ["_pages_location.pathname"],
        }
        return self.client.post("/_dash-update-component", json=body, headers=self.headers)  # type: ignore[no-any-return]

    def add_grant(self, object_type: str, object_id: str, grantee_type: str, grantee: str, level: str) -> TestResponse:
        body = {"object_type": object_type, "object_id": object_id, "grantee_type": grantee_type, "grantee": grantee, "level": level}
        return self.client.post("/api/v1/admin/grants", json=body, headers=self.headers)  # type: ignore[no-any-return]

    def remove_grant(self, grant_id: int) -> TestResponse:
        return self.client.delete(f"/api/v1/admin/grants/{grant_id}", headers=self.headers)  # type: ignore[no-any-return]

    def add_policy(self, body: dict[str, Any]) -> TestResponse:
        return self.client.post("/api/v1/admin/row-policies", json=body, headers=self.headers)  # type: ignore[no-any-return]

    def remove_policy(self, policy_id: int) -> TestResponse:
        return self.client.delete(f"/api/v1/admin/row-policies/{policy_id}", headers=self.headers)  # type: ignore[no-any-return]


def text_of(response: TestResponse) -> str:
    """The body as sent and, for JSON, with escapes decoded, so a search finds echoed values either way."""
    raw = response.get_data(as_text=True)
    try:
        return raw + json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def areas_of(admin: Caller) -> dict[str, frozenset[str]]:
    """District name -> the district and its streets (names): what a user of that district may see."""
    areas = admin.client.get("/api/v1/departments").json["areas"]
    by_code = {a["code"]: a for a in areas}
    scope: dict[str, set[str]] = {a["name_zh"]: {a["name_zh"]} for a in areas if a["level"] == "district"}
    for area in areas:
        parent = by_code.get(area["parent"] or "")
        if area["level"] == "street" and parent:
            scope[parent["name_zh"]].add(area["name_zh"])
    return {k: frozenset(v) for k, v in scope.items()}


@dataclass
class Meta:
    """One dataset as the admin sees it: column types, personal-data flags, sample values."""

    id: str
    columns: dict[str, str]
    pii: frozenset[str]
    samples: dict[str, list[Any]] = field(default_factory=dict)

    def of(self, *types: str, pii: bool = False) -> list[str]:
        return [c for c, t in self.columns.items() if t in types and (pii or c not in self.pii)]


def catalog(admin: Caller) -> dict[str, Meta]:
    metas = {}
    for summary in admin.client.get("/api/v1/datasets").json["datasets"]:
        info = admin.client.get(f"/api/v1/datasets/{summary['id']}").json
        meta = Meta(info["id"], {c["name"]: c["type"] for c in info["columns"]}, frozenset(c["name"] for c in info["columns"] if c["pii"]))
        total = info["rows"]
        names = list(meta.columns)
        for offset in {0, total // 3, 2 * total // 3, max(total - 40, 0)}:
            for row in admin.rows(meta.id, offset, 40).json["rows"]:
                for name, value in zip(names, row, strict=True):
                    if value is not None and value not in meta.samples.setdefault(name, []):
                        meta.samples[name].append(value)
        metas[meta.id] = meta
    return metas


def close(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def same_table(a: dict[str, Any], b: dict[str, Any], keys: int, limit: int) -> bool:
    """Two query answers hold the same rows, as sets of groups; when the limit cut them, ties in the
    order may pick different groups, so only the columns and the number of rows must agree."""
    if a["columns"] != b["columns"] or a["truncated"] != b["truncated"] or len(a["rows"]) != len(b["rows"]):
        return False
    if a["truncated"] or len(a["rows"]) >= limit:
        return True
    rows_a = sorted(a["rows"], key=lambda r: repr(r[:keys]))
    rows_b = sorted(b["rows"], key=lambda r: repr(r[:keys]))
    return all(close(x, y) for ra, rb in zip(rows_a, rows_b, strict=True) for x, y in zip(ra, rb, strict=True))


def find_prop(node: Any, component_id: str, prop: str = "children") -> Any:
    """A property of the component with this id in a serialized Dash layout, or None."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return props.get(prop)
        for value in node.values():
            found = find_prop(value, component_id, prop)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find_prop(value, component_id, prop)
            if found is not None:
                return found
    return None


# -- random requests ---------------------------------------------------------------------------


def rand_date(rng: random.Random) -> dt.date:
    return dt.date(2023, 10, 1) + dt.timedelta(days=rng.randrange(0, 900))


def hostile_district_filter(rng: random.Random, own: str, districts: list[str]) -> dict[str, Any]:
    other = rng.choice([d for d in districts if d != own])
    return rng.choice(
        [
            {"column": "district", "op": "=", "value": other},
            {"column": "district", "op": "in", "value": [other, own]},
            {"column": "district", "op": "in", "value": districts},
            {"column": "district", "op": "=", "value": "*"},
            {"column": "district", "op": "=", "value": "%"},
            {"column": "district", "op": "like", "value": "%"},
            {"column": "district", "op": "like", "value": "_"},
            {"column": "district", "op": "like", "value": "区"},
            {"column": "district", "op": "=", "value": INJECTION},
            {"column": "district", "op": "!=", "value": INJECTION},
            {"column": "district", "op": "in", "value": [INJECTION, f"{other}' OR '1'='1"]},
            {"column": "district", "op": "=", "value": None},
            {"column": "district", "op": "in", "value": [None]},
            {"column": "district", "op": "=", "value": LONG},
            {"column": "district", "op": "like", "value": "%" * 400},
            {"column": "district", "op": "not_in", "value": [own]},
            {"column": "district", "op": "!=", "value": own},
            {"column": "district", "op": "between", "value": ["", "\uffff"]},
            {"column": "district", "op": ">=", "value": ""},
            {"column": "district", "op": "is_null"},
            {"column": "district", "op": "not_null"},
            {"column": "district", "op": "=", "value": [other, own]},
        ]
    )


def benign_filter(rng: random.Random, meta: Meta) -> dict[str, Any] | None:
    usable = [c for c in meta.columns if c not in meta.pii and c != "district" and meta.samples.get(c)]
    if not usable:
        return None
    column = rng.choice(usable)
    kind, samples = meta.columns[column], meta.samples[column]
    if rng.random() < 0.1:
        return {"column": column, "op": rng.choice(["is_null", "not_null"])}
    if kind in NUMERIC:
        if rng.random() < 0.3:
            low, high = sorted(rng.sample(samples, 2)) if len(samples) > 1 else (samples[0], samples[0])
            return {"column": column, "op": "between", "value": [low, high]}
        return {"column": column, "op": rng.choice(["=", "!=", "<", "<=", ">", ">="]), "value": rng.choice(samples)}
    if kind in TEMPORAL:
        return {"column": column, "op": rng.choice(["<", ">=", "between"]), "value": str(rand_date(rng))} | (
            {"op": "between", "value": sorted([str(rand_date(rng)), str(rand_date(rng))])} if rng.random() < 0.3 else {}
        )
    if kind == "boolean":
        return {"column": column, "op": "=", "value": rng.choice([True, False, "true", "否"])}
    value = str(rng.choice(samples))
    choice = rng.random()
    if choice < 0.3:
        return {"column": column, "op": rng.choice(["=", "!="]), "value": value}
    if choice < 0.6:
        picked = rng.sample(samples, min(len(samples), rng.randint(1, 4)))
        return {"column": column, "op": rng.choice(["in", "not_in"]), "value": [str(v) for v in picked]}
    start = rng.randrange(0, max(len(value) - 1, 1))
    fragment = value[start : start + rng.randint(1, 3)]
    return {"column": column, "op": "like", "value": rng.choice([fragment, f"{fragment}%", f"_{fragment}", "%", "_"])}


def random_query(rng: random.Random, meta: Meta, own: str, districts: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A self-service query over the columns the user may use, and the hostile filters it carries."""
    numeric, text, temporal = meta.of(*NUMERIC), meta.of("text"), meta.of(*TEMPORAL)
    measures: list[dict[str, Any]] = []
    for i in range(rng.randint(0, 3)):
        if text and (rng.random() < 0.25 or not numeric):
            measures.append({"expr": rng.choice(text), "agg": "count_distinct", "as": f"m{i}"})
        else:
            measures.append({"expr": rng.choice(numeric), "agg": rng.choice(NUMERIC_AGGS), "as": f"m{i}"})
    candidates = [c for c in [*text, *meta.of("boolean")] if c != "district"]
    dims = rng.sample(candidates, min(len(candidates), rng.randint(0, 1)))
    if "district" in meta.columns and rng.random() < 0.55:
        dims.insert(rng.randint(0, len(dims)), "district")
    payload: dict[str, Any] = {"dataset": meta.id, "measures": measures, "dimensions": dims}
    keys = list(dims)
    if temporal and rng.random() < 0.7:
        start, end = sorted([rand_date(rng), rand_date(rng)])
        grain = rng.choice([None, None, *GRAINS[1:], "hour"] if not dims else [None, "month", "quarter", "year"])
        time: dict[str, Any] = {"column": rng.choice(temporal), "grain": grain}
        if rng.random() < 0.85:
            time |= {"from": str(start), "to": str(end)}
        payload["time"] = time
        if grain:
            keys.insert(0, "period")
    filters = []
    hostile = []
    for _ in range(rng.randint(0, 3)):
        if "district" in meta.columns and rng.random() < 0.5:
            hostile.append(hostile_district_filter(rng, own, districts))
            filters.append(hostile[-1])
        elif (found := benign_filter(rng, meta)) is not None:
            filters.append(found)
    payload["filters"] = filters
    if keys and rng.random() < 0.35:
        payload["order_by"] = [rng.choice(["", "-"]) + rng.choice(keys)]
    if rng.random() < 0.6:
        payload["limit"] = rng.choice([1, 7, 50, 500])
    return payload, hostile


def key_count(payload: dict[str, Any]) -> int:
    return len(payload.get("dimensions", [])) + (1 if (payload.get("time") or {}).get("grain") else 0)


def random_values_args(rng: random.Random, definition: dict[str, Any], own: str, districts: list[str]) -> dict[str, str]:
    time = definition.get("time") or {}
    grains = list(time.get("grains") or ["month", "quarter", "year"])
    grain = rng.choice([*grains, "all"] if definition["type"] != "cumulative" else grains)
    args = {"grain": grain}
    if rng.random() < 0.85:
        start, end = sorted([rand_date(rng), rand_date(rng)])
        if grain == "hour":
            end = start + dt.timedelta(days=2)
        elif grain == "day" and (end - start).days > 120:
            end = start + dt.timedelta(days=120)
        args |= {"from": str(start), "to": str(end)}
    dims = list(definition.get("dimensions") or [])
    by = [d for d in dims if d != "district" and rng.random() < 0.25][:1]
    if "district" in dims and rng.random() < 0.6:
        by.insert(0, "district")
    if by:
        args["by"] = ",".join(by)
    if rng.random() < 0.5:
        other = rng.choice([d for d in districts if d != own])
        args["district"] = rng.choice(
            [other, f"{other},{own}", ",".join(districts), own, "*", "%", INJECTION, "", ",", LONG, f"{own}%", f"{own},{INJECTION}"]
        )
    if rng.random() < 0.15:
        args["compare"] = rng.choice(["previous", "year_ago"])
    return args


# -- the randomized parity test ----------------------------------------------------------------


@dataclass
class Run:
    """Shared state of one randomized run: the oracle, expected counts, and what went wrong."""

    web: Web
    admin: Caller
    metas: dict[str, Meta]
    areas: dict[str, frozenset[str]]
    problems: list[str] = field(default_factory=list)
    counted: dict[tuple[str, str], int] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"[seed={SEED} {where}] {message}")

    def tally(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def scoped_filter(self, scope: frozenset[str]) -> dict[str, Any]:
        return {"column": "district", "op": "in", "value": sorted(scope)}

    def expected_rows(self, dataset: str, scope: frozenset[str]) -> int:
        """Rows of the dataset inside the scope, counted by the admin with an explicit filter."""
        key = (dataset, ",".join(sorted(scope)))
        if key not in self.counted:
            filters = [self.scoped_filter(scope)] if "district" in self.metas[dataset].columns else []
            answer = self.admin.query({"dataset": dataset, "measures": [], "filters": filters})
            assert answer.status_code == 200, answer.text
            self.counted[key] = int(answer.json["rows"][0][0])
        return self.counted[key]

    def check_districts(self, where: str, columns: list[str], rows: list[Any], scope: frozenset[str]) -> None:
        if "district" not in columns:
            return
        index = columns.index("district")
        foreign = {row[index] if isinstance(row, list) else row.get("district") for row in rows} - scope
        if foreign:
            self.fail(where, f"rows of foreign districts {sorted(map(str, foreign))[:5]} reached the user")


def check_query(run: Run, user: Caller, scope: frozenset[str], payload: dict[str, Any], visible: bool, where: str) -> None:
    answer = user.query(payload)
    where = f"{where} POST /api/v1/query {json.dumps(payload, ensure_ascii=False)[:600]}"
    if LONG in text_of(answer) or ("%" * 400) in text_of(answer):
        run.fail(where, "the response echoes a hostile filter value")
    if not visible:
        missing = user.query({**payload, "dataset": MISSING_DATASET})
        if answer.status_code != 404 or answer.get_data() != missing.get_data():
            run.fail(
                where, f"a dataset the user may not use answers {answer.status_code} {answer.text[:200]} != missing {missing.text[:200]}"
            )
        run.tally("query.hidden")
        return
    meta = run.metas[payload["dataset"]]
    oracle_payload = (
        {**payload, "filters": [*payload.get("filters", []), run.scoped_filter(scope)]} if "district" in meta.columns else payload
    )
    oracle = run.admin.query(oracle_payload)
    if answer.status_code == 200:
        run.tally("query.ok")
        body = answer.json
        run.check_districts(where, body["columns"], body["rows"], scope)
        if oracle.status_code != 200 or not same_table(body, oracle.json, key_count(payload), payload.get("limit", ROW_CAP)):
            run.fail(where, f"differs from the admin with an explicit scope filter: {str(body)[:300]} != {oracle.text[:300]}")
    elif answer.status_code == 422:
        run.tally("query.refused")
        if oracle.status_code != 422:
            run.fail(where, f"refused for the user ({answer.text[:200]}) but the admin with the scope filter gets {oracle.status_code}")
    else:
        run.fail(where, f"unexpected status {answer.status_code}: {answer.text[:300]}")


def check_forged_filters(
    run: Run, user: Caller, scope: frozenset[str], payload: dict[str, Any], hostile: list[dict[str, Any]], where: str
) -> None:
    """A forged district filter never widens the scope: per district, no more rows than without it."""
    probe = {"dataset": payload["dataset"], "measures": [], "dimensions": ["district"], "filters": hostile}
    if "time" in payload:
        probe["time"] = {k: v for k, v in payload["time"].items() if k != "grain"}
    forged, baseline = user.query(probe), user.query({**probe, "filters": []})
    where = f"{where} forged {json.dumps(hostile, ensure_ascii=False)[:300]}"
    if baseline.status_code != 200:
        run.fail(where, f"the unfiltered probe failed: {baseline.text[:200]}")
        return
    allowed = {row[0]: row[1] for row in baseline.json["rows"]}
    run.check_districts(where, baseline.json["columns"], baseline.json["rows"], scope)
    if forged.status_code == 422:
        return
    if forged.status_code != 200:
        run.fail(where, f"unexpected status {forged.status_code}: {forged.text[:200]}")
        return
    run.tally("forged.ok")
    for district, count in forged.json["rows"]:
        if district not in allowed or count > allowed[district]:
            run.fail(where, f"the forged filter widened the scope: {district} {count} (unfiltered: {allowed})")


def check_values(run: Run, user: Caller, scope: frozenset[str], indicator: str, args: dict[str, str], visible: bool, where: str) -> None:
    answer = user.values(indicator, args)
    shown = {k: v[:60] for k, v in args.items()}
    where = f"{where} GET /api/v1/indicators/{indicator}/values {shown}"
    if LONG in text_of(answer):
        run.fail(where, "the response echoes a hostile filter value")
    missing = user.values(MISSING_INDICATOR, args)
    if answer.status_code == 404:
        # The answer must be the one for a missing indicator. In the demo city every listed indicator can be
        # read (the hotline's rate per 10k residents reads population through the seeded grants).
        run.tally("values.hidden")
        if answer.get_data() != missing.get_data():
            run.fail(where, f"404 differs from a missing indicator: {answer.text[:200]} != {missing.text[:200]}")
        if visible:
            run.fail(where, f"an indicator listed for the user answers 404: {answer.text[:200]}")
        return
    if not visible:
        run.fail(where, f"an indicator the user may not see answers {answer.status_code}: {answer.text[:200]}")
        return
    wanted = [v for v in args["district"].split(",") if v][:100] if "district" in args else None
    effective = scope if wanted is None else scope & set(wanted)
    oracle_args = {**args, "district": ",".join(sorted(effective))}
    by = [b for b in args.get("by", "").split(",") if b]
    outside = [v for v in wanted or [] if v not in scope]
    if answer.status_code == 403:  # a district outside the scope is refused, never silently dropped (issue 18.2)
        run.tally("values.outside")
        if not outside or answer.json["error"]["code"] != "outside_scope":
            run.fail(where, f"403 for a filter inside the scope: {answer.text[:200]}")
        return
    if outside and answer.status_code == 200:
        run.fail(where, f"a filter outside the scope was answered instead of refused: {answer.text[:200]}")
        return
    if answer.status_code == 422:
        run.tally("values.refused")
        oracle = run.admin.values(indicator, oracle_args if effective else args)
        if oracle.status_code != 422:
            run.fail(where, f"refused for the user ({answer.text[:200]}) but not for the admin ({oracle.status_code})")
        return
    if answer.status_code != 200:
        run.fail(where, f"unexpected status {answer.status_code}: {answer.text[:300]}")
        return
    run.tally("values.ok")
    rows = answer.json["rows"]
    if "district" in by:
        foreign = {r["district"] for r in rows} - scope
        if foreign:
            run.fail(where, f"indicator rows of foreign districts {sorted(map(str, foreign))}")
    if not effective:
        if any(r["value"] is not None for r in rows):
            run.fail(where, f"a filter outside the scope still produced values: {rows[:3]}")
        return
    oracle = run.admin.values(indicator, oracle_args)
    if oracle.status_code != 200:
        run.fail(where, f"the admin oracle failed: {oracle.text[:200]}")
        return
    tolerance = 10.0 ** -answer.json["decimals"] + 1e-9
    keys = ["period", *dict.fromkeys(by), "value", "compare_value"]
    mine = [[r.get(k) for k in keys] for r in rows]
    theirs = [[r.get(k) for k in keys] for r in oracle.json["rows"]]
    same = len(mine) == len(theirs) and all(
        (a == b) or (isinstance(a, float | int) and isinstance(b, float | int) and abs(a - b) <= tolerance)
        for ra, rb in zip(mine, theirs, strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    if not same:
        run.fail(where, f"differs from the admin with district={oracle_args['district']}: {mine[:4]} != {theirs[:4]}")


MASK = {
    "applicant_id_card": re.compile(r"^\d{6}\*+[\dX]{4}$"),
    "applicant_phone": re.compile(r"^\d{3}\*+\d{4}$"),
    "caller_phone": re.compile(r"^\d{3}\*+\d{4}$"),
    "applicant_name": re.compile(r"^.\*+$"),
}


def check_preview(run: Run, user: Caller, scope: frozenset[str], dataset: str, visible: bool, rng: random.Random, where: str) -> None:
    meta = run.metas.get(dataset)
    sortable = [c for c in meta.columns if c not in meta.pii] if meta else ["district"]
    sort = [rng.choice(["", "-"]) + c for c in rng.sample(sortable, rng.randint(0, min(2, len(sortable))))]
    expected = run.expected_rows(dataset, scope) if visible else 0
    offset = rng.choice([0, 0, rng.randrange(0, max(expected, 1)), max(expected - 3, 0), expected + 5])
    limit = rng.choice([1, 10, 100, 1000])
    api = user.rows(dataset, offset, limit, ",".join(sort))
    sort_model = [{"colId": s.lstrip("-"), "sort": "desc" if s.startswith("-") else "asc"} for s in sort]
    grid = user.grid(dataset, {"startRow": offset, "endRow": offset + limit, "sortModel": sort_model})
    where = f"{where} preview {dataset} offset={offset} limit={limit} sort={sort}"
    if not visible:
        run.tally("preview.hidden")
        api_missing, grid_missing = (
            user.rows(MISSING_DATASET, offset, limit),
            user.grid(MISSING_DATASET, {"startRow": offset, "endRow": offset + limit}),
        )
        if api.status_code != 404 or api.get_data() != api_missing.get_data():
            run.fail(where, f"API preview of a hidden dataset: {api.status_code} {api.text[:200]}")
        if grid.status_code != 404 or grid.get_data() != grid_missing.get_data() or "rowData" in grid.text:
            run.fail(where, f"grid callback of a hidden dataset: {grid.status_code} {grid.text[:200]}")
        return
    if api.status_code != 200 or grid.status_code != 200:
        run.fail(where, f"preview failed: API {api.status_code} {api.text[:200]} / grid {grid.status_code} {grid.text[:200]}")
        return
    run.tally("preview.ok")
    body, response = api.json, grid.json["response"]["preview-grid"]["getRowsResponse"]
    run.check_districts(where + " (API)", body["columns"], body["rows"], scope)
    run.check_districts(where + " (grid)", ["district"] if "district" in body["columns"] else [], response["rowData"], scope)
    if body["total"] != expected or response["rowCount"] != expected:
        run.fail(where, f"totals disagree: API {body['total']}, grid {response['rowCount']}, scoped count {expected}")
    if len(body["rows"]) != max(0, min(limit, expected - offset)):
        run.fail(where, f"{len(body['rows'])} rows on the page, expected {max(0, min(limit, expected - offset))}")
    as_dicts = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    if as_dicts != response["rowData"]:
        run.fail(where, "the grid callback and the API preview disagree on the same page")
    for column in set(body["columns"]) & (meta.pii if meta else frozenset()):
        for row in as_dicts:
            value = row[column]
            if value is not None and not MASK.get(column, re.compile(r"\*")).search(str(value)):
                run.fail(where, f"{column} is not masked in the preview")
                break


def check_catalog(run: Run, user: Caller, scope: frozenset[str], dataset: str, visible: bool, where: str) -> None:
    """The list, the detail, a plain count, and the dataset page all report the same scoped row count."""
    where = f"{where} catalog {dataset}"
    listed = {d["id"]: d["rows"] for d in user.client.get("/api/v1/datasets").json["datasets"]}
    detail = user.client.get(f"/api/v1/datasets/{dataset}")
    page = user.page(f"/datasets/{dataset}")
    if not visible:
        run.tally("catalog.hidden")
        missing = user.client.get(f"/api/v1/datasets/{MISSING_DATASET}")
        missing_page = user.page(f"/datasets/{MISSING_DATASET}")
        if dataset in listed or detail.status_code != 404 or detail.get_data() != missing.get_data():
            run.fail(where, f"a hidden dataset shows in the catalog: {detail.status_code} {detail.text[:200]}")
        if page.status_code != 200 or page.json != missing_page.json:
            run.fail(where, "the dataset page of a hidden dataset differs from the missing page")
        return
    run.tally("catalog.ok")
    expected = run.expected_rows(dataset, scope)
    counted = user.query({"dataset": dataset, "measures": []})
    stat = find_prop(page.json["response"]["_pages_content"], "dataset-rows") if page.status_code == 200 else None
    seen = {
        "list": listed.get(dataset),
        "detail": detail.json.get("rows") if detail.status_code == 200 else detail.status_code,
        "query": int(counted.json["rows"][0][0]) if counted.status_code == 200 else counted.status_code,
        "page": stat,
    }
    if seen != {"list": expected, "detail": expected, "query": expected, "page": f"{expected:,}"}:
        run.fail(where, f"row counts disagree (scoped count {expected}): {seen}")


def test_every_output_path_agrees_and_stays_in_scope(city: Web) -> None:
    admin = Caller.of(city, "admin")
    run = Run(city, admin, catalog(admin), areas_of(admin))
    districts = sorted(run.areas)
    all_datasets = sorted(run.metas)
    all_indicators = sorted(i["id"] for i in admin.client.get("/api/v1/indicators").json["indicators"])
    definitions = {i: admin.client.get(f"/api/v1/indicators/{i}").json for i in all_indicators}
    rng = random.Random(SEED)
    for username, own in SCOPED.items():
        user, scope = Caller.of(city, username), run.areas[own]
        visible = sorted(d["id"] for d in user.client.get("/api/v1/datasets").json["datasets"])
        readable = sorted(i["id"] for i in user.client.get("/api/v1/indicators").json["indicators"])
        hidden = [d for d in all_datasets if d not in visible] + [MISSING_DATASET]
        hidden_indicators = [i for i in all_indicators if i not in readable]
        assert visible and readable, f"seed={SEED}: {username} sees nothing ({visible}, {readable})"
        for dataset in [*visible, rng.choice(hidden[:-1])]:  # every visible dataset's counts at least once
            check_catalog(run, user, scope, dataset, dataset in visible, f"{username}")
        for dataset in (rng.choice(hidden[:-1]), MISSING_DATASET):  # and the preview of a hidden and a missing one
            check_preview(run, user, scope, dataset, False, rng, f"{username}")
        for step in range(REQUESTS_PER_USER):
            where = f"{username} #{step}"
            kind = rng.choices(["query", "values", "preview", "catalog"], weights=[45, 25, 22, 8])[0]
            see = rng.random() > 0.12
            if kind == "query":
                meta = run.metas[rng.choice(visible if see else hidden[:-1])]
                payload, hostile = random_query(rng, meta, own, districts)
                check_query(run, user, scope, payload, see, where)
                if see and hostile:
                    check_forged_filters(run, user, scope, payload, hostile, where)
            elif kind == "values":
                indicator = rng.choice(readable if see or not hidden_indicators else hidden_indicators)
                args = random_values_args(rng, definitions[indicator], own, districts)
                check_values(run, user, scope, indicator, args, indicator in readable, where)
            elif kind == "preview":
                check_preview(run, user, scope, rng.choice(visible if see else hidden), see, rng, where)
            else:
                dataset = rng.choice(visible if see else hidden)
                check_catalog(run, user, scope, dataset, see, where)
        # forged dataset ids in the grid callback's state never return rows
        for forged in ([visible[0], hidden[0]], {"id": visible[0]}, None, "*", INJECTION, f"{visible[0]}' OR '1'='1"):
            answer = user.grid(forged, {"startRow": 0, "endRow": 10})
            if answer.status_code not in (200, 204, 404) or "rowData" in answer.text:
                run.fail(f"{username} grid state={forged!r}", f"{answer.status_code} {answer.text[:200]}")
    assert not run.problems, f"seed={SEED}: {len(run.problems)} problems (stats {run.stats}):\n" + "\n".join(run.problems[:25])
    # The run must have exercised every path with real answers, not only refusals.
    for key in ("query.ok", "query.hidden", "forged.ok", "values.ok", "values.outside", "preview.ok", "preview.hidden", "catalog.ok"):
        assert run.stats.get(key, 0) >= 3, f"seed={SEED}: too few {key} ({run.stats})"
    assert run.stats["query.ok"] > run.stats.get("query.refused", 0), f"seed={SEED}: mostly refused queries ({run.stats})"


SIMPLE_INDICATORS = (
    # indicator, dataset, measure expression, aggregation, time column
    ("hotline.tickets", "hotline_tickets", "ticket_id", "count", "created_at"),
    ("traffic.volume", "traffic_segment_speeds", "volume", "sum", "observed_at"),
    ("environment.pm25", "air_quality_hourly", "pm25", "avg", "observed_at"),
    ("services.applications", "gov_service_applications", "application_id", "count", "submitted_at"),
    ("hotline.citizen_satisfaction", "citizen_survey", "score", "avg", "surveyed_on"),
)


def test_indicator_totals_equal_the_self_service_aggregate(city: Web) -> None:
    """`grain=all` (and `by=district`) of simple indicators equals the same aggregate built by hand."""
    rng = random.Random(SEED + 1)
    checked = 0
    for username in [*SCOPED, "leader"]:
        user = Caller.of(city, username)
        readable = {i["id"] for i in user.client.get("/api/v1/indicators").json["indicators"]}
        for indicator, dataset, expr, agg, time_column in SIMPLE_INDICATORS:
            if indicator not in readable:
                continue
            for _ in range(3):
                start, end = sorted([rand_date(rng), rand_date(rng)])
                where = f"seed={SEED + 1} {username} {indicator} {start}..{end}"
                query = {
                    "dataset": dataset,
                    "measures": [{"expr": expr, "agg": agg, "as": "value"}],
                    "time": {"column": time_column, "from": str(start), "to": str(end)},
                }
                total = user.values(indicator, {"grain": "all", "from": str(start), "to": str(end)})
                by = user.values(indicator, {"grain": "all", "from": str(start), "to": str(end), "by": "district"})
                built = user.query(query)
                built_by = user.query({**query, "dimensions": ["district"]})
                assert total.status_code == by.status_code == built.status_code == built_by.status_code == 200, where
                tolerance = 10.0 ** -total.json["decimals"] / 2 + 1e-6
                value = total.json["rows"][0]["value"] if total.json["rows"] else None
                expected = built.json["rows"][0][0]
                if expected is None or (agg == "count" and expected == 0):
                    assert value in (None, 0), f"{where}: {value} != {expected}"
                else:
                    assert value is not None and abs(value - expected) <= tolerance, f"{where}: indicator {value} != query {expected}"
                per_district = {r["district"]: r["value"] for r in by.json["rows"] if r["value"] is not None}
                built_per = {d: v for d, v in built_by.json["rows"] if v is not None}
                assert set(per_district) == set(built_per), f"{where}: districts {sorted(per_district)} != {sorted(built_per)}"
                for district, v in built_per.items():
                    assert abs(per_district[district] - v) <= tolerance, f"{where} {district}: {per_district[district]} != {v}"
                if username in SCOPED:
                    assert set(per_district) <= {SCOPED[username]}, f"{where}: foreign districts {sorted(per_district)}"
                checked += 1
    assert checked >= 15, f"seed={SEED + 1}: only {checked} comparisons"


def test_dataset_page_and_history_show_no_count_outside_the_scope(city: Web) -> None:
    """The dataset page (through Pages routing) and the version history must not reveal how many rows
    the whole dataset has when the user may see only some of them."""
    admin = Caller.of(city, "admin")
    problems = []
    for username, own in SCOPED.items():
        user = Caller.of(city, username)
        scope = areas_of(admin)[own]
        for summary in user.client.get("/api/v1/datasets").json["datasets"]:
            dataset = summary["id"]
            full = admin.client.get(f"/api/v1/datasets/{dataset}").json["rows"]
            counted = admin.query(
                {"dataset": dataset, "measures": [], "filters": [{"column": "district", "op": "in", "value": sorted(scope)}]}
            )
            scoped = int(counted.json["rows"][0][0])
            assert scoped < full, f"{username} {dataset}: the scope should hide rows ({scoped} of {full})"
            page = user.page(f"/datasets/{dataset}")
            assert page.status_code == 200, page.text[:300]
            content = json.dumps(page.json["response"]["_pages_content"], ensure_ascii=False)
            assert find_prop(page.json["response"]["_pages_content"], "dataset-rows") == f"{scoped:,}"
            leaks = [token for token in (f'"{full:,}"', f'"{full}"', f": {full},", f": {full}}}") if token in content]
            if leaks:
                problems.append(
                    f"{username} page /datasets/{dataset}: shows the whole dataset's {full:,} rows ({leaks}); may see {scoped:,}"
                )
            versions = user.client.get(f"/api/v1/datasets/{dataset}/versions").json["versions"]
            counts = [v.get("rows") for v in versions]
            if any(c is not None and c > scoped for c in counts):
                problems.append(f"{username} GET /api/v1/datasets/{dataset}/versions: rows {counts} > the {scoped:,} rows they may see")
        home = user.page("/")
        shown = {r["id"]: r["rows"] for r in find_prop(home.json["response"]["_pages_content"], "home-grid", "rowData") or []}
        listed = {d["id"]: d["rows"] for d in user.client.get("/api/v1/datasets").json["datasets"]}
        if shown != listed:
            problems.append(f"{username} home page: rows {shown} != the catalog's scoped rows {listed}")
    assert not problems, "row counts outside the scope:\n" + "\n".join(problems)


def test_a_query_cut_by_its_limit_says_truncated(city: Web) -> None:
    """`truncated` must tell the caller that more rows matched than the limit let through, counted
    under their own scope (a scoped count must not make it true or false)."""
    leader, hotline = Caller.of(city, "leader"), Caller.of(city, "hotline_staff")
    for caller, limit in ((leader, 10), (leader, ROW_CAP), (leader, None), (hotline, 10), (hotline, None)):
        payload = {"dataset": "hotline_tickets", "dimensions": ["ticket_id"], "measures": []} | ({"limit": limit} if limit else {})
        answer = caller.query(payload)
        assert answer.status_code == 200 and len(answer.json["rows"]) == (limit or ROW_CAP), answer.text[:300]
        assert answer.json["truncated"] is True, (
            f"{caller.username} limit={limit}: {len(answer.json['rows'])} of thousands of tickets, truncated=false"
        )
    whole = hotline.query({"dataset": "hotline_tickets", "dimensions": ["district"], "measures": [], "limit": 1})
    assert whole.status_code == 200 and len(whole.json["rows"]) == 1 and whole.json["truncated"] is False, whole.text


# -- cache isolation and policy changes (B5) ---------------------------------------------------


def test_identical_inputs_from_two_users_never_share_results(city: Web) -> None:
    east, hightech, leader = Caller.of(city, "traffic_staff"), Caller.of(city, "traffic_staff_gx"), Caller.of(city, "leader")
    query = {
        "dataset": "traffic_segment_speeds",
        "measures": [{"expr": "volume", "agg": "sum", "as": "v"}],
        "dimensions": ["district"],
        "time": {"column": "observed_at", "grain": "year", "from": "2024-01-01", "to": "2025-12-31"},
    }
    args = {"grain": "year", "from": "2024-01-01", "to": "2025-12-31", "by": "district"}
    seen: dict[str, list[Any]] = {}
    for caller in (east, hightech, leader, hightech, east, leader):  # back to back, the second round from the cache
        districts = (
            {r[1] for r in caller.query(query).json["rows"]},
            {r["district"] for r in caller.values("traffic.volume", args).json["rows"]},
            {r[1] for r in caller.rows("traffic_segment_speeds", 0, 1000, "district").json["rows"]},
            {r["district"] for r in caller.grid("traffic_segment_speeds", {"startRow": 0, "endRow": 1000})
             .json["response"]["preview-grid"]["getRowsResponse"]["rowData"]},
            caller.rows("traffic_segment_speeds", 0, 1).json["total"],
        )  # fmt: skip
        seen.setdefault(caller.username, []).append(districts)
    assert seen["traffic_staff"][0][:4] == ({"东城区"},) * 4 and seen["traffic_staff"][0] == seen["traffic_staff"][1]
    assert seen["traffic_staff_gx"][0][:4] == ({"高新区"},) * 4 and seen["traffic_staff_gx"][0] == seen["traffic_staff_gx"][1]
    assert len(seen["leader"][0][0]) == 8 and seen["leader"][0] == seen["leader"][1]
    assert seen["traffic_staff"][0][4] < seen["leader"][0][4] and seen["traffic_staff_gx"][0][4] < seen["leader"][0][4]


def scoped_view(caller: Caller, dataset: str) -> dict[str, Any]:
    """What one user sees of a dataset on every path, in one comparable value."""
    counted = caller.query({"dataset": dataset, "measures": [], "dimensions": ["district"]})
    page = caller.rows(dataset, 0, 1)
    listed = {d["id"]: d["rows"] for d in caller.client.get("/api/v1/datasets").json["datasets"]}
    grid = caller.grid(dataset, {"startRow": 0, "endRow": 1})
    return {
        "query": [tuple(r) for r in counted.json["rows"]] if counted.status_code == 200 else counted.status_code,
        "total": page.json["total"] if page.status_code == 200 else page.status_code,
        "listed": listed.get(dataset),
        "grid": grid.json["response"]["preview-grid"]["getRowsResponse"]["rowCount"] if grid.status_code == 200 else grid.status_code,
    }


def admin_count(admin: Caller, dataset: str, filters: list[dict[str, Any]]) -> int:
    answer = admin.query({"dataset": dataset, "measures": [], "filters": filters})
    assert answer.status_code == 200, answer.text
    return int(answer.json["rows"][0][0])


def test_a_row_policy_applies_on_the_very_next_request(city: Web) -> None:
    admin, user = Caller.of(city, "admin"), Caller.of(city, "traffic_staff")
    dataset, east = "traffic_segment_speeds", "东城区"
    scope = areas_of(admin)[east]
    everything = admin_count(admin, dataset, [{"column": "district", "op": "in", "value": sorted(scope)}])
    morning = admin.query(
        {
            "dataset": dataset,
            "measures": [{"expr": "case when hour(observed_at) < 12 then 1 else 0 end", "agg": "sum"}],
            "filters": [{"column": "district", "op": "=", "value": east}],
        }
    ).json["rows"][0][0]
    assert 0 < morning < everything

    def expect(count: int, when: str) -> None:
        view = scoped_view(user, dataset)
        wanted = {"query": [(east, float(count))] if count else [], "total": count, "listed": count, "grid": count}
        assert view == wanted, f"{when}: {view} != {wanted}"

    expect(everything, "before any policy")
    added: list[int] = []
    try:
        # An area policy on the district column: the same rows as the default scope.
        area = admin.add_policy({"dataset": dataset, "kind": "area", "column": "district"})
        assert area.status_code == 201, area.text
        added.append(area.json["id"])
        expect(everything, "area policy on district")
        # A predicate over the user's attributes narrows it further, at once, without signing in again.
        predicate = admin.add_policy(
            {"dataset": dataset, "kind": "predicate", "template": "district = user_area and hour(observed_at) < 12"}
        )
        assert predicate.status_code == 201, predicate.text
        added.append(predicate.json["id"])
        expect(int(morning), "area + predicate policies")
        values = user.values("traffic.volume", {"grain": "all", "from": "2024-01-01", "to": "2025-12-31"}).json["rows"][0]["value"]
        built = admin.query(
            {
                "dataset": dataset,
                "measures": [{"expr": "case when hour(observed_at) < 12 then volume else 0 end", "agg": "sum"}],
                "time": {"column": "observed_at", "from": "2024-01-01", "to": "2025-12-31"},
                "filters": [{"column": "district", "op": "=", "value": east}],
            }
        ).json["rows"][0][0]
        assert values == built, f"the indicator ignores the new policy: {values} != {built}"
        # An area policy on a column that holds no area names leaves nothing.
        nothing = admin.add_policy({"dataset": dataset, "kind": "area", "column": "road_class"})
        assert nothing.status_code == 201, nothing.text
        added.append(nothing.json["id"])
        expect(0, "an area policy on road_class")
        for policy_id in reversed(added):
            assert admin.remove_policy(policy_id).status_code == 200
        added.clear()
        expect(everything, "after removing every policy")
    finally:
        for policy_id in added:
            admin.remove_policy(policy_id)


def test_a_grant_applies_on_the_very_next_request_and_never_widens_rows(city: Web) -> None:
    admin, user = Caller.of(city, "admin"), Caller.of(city, "traffic_staff")
    dataset, east = "hotline_tickets", "东城区"
    scope = areas_of(admin)[east]
    before = (user.rows(dataset).get_data(), user.query({"dataset": dataset, "measures": []}).status_code)
    missing = user.rows(MISSING_DATASET).get_data()
    assert before == (missing, 404)
    grant = admin.add_grant("dataset", dataset, "user", "traffic_staff", "view")
    assert grant.status_code == 201, grant.text
    try:
        expected = admin_count(admin, dataset, [{"column": "district", "op": "in", "value": sorted(scope)}])
        view = scoped_view(user, dataset)
        assert view == {"query": [(east, float(expected))], "total": expected, "listed": expected, "grid": expected}, view
        preview = user.rows(dataset, 0, 1000).json
        columns = preview["columns"]
        assert {r[columns.index("district")] for r in preview["rows"]} == {east}
        assert all(
            MASK["caller_phone"].match(r[columns.index("caller_phone")]) for r in preview["rows"] if r[columns.index("caller_phone")]
        )
    finally:
        assert admin.remove_grant(grant.json["id"]).status_code == 200
    after = user.rows(dataset)
    assert after.status_code == 404 and after.get_data() == missing
    assert dataset not in {d["id"] for d in user.client.get("/api/v1/datasets").json["datasets"]}


# -- masked columns (B6) -----------------------------------------------------------------------


def mask(kind: str, raw: str) -> str:
    if kind == "applicant_id_card":
        return raw[:6] + "*" * max(len(raw) - 10, 0) + raw[-4:]
    if kind == "applicant_phone":
        return raw[:3] + "*" * max(len(raw) - 7, 0) + raw[-4:]
    return raw[:1] + "*" * max(len(raw) - 1, 1)


def raw_applications(admin: Caller) -> dict[str, dict[str, Any]]:
    """Every application as stored (the admin may unmask), by id."""
    out: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        page = admin.rows("gov_service_applications", offset, 1000).json
        out |= {row[0]: dict(zip(page["columns"], row, strict=True)) for row in page["rows"]}
        offset += 1000
        if offset >= page["total"]:
            return out


def test_masked_columns_cannot_be_inferred_and_unmask_applies_at_once(city: Web) -> None:
    admin, user = Caller.of(city, "admin"), Caller.of(city, "gov_staff")
    dataset, own = "gov_service_applications", "高新区"
    stored = raw_applications(admin)
    mine = {k: r for k, r in stored.items() if r["district"] == own}
    secrets = {str(r[c]) for r in stored.values() for c in PII if r[c] and len(str(r[c])) >= 3}
    digits = {s for s in secrets if s[:3].isdigit()}
    sample = next(iter(mine.values()))
    phone, card, name = sample["applicant_phone"], sample["applicant_id_card"], sample["applicant_name"]
    assert phone and card and name and len(digits) > 1000

    def refused(response: TestResponse, what: str) -> None:
        assert response.status_code in (400, 422), f"{what}: {response.status_code} {response.text[:300]}"
        body = text_of(response)
        echoed = [s for s in secrets if s in body] + [v for v in (phone, card, name) if v in body]
        assert not echoed, f"{what}: the error echoes stored values {echoed[:3]}"

    base: dict[str, Any] = {"dataset": dataset, "measures": []}
    aggs = ("sum", "avg", "count", "count_distinct", "min", "max", "median", "p90", "p95")
    for column in PII:
        value = {"applicant_phone": phone, "applicant_id_card": card, "applicant_name": name}[column]
        for agg in aggs:
            refused(user.query({**base, "measures": [{"expr": column, "agg": agg}]}), f"{agg}({column})")
        refused(user.query({**base, "dimensions": [column]}), f"group by {column}")
        refused(user.query({**base, "dimensions": ["district", column]}), f"group by district, {column}")
        refused(user.query({**base, "time": {"column": column, "grain": "day"}}), f"time column {column}")
        for op in OPS:
            operand: Any = {"in": [value, "x"], "not_in": [value], "between": [value, value], "like": value[:3]}.get(op, value)
            refused(user.query({**base, "filters": [{"column": column, "op": op, "value": operand}]}), f"filter {column} {op}")
        for variant in (column.upper(), f'"{column}"', f"ds.{column}", f" {column}"):
            refused(user.query({**base, "filters": [{"column": variant, "op": "=", "value": value}]}), f"filter on {variant!r}")
            refused(user.query({**base, "dimensions": [variant]}), f"group by {variant!r}")
        for order in ([column], [f"-{column}"], [{"column": column, "desc": True}]):
            refused(user.query({**base, "dimensions": ["district"], "order_by": order}), f"order by {order}")
        for sort in (column, f"-{column}", f"district,{column}"):
            refused(user.rows(dataset, 0, 10, sort), f"preview sort={sort}")
        refused(user.grid(dataset, {"startRow": 0, "endRow": 10, "sortModel": [{"colId": column, "sort": "asc"}]}), f"grid sort {column}")
        refused(user.values("services.applications", {"by": column}), f"indicator by={column}")
        refused(user.values("services.applications", {column: value}), f"indicator filter {column}")
        refused(
            user.values("services.applications", {"grain": "all", column: value, "by": "district"}),
            f"indicator filter {column} by district",
        )
    expressions = (
        "length(applicant_phone)",
        "case when applicant_phone like '138%' then 1 else 0 end",
        f"case when applicant_id_card = '{card}' then 1 else 0 end",
        f"applicant_phone = '{phone}'",
        "applicant_phone > '13800000000'",
        "applicant_phone between '138' and '139'",
        f"applicant_name in ('{name}')",
        "applicant_id_card is null",
        "substr(applicant_id_card, 7, 8)",
        "substring(applicant_phone, 1, 3)",
        "left(applicant_phone, 3)",
        "right(applicant_id_card, 1)",
        "cast(applicant_id_card as bigint)",
        "cast(applicant_phone as double) / 1e10",
        "coalesce(applicant_name, 'x')",
        "nullif(applicant_phone, '')",
        "greatest(applicant_phone, '1')",
        "abs(cast(applicant_phone as bigint))",
        "date_part('year', cast(substr(applicant_id_card, 7, 8) as date))",
        "date_diff('day', cast(applicant_phone as timestamp), submitted_at)",
        '"applicant_phone"',
        '"APPLICANT_PHONE"',
        "ds.applicant_phone",
        "APPLICANT_PHONE",
        "applicant_phone::bigint",
        "hash(applicant_phone)",
        "md5(applicant_id_card)",
        "strlen(applicant_name)",
        "contains(applicant_phone, '138')",
        "starts_with(applicant_phone, '138')",
        "regexp_matches(applicant_phone, '^138')",
        "(select max(applicant_phone) from gov_service_applications)",
        "columns('applicant_.*')",
        "*",
    )
    for expr in expressions:
        for agg in ("sum", "count", "max"):
            refused(user.query({**base, "measures": [{"expr": expr, "agg": agg}]}), f"{agg}({expr})")
        refused(user.explain({**base, "measures": [{"expr": expr, "agg": "sum"}]}), f"explain {expr}")
    hotline = Caller.of(city, "hotline_staff")
    for request in (
        {"dataset": "hotline_tickets", "measures": [{"expr": "caller_phone", "agg": "count_distinct"}]},
        {"dataset": "hotline_tickets", "measures": [], "dimensions": ["caller_phone"]},
        {"dataset": "hotline_tickets", "measures": [], "filters": [{"column": "caller_phone", "op": "like", "value": "138"}]},
        {"dataset": "hotline_tickets", "measures": [{"expr": "case when caller_phone like '139%' then 1 else 0 end", "agg": "sum"}]},
    ):
        refused(hotline.query(request), f"hotline_staff {request}")
    refused(hotline.rows("hotline_tickets", 0, 10, "caller_phone"), "hotline_staff sort caller_phone")
    # The refusals are the policy, not a broken query: the admin may do the same.
    assert admin.query({**base, "measures": [{"expr": "applicant_phone", "agg": "count_distinct"}]}).status_code == 200

    def preview_of(caller: Caller) -> tuple[dict[str, dict[str, Any]], int, list[dict[str, Any]]]:
        page = caller.rows(dataset, 0, 1000).json
        grid = caller.grid(dataset, {"startRow": 0, "endRow": 1000}).json["response"]["preview-grid"]["getRowsResponse"]
        return {row[0]: dict(zip(page["columns"], row, strict=True)) for row in page["rows"]}, page["total"], grid["rowData"]

    def assert_masked(when: str) -> None:
        rows, total, grid = preview_of(user)
        assert total == len(rows) == len(mine) and set(rows) == set(mine), f"{when}: {total} rows"
        assert list(rows.values()) == grid, f"{when}: the grid callback and the API preview disagree"
        for key, row in rows.items():
            for column in PII:
                assert row[column] == mask(column, mine[key][column]), f"{when}: {column} {row[column]!r} is not the masked value"
                assert MASK[column].match(row[column]), f"{when}: {column} {row[column]!r}"
        response = user.rows(dataset, 0, 1000)
        leaked = [s for s in digits if s in response.get_data(as_text=True)]
        assert not leaked, f"{when}: raw values in the preview: {leaked[:3]}"
        refused(user.query({**base, "dimensions": ["applicant_phone"]}), f"{when}: group by applicant_phone")

    assert_masked("before the grant")
    grant = admin.add_grant("dataset", dataset, "user", "gov_staff", "unmask")
    assert grant.status_code == 201, grant.text
    try:
        rows, total, grid = preview_of(user)  # the very next request, same session
        assert total == len(mine) and set(rows) == set(mine), "an unmask grant must not widen the row scope"
        assert rows == mine, "with the unmask grant the preview shows the stored values"
        assert list(rows.values()) == grid
        distinct = user.query({**base, "measures": [{"expr": "applicant_phone", "agg": "count_distinct", "as": "n"}]})
        assert distinct.status_code == 200 and distinct.json["rows"][0][0] == len(
            {r["applicant_phone"] for r in mine.values() if r["applicant_phone"]}
        )
        grouped = user.query({**base, "dimensions": ["district", "applicant_phone"], "limit": 500})
        assert grouped.status_code == 200 and {r[0] for r in grouped.json["rows"]} == {own}
    finally:
        assert admin.remove_grant(grant.json["id"]).status_code == 200
    assert_masked("after the grant was removed")
