"use strict";
// Which Python runs the language server. Pure but for the injected lookups, so it is tested without VS Code.

const fs = require("node:fs");
const path = require("node:path");

/**
 * The first of `names` that is an executable file in PATH.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {string} platform process.platform
 * @param {(file: string) => boolean} isExecutable
 */
function findOnPath(env = process.env, platform = process.platform, isExecutable = executable) {
  const windows = platform === "win32";
  const names = windows ? ["python.exe", "python3.exe"] : ["python3", "python"];
  const dirs = String(env.PATH || env.Path || "")
    .split(windows ? ";" : ":")
    .filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const file = (windows ? path.win32 : path.posix).join(dir, name);
      if (isExecutable(file)) {
        return file;
      }
    }
  }
  return undefined;
}

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The interpreter the Python extension (ms-python.python) selected for `resource`, through its API:
 * `environments` (current) or `settings.getExecutionDetails` (older releases). Undefined when the
 * extension is missing or has none.
 */
async function fromPythonExtension(vscode, resource) {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api && api.environments;
    if (environments && environments.getActiveEnvironmentPath) {
      const active = environments.getActiveEnvironmentPath(resource);
      const resolved = active && (await environments.resolveEnvironment(active));
      const uri = resolved && resolved.executable && resolved.executable.uri;
      if (uri && uri.fsPath) {
        return uri.fsPath;
      }
    }
    const details = api && api.settings && api.settings.getExecutionDetails && api.settings.getExecutionDetails(resource);
    const command = details && details.execCommand;
    return Array.isArray(command) && command[0] ? command[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `alembic-lint.interpreter` when set (the user said so), else the Python extension's choice, else python3 on PATH.
 *
 * @param {{setting?: string, fromExtension?: () => Promise<string|undefined>, onPath?: () => string|undefined}} sources
 * @returns {Promise<{path: string, source: "setting"|"python extension"|"PATH"}|undefined>}
 */
async function chooseInterpreter({ setting, fromExtension, onPath }) {
  if (typeof setting === "string" && setting.trim()) {
    return { path: setting.trim(), source: "setting" };
  }
  const selected = fromExtension ? await fromExtension() : undefined;
  if (selected) {
    return { path: selected, source: "python extension" };
  }
  const found = onPath ? onPath() : undefined;
  return found ? { path: found, source: "PATH" } : undefined;
}

const NO_INTERPRETER =
  "alembic-lint: no Python interpreter found to run the linter (it needs Python 3.10 or later). " +
  'Select one with "Python: Select Interpreter", set alembic-lint.interpreter, or put python3 on PATH.';

module.exports = { findOnPath, fromPythonExtension, chooseInterpreter, NO_INTERPRETER };
