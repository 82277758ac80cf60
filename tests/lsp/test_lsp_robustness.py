"""The language server under input that tries to break it: malformed JSON-RPC, unknown methods,
requests for documents it never saw, edits outside the text, a thousand edits in a row, a
client that goes away in the middle of a request. It keeps serving (or exits cleanly), and
what it says afterwards is right.

These talk to `python -m alembic_lint_lsp` over raw stdio, frame by frame, so that they can
send what no well-behaved client library would. Every wait is a hang guard, not a timing.
"""

from __future__ import annotations

import gc
import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from lsp_support import ENV, SERVER, WAIT, forked, script_dir, uri, write

from alembic_lint.settings import Settings
from alembic_lint_lsp.session import Session


class RawServer:
    """The server as a subprocess, spoken to in bytes."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=cwd
        )
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.published: dict[str, list[dict[str, Any]]] = {}
        self._ids = iter(range(1, 1_000_000))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            self._frames()
        except (OSError, ValueError):  # the test closed the pipe: a client that went away
            self.messages.put(None)

    def _frames(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            self.messages.put(json.loads(stream.read(length)))

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> dict[str, Any]:
        """Send a request and wait for its answer (notifications met meanwhile are kept)."""
        ident = next(self._ids)
        self.send({"id": ident, "method": method, "params": params})
        return self.until(lambda message: message.get("id") == ident and "method" not in message)

    def until(self, predicate: Any) -> dict[str, Any]:
        while True:
            message = self.messages.get(timeout=WAIT)
            if message is None:
                raise AssertionError("the server closed its output")
            if message.get("method") == "textDocument/publishDiagnostics":
                self.published[message["params"]["uri"]] = message["params"]["diagnostics"]
            elif "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": None})
            if predicate(message):
                return message

    def diagnostics(self, path: Path, codes: list[str]) -> None:
        """Wait until the last diagnostics published for `path` have these codes."""
        target = uri(path)

        def current(_: object = None) -> bool:
            published = self.published.get(target)
            return published is not None and [d["code"] for d in published] == codes

        if not current():
            self.until(current)

    def initialize(self, root: Path) -> None:
        answer = self.request("initialize", {"processId": None, "rootUri": uri(root), "capabilities": {}})
        assert "result" in answer, answer
        self.notify("initialized", {})

    def finish(self) -> tuple[int, str]:
        """shutdown, exit: the exit code and everything the server wrote on stderr."""
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.wait()

    def wait(self) -> tuple[int, str]:
        code = self.process.wait(timeout=WAIT)
        assert self.process.stderr is not None
        return code, self.process.stderr.read().decode()

    def open(self, path: Path, text: str | None = None, version: int = 1) -> None:
        text = path.read_text() if text is None else text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri(path), "languageId": "python", "version": version, "text": text}},
        )

    def change(self, path: Path, version: int, text: str, range_: dict[str, Any] | None = None) -> None:
        change: dict[str, Any] = {"text": text} if range_ is None else {"range": range_, "text": text}
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [change]},
        )


@pytest.fixture
def server(tmp_path: Path) -> Any:
    raw = RawServer(tmp_path)
    yield raw
    if raw.process.poll() is None:
        raw.process.kill()
        raw.process.wait()


def position(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


def test_malformed_messages_and_unknown_methods_leave_it_serving(server: RawServer, tmp_path: Path) -> None:
    server.initialize(tmp_path)
    server.send_bytes(b"Content-Length: 5\r\n\r\n{oops")  # not JSON
    server.send_bytes(b"Content-Length: 2\r\n\r\n[]")  # JSON, but not a message
    server.send_bytes(b"hello, server\r\n")  # a header line that is no header
    server.send({"result": 1, "id": 999})  # an answer to a request never made
    server.notify("$/unknownNotification", {"x": 1})  # ignored, as the protocol says
    assert server.request("custom/unknownRequest", {})["error"]["code"] == -32601  # method not found
    invalid = server.request("textDocument/hover", {"textDocument": 3})  # params of the wrong shape
    assert invalid["error"]["code"] == -32602
    b2, c3 = forked(tmp_path)
    server.open(b2)
    server.diagnostics(b2, ["ALM001"])
    server.diagnostics(c3, ["ALM001"])
    code, stderr = server.finish()
    assert code == 0
    assert "Traceback" not in stderr
    assert all(line.startswith("alembic-lint server: ") for line in stderr.splitlines()), stderr


def test_requests_for_documents_it_never_saw(server: RawServer, tmp_path: Path) -> None:
    server.initialize(tmp_path)
    nowhere = {"uri": "file:///no/such/versions/x.py"}
    untitled = {"uri": "untitled:Untitled-1"}
    far = position(10_000, 10_000)
    for document in (nowhere, untitled):
        for method in ("textDocument/hover", "textDocument/definition", "textDocument/completion"):
            assert server.request(method, {"textDocument": document, "position": far})["result"] is None, method
        refs = {"textDocument": document, "position": far, "context": {"includeDeclaration": True}}
        assert server.request("textDocument/references", refs)["result"] is None
        actions = {"textDocument": document, "range": {"start": far, "end": far}, "context": {"diagnostics": []}}
        assert server.request("textDocument/codeAction", actions)["result"] is None
        answer = server.request("textDocument/diagnostic", {"textDocument": document})
        assert answer["result"] == {"kind": "full", "items": []}
    code, stderr = server.finish()
    assert (code, stderr) == (0, "")


def test_an_ordinary_python_buffer_logs_nothing(server: RawServer, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    forked(tmp_path)  # a script directory in the same project
    models = tmp_path / "app" / "models.py"
    models.parent.mkdir()
    models.write_text("down_revision = 'x'\nclass User:\n    pass\n")
    server.initialize(tmp_path)
    server.open(models)
    server.change(models, 2, "down_revision = 'y'\n")
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri(models)}, "position": position(0, 3)})
    assert hover["result"] is None
    code, stderr = server.finish()
    assert (code, stderr, uri(models) in server.published) == (0, "", False)


def test_edits_outside_the_text(server: RawServer, tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    server.initialize(tmp_path)
    server.open(c3)
    server.diagnostics(c3, ["ALM001"])
    one_head = c3.read_text().replace("down_revision = 'a1'", "down_revision = 'b2'")
    # A ranged change far past the end (this server asks for whole-document changes): the text
    # becomes the change's text, as pygls applies it, and linting goes on.
    server.change(c3, 2, one_head, {"start": position(500, 3), "end": position(900, 0)})
    server.diagnostics(c3, [])
    server.diagnostics(b2, [])
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri(c3)}, "position": position(9_999, 9)})
    assert hover["result"] is None
    code, _ = server.finish()
    assert code == 0


def test_a_thousand_edits_in_a_row_end_with_the_right_diagnostics(server: RawServer, tmp_path: Path) -> None:
    b2, c3 = forked(tmp_path)
    server.initialize(tmp_path)
    server.open(c3)
    server.diagnostics(c3, ["ALM001"])
    forked_text = c3.read_text()
    linear = forked_text.replace("down_revision = 'a1'", "down_revision = 'b2'")
    broken = forked_text.replace("down_revision = 'a1'", "down_revision = ('a1'")
    for version in range(2, 1002):
        server.change(c3, version, (linear, broken, forked_text)[version % 3])
    server.change(c3, 1002, linear)
    assert server.request("textDocument/hover", {"textDocument": {"uri": uri(c3)}, "position": position(0, 0)})
    server.diagnostics(c3, [])
    server.diagnostics(b2, [])
    code, stderr = server.finish()
    assert (code, "Traceback" in stderr) == (0, False)


def test_a_thousand_edits_keep_memory_flat(tmp_path: Path) -> None:
    """The session keeps one parse result per file, whatever the number of edits."""
    versions = script_dir(tmp_path)
    write(versions, "a1", None)
    c3 = write(versions, "c3", "a1")
    for index in range(20):
        write(versions, f"x{index}", f"x{index - 1}" if index else "a1")
    session = Session(lambda path: Settings())
    state = session.open(c3, c3.read_text())
    assert state is not None
    texts = [c3.read_text(), c3.read_text().replace("'a1'", "'x19'"), c3.read_text().replace("pass", "op.f()")]

    def edit(count: int) -> None:
        for number in range(count):
            session.change(c3, texts[number % 3])
            session.lint(state)

    edit(50)  # warm up: caches, interned strings
    gc.collect()
    before = sys.getallocatedblocks()
    edit(1000)
    gc.collect()
    grown = sys.getallocatedblocks() - before
    # Keeping one parse result per edit would be ~80 blocks each: 80,000 after 1,000 edits (measured: ~20).
    assert grown < 2000, f"{grown} more memory blocks after 1,000 edits"
    assert {path.name: [d.code for d in items] for path, items in state.diagnostics.items()} == {
        "c3.py": ["ALM001"],  # the last edit forked c3 off a1 again: a head beside x19
        "x19.py": ["ALM001"],
    }
    session.change(c3, texts[1])  # the last text decides: c3 on top of x19, one head
    session.lint(state)
    assert state.diagnostics == {}


def test_a_client_that_disconnects_in_the_middle_of_a_request(server: RawServer, tmp_path: Path) -> None:
    b2, _ = forked(tmp_path)
    server.initialize(tmp_path)
    server.open(b2)
    server.send(
        {
            "id": 77,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri(b2)}, "position": position(10, 12)},
        }
    )
    assert server.process.stdin is not None and server.process.stdout is not None
    server.process.stdin.close()  # gone: no shutdown, no exit, nobody reads the answer
    server.process.stdout.close()
    code, stderr = server.wait()
    assert (code, "Traceback" in stderr) == (0, False), stderr
