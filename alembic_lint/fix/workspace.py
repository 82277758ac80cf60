"""The files fixes work on, in memory: read once from disk, rewritten and created here, and
written back (each file whole, through a temporary file) only when the fixing is done."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic_lint.atomic import create_bytes_atomic, write_bytes_atomic
from alembic_lint.fix.text import decode, encode
from alembic_lint.parse import Parsed, parse_migration, read_migration


@dataclass
class Document:
    path: Path
    original: bytes | None  # as read from disk; None for a file a fix creates
    encoding: str
    text: str
    start: str  # the text as first read ("" for a created file)

    @property
    def changed(self) -> bool:
        return self.original is None or self.text != self.start


class Workspace:
    """Files by path. A file not loaded yet is read from disk when first asked for."""

    def __init__(self) -> None:
        self.documents: dict[Path, Document] = {}
        self._unreadable: dict[Path, Parsed] = {}
        self._parsed: dict[Path, tuple[str, Parsed]] = {}

    def document(self, path: Path) -> Document | None:
        """The file's document, or None when it cannot be read or decoded."""
        found = self.documents.get(path)
        if found is not None or path in self._unreadable:
            return found
        try:
            data = path.read_bytes()
        except OSError:
            self._unreadable[path] = read_migration(path)
            return None
        decoded = decode(data)
        if decoded is None:
            self._unreadable[path] = parse_migration(path, data)
            return None
        found = self.documents[path] = Document(path, data, decoded.encoding, decoded.text, decoded.text)
        return found

    def text(self, path: Path) -> str | None:
        document = self.document(path)
        return document.text if document is not None else None

    def exists(self, path: Path) -> bool:
        return path in self.documents or path.exists()

    def parsed(self, path: Path) -> Parsed:
        """The file's parse result as it stands now (re-parsed only after a change)."""
        document = self.document(path)
        if document is None:
            return self._unreadable[path]
        cached = self._parsed.get(path)
        if cached is not None and cached[0] is document.text:
            return cached[1]
        result = parse_migration(path, document.text)
        self._parsed[path] = (document.text, result)
        return result

    def set_text(self, path: Path, text: str) -> None:
        document = self.document(path)
        assert document is not None, path
        document.text = text

    def create(self, path: Path, text: str) -> None:
        self.documents[path] = Document(path, None, "utf-8", text, "")

    def created(self) -> list[Path]:
        return [d.path for d in self.documents.values() if d.original is None]

    def changed(self) -> list[Document]:
        return sorted((d for d in self.documents.values() if d.changed), key=lambda d: str(d.path))

    def write(self) -> list[str]:
        """Write every changed file; the problems (one line each) for those that could not be."""
        problems: list[str] = []
        for document in self.changed():
            data = encode(document.text, document.encoding)
            try:
                if document.original is None:
                    document.path.parent.mkdir(parents=True, exist_ok=True)
                    create_bytes_atomic(document.path, data)
                else:
                    if document.path.read_bytes() != document.original:
                        problems.append(f"{document.path}: changed on disk while fixing; not written")
                        continue
                    write_bytes_atomic(document.path, data)
            except FileExistsError:
                problems.append(f"{document.path}: already exists; not overwritten")
            except OSError as exc:
                problems.append(f"{document.path}: cannot write: {exc.strerror or exc}")
        return problems
