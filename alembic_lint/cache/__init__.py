"""A per-file cache of parsed facts, and of the last verdict per script directory.

Like ruff's cache: one file per script directory under `.alembic_lint_cache/` at
the project root (the folder of the alembic.ini / pyproject.toml discovery used;
else the parent of the script directory; else the linted folder), with a
`.gitignore` holding `*`. Each migration's entry is keyed by its path, size,
mtime (nanoseconds) and a BLAKE2b hash of its content:

* `mtime` check (the default): an entry whose size and mtime match is used as it
  is, unless the mtime is within `RACY_NS` of the moment the cache was written
  ("racily clean", as git calls it: an edit in the same clock tick as our read
  would keep the mtime), in which case the content hash decides. A file whose
  mtime moved but whose content did not (a `git checkout`, a restored CI cache)
  is re-hashed, not re-parsed.
* `hash` check (`--cache-check=hash`): every file is read and its hash compared,
  for filesystems or tools that keep mtimes while changing content.

When every file is unchanged and the settings are the same, the diagnostics of
the previous run are reused without even loading the facts (the "verdict"); when
some changed, only those are parsed and the graph is rebuilt.

The whole cache is invalidated by a different alembic-lint version or source
files (an editable install being worked on), Python version, or shape of the
parsed facts (a hash of the fields of every dataclass a cache file may hold:
those of `parse.py` and `diagnostics.py` and those their fields name). Parsing
takes no settings, so facts do not depend on them. The verdict does: its key
holds `repr(settings)`, every file's content hash, and what each selected rule
reads from elsewhere (`Rule.outside_inputs`: ALM201's list of the project's
top-level modules). A rule that reads anything else from disk must say so there.

Safety: the cache lives in the user's own project, and a checkout can hold
anything, a forged cache file included. So a cache file counts only when its
HMAC-SHA256 verifies under a key kept outside every project (`key.py`), and its
name is a MAC too, so a checkout cannot even know it. A file that fails is ignored
and rewritten: silently when damaged, with one debug log line when it was signed
with another key. Bounds are checked before anything is read past the header, and
nothing is unpickled before its MAC verifies; even then the container is
unpickled with no globals allowed at all, each file's facts with only those
dataclasses and `pathlib` paths allowed, and the loaded structure is checked
(types, versions, the path it claims to be for). No key, or a project cache
folder that is a symbolic link: nothing is cached. Writes go to a temporary file
renamed over the old one, so concurrent runs never leave a torn file (the last
writer wins).

One job per module: `options` (what the command line asks for), `paths` (where
a cache file goes), `key` (the secret, and the MAC), `fingerprint` (what
invalidates everything), `unpickle` (loading bytes with no classes but ours),
`fileformat` (the file's layout, its MACs and size bounds), `store` (one
folder's cache during one run).
"""

from alembic_lint.cache.fingerprint import fact_classes, fingerprint
from alembic_lint.cache.options import CACHE_DIR_NAME, CHECK_MODES, CacheOptions, CheckMode
from alembic_lint.cache.paths import cache_path, project_root
from alembic_lint.cache.store import RACY_NS, FolderCache

__all__ = [
    "CACHE_DIR_NAME",
    "CHECK_MODES",
    "RACY_NS",
    "CacheOptions",
    "CheckMode",
    "FolderCache",
    "cache_path",
    "fact_classes",
    "fingerprint",
    "project_root",
]
