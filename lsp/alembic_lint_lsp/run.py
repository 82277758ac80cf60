"""Start the language server: load the handler modules (each registers its features on
`server`) and serve stdio, or TCP for debugging, until the client says exit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from alembic_lint_lsp import actions, features, graph_request, lifecycle, pull, sync  # noqa: F401  (they register handlers)
from alembic_lint_lsp.server import server


class _OneLine(logging.Filter):
    """pygls logs a message it cannot read with a traceback (attached, or formatted into the
    message); keep each record to its first line unless the log level is DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        text = record.getMessage()
        if "\n" in text:
            record.msg, record.args = text.split("\n", 1)[0], None
        return True


def serve(tcp: tuple[str, int] | None = None, log_level: str = "WARNING", allow: Sequence[Path] = ()) -> int:
    """Run the server on stdio (or TCP, for debugging) until the client says exit; `allow`:
    paths outside the workspace folders that may be read (`--allow-outside`)."""
    server.session.allow = tuple(allow)
    logging.basicConfig(format="alembic-lint server: %(levelname)s: %(message)s", level=log_level.upper())
    if log_level.upper() != "DEBUG":
        for handler in logging.getLogger().handlers:
            handler.addFilter(_OneLine())
    if tcp is not None:
        server.start_tcp(*tcp)
    else:
        server.start_io()
    return 0
