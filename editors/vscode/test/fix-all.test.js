"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { FIX_ALL, offersFixAll, fixAll } = require("../fix-all");

test("fix-all is offered by its own kind or a kind above it", () => {
  assert.equal(offersFixAll({ codeActionProvider: { codeActionKinds: ["quickfix", FIX_ALL] } }), true);
  assert.equal(offersFixAll({ codeActionProvider: { codeActionKinds: ["source.fixAll"] } }), true);
  assert.equal(offersFixAll({ codeActionProvider: { codeActionKinds: ["quickfix"] } }), false);
  assert.equal(offersFixAll({ codeActionProvider: true }), false);
  assert.equal(offersFixAll(undefined), false);
});

function fakeVscode(actions) {
  const calls = { messages: [], applied: [], commands: [] };
  class Range {
    constructor(...args) {
      this.args = args;
    }
  }
  const vscode = {
    Range,
    window: {
      activeTextEditor: { document: { languageId: "python", uri: "file:///m.py", lineCount: 20 } },
      showWarningMessage: (text) => calls.messages.push(text),
      showInformationMessage: (text) => calls.messages.push(text),
    },
    workspace: { applyEdit: async (edit) => calls.applied.push(edit) > 0 },
    commands: {
      executeCommand: async (name, ...args) => {
        calls.commands.push([name, ...args]);
        return name === "vscode.executeCodeActionProvider" ? actions : undefined;
      },
    },
  };
  return { vscode, calls };
}

const client = (kinds) => ({ initializeResult: { capabilities: { codeActionProvider: { codeActionKinds: kinds } } } });

test("without the capability: one clear warning, no request", async () => {
  const { vscode, calls } = fakeVscode([]);
  assert.equal(await fixAll(vscode, client(["quickfix"])), 0);
  assert.deepEqual(calls.messages, [
    "alembic-lint: the server offers no fix-all (code action kind source.fixAll.alembic-lint); upgrade alembic-lint.",
  ]);
  assert.deepEqual(calls.commands, []);
});

test("with it: asks for the kind over the whole file and applies only fix-all actions", async () => {
  const actions = [
    { kind: { value: FIX_ALL }, edit: "edit-1" },
    { kind: { value: "quickfix" }, edit: "not this" },
    { kind: { value: FIX_ALL }, command: { command: "alembic-lint.applyFixes", arguments: ["file:///m.py"] } },
  ];
  const { vscode, calls } = fakeVscode(actions);
  assert.equal(await fixAll(vscode, client([FIX_ALL])), 2);
  assert.deepEqual(calls.applied, ["edit-1"]);
  const [request, command] = calls.commands;
  assert.deepEqual([request[0], request[1], request[2].args, request[3]], [
    "vscode.executeCodeActionProvider",
    "file:///m.py",
    [0, 0, 20, 0],
    FIX_ALL,
  ]);
  assert.deepEqual(command, ["alembic-lint.applyFixes", "file:///m.py"]);
  assert.deepEqual(calls.messages, []);
});
