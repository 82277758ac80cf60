"""Handlers: initialize, initialized (settings, file watching), configuration changes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types

from alembic_lint_lsp.server import AlembicLintServer, guarded, server
from alembic_lint_lsp.settings import SECTION

logger = logging.getLogger("alembic_lint_lsp")

WATCH_ID = "alembic-lint-watched-files"
WATCHED = ("**/*.py", "**/alembic.ini", "**/pyproject.toml", "**/alembic-lint.toml", "**/script.py.mako", "**/versions")
CONFIG_TIMEOUT = 10.0  # seconds to wait for the client's settings before linting without them


def _capability(root: object, *names: str) -> Any:
    for name in names:
        root = getattr(root, name, None)
        if root is None:
            return None
    return root


def apply_settings(ls: AlembicLintServer, raw: object) -> None:
    settings = ls.client_settings.merged(raw)
    for problem in settings.problems:
        logger.warning("settings: %s", problem)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"alembic-lint: {problem}"))
    ls.client_settings = settings


@server.feature(types.INITIALIZE)
@guarded
def initialize(ls: AlembicLintServer, params: types.InitializeParams) -> None:
    caps = params.capabilities
    ls.pull = bool(_capability(caps, "text_document", "diagnostic")) and bool(
        _capability(caps, "workspace", "diagnostics", "refresh_support")
    )
    ls.watching = bool(_capability(caps, "workspace", "did_change_watched_files", "dynamic_registration"))
    ls.configurable = bool(_capability(caps, "workspace", "configuration"))
    formats = _capability(caps, "text_document", "hover", "content_format")
    ls.markdown = formats is None or types.MarkupKind.Markdown in formats
    apply_settings(ls, params.initialization_options)
    if not ls.configurable:
        ls.ready.set()


@server.feature(types.INITIALIZED)
@guarded
async def initialized(ls: AlembicLintServer, params: types.InitializedParams) -> None:
    try:
        if ls.configurable:
            await _pull_settings(ls)
    finally:
        ls.ready.set()
    if ls.watching:
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id=WATCH_ID,
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=[types.FileSystemWatcher(glob_pattern=p) for p in WATCHED]
                            ),
                        )
                    ]
                )
            )
        except Exception as exc:
            logger.warning("cannot watch files (%s); the folder is re-read on save instead", exc)
            ls.watching = False


async def _pull_settings(ls: AlembicLintServer) -> None:
    try:
        answer = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            CONFIG_TIMEOUT,
        )
    except Exception as exc:
        logger.warning("workspace/configuration failed: %s", exc or type(exc).__name__)
        return
    if answer:
        apply_settings(ls, answer[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
@guarded
async def did_change_configuration(ls: AlembicLintServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
        apply_settings(ls, settings[SECTION])
    elif ls.configurable:
        await _pull_settings(ls)
    else:
        apply_settings(ls, settings)
    ls.session.invalidate_all()
    ls.request_lint()
