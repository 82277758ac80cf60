"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { LAUNCHER, serverCommand, ruleSettings } = require("../server-command");

const ENV = { PATH: "/usr/bin" };

test("the interpreter runs the bundled launcher, fromEnvironment by default", () => {
  assert.ok(LAUNCHER.endsWith("/bundled/tool/alembic_lint_server.py"));
  assert.deepEqual(serverCommand({}, "/venv/bin/python", ENV), {
    command: "/venv/bin/python",
    args: [LAUNCHER, "--log-level", "WARNING"],
    options: { env: { PATH: "/usr/bin", ALEMBIC_LINT_IMPORT_STRATEGY: "fromEnvironment" } },
  });
});

test("useBundled reaches the launcher; an unknown strategy is fromEnvironment", () => {
  const bundled = serverCommand({ importStrategy: "useBundled", logLevel: "debug" }, "/usr/bin/python3", ENV);
  assert.deepEqual(bundled.args, [LAUNCHER, "--log-level", "DEBUG"]);
  assert.equal(bundled.options.env.ALEMBIC_LINT_IMPORT_STRATEGY, "useBundled");
  const unknown = serverCommand({ importStrategy: "fromPyPI" }, "/usr/bin/python3", ENV);
  assert.equal(unknown.options.env.ALEMBIC_LINT_IMPORT_STRATEGY, "fromEnvironment");
});

test("alembic-lint.path overrides the interpreter and strategy, its own arguments kept first", () => {
  assert.deepEqual(
    serverCommand({ path: ["/venv/bin/alembic-lint", "--", 3], importStrategy: "useBundled" }, "/usr/bin/python3", ENV),
    { command: "/venv/bin/alembic-lint", args: ["--", "server", "--log-level", "WARNING"] },
  );
});

test("no interpreter and no path: nothing to start", () => {
  assert.equal(serverCommand({ path: [] }, undefined, ENV), undefined);
});

test("an unknown log level falls back to WARNING", () => {
  assert.deepEqual(serverCommand({ logLevel: "LOUD" }, "python3", ENV).args, [LAUNCHER, "--log-level", "WARNING"]);
});

test("rule settings keep null select (the project's) apart from an empty one", () => {
  assert.deepEqual(ruleSettings({ select: null, extendSelect: ["ALM1"], ignore: ["ALM005", 3] }), {
    select: null,
    extendSelect: ["ALM1"],
    ignore: ["ALM005"],
  });
  assert.deepEqual(ruleSettings({ select: [] }), { select: [], extendSelect: [], ignore: [] });
});
