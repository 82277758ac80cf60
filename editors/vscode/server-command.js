"use strict";
// How the extension starts the language server: pure, so it is tested without VS Code.

const path = require("node:path");

const LOG_LEVELS = new Set(["DEBUG", "INFO", "WARNING", "ERROR"]);
const STRATEGIES = new Set(["fromEnvironment", "useBundled"]);
/** The launcher in the .vsix that puts the bundled alembic-lint and its libraries on sys.path. */
const LAUNCHER = path.join(__dirname, "bundled", "tool", "alembic_lint_server.py");

function logLevel(settings) {
  const level = String(settings.logLevel || "").toUpperCase();
  return LOG_LEVELS.has(level) ? level : "WARNING";
}

/** `alembic-lint.importStrategy`, fromEnvironment unless it is a known value. */
function importStrategy(settings) {
  return STRATEGIES.has(settings.importStrategy) ? settings.importStrategy : "fromEnvironment";
}

/** `alembic-lint.path` as a command line (empty: not set). */
function explicitCommand(settings) {
  return Array.isArray(settings.path) ? settings.path.filter((part) => typeof part === "string" && part) : [];
}

/**
 * The command line for the language server.
 *
 * `alembic-lint.path` overrides everything; otherwise `interpreter` (see interpreter.js) runs the
 * bundled launcher, which imports the environment's alembic-lint or the bundled one by the import strategy.
 *
 * @param {{path?: string[], logLevel?: string, importStrategy?: string}} settings the `alembic-lint.*` settings
 * @param {string|undefined} interpreter the Python to run the launcher with
 * @param {NodeJS.ProcessEnv} [env] the extension host's environment
 * @returns {{command: string, args: string[], options?: {env: NodeJS.ProcessEnv}}|undefined} undefined: no way to start it
 */
function serverCommand(settings, interpreter, env = process.env) {
  const tail = ["--log-level", logLevel(settings)];
  const explicit = explicitCommand(settings);
  if (explicit.length > 0) {
    return { command: explicit[0], args: [...explicit.slice(1), "server", ...tail] };
  }
  if (!interpreter) {
    return undefined;
  }
  return {
    command: interpreter,
    args: [LAUNCHER, ...tail],
    options: { env: { ...env, ALEMBIC_LINT_IMPORT_STRATEGY: importStrategy(settings) } },
  };
}

/**
 * The rule settings the server reads (initializationOptions and workspace/configuration).
 *
 * @param {{select?: string[]|null, extendSelect?: string[], ignore?: string[]}} settings
 */
function ruleSettings(settings) {
  const list = (value) => (Array.isArray(value) ? value.filter((item) => typeof item === "string") : []);
  return {
    select: Array.isArray(settings.select) ? list(settings.select) : null,
    extendSelect: list(settings.extendSelect),
    ignore: list(settings.ignore),
  };
}

module.exports = { LAUNCHER, serverCommand, ruleSettings, importStrategy, explicitCommand };
