"""The rule registry: every rule, once, in code order."""

from __future__ import annotations

from alembic_lint.rules.base import ConfigRule, Context, FileRule, FileSuppressions, GraphRule, Rule, SuppressionRule
from alembic_lint.rules.branch_label_conflict import BranchLabelConflict
from alembic_lint.rules.duplicate_revision import DuplicateRevision
from alembic_lint.rules.dynamic_revision import DynamicRevision
from alembic_lint.rules.functions import EmptyDowngrade, EmptyUpgrade, MissingDowngrade, MissingUpgrade
from alembic_lint.rules.header_mismatch import HeaderMismatch
from alembic_lint.rules.heads_and_bases import MultipleBases, MultipleHeads
from alembic_lint.rules.invalid_revision import InvalidRevision
from alembic_lint.rules.missing_reference import MissingDependency, MissingDownRevision
from alembic_lint.rules.model_import import ModelImport
from alembic_lint.rules.none_label import NoneLabel
from alembic_lint.rules.postgres.columns import (
    AddRequiredColumn,
    ColumnTypeChange,
    DropColumn,
    SetNotNull,
    VolatileDefault,
)
from alembic_lint.rules.postgres.constraints import ConstraintValidatedUnderLock, UniqueConstraintUnderLock
from alembic_lint.rules.postgres.indexes import ConcurrentIndexInTransaction, DropIndexNotConcurrent, IndexNotConcurrent
from alembic_lint.rules.postgres.lock_timeout import MissingLockTimeout
from alembic_lint.rules.postgres.tables import DropTable, Rename
from alembic_lint.rules.postgres.transactions import CommitInMigration, EnumValueInTransaction
from alembic_lint.rules.revision_cycle import RevisionCycle
from alembic_lint.rules.syntax_error import UnparsableMigration
from alembic_lint.rules.unreadable_file import UnreadableFile
from alembic_lint.rules.unresolved_configuration import UnresolvedConfiguration
from alembic_lint.rules.unused_noqa import UnusedNoqa

RULES: tuple[Rule, ...] = (
    UnparsableMigration(),
    MultipleHeads(),
    MissingDownRevision(),
    DuplicateRevision(),
    RevisionCycle(),
    MultipleBases(),
    MissingDependency(),
    BranchLabelConflict(),
    InvalidRevision(),
    DynamicRevision(),
    NoneLabel(),
    UnreadableFile(),
    UnresolvedConfiguration(),
    MissingDowngrade(),
    EmptyDowngrade(),
    MissingUpgrade(),
    EmptyUpgrade(),
    HeaderMismatch(),
    ModelImport(),
    IndexNotConcurrent(),
    ConcurrentIndexInTransaction(),
    DropIndexNotConcurrent(),
    AddRequiredColumn(),
    DropColumn(),
    DropTable(),
    Rename(),
    ColumnTypeChange(),
    SetNotNull(),
    ConstraintValidatedUnderLock(),
    UniqueConstraintUnderLock(),
    VolatileDefault(),
    CommitInMigration(),
    EnumValueInTransaction(),
    MissingLockTimeout(),
    UnusedNoqa(),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

__all__ = [
    "RULES",
    "RULES_BY_CODE",
    "RULES_BY_NAME",
    "ConfigRule",
    "Context",
    "FileRule",
    "FileSuppressions",
    "GraphRule",
    "Rule",
    "SuppressionRule",
]
