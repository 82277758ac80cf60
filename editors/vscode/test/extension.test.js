"use strict";
// Activates the extension against stand-ins for `vscode` and the language client, and checks
// when it starts the server, with what, and what it hands over (the real API is VS Code's own:
// tests/editors/test_editors_vscode.py drives the packaged extension in code-server).
const test = require("node:test");
const assert = require("node:assert/strict");
const Module = require("node:module");
const { LAUNCHER } = require("../server-command");

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
  isRunning() {
    return this.running;
  }
}

const values = {
  path: [],
  interpreter: "/venv/bin/python",
  importStrategy: "useBundled",
  logLevel: "INFO",
  select: null,
  extendSelect: [],
  ignore: ["ALM005"],
};
let files = ["alembic.ini"];
const listeners = [];
const commands = new Map();
const errors = [];
const fakeVscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.equal(section, "alembic-lint");
      return { get: (key) => values[key] };
    },
    onDidChangeConfiguration: (listener) => listeners.push(listener) && { dispose() {} },
    findFiles: async (glob) => (glob === "**/alembic.ini" ? files.map((path) => ({ path })) : []),
    workspaceFolders: [{ uri: { fsPath: "/project" } }],
  },
  window: {
    createOutputChannel: () => ({ appendLine() {}, show() {} }),
    showErrorMessage: async (text, ...choices) => errors.push([text, ...choices]) && undefined,
  },
  extensions: { getExtension: () => undefined },
  commands: { registerCommand: (name, fn) => commands.set(name, fn) && { dispose() {} } },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "vscode") return fakeVscode;
  if (request === "vscode-languageclient/node") return { LanguageClient: FakeClient };
  return load.call(this, request, ...rest);
};
const extension = require("../extension");

test("in an Alembic workspace, activation starts the server for Python files with the rule settings", async () => {
  await extension.activate({ subscriptions: [] });
  assert.deepEqual([...commands.keys()].sort(), [
    "alembic-lint.fixAll",
    "alembic-lint.restart",
    "alembic-lint.showGraph",
    "alembic-lint.showOutput",
  ]);
  assert.equal(started.length, 1);
  const [client] = started;
  assert.equal(client.serverOptions.command, "/venv/bin/python");
  assert.deepEqual(client.serverOptions.args, [LAUNCHER, "--log-level", "INFO"]);
  assert.equal(client.serverOptions.options.env.ALEMBIC_LINT_IMPORT_STRATEGY, "useBundled");
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

test("no interpreter anywhere: one notification, however often the server is restarted", async () => {
  Object.assign(values, { path: [], interpreter: "" });
  const PATH = process.env.PATH;
  process.env.PATH = "";
  try {
    await commands.get("alembic-lint.restart")();
    await commands.get("alembic-lint.restart")();
  } finally {
    process.env.PATH = PATH;
  }
  assert.equal(started.length, 2);
  assert.equal(errors.length, 1);
  assert.match(errors[0][0], /^alembic-lint: no Python interpreter found .*alembic-lint\.interpreter/);
  assert.deepEqual(errors[0].slice(1), ["Open Settings"]);
});

test("a Python workspace without Alembic starts nothing", async () => {
  files = [];
  Object.assign(values, { interpreter: "/venv/bin/python" });
  await extension.activate({ subscriptions: [] });
  assert.equal(started.length, 2);
});
