"""Settings from the editor, merged over the project's configuration.

The client may send `{"select": [...], "extendSelect": [...], "ignore": [...]}`
(also `extend-select` / `extend_select`, or a comma-separated string) in
`initializationOptions`, as the `alembic-lint` section of
`workspace/configuration`, or inside `workspace/didChangeConfiguration`.
A later source replaces only the keys it sets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic_lint.config import ConfigError, resolve_settings
from alembic_lint.rules.selection import UnknownSelector, check_selector
from alembic_lint.settings import RuleSelection, Settings

logger = logging.getLogger(__name__)

SECTION = "alembic-lint"
_KEYS = {
    "select": "select",
    "extendSelect": "extend_select",
    "extend-select": "extend_select",
    "extend_select": "extend_select",
    "ignore": "ignore",
}


@dataclass(frozen=True)
class ClientSettings:
    """What the editor asked for; None means "not set, use the project's"."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    problems: tuple[str, ...] = field(default=(), compare=False)  # what was wrong in the input

    def merged(self, raw: object) -> ClientSettings:
        """These settings with the keys that `raw` sets replaced (raw: the client's JSON)."""
        if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
            raw = raw[SECTION]
        if raw is None or raw == []:  # [] is how Lua (Neovim) sends an empty table
            return self
        if not isinstance(raw, Mapping):
            return ClientSettings(
                self.select, self.extend_select, self.ignore, (f"settings must be an object, not {raw!r}",)
            )
        values: dict[str, tuple[str, ...] | None] = {
            "select": self.select,
            "extend_select": self.extend_select,
            "ignore": self.ignore,
        }
        problems: list[str] = []
        for key, value in raw.items():
            name = _KEYS.get(str(key))
            if name is None:
                continue
            selectors = _selectors(key, value, problems)
            if selectors is not None or value is None:
                values[name] = selectors
        return ClientSettings(values["select"], values["extend_select"], values["ignore"], tuple(problems))


def _selectors(key: object, value: object, problems: list[str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        problems.append(f"setting {key!r} must be a list of rule selectors, not {value!r}")
        return None
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            problems.append(f"setting {key!r}: {item!r} is not a rule selector")
            continue
        item = item.strip()
        if not item:
            continue
        try:
            check_selector(item)
        except UnknownSelector as exc:
            problems.append(f"setting {key!r}: {exc}")
            continue
        out.append(item)
    return tuple(out)


def project_settings(path: Path, problem: Callable[[str], None] | None = None) -> Settings:
    """The project's own configuration for a file or folder, found as the command line finds it
    (`[tool.alembic-lint]` or `alembic-lint.toml` at or above it). A broken configuration is
    told to `problem` (logged at debug level without one) and the defaults are used, so the
    editor keeps working."""
    try:
        return resolve_settings(path)
    except ConfigError as exc:
        (problem or _debug)(str(exc))
        return Settings()


def _debug(message: str) -> None:
    logger.debug("%s; using the default settings", message)


def settings_for(path: Path, client: ClientSettings, problem: Callable[[str], None] | None = None) -> Settings:
    """The settings to lint `path` (a file or a graph's folder) with: the editor's choices as one
    more layer over the project's, like command-line flags (`select` starts over, the others adjust)."""
    project = project_settings(path, problem)
    layer = RuleSelection(client.select, client.extend_select or (), client.ignore or ())
    if layer == RuleSelection():
        return project
    return replace(project, overrides=(*project.overrides, layer))
