"""Write the base branch's alembic-lint configuration for the GitHub Action's `config-from-base` input.

    python base_config.py REV OUT

Reads the configuration at the repository root of commit REV (alembic-lint.toml, else the
[tool.alembic-lint] table of pyproject.toml) with `git show`, and writes it to OUT as an
alembic-lint.toml-style file (top-level keys), which `alembic-lint --config OUT` reads. OUT belongs
in the root folder: relative paths in the configuration are read from the file's folder.
Exit 0: written; 1: REV has no configuration there (the action then runs with --isolated).
"""

from __future__ import annotations

import json
import subprocess
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # alembic-lint depends on tomli there
    import tomli as tomllib


def show(rev: str, name: str) -> str | None:
    done = subprocess.run(["git", "show", f"{rev}:{name}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def toml_value(value: object) -> str:
    """TOML for what a configuration holds: strings, numbers, booleans, arrays and tables (inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    raise ValueError(f"cannot write {value!r} as TOML")


def base_section(rev: str) -> dict[str, object] | None:
    dedicated = show(rev, "alembic-lint.toml")
    if dedicated is not None:
        return tomllib.loads(dedicated)
    pyproject = show(rev, "pyproject.toml")
    if pyproject is None:
        return None
    tool = tomllib.loads(pyproject).get("tool")
    section = tool.get("alembic-lint") if isinstance(tool, dict) else None
    return section if isinstance(section, dict) else None


def main(argv: list[str]) -> int:
    rev, out = argv
    section = base_section(rev)
    if section is None:
        return 1
    lines = [f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in section.items()]
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(f"# The alembic-lint configuration of {rev}, written by the alembic-lint GitHub Action.\n")
        handle.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
