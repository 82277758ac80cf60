"""Find the revision graphs to lint and the migration files in them, as alembic would.

One module per job: `tree` walks a repository, `gitignore` reads what git ignores,
`configs` reads alembic.ini / [tool.alembic], `locations` resolves script_location
and version_locations, `layouts` recognises script directories without a usable
configuration, `subtrees` splits version locations set in code into graphs, `files`
lists a location's migration files; `find` puts them together.
"""

from alembic_lint.discover.files import MIGRATION_FILE, list_migration_files
from alembic_lint.discover.find import discover, find, find_buffer, folder_for_file, held_by
from alembic_lint.discover.folder import ConfigProblem, Discovery, DiscoveryError, ScriptSpec, VersionFolder
from alembic_lint.discover.layouts import is_script_dir

__all__ = [
    "MIGRATION_FILE",
    "ConfigProblem",
    "Discovery",
    "DiscoveryError",
    "ScriptSpec",
    "VersionFolder",
    "discover",
    "find",
    "find_buffer",
    "folder_for_file",
    "held_by",
    "is_script_dir",
    "list_migration_files",
]
