"""Flask CLI: `flask --app app departments|users|datasets|demo|db ...`; bad input exits non-zero with a clear message."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

import runtime
from access.actor import SYSTEM
from access.departments import create_department
from access.users import create_user, issue_token
from datasets.importer import ImportMode, ImportReport, ImportRequest
from errors import UserError
from store import migrate

departments = AppGroup("departments", help="Manage departments.")
users = AppGroup("users", help="Manage users and API tokens.")
datasets = AppGroup("datasets", help="Import datasets into the warehouse.")
demo = AppGroup("demo", help="The demo city.")
db = AppGroup("db", help="Migrations of the metadata store.")
indicators = AppGroup("indicators", help="The indicator catalog.")
jobs = AppGroup("jobs", help="Periodic jobs: run what is due, list the schedule and the run history.")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user-facing error into a message on stderr and exit status 1."""
    try:
        yield
    except UserError as exc:
        lines = [exc.message("en")] + [f"  - {i.message('en')}" for i in exc.issues]
        raise click.ClickException("\n".join(lines)) from None


@departments.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name, e.g. 交通运输局.")
@click.option("--name-en", default="", help="English name.")
def departments_create(code: str, name: str, name_en: str) -> None:
    """Create a department with a lower_snake CODE."""
    with user_errors(), runtime.current().store.transaction() as session:
        create_department(session, code, name, name_en)
    click.echo(f"Created department {code}.")


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, help="admin, analyst, staff or leader.")
@click.option("--department", default="", help="Department code (required).")
@click.option("--district", default=None, help="Area name such as 东城区: the user's row scope.")
@click.option("--display-name", default="", help="Name shown in the UI.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, role: str, department: str, district: str | None, display_name: str, password_stdin: bool) -> None:
    """Create a user; the password is read from stdin so it never appears in shell history."""
    if not password_stdin:
        raise click.UsageError("Pass the password on standard input with --password-stdin.")
    if not department:
        raise click.UsageError("--department CODE is required: every user belongs to a department.")
    password = sys.stdin.readline().rstrip("\r\n")
    with user_errors(), runtime.current().store.transaction() as session:
        create_user(session, username, password, role, department, district, display_name)
    click.echo(f"Created user {username} ({role}).")


@users.command("token")
@click.argument("username")
@click.option("--name", default="cli", help="A label for the token.")
def users_token(username: str, name: str) -> None:
    """Print a new API token for USERNAME (shown once; only its hash is stored)."""
    with user_errors(), runtime.current().store.transaction() as session:
        token = issue_token(session, username, name)
    click.echo(token)


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Imported {report.rows:,} rows into {report.dataset_id} (version {report.version}) in {report.seconds:.1f}s "
        f"[{report.source_format}{', ' + report.encoding if report.encoding else ''}]."
    )
    for col in report.columns:
        click.echo(f"  {col['name']:<32} {col['type']:<10} {col['role']:<10} {'PII ' + (col['pii_kind'] or '') if col['pii'] else ''}")
    for issue in report.issues:
        click.echo(f"  note: {issue.message('en')}")
    for check in report.checks:
        if check.get("severity") == "warning":
            click.echo(f"  check: {check['message_en']}")


def _import_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--name", default="", help="Display name (Chinese); required for a new dataset."),
            click.option("--name-en", default="", help="Display name (English)."),
            click.option("--department", required=True, help="Owning department code."),
            click.option(
                "--dataset", "dataset_id", default=None, help="Existing dataset id to replace or append to, or the id for a new one."
            ),
            click.option("--mode", type=click.Choice(["replace", "append"]), default="replace"),
            click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON."),
        ]
    ):
        func = option(func)
    return func


@datasets.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_import_options
def datasets_import(path: Path, name: str, name_en: str, department: str, dataset_id: str | None, mode: str, as_json: bool) -> None:
    """Import a CSV/TSV/XLSX/Parquet/JSON file (safe to run while the server serves)."""
    request = ImportRequest(name=name or path.stem, name_en=name_en, department=department, dataset_id=dataset_id, mode=ImportMode(mode))
    with user_errors():
        report = runtime.current().importer.import_file(SYSTEM, path, path.name, request)
    _print_report(report, as_json)


@datasets.command("import-sql")
@click.argument("url")
@click.option("--table", default=None, help="Table to read.")
@click.option("--query", default=None, help="SELECT to read instead of a table.")
@_import_options
def datasets_import_sql(
    url: str,
    table: str | None,
    query: str | None,
    name: str,
    name_en: str,
    department: str,
    dataset_id: str | None,
    mode: str,
    as_json: bool,
) -> None:
    """Import a table or query from a database given by a SQLAlchemy URL."""
    request = ImportRequest(
        name=name or (table or "query"), name_en=name_en, department=department, dataset_id=dataset_id, mode=ImportMode(mode)
    )
    with user_errors():
        report = runtime.current().importer.import_sql(SYSTEM, url, request, table=table, query=query)
    _print_report(report, as_json)


@demo.command("load")
@click.option("--scale", type=float, default=None, help="Size multiplier (default CITY_DEMO_SCALE).")
def demo_load(scale: float | None) -> None:
    """Seed the demo city, its datasets and demo users into an empty instance."""
    from demo.seed import print_logins, seed_if_empty

    rt = runtime.current()
    if seed_if_empty(rt, scale if scale is not None else rt.settings.demo_scale, echo=click.echo):
        print_logins()
    else:
        click.echo("The instance already has departments; nothing was seeded.")


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(runtime.current().settings.metadata_url, revision)
    click.echo(f"Metadata store at {revision}.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(runtime.current().settings.metadata_url, revision)
    click.echo(f"Metadata store at {revision}.")


@indicators.command("validate")
@click.option(
    "--catalog",
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of YAML definitions (default: indicators/catalog).",
)
def indicators_validate(folder: Path | None) -> None:
    """Check every catalog definition against the rules and the current datasets; exit 1 listing every issue."""
    from indicators.registry import CATALOG_DIR, load_catalog
    from indicators.rules import RuleContext, validate

    definitions, problems = load_catalog(folder or CATALOG_DIR)
    context = runtime.current().door.rule_context(SYSTEM)
    known = {**context.indicators, **{d.id: d for d in definitions}}
    context = RuleContext(context.datasets, known, context.departments)
    for definition in definitions:
        problems += validate(definition, context)
    for issue in problems:
        where = f" (line {issue.line}, col {issue.col})" if issue.line else ""
        click.echo(f"- {issue.message_en}{where}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problems in {len(definitions)} definitions.")
    click.echo(f"{len(definitions)} definitions are valid.")


@indicators.command("eval")
@click.argument("indicator_id")
@click.option("--grain", default=None, help="hour, day, week, month, quarter, year or all.")
@click.option("--from", "start", default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="Last day (YYYY-MM-DD).")
@click.option("--by", default=None, help="Comma-separated dimensions.")
@click.option("--compare", default=None, help="baseline, previous or year_ago.")
@click.option("--filter", "filters", multiple=True, help="dimension=value (repeatable).")
@click.option("--as", "username", default=None, help="Evaluate as this user (their policy applies); default: system.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
def indicators_eval(
    indicator_id: str,
    grain: str | None,
    start: str | None,
    end: str | None,
    by: str | None,
    compare: str | None,
    filters: tuple[str, ...],
    username: str | None,
    as_json: bool,
) -> None:
    """Evaluate an indicator from the terminal, exactly as GET /api/v1/indicators/{id}/values does."""
    from access.users import to_actor, user_by_name
    from query.evaluate import values

    rt = runtime.current()
    args = {k: v for k, v in {"grain": grain, "from": start, "to": end, "by": by, "compare": compare}.items() if v}
    for item in filters:
        key, _, value = item.partition("=")
        args[key.strip()] = value.strip()
    with user_errors():
        actor = SYSTEM
        if username:
            with rt.store.read() as session:
                actor = to_actor(user_by_name(session, username), session)
        result = values(rt.door, actor, indicator_id, args)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"{result['name']['en']} ({result['unit']}, {result['direction']}) {result['from']}..{result['to']} by {result['grain']}")
    for row in result["rows"]:
        dims = " ".join(str(row[d]) for d in result["by"])
        moved = f"{row['change']} pp" if result.get("change_unit") == "pp" else f"{row['change_pct']}%"  # a percent moves in points
        extra = f"  vs {row['compare_value']} ({moved})" if result["compare"] else ""
        target = f"  target {row['target']} {row['status']}" if row["target"] is not None else ""
        click.echo(f"  {row['period']:<12} {dims:<12} {row['value']}{target}{extra}")


@jobs.command("run-due")
@click.option("--now", "at", default=None, help="Run as if it were this ISO time (UTC when it has no offset); default: now.")
def jobs_run_due(at: str | None) -> None:
    """Run every job that is due once and exit (for cron and tests); a job another process holds is skipped."""
    from jobs.clock import parse_instant

    try:
        now = parse_instant(at) if at else None
    except ValueError:
        raise click.BadParameter(f"{at!r} is not an ISO time such as 2026-12-06T08:00:00+08:00.", param_hint="--now") from None
    ran = runtime.current().jobs.run_due(now)
    for run in ran:
        click.echo(f"{run.job}: {run.outcome} (due {run.due_at.isoformat()} UTC){' - ' + run.error if run.error else ''}")
    if not ran:
        click.echo("No job was due.")
    if any(run.outcome == "failed" for run in ran):
        raise SystemExit(1)


@jobs.command("list")
def jobs_list() -> None:
    """The registered jobs, when each is next due and who holds it."""
    rt = runtime.current()
    rows = {row.name: row for row in rt.jobs.schedule()}
    for name, job in rt.jobs.jobs.items():
        row = rows.get(name)
        due = row.next_due_at.isoformat() if row else "at the next run"
        held = f", held by {row.lease_holder} until {row.lease_until}" if row and row.lease_holder else ""
        click.echo(f"{name:<32} every {job.every}  next due {due} UTC{held}")


@jobs.command("history")
@click.option("--job", default=None, help="Only this job.")
@click.option("--limit", type=int, default=20)
def jobs_history(job: str | None, limit: int) -> None:
    """The latest runs: job, due, started, finished, outcome and error."""
    for run in runtime.current().jobs.history(job, limit):
        finished = run.finished_at.isoformat() if run.finished_at else "-"
        click.echo(
            f"{run.job:<32} due {run.due_at.isoformat()} started {run.started_at.isoformat()} finished {finished} {run.outcome} {run.error}"
        )


@click.command("worker")
@click.option("--poll", type=float, default=30.0, help="Seconds between looks for due jobs.")
def worker(poll: float) -> None:
    """Run due jobs until stopped, as a process of its own (several may run: each due job runs once)."""
    from jobs.runner import Scheduler

    scheduler = Scheduler(runtime.current().jobs, poll)
    click.echo(f"Worker running {len(scheduler.runner.jobs)} jobs every {poll:g}s; Ctrl-C stops it.")
    try:
        scheduler.loop()
    except KeyboardInterrupt:
        scheduler.stop()


def register(server: Flask) -> None:
    for group in (departments, users, datasets, demo, db, indicators, jobs):
        server.cli.add_command(group)
    server.cli.add_command(worker)
