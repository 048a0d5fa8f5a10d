"""The indicator registry: YAML catalog and drafts in the metadata store, one typed model, every version kept.

The YAML files under `indicators/catalog/` are synced into the store at start-up: a catalog file
whose definition changed becomes a new certified version, so the store holds the full history of
both catalog and authored indicators. Authoring creates drafts; owners or admins certify them —
through indicators/commands.py, the only writer of authored versions: the registry reads.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.actor import Actor
from access.policy import IndicatorFacts, VersionFacts, raise_for_indicator, readable_version
from errors import Issue, NotFound
from indicators.batch import generation, remembered
from indicators.models import IndicatorRecord, IndicatorVersion
from indicators.rules import RuleContext, validate
from indicators.spec import Indicator, Status, parse_indicator
from store.base import utcnow
from store.engine import Store
from store.generation import Kept

log = logging.getLogger(__name__)
CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
CATALOG_AUTHOR = "catalog"


def load_catalog(folder: Path = CATALOG_DIR) -> tuple[list[Indicator], list[Issue]]:
    """Every definition in the YAML files (a mapping or a list of mappings per file), with parse issues."""
    found: list[Indicator] = []
    issues: list[Issue] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            issues.append(
                Issue(
                    "catalog.yaml",
                    f"{path.name}：YAML 格式有误。",
                    f"{path.name}: the YAML is malformed.",
                    line=mark.line + 1 if mark else None,
                    col=mark.column + 1 if mark else None,
                )
            )
            continue
        for item in data if isinstance(data, list) else [data]:
            indicator, problems = parse_indicator(item)
            issues += [replace(i, message_zh=f"{path.name}：{i.message_zh}", message_en=f"{path.name}: {i.message_en}") for i in problems]
            if indicator is not None:
                found.append(indicator)
    return found, issues


def definition_of(ind: Indicator) -> dict[str, Any]:
    """What is versioned: the definition without its version number and status."""
    data = ind.to_dict()
    data.pop("version", None)
    data.pop("status", None)
    return data


def _model(record: IndicatorRecord, version: IndicatorVersion) -> Indicator:
    indicator, _ = parse_indicator({**version.definition, "version": version.version, "status": version.status})
    assert indicator is not None, f"stored definition of {record.id} v{version.version} no longer parses"
    return indicator


def sync_catalog(store: Store, indicators: list[Indicator]) -> int:
    """Store catalog definitions that are new or changed as new certified versions; returns how many.

    A file is compared with the last version that came from the catalog, not with the current one: a version
    an analyst saved in the app since then stays current until the file itself changes."""
    changed = 0
    with store.transaction() as session:
        for ind in indicators:
            record = session.get(IndicatorRecord, ind.id)
            definition = definition_of(ind)
            if record is not None:
                synced = session.scalar(
                    select(IndicatorVersion)
                    .where(IndicatorVersion.indicator_id == record.id, IndicatorVersion.created_by == CATALOG_AUTHOR)
                    .order_by(IndicatorVersion.version.desc())
                    .limit(1)
                )
                if (synced or current_row(session, record)).definition == definition:
                    continue
            changed += 1
            add_version(session, record, ind, definition, CATALOG_AUTHOR, Status(ind.status), origin="catalog")
    return changed


def current_row(session: Session, record: IndicatorRecord) -> IndicatorVersion:
    found = session.scalar(
        select(IndicatorVersion).where(IndicatorVersion.indicator_id == record.id, IndicatorVersion.version == record.current_version)
    )
    assert found is not None
    return found


def _versions(session: Session, indicator_id: str) -> list[IndicatorVersion]:
    """Every version of one indicator, oldest first."""
    query = select(IndicatorVersion).where(IndicatorVersion.indicator_id == indicator_id).order_by(IndicatorVersion.version)
    return list(session.scalars(query).all())


def _facts(record: IndicatorRecord, versions: list[IndicatorVersion]) -> IndicatorFacts:
    """What access.policy needs to decide which version of `record` an actor reads."""
    return IndicatorFacts(
        record.id, record.department, record.owner, tuple(VersionFacts(v.version, v.status, v.created_by) for v in versions)
    )


def add_version(
    session: Session, record: IndicatorRecord | None, ind: Indicator, definition: dict[str, Any], author: str, status: Status, origin: str
) -> IndicatorVersion:
    now = utcnow()
    if record is None:
        record = IndicatorRecord(
            id=ind.id, department=ind.department, owner=ind.owner, status=status.value, current_version=0, origin=origin
        )
        session.add(record)
        session.flush()
    version = IndicatorVersion(
        indicator_id=ind.id,
        version=record.current_version + 1,
        status=status.value,
        definition=definition,
        created_by=author,
        certified_by=author if status is Status.CERTIFIED else None,
        certified_at=now if status is Status.CERTIFIED else None,
    )
    session.add(version)
    record.current_version = version.version
    record.status = status.value
    record.department = ind.department
    record.owner = ind.owner
    record.updated_at = now
    session.flush()
    return version


class Registry:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.kept = Kept()  # version facts and parsed definitions, per metadata generation

    def all(self) -> dict[str, Indicator]:
        """Current version of every indicator, drafts included: for taken ids only, never to show anyone."""
        with self.store.read() as session:
            records = session.scalars(select(IndicatorRecord).where(IndicatorRecord.deleted_at.is_(None))).all()
            return {r.id: _model(r, current_row(session, r)) for r in records}

    def visible(self, actor: Actor) -> list[Indicator]:
        """Every indicator `actor` may read, each in the version they read (see access.policy.readable_version):
        another's draft is left out, or shown as its latest certified version."""
        with self.store.read() as session:
            records = session.scalars(select(IndicatorRecord).where(IndicatorRecord.deleted_at.is_(None))).all()
            rows = session.scalars(select(IndicatorVersion).order_by(IndicatorVersion.indicator_id, IndicatorVersion.version)).all()
        versions: dict[str, list[IndicatorVersion]] = {}
        for row in rows:
            versions.setdefault(row.indicator_id, []).append(row)
        found = []
        for record in records:
            mine = versions.get(record.id, [])
            number = readable_version(actor, _facts(record, mine))
            if number is not None:
                found.append(_model(record, next(v for v in mine if v.version == number)))
        return sorted(found, key=lambda i: (i.department, i.id))

    def get(self, actor: Actor, indicator_id: str, version: int | None = None) -> Indicator:
        """The definition (the version the actor reads, or a given one); NotFound when missing or not visible,
        NotCertified (also a NotFound) when the actor could read it but no version is certified yet. The versions'
        facts and the parsed definition are kept per metadata generation; who reads which version is decided anew."""
        if not isinstance(indicator_id, str) or len(indicator_id) > 120:
            raise NotFound("指标", "indicator")
        return remembered(("indicator", actor, indicator_id, version), lambda: self._get(actor, indicator_id, version))

    def _get(self, actor: Actor, indicator_id: str, version: int | None) -> Indicator:
        now = generation(self.store)
        facts = self.kept.get(now, ("facts", indicator_id), lambda: self._facts(indicator_id), keep=(NotFound,))
        number = raise_for_indicator(actor, facts, version)
        return self.kept.get(now, ("model", indicator_id, number), lambda: self._model(indicator_id, number))

    def _facts(self, indicator_id: str) -> IndicatorFacts:
        """Who may read which version: the record and each version's number, status and author (no definitions)."""
        with self.store.read() as session:
            record = session.get(IndicatorRecord, indicator_id)
            if record is None or record.deleted_at is not None:
                raise NotFound("指标", "indicator")
            rows = session.execute(
                select(IndicatorVersion.version, IndicatorVersion.status, IndicatorVersion.created_by)
                .where(IndicatorVersion.indicator_id == record.id)
                .order_by(IndicatorVersion.version)
            ).all()
        return IndicatorFacts(record.id, record.department, record.owner, tuple(VersionFacts(n, st, by) for n, st, by in rows))

    def _model(self, indicator_id: str, number: int) -> Indicator:
        """One stored version, parsed."""
        with self.store.read() as session:
            row = session.scalar(
                select(IndicatorVersion).where(IndicatorVersion.indicator_id == indicator_id, IndicatorVersion.version == number)
            )
        if row is None:  # gone since its facts were read: as a compile would find it
            raise NotFound("指标", "indicator")
        indicator, _ = parse_indicator({**row.definition, "version": row.version, "status": row.status})
        assert indicator is not None, f"stored definition of {indicator_id} v{number} no longer parses"
        return indicator

    def history(self, actor: Actor, indicator_id: str) -> list[dict[str, Any]]:
        """The versions `actor` may read, newest first: another's drafts are left out."""
        current = self.get(actor, indicator_id)
        with self.store.read() as session:
            record = session.get(IndicatorRecord, current.id)
            assert record is not None
            rows = _versions(session, record.id)
        facts = _facts(record, rows)
        return [
            {
                "version": v.version,
                "status": v.status,
                "created_by": v.created_by,
                "created_at": v.created_at.isoformat(),
                "certified_by": v.certified_by,
                "submitted_by": v.submitted_by,
                "submitted_at": v.submitted_at.isoformat() if v.submitted_at else None,
                "definition": v.definition,
            }
            for v in reversed(rows)
            if readable_version(actor, facts, v.version) is not None
        ]

    def check(self, actor: Actor, data: object, context: RuleContext) -> tuple[Indicator | None, list[Issue]]:
        """Parse and validate without saving (as the author types); every issue, none raised."""
        indicator, issues = parse_indicator(without_server_fields(data))
        if indicator is None:
            return None, issues
        return indicator, validate(indicator, context)


def without_server_fields(data: object) -> object:
    """`status` and `version` are set by the server, never by the payload."""
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k not in ("status", "version")}
    return data


def replace_status(ind: Indicator, status: Status, version: int) -> Indicator:
    return ind.model_copy(update={"status": status, "version": version})
