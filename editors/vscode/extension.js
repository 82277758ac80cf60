"use strict";
// VS Code extension: start alembic-lint's language server in Alembic workspaces. The server does the work;
// this file picks how to start it (server-command.js, interpreter.js) and adds the commands.

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { serverCommand, ruleSettings, explicitCommand } = require("./server-command");
const { chooseInterpreter, findOnPath, fromPythonExtension, NO_INTERPRETER } = require("./interpreter");
const { isAlembicWorkspace } = require("./workspace");
const { fixAll } = require("./fix-all");
const { GraphView } = require("./graph-view");

let client;
let output;
let warned = false;
/** The settings that change how the server is started (the rule settings reach a running server). */
const RESTART_ON = ["path", "interpreter", "importStrategy", "logLevel"];

function settings() {
  const config = vscode.workspace.getConfiguration("alembic-lint");
  return {
    path: config.get("path"),
    interpreter: config.get("interpreter"),
    importStrategy: config.get("importStrategy"),
    logLevel: config.get("logLevel"),
    select: config.get("select"),
    extendSelect: config.get("extendSelect"),
    ignore: config.get("ignore"),
  };
}

async function interpreter(current) {
  if (explicitCommand(current).length > 0) return undefined; // alembic-lint.path overrides all
  const resource = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0].uri;
  const chosen = await chooseInterpreter({
    setting: current.interpreter,
    fromExtension: () => fromPythonExtension(vscode, resource),
    onPath: () => findOnPath(),
  });
  return chosen;
}

async function start() {
  const current = settings();
  const python = await interpreter(current);
  const server = serverCommand(current, python && python.path);
  if (!server) {
    if (!warned) {
      warned = true; // one notification, not one per restart
      const choice = await vscode.window.showErrorMessage(NO_INTERPRETER, "Open Settings");
      if (choice) vscode.commands.executeCommand("workbench.action.openSettings", "alembic-lint.interpreter");
    }
    return;
  }
  output = output || vscode.window.createOutputChannel("alembic-lint");
  if (python) output.appendLine(`Starting the server with ${python.path} (from ${python.source}).`);
  client = new LanguageClient("alembic-lint", "alembic-lint", server, {
    documentSelector: [{ scheme: "file", language: "python" }],
    initializationOptions: ruleSettings(current),
    outputChannel: output,
    // The server asks for the `alembic-lint` section itself (workspace/configuration).
    synchronize: { configurationSection: "alembic-lint" },
  });
  await client.start();
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  const graph = new GraphView(context, () => client);
  context.subscriptions.push(
    vscode.commands.registerCommand("alembic-lint.restart", restart),
    vscode.commands.registerCommand("alembic-lint.showOutput", () => output && output.show(true)),
    vscode.commands.registerCommand("alembic-lint.fixAll", () => fixAll(vscode, client)),
    vscode.commands.registerCommand("alembic-lint.showGraph", () => graph.show()),
    { dispose: () => graph.panel && graph.panel.dispose() },
  );
  if (!(await isAlembicWorkspace(vscode))) {
    return; // a Python workspace without Alembic: stay quiet ("Restart" starts the server on demand)
  }
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // A new command line needs a new server; rule settings reach the running one by themselves.
      if (RESTART_ON.some((key) => event.affectsConfiguration(`alembic-lint.${key}`))) {
        await restart();
      }
    }),
  );
  await watchPythonExtension(context);
  await start();
}

/** The interpreter selected in the Python extension changed: start the server with the new one. */
async function watchPythonExtension(context) {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) return;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const event = api && api.environments && api.environments.onDidChangeActiveEnvironmentPath;
    if (event) context.subscriptions.push(event(() => client && restart()));
  } catch {
    // an old Python extension without the event: "alembic-lint: Restart" picks up a new interpreter
  }
}

async function deactivate() {
  await stop();
}

module.exports = { activate, deactivate };
