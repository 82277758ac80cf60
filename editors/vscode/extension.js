"use strict";
// VS Code extension: spawn `alembic-lint server` for Python files. The server does all the work.

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { serverCommand, ruleSettings } = require("./server-command");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("alembic-lint");
  return {
    path: config.get("path"),
    interpreter: config.get("interpreter"),
    logLevel: config.get("logLevel"),
    select: config.get("select"),
    extendSelect: config.get("extendSelect"),
    ignore: config.get("ignore"),
  };
}

async function start() {
  const current = settings();
  const { command, args } = serverCommand(current);
  client = new LanguageClient(
    "alembic-lint",
    "alembic-lint",
    { command, args },
    {
      documentSelector: [{ scheme: "file", language: "python" }],
      initializationOptions: ruleSettings(current),
      // The server asks for the `alembic-lint` section itself (workspace/configuration).
      synchronize: { configurationSection: "alembic-lint" },
    },
  );
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // A new command line needs a new server; rule settings reach the running one by themselves.
      const restart = ["path", "interpreter", "logLevel"].some((key) =>
        event.affectsConfiguration(`alembic-lint.${key}`),
      );
      if (restart && client) {
        await client.stop();
        await start();
      }
    }),
    vscode.commands.registerCommand("alembic-lint.restart", async () => {
      if (client) {
        await client.stop();
      }
      await start();
    }),
  );
  await start();
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
