"""The Flask CLI of API.md: `flask --app app ...` in a real subprocess, clear errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, real_file


def flask(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITY_DATA_DIR": str(data_dir), "CITY_DEMO": "0", "CITY_LOG_LEVEL": "WARNING"}
    env.pop("CITY_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_departments_users_tokens_and_import(tmp_path: Path) -> None:
    data = tmp_path / "instance"
    assert flask(data, "departments", "create", "traffic", "--name", "交通运输局").returncode == 0
    created = flask(
        data,
        "users",
        "create",
        "wang",
        "--role",
        "staff",
        "--department",
        "traffic",
        "--district",
        "东城区",
        "--password-stdin",
        stdin="long-enough-pass\n",
    )
    assert created.returncode == 1 and "Area '东城区' does not exist" in created.stderr  # no area tree in a bare instance
    created = flask(
        data, "users", "create", "wang", "--role", "staff", "--department", "traffic", "--password-stdin", stdin="long-enough-pass\n"
    )
    assert created.returncode == 0, created.stderr
    token = flask(data, "users", "token", "wang")
    assert token.returncode == 0 and token.stdout.strip().startswith("cic_")
    path = real_file("somerville_happiness_survey_2015.csv")
    imported = flask(data, "datasets", "import", str(path), "--name", "幸福感调查", "--department", "traffic")
    assert imported.returncode == 0, imported.stderr
    assert "Imported 143 rows into" in imported.stdout and "check: 18 rows are exact copies" in imported.stdout


@pytest.mark.slow
def test_bad_input_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    data = tmp_path / "instance"
    cases = [
        (("departments", "create", "Bad Code!", "--name", "x"), "Department code 'Bad Code!' is invalid"),
        (("users", "create", "li", "--role", "mayor", "--department", "nowhere", "--password-stdin"), "Role 'mayor' is invalid"),
        (("users", "create", "li", "--role", "staff", "--department", "traffic"), "--password-stdin"),
        (("users", "token", "ghost"), "does not exist"),
    ]
    for args, message in cases:
        result = flask(data, *args, stdin="short\n")
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2,3\n", encoding="utf-8")
    flask(data, "departments", "create", "traffic", "--name", "交通运输局")
    result = flask(data, "datasets", "import", str(bad), "--department", "traffic")
    assert result.returncode == 1 and "Row 2 has too many fields" in result.stderr
