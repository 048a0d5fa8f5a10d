"""Versions are atomic: replace and append publish whole new versions; failures and kills leave the old one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from access.actor import SYSTEM
from datasets.importer import ImportMode, ImportRequest
from errors import UserError
from tests.conftest import ROOT, actor_of
from tests.warehouse import read_stored


def write_csv(path: Path, rows: list[tuple[Any, ...]], header: str = "district,cases") -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return path


def state(rt: Any, dataset_id: str) -> tuple[int, int, list[tuple[Any, ...]]]:
    """(data_version, rows in catalog, rows actually read through the engine)."""
    from datasets.catalog import get_dataset

    with rt.store.read() as session:
        info = get_dataset(session, SYSTEM, dataset_id)
    rows = read_stored(rt, {"d": info.file}, "SELECT * FROM d.data ORDER BY ALL").rows
    return info.data_version, info.rows, rows


def load(rt: Any, path: Path, dataset_id: str | None = "cases", mode: ImportMode = ImportMode.REPLACE, department: str = "traffic") -> Any:
    return rt.importer.import_file(
        SYSTEM, path, path.name, ImportRequest(name="案件", department=department, dataset_id=dataset_id, mode=mode)
    )


def test_replace_and_append_each_publish_a_new_version(rt: Any, tmp_path: Path) -> None:
    first = load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1), ("西城区", 2)]))
    assert (first.dataset_id, first.version) == ("cases", 1)
    load(rt, write_csv(tmp_path / "b.csv", [("东城区", 10)]))
    assert state(rt, "cases") == (2, 1, [("东城区", 10)])
    appended = load(rt, write_csv(tmp_path / "c.csv", [("高新区", 7)]), mode=ImportMode.APPEND)
    assert appended.version == 3
    assert state(rt, "cases") == (3, 2, [("东城区", 10), ("高新区", 7)])


def test_append_with_a_type_change_is_refused_and_keeps_the_version(rt: Any, tmp_path: Path) -> None:
    load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1), ("西城区", 2)]))
    before = state(rt, "cases")
    with pytest.raises(UserError) as caught:
        load(rt, write_csv(tmp_path / "b.csv", [("东城区", 3), ("西城区", "很多")]), mode=ImportMode.APPEND)
    assert [(i.code, i.column, i.rows) for i in caught.value.issues] == [("append.type_changed", "cases", (3,))]
    with pytest.raises(UserError) as extra:
        load(rt, write_csv(tmp_path / "c.csv", [("东城区", 3, 1)], "district,cases,extra"), mode=ImportMode.APPEND)
    assert [i.code for i in extra.value.issues] == ["append.extra_column"]
    assert state(rt, "cases") == before


def test_failure_injected_mid_import_keeps_the_previous_version(rt: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1)]))
    before = state(rt, "cases")
    files_before = sorted(p.name for p in rt.warehouse.root.rglob("*.duckdb"))
    from datasets import profile

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(profile, "dataset_checks", explode)
    with pytest.raises(RuntimeError):
        load(rt, write_csv(tmp_path / "b.csv", [("西城区", 99)] * 10))
    assert state(rt, "cases") == before
    assert sorted(p.name for p in rt.warehouse.root.rglob("*.duckdb")) == files_before
    assert not list(rt.warehouse.root.rglob("*.part"))


def test_failure_in_the_catalog_commit_removes_the_new_file(rt: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1)]))
    before = state(rt, "cases")
    from datasets import importer

    monkeypatch.setattr(importer, "_replace_columns", lambda *_a: (_ for _ in ()).throw(RuntimeError("store down")))
    with pytest.raises(RuntimeError):
        load(rt, write_csv(tmp_path / "b.csv", [("西城区", 5)]))
    assert state(rt, "cases") == before
    assert len(list(rt.warehouse.root.rglob("*.duckdb"))) == 1


def test_same_display_name_in_two_departments_never_collides(rt: Any, tmp_path: Path) -> None:
    a = load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1)]), dataset_id=None, department="traffic")
    b = load(rt, write_csv(tmp_path / "b.csv", [("西城区", 2)]), dataset_id=None, department="hotline")
    assert a.dataset_id != b.dataset_id
    from datasets.catalog import list_datasets

    with rt.store.read() as session:
        traffic = [d.id for d in list_datasets(session, actor_of(rt, "traffic_staff"))]
        hotline = [d.id for d in list_datasets(session, actor_of(rt, "hotline_staff"))]
        keys = {d.id: d.file.split("/")[0] for d in list_datasets(session, SYSTEM)}
    assert (traffic, hotline) == ([a.dataset_id], [b.dataset_id])
    assert keys[a.dataset_id] != keys[b.dataset_id]
    assert state(rt, a.dataset_id)[2] == [("东城区", 1)] and state(rt, b.dataset_id)[2] == [("西城区", 2)]


def test_old_version_files_are_collected_beyond_the_kept_count(rt: Any, tmp_path: Path) -> None:
    for n in range(6):
        load(rt, write_csv(tmp_path / f"{n}.csv", [("东城区", n)]))
    folder = next(p for p in rt.warehouse.root.iterdir() if p.is_dir() and p.name != "tmp")
    rt.warehouse.collect(folder.name, keep=set(), grace_seconds=10**9)  # nothing old enough: nothing removed
    assert len(list(folder.glob("*.duckdb"))) == 6
    from sqlalchemy import select

    from datasets.models import DatasetVersion

    with rt.store.read() as session:
        files = [v.file for v in session.scalars(select(DatasetVersion).order_by(DatasetVersion.version.desc()))]
    removed = rt.warehouse.collect(folder.name, keep=set(files[: rt.settings.keep_versions + 1]), grace_seconds=0)
    assert sorted(removed) == sorted(files[rt.settings.keep_versions + 1 :])
    assert state(rt, "cases")[2] == [("东城区", 5)]


KILL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
import runtime
from access.actor import SYSTEM
from datasets.importer import ImportRequest
from tests.conftest import make_settings
rt = runtime.build_runtime(make_settings(Path({data_dir!r})))
rt.importer.import_file(SYSTEM, Path({path!r}), "big.csv", ImportRequest(name="案件", department="traffic", dataset_id="cases"))
print("finished")
"""


@pytest.mark.slow
def test_killed_import_leaves_the_previous_version_and_a_retry_works(rt: Any, tmp_path: Path) -> None:
    load(rt, write_csv(tmp_path / "a.csv", [("东城区", 1)]))
    before = state(rt, "cases")
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("district,cases\n")
        for i in range(1_500_000):
            fh.write(f"东城区,{i}\n")
    script = KILL_SCRIPT.format(root=str(ROOT), data_dir=str(rt.settings.data_dir), path=str(big))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while not list(rt.warehouse.root.rglob("*.part")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert state(rt, "cases") == before
    retry = load(rt, big)
    assert retry.version == 2 and retry.rows == 1_500_000
    assert state(rt, "cases")[:2] == (2, 1_500_000)
