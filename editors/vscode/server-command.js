"use strict";
// How the extension starts `alembic-lint server`: pure, so it is tested without VS Code.

const LOG_LEVELS = new Set(["DEBUG", "INFO", "WARNING", "ERROR"]);

/**
 * The command line for the language server.
 *
 * @param {{path?: string[], interpreter?: string, logLevel?: string}} settings the `alembic-lint.*` settings
 * @returns {{command: string, args: string[]}}
 */
function serverCommand(settings) {
  const path = Array.isArray(settings.path) ? settings.path.filter((part) => typeof part === "string" && part) : [];
  const level = LOG_LEVELS.has(String(settings.logLevel || "").toUpperCase())
    ? String(settings.logLevel).toUpperCase()
    : "WARNING";
  const tail = ["server", "--log-level", level];
  if (path.length > 0) {
    return { command: path[0], args: [...path.slice(1), ...tail] };
  }
  if (typeof settings.interpreter === "string" && settings.interpreter.trim()) {
    return { command: settings.interpreter.trim(), args: ["-m", "alembic_lint", ...tail] };
  }
  return { command: "alembic-lint", args: tail };
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

module.exports = { serverCommand, ruleSettings };
