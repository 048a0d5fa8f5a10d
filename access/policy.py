"""Who may use what, in one place: `can_*` answers, `raise_for_*` raises NotFound/Forbidden."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from access.actor import Actor
from access.roles import Permission, Role
from errors import Forbidden, NotCertified, NotFound

READ_LEVELS = ("view", "edit", "unmask")


def can_view_dataset(actor: Actor, department: str, dataset_id: str | None = None) -> bool:
    """City-wide roles read every department's datasets; others their own department's and what is granted to them."""
    return (
        actor.city_wide or actor.department == department or (dataset_id is not None and actor.granted("dataset", dataset_id, *READ_LEVELS))
    )


def raise_for_dataset(actor: Actor, department: str | None, dataset_id: str | None = None) -> None:
    """Missing and forbidden look the same: both are 404."""
    if department is None or not can_view_dataset(actor, department, dataset_id):
        raise NotFound("数据集", "dataset")


def can_edit_dataset(actor: Actor, department: str, dataset_id: str) -> bool:
    """Load data into it or edit its dictionary: its department (or an edit grant) and the right role."""
    return actor.is_admin or (
        actor.has(Permission.IMPORT) and (actor.department == department or actor.granted("dataset", dataset_id, "edit"))
    )


def can_view_indicator(actor: Actor, department: str, indicator_id: str | None = None) -> bool:
    """Indicators follow their department like datasets; city-wide roles see every department's; grants add more."""
    return (
        actor.city_wide
        or actor.department == department
        or (indicator_id is not None and actor.granted("indicator", indicator_id, "view", "edit"))
    )


@dataclass(frozen=True)
class VersionFacts:
    number: int
    status: str  # draft (also while submitted for review) | certified | deprecated
    author: str


@dataclass(frozen=True)
class IndicatorFacts:
    """An indicator's department, certifier and versions (oldest first): what decides who reads which version."""

    id: str
    department: str
    owner: str  # who certifies: a user name or a role
    versions: tuple[VersionFacts, ...]

    def authors(self, number: int) -> frozenset[str]:
        """Who wrote the unpublished run of drafts that version `number` belongs to."""
        run: set[str] = set()
        for version in self.versions:
            if version.status != "draft":
                run = set()
            else:
                run.add(version.author)
            if version.number >= number and version.status == "draft":
                break
        return frozenset(run)


def can_view_draft(actor: Actor, facts: IndicatorFacts, number: int) -> bool:
    """A draft, or a draft submitted for review, is private to its authors, its department's analysts, its
    certifiers (the owner — a user, or a role among those who may read the department) and administrators.
    Grants and city-wide reading do not reach it."""
    if actor.is_admin or actor.username == facts.owner or actor.username in facts.authors(number):
        return True
    readable = can_view_indicator(actor, facts.department, facts.id)
    return readable and (actor.role.value == facts.owner or (actor.department == facts.department and actor.role is Role.ANALYST))


def readable_version(actor: Actor, facts: IndicatorFacts, wanted: int | None = None) -> int | None:
    """The version `actor` reads: the current one if they may read it, else the latest certified or deprecated
    one (a newer draft stays private, deprecated versions stay readable and say so); None when nothing is.
    With `wanted`, that version or None."""
    by_number = {v.number: v for v in facts.versions}
    candidates = [by_number[wanted]] if wanted in by_number else [] if wanted is not None else list(reversed(facts.versions))
    for version in candidates:
        if version.status == "draft":
            if can_view_draft(actor, facts, version.number):
                return version.number
        elif can_view_indicator(actor, facts.department, facts.id):
            return version.number
    return None


def raise_for_indicator(actor: Actor, facts: IndicatorFacts | None, wanted: int | None = None) -> int:
    """The version number `actor` reads (see `readable_version`). Missing, forbidden and never certified are all
    404 alike; never certified but otherwise readable raises NotCertified, so a board tile can say so."""
    if facts is None or not facts.versions:
        raise NotFound("指标", "indicator")
    number = readable_version(actor, facts, wanted)
    if number is not None:
        return number
    if wanted is None and can_view_indicator(actor, facts.department, facts.id):
        raise NotCertified("指标", "indicator")
    raise NotFound("指标", "indicator")


def can_author_for(actor: Actor, department: str) -> bool:
    return actor.has(Permission.AUTHOR_INDICATORS) and (actor.is_admin or actor.department == department)


def can_import_into(actor: Actor, department: str) -> bool:
    return actor.has(Permission.IMPORT) and (actor.is_admin or actor.department == department)


def raise_for_import(actor: Actor, department: str) -> None:
    if not can_import_into(actor, department):
        raise Forbidden("没有向该部门导入数据的权限。", "You may not import data for this department.")


def raise_for_permission(actor: Actor, permission: Permission) -> None:
    if not actor.has(permission):
        raise Forbidden()


@dataclass(frozen=True)
class RowScope:
    """Rows are limited to `column IN values` (values are bound parameters, never SQL)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class PredicateScope:
    """Rows are limited by an expression over the dataset's columns and the user's attributes
    (`user_department`, `user_area`, `user_name`), which the compiler binds as parameters."""

    template: str
    bindings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RowPolicyFacts:
    kind: str  # area | predicate
    column: str = ""
    template: str = ""


@dataclass(frozen=True)
class ColumnFacts:
    name: str
    pii: bool
    pii_kind: str | None = None


@dataclass(frozen=True)
class DataPolicy:
    """What one actor may read of one dataset: row scopes, and columns absent from their schema."""

    rows: tuple[RowScope | PredicateScope, ...] = ()
    hidden: frozenset[str] = frozenset()
    masked: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        text = repr((sorted(repr(r) for r in self.rows), sorted(self.hidden), self.masked))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


SCOPE_COLUMN = "district"


USER_ATTRIBUTES = ("user_department", "user_area", "user_name")


def can_unmask(actor: Actor, dataset_id: str | None = None) -> bool:
    """Administrators, and users granted `unmask` on the dataset, read raw personal data."""
    return actor.is_admin or (dataset_id is not None and actor.granted("dataset", dataset_id, "unmask"))


def _row_scopes(actor: Actor, names: set[str], policies: Sequence[RowPolicyFacts]) -> tuple[RowScope | PredicateScope, ...]:
    if actor.city_wide:
        return ()
    if not policies:  # the default where nobody configured the dataset: a district column follows the user's area
        return (RowScope(SCOPE_COLUMN, actor.scope_areas or (actor.area,)),) if actor.area and SCOPE_COLUMN in names else ()
    scopes: list[RowScope | PredicateScope] = []
    for policy in policies:
        if policy.kind == "area" and actor.area:
            scopes.append(RowScope(policy.column, actor.scope_areas or (actor.area,)))
        elif policy.kind == "predicate":
            bindings = (("user_department", actor.department), ("user_area", actor.area or ""), ("user_name", actor.username))
            scopes.append(PredicateScope(policy.template, bindings))
    return tuple(scopes)


def data_policy(
    actor: Actor, columns: Sequence[ColumnFacts], dataset_id: str | None = None, policies: Sequence[RowPolicyFacts] = ()
) -> DataPolicy:
    """The actor's policy on a dataset: row scopes from its row policies (or the district default),
    and raw personal-data columns hidden from anyone who may not unmask them."""
    names = {c.name for c in columns}
    rows = _row_scopes(actor, names, policies)
    unmask = can_unmask(actor, dataset_id)
    hidden = frozenset(c.name for c in columns if c.pii and not unmask)
    masked = tuple((c.name, c.pii_kind or "") for c in columns if c.pii and not unmask)
    return DataPolicy(rows, hidden, masked)


@dataclass(frozen=True)
class BoardFacts:
    id: str
    department: str
    owner: str
    visibility: str  # department | shared | city
    shared_with: tuple[tuple[str, str], ...] = ()  # (user|department, name)


def can_view_board(actor: Actor, board: BoardFacts) -> bool:
    """City boards: everyone; department boards: the department; shared boards: also who they are shared with;
    private boards: their owner (and administrators)."""
    if board.owner == actor.username or actor.is_admin:
        return True
    if board.visibility == "private":
        return False
    if actor.city_wide or board.visibility == "city" or board.department == actor.department:
        return True
    if actor.granted("board", board.id, "view", "edit"):
        return True
    return board.visibility == "shared" and (
        ("user", actor.username) in board.shared_with or ("department", actor.department) in board.shared_with
    )


def can_edit_board(actor: Actor, board: BoardFacts) -> bool:
    """The board's editors: its owner, administrators, an edit grant, or analysts of the board's department.
    Staff arrange a shared board for themselves only (a personal view, boards/views.py)."""
    if actor.is_admin or board.owner == actor.username or actor.granted("board", board.id, "edit"):
        return True
    return board.visibility != "private" and board.department == actor.department and actor.has(Permission.AUTHOR_INDICATORS)


def raise_for_board(actor: Actor, board: BoardFacts | None) -> BoardFacts:
    if board is None or not can_view_board(actor, board):
        raise NotFound("看板", "board")
    return board
