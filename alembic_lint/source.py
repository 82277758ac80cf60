"""Turn a file's bytes into text the way Python does, and map ast offsets to columns."""

from __future__ import annotations

import codecs
import io
import re
import tokenize

from alembic_lint.records import record

# Python ends a line at \r\n, \r or \n, and nowhere else (str.splitlines also
# splits on form feeds and other separators, which would shift line numbers).
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@record
class DecodeError:
    """Why bytes could not become text, and where (1-based line, 0-based column)."""

    message: str
    line: int
    col: int
    encoding: str | None = None  # the codec some byte did not decode with; None: the encoding itself is unknown


def decode_source(data: bytes) -> str | DecodeError:
    """Decode as the interpreter would: BOM, PEP 263 cookie, else UTF-8."""
    if data.isascii() and b"coding" not in _first_two_lines(data):
        return data.decode("ascii")  # no BOM, no cookie: what detect_encoding would say, without its cost
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # Raised for an unknown cookie, a BOM with a non-UTF-8 cookie, and for
        # non-UTF-8 bytes in the first two lines; name the byte in that case.
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        try:
            data.decode(encoding)
        except UnicodeDecodeError as decode_exc:
            return _decode_error(data, decode_exc, encoding)
        return DecodeError(str(exc.msg), *_cookie_position(data))
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        return _decode_error(data, exc, encoding)
    except LookupError:  # a cookie naming a codec that does not decode to text: hex, rot13, zlib
        return DecodeError(f"encoding problem: {encoding}", *_cookie_position(data))


# PEP 263 (the pattern tokenize uses), looked for in the first two lines.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _cookie_position(data: bytes) -> tuple[int, int]:
    """Where the coding cookie's encoding name starts (1-based line, 0-based column)."""
    for lineno, line in enumerate(_LINE_END_BYTES.split(data)[:2], start=1):
        match = _COOKIE.match(line.removeprefix(codecs.BOM_UTF8) if lineno == 1 else line)
        if match:
            return lineno, len(match.string[: match.start(1)].decode("utf-8", errors="replace"))
    return 1, 0


def _first_two_lines(data: bytes) -> bytes:
    """At least the first two lines (a cookie is only honoured there); more when they end in \\r alone."""
    end = data.find(b"\n")
    if end != -1:
        end = data.find(b"\n", end + 1)
    return data if end == -1 else data[:end]


def _decode_error(data: bytes, exc: UnicodeDecodeError, encoding: str) -> DecodeError:
    line = len(_LINE_END.findall(data[: exc.start].decode(encoding, errors="replace"))) + 1
    line_start = max(data.rfind(b"\n", 0, exc.start), data.rfind(b"\r", 0, exc.start)) + 1
    return DecodeError(
        f"cannot decode byte 0x{data[exc.start]:02x} as {encoding}",
        line,
        len(data[line_start : exc.start].decode(encoding, errors="replace")),
        encoding,
    )


def split_lines(text: str) -> list[str]:
    """The file's lines as Python numbers them (index 0 is line 1), without line ends."""
    if "\r" not in text:
        return text.split("\n")  # the same, five times faster
    return _LINE_END.split(text)


class LineIndex:
    """Converts ast's UTF-8 byte columns to code-point columns, line by line."""

    __slots__ = ("_lines", "ascii")

    def __init__(self, text: str) -> None:
        self._lines = split_lines(text)
        self.ascii = text.isascii()  # then every byte column is a code-point column

    @property
    def lines(self) -> list[str]:
        return self._lines

    def line(self, lineno: int) -> str:
        if 1 <= lineno <= len(self._lines):
            return self._lines[lineno - 1]
        return ""

    def column(self, lineno: int, byte_col: int) -> int:
        line = self.line(lineno)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
