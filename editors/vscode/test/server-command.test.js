"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { serverCommand, ruleSettings } = require("../server-command");

test("alembic-lint from PATH by default", () => {
  assert.deepEqual(serverCommand({}), { command: "alembic-lint", args: ["server", "--log-level", "WARNING"] });
});

test("an explicit command line wins, with its own arguments kept first", () => {
  assert.deepEqual(serverCommand({ path: ["/venv/bin/alembic-lint", "--"], interpreter: "/usr/bin/python3" }), {
    command: "/venv/bin/alembic-lint",
    args: ["--", "server", "--log-level", "WARNING"],
  });
});

test("an interpreter runs the module", () => {
  assert.deepEqual(serverCommand({ path: [], interpreter: " /venv/bin/python ", logLevel: "debug" }), {
    command: "/venv/bin/python",
    args: ["-m", "alembic_lint", "server", "--log-level", "DEBUG"],
  });
});

test("an unknown log level falls back to WARNING", () => {
  assert.deepEqual(serverCommand({ logLevel: "LOUD" }).args, ["server", "--log-level", "WARNING"]);
});

test("rule settings keep null select (the project's) apart from an empty one", () => {
  assert.deepEqual(ruleSettings({ select: null, extendSelect: ["ALM1"], ignore: ["ALM005", 3] }), {
    select: null,
    extendSelect: ["ALM1"],
    ignore: ["ALM005"],
  });
  assert.deepEqual(ruleSettings({ select: [] }), { select: [], extendSelect: [], ignore: [] });
});
