"use strict";
// Activates the extension against stand-ins for `vscode` and the language client, and
// checks the server it starts and what it hands over (the real API is VS Code's own).
const test = require("node:test");
const assert = require("node:assert/strict");
const Module = require("node:module");

const started = [];
class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, running: false });
    started.push(this);
  }
  async start() {
    this.running = true;
  }
  async stop() {
    this.running = false;
  }
}

const values = { path: [], interpreter: "/venv/bin/python", logLevel: "INFO", select: null, extendSelect: [], ignore: ["ALM005"] };
const listeners = [];
const fakeVscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.equal(section, "alembic-lint");
      return { get: (key) => values[key] };
    },
    onDidChangeConfiguration: (listener) => listeners.push(listener) && { dispose() {} },
  },
  commands: { registerCommand: () => ({ dispose() {} }) },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "vscode") return fakeVscode;
  if (request === "vscode-languageclient/node") return { LanguageClient: FakeClient };
  return load.call(this, request, ...rest);
};
const extension = require("../extension");

test("activation starts the server for Python files with the rule settings", async () => {
  await extension.activate({ subscriptions: [] });
  assert.equal(started.length, 1);
  const [client] = started;
  assert.deepEqual(client.serverOptions, {
    command: "/venv/bin/python",
    args: ["-m", "alembic_lint", "server", "--log-level", "INFO"],
  });
  assert.deepEqual(client.clientOptions.documentSelector, [{ scheme: "file", language: "python" }]);
  assert.deepEqual(client.clientOptions.initializationOptions, { select: null, extendSelect: [], ignore: ["ALM005"] });
  assert.equal(client.running, true);
});

test("changing the command restarts the server; changing rules does not", async () => {
  values.path = ["/opt/alembic-lint"];
  await listeners[0]({ affectsConfiguration: (key) => key === "alembic-lint.path" });
  assert.equal(started.length, 2);
  assert.equal(started[0].running, false);
  assert.deepEqual(started[1].serverOptions, { command: "/opt/alembic-lint", args: ["server", "--log-level", "INFO"] });
  await listeners[0]({ affectsConfiguration: (key) => key === "alembic-lint.ignore" });
  assert.equal(started.length, 2);
  await extension.deactivate();
  assert.equal(started[1].running, false);
});
